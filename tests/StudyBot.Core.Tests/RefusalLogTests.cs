using CsCheck;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Operations;

namespace StudyBot.Core.Tests;

public sealed class RefusalLogTests
{
    [Fact]
    public void A_flood_of_refusals_logs_the_first_then_one_line_for_the_rest_after_a_minute()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        var log = new RefusalLog(time);

        Assert.True(log.Admit("invalid signature", out var none));
        Assert.Null(none);
        for (var i = 0; i < 1_200; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
            Assert.False(log.Admit(i % 40 == 0 ? "stale timestamp" : "invalid signature", out _));
        }

        time.Advance(TimeSpan.FromSeconds(40));
        Assert.True(log.Admit("invalid signature", out var held));

        Assert.NotNull(held);
        Assert.Equal(1_200, held.Count);
        Assert.Equal("invalid signature: 1,170, stale timestamp: 30", held.Reasons);
        Assert.True(held.FirstUtc < held.LastUtc);
    }

    [Fact]
    public void Refusals_a_minute_apart_are_each_logged_with_nothing_held()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero));
        var log = new RefusalLog(time);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(log.Admit("replayed interaction id", out var held));
            Assert.Null(held);
            time.Advance(RefusalLog.Window);
        }
    }

    [Fact]
    public void Every_refusal_is_either_logged_or_counted_in_a_later_line_and_at_most_two_lines_a_minute()
    {
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 90_000]).Array[1, 400].Sample(steps =>
        {
            var start = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
            var time = new FakeTimeProvider(start);
            var log = new RefusalLog(time);
            string[] reasons = ["invalid signature", "stale timestamp", "replayed interaction id"];
            var accounted = 0;
            var lines = 0;
            foreach (var (reason, gapMs) in steps)
            {
                time.Advance(TimeSpan.FromMilliseconds(gapMs));
                if (log.Admit(reasons[reason], out var held))
                {
                    accounted += 1 + (held?.Count ?? 0);
                    lines += held is null ? 1 : 2;
                }
            }

            time.Advance(RefusalLog.Window);
            Assert.True(log.Admit("final", out var rest));
            accounted += rest?.Count ?? 0;

            Assert.Equal(steps.Length, accounted);
            var minutes = (time.GetUtcNow() - start).TotalMinutes;
            Assert.True(lines <= 2 * (Math.Floor(minutes) + 1), $"{lines} lines in {minutes:0.0} minutes");
        }, iter: 500);
    }
}
