using CsCheck;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

/// <summary>When the outbox retries and gives up, and the clocks it reads: pure rules, checked on many inputs.</summary>
public sealed class OutboxRetryTests
{
    private static readonly string[] Zones = ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"];

    [Fact]
    public void A_retry_waits_between_a_second_and_its_window_which_doubles_from_ten_seconds_up_to_fifteen_minutes()
    {
        Gen.Select(Gen.Int[0, 1000], Gen.Double[0, 1]).Sample((failures, random) =>
        {
            var delay = OutboxRetry.Backoff(failures, random);
            var window = TimeSpan.FromSeconds(Math.Min(900, 10 * Math.Pow(2, Math.Min(failures, 30))));
            return delay >= TimeSpan.FromSeconds(1) && delay <= window && OutboxRetry.Ceiling(failures) == window;
        });
    }

    [Fact]
    public void Retries_after_the_same_failure_are_spread_over_the_window_not_bunched()
    {
        var random = new Random(7);
        var delays = Enumerable.Range(0, 2000).Select(_ => OutboxRetry.Backoff(6, random.NextDouble()).TotalSeconds).ToList();

        Assert.True(delays.Distinct().Count() > 1000, "the delays bunch up");
        Assert.InRange(delays.Average(), 0.4 * 640, 0.6 * 640);
        Assert.True(delays.Min() < 60 && delays.Max() > 580, "the delays do not cover the window");
    }

    [Fact]
    public void After_a_rate_limit_the_retry_waits_at_least_the_platforms_Retry_After_and_at_most_a_tenth_more()
    {
        Gen.Select(Gen.Int[0, 3600 * 1000], Gen.Double[0, 1]).Sample((ms, random) =>
        {
            var retryAfter = TimeSpan.FromMilliseconds(ms);
            var wait = OutboxRetry.AfterRateLimit(retryAfter, random);
            var spread = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, retryAfter.Ticks / 10));
            return wait >= retryAfter && wait <= retryAfter + spread;
        });
    }

    [Fact]
    public void A_reminder_is_useful_until_the_next_Monday_at_midnight_in_the_members_zone()
    {
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Gen.Select(Gen.Int[0, 2 * 365 * 24 * 60], Gen.Int[0, Zones.Length - 1]).Sample((minutes, z) =>
        {
            var due = start.AddMinutes(minutes);
            var zone = Zones[z];
            var until = OutboxRetry.ReminderUsefulUntil(due, zone);
            var local = TimeZones.ToLocal(new DateTimeOffset(until, TimeSpan.Zero), zone);
            var dueWeek = TimeZones.WeekStart(TimeZones.LocalDate(new DateTimeOffset(due, TimeSpan.Zero), zone));
            return until > due
                && local.DayOfWeek == DayOfWeek.Monday && local.TimeOfDay == TimeSpan.Zero
                && DateOnly.FromDateTime(local) == dueWeek.AddDays(7);
        });
    }

    [Fact]
    public void The_outbox_clock_never_goes_back_when_the_wall_clock_does_and_follows_it_forward()
    {
        var time = new SteppingClock(new DateTimeOffset(2026, 11, 23, 19, 0, 0, TimeSpan.Zero));
        var clock = new ForwardClock(time);
        Assert.Equal(time.GetUtcNow(), clock.Now());

        time.Advance(TimeSpan.FromSeconds(10));
        time.Step(TimeSpan.FromHours(-1));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 19, 0, 10, TimeSpan.Zero), clock.Now());
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 19, 0, 15, TimeSpan.Zero), clock.Now());

        time.Step(TimeSpan.FromHours(3));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 21, 0, 15, TimeSpan.Zero), clock.Now());
    }

    [Fact]
    public async Task The_pacer_keeps_its_slots_on_the_monotonic_clock_when_the_wall_clock_steps_back()
    {
        var time = new SteppingClock(new DateTimeOffset(2026, 11, 23, 19, 0, 0, TimeSpan.Zero));
        var pacer = new Pacer(1, time);
        Assert.True(pacer.WaitAsync(TimeSpan.Zero, CancellationToken.None).IsCompletedSuccessfully); // lint: a pacer, not a task wait

        time.Step(TimeSpan.FromHours(-1));

        Assert.Equal(TimeSpan.FromSeconds(1), pacer.Wait);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, pacer.Wait);
        pacer.Hold(TimeSpan.FromSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), pacer.Wait);
        Assert.False(await pacer.WaitAsync(TimeSpan.FromSeconds(29), CancellationToken.None)); // lint: a pacer, not a task wait
    }

    /// <summary>Fake time whose wall clock can be stepped (as NTP or an operator does) while its timestamp only moves forward.</summary>
    private sealed class SteppingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private TimeSpan _offset;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

        // The base derives timestamps from GetUtcNow(): keep them on its own, unstepped time.
        public override long GetTimestamp() => base.GetUtcNow().Ticks;

        public void Step(TimeSpan by) => _offset += by;
    }
}
