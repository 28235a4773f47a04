using System.Diagnostics;
using System.Globalization;

namespace StudyBot.Testing;

/// <summary>
/// Every wait in the tests goes through here (one file, linked into each test project and the load drivers): it
/// is bounded, and when the bound passes it fails with a message naming what it waited for ("Timed out after
/// 30 s waiting for the answer to /progress done"), never a bare "The operation has timed out." nor a hang.
/// The bound is a hang guard, never a timing assertion.
/// </summary>
public static partial class Bounded
{
    /// <summary>Far above anything a passing test needs, even on two busy cores.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static async Task WaitAsync(Task task, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        try
        {
            await task.WaitAsync(limit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw TimedOut(limit, what);
        }
    }

    public static async Task<T> WaitAsync<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        await WaitAsync((Task)task, what, timeout);
        return await task;
    }

    /// <summary>A semaphore wait that gives up, naming what held it, instead of waiting for ever.</summary>
    public static async Task EnterAsync(SemaphoreSlim semaphore, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        if (!await semaphore.WaitAsync(limit))
        {
            throw TimedOut(limit, what);
        }
    }

    /// <summary>Polls a condition on the real clock until it holds.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                throw TimedOut(limit, what);
            }

            await Task.Delay(20);
        }
    }

    /// <summary>Polls an asynchronous condition (a database query, say) on the real clock until it holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        while (!await WaitAsync(condition(), what, limit))
        {
            if (clock.Elapsed > limit)
            {
                throw TimedOut(limit, what);
            }

            await Task.Delay(100);
        }
    }

    public static TimeoutException TimedOut(TimeSpan limit, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}"));
}
