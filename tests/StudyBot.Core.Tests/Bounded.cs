using System.Globalization;

namespace StudyBot.Core.Tests;

/// <summary>
/// Every wait on a task in these tests goes through here: it is bounded,
/// and when the bound passes it fails with a message naming what it waited for ("Timed out after 10 s waiting
/// for the answer to /progress done"), never a bare "The operation has timed out." nor a hang. The bound is a
/// hang guard, never a timing assertion.
/// </summary>
public static class Bounded
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

    public static TimeoutException TimedOut(TimeSpan limit, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}"));
}
