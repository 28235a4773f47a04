using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace StudyBot.Testing;

/// <summary>The integration tests' part of <see cref="Bounded"/>: waiting while fake time moves.</summary>
public static partial class Bounded
{
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
}
