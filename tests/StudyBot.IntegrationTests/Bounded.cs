using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Every wait in these tests goes through here: it is bounded, and when the bound passes it fails with a
/// message naming what it waited for ("Timed out after 30 s waiting for the answer to /progress done"), never
/// a bare "The operation has timed out." nor a hang. The bound is a hang guard, never a timing assertion.
/// </summary>
internal static class Bounded
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

    /// <summary>
    /// Moves fake time forward a step at a time, letting real work run between steps, until the condition holds.
    /// Fails after <paramref name="maxFakeTime"/> of fake time or the real-time bound, whichever comes first.
    /// </summary>
    public static async Task PumpAsync(FakeTimeProvider time, Func<bool> condition, TimeSpan step, TimeSpan maxFakeTime, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Default;
        var clock = Stopwatch.StartNew();
        var advanced = TimeSpan.Zero;
        while (!condition())
        {
            if (advanced >= maxFakeTime)
            {
                throw new TimeoutException($"Gave up after {maxFakeTime} of fake time waiting for {what}");
            }

            if (clock.Elapsed > limit)
            {
                throw TimedOut(limit, what);
            }

            time.Advance(step);
            advanced += step;
            await Task.Delay(20);
        }
    }

    public static TimeoutException TimedOut(TimeSpan limit, string what) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}"));
}
