using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Slack.Api;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// Pacing, de-duplication and caches measure time on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>),
/// so a wall clock that is corrected (stepped back by NTP, a VM restored from a snapshot) neither parks Slack calls
/// nor lets a repeat through.
/// </summary>
public sealed class ClockTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly CommunityRef Workspace = new(Platforms.Slack, FakeSlack.TeamId, FakeSlack.TeamDomain);

    [Fact]
    public async Task The_stepping_clock_moves_only_its_wall_clock_and_its_timers_keep_monotonic_time()
    {
        var clock = new SteppingClock(Start);
        var before = clock.GetTimestamp();

        clock.StepWallClock(TimeSpan.FromHours(-1));
        var delay = Task.Delay(TimeSpan.FromSeconds(1), clock);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        await Task.Yield();
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(delay, "the delay to end", TimeSpan.FromSeconds(10));

        Assert.Equal(Start - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1), clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(1), clock.GetElapsedTime(before));
    }

    [Fact]
    public void A_wall_clock_stepped_back_an_hour_does_not_hold_up_the_next_call_of_a_method()
    {
        var clock = new SteppingClock(Start);
        var limiter = new SlackRateLimiter(clock, Options.Create(new SlackOptions()));
        for (var i = 0; i < 5; i++)
        {
            limiter.Reserve("apps.connections.open", null);
            limiter.Reserve(SlackRateLimiter.PostMessage, "C1");
        }

        clock.StepWallClock(TimeSpan.FromHours(-1));
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(TimeSpan.Zero, limiter.Reserve("apps.connections.open", null));
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(SlackRateLimiter.PostMessage, "C1"));
    }

    [Fact]
    public void A_pause_after_a_429_lasts_Retry_After_whatever_the_wall_clock_does()
    {
        var clock = new SteppingClock(Start);
        var limiter = new SlackRateLimiter(clock, Options.Create(new SlackOptions()));
        limiter.Pause(SlackRateLimiter.PostMessage, TimeSpan.FromSeconds(30));

        clock.StepWallClock(TimeSpan.FromHours(-1));
        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(20), limiter.PausedFor(SlackRateLimiter.PostMessage));

        clock.StepWallClock(TimeSpan.FromHours(2));
        Assert.Equal(TimeSpan.FromSeconds(20), limiter.PausedFor(SlackRateLimiter.PostMessage));
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Null(limiter.PausedFor(SlackRateLimiter.PostMessage));
    }

    [Fact]
    public void A_delivery_seen_a_minute_ago_is_still_a_repeat_after_the_wall_clock_jumps_ahead_an_hour()
    {
        var clock = new SteppingClock(Start);
        var seen = new RecentKeys(clock, RecentKeys.DefaultTtl);
        Assert.True(seen.TryMark("envelope:e1"));

        clock.Advance(TimeSpan.FromMinutes(1));
        clock.StepWallClock(TimeSpan.FromHours(1));

        Assert.False(seen.TryMark("envelope:e1"));
        Assert.True(seen.Contains("envelope:e1"));
        clock.Advance(RecentKeys.DefaultTtl);
        Assert.True(seen.TryMark("envelope:e1"));
    }

    [Fact]
    public async Task After_the_wall_clock_is_stepped_back_an_hour_a_DM_and_a_reconnect_go_out_within_seconds()
    {
        var clock = new SteppingClock(Start);
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Time = clock });
        var sockets = await h.WaitForSocketsAsync(2);
        var notifier = h.Get<INotifier>();
        var ada = new MemberRef(Workspace, Envelopes.Ada, "ada");
        Assert.Equal(DeliveryStatus.Sent, (await notifier.SendDirectAsync(ada, Reply.Info("Before the step"), CancellationToken.None)).Status);

        clock.StepWallClock(TimeSpan.FromHours(-1));
        var dm = notifier.SendDirectAsync(ada, Reply.Info("After the step"), CancellationToken.None);
        sockets[0].Drop();
        await h.AdvanceUntilAsync(
            () => dm.IsCompleted && h.Slack.OpenSockets.Count(s => s.HelloSent) == 2,
            TimeSpan.FromMilliseconds(250),
            TimeSpan.FromMinutes(1),
            "the DM and the replacement socket after the wall clock stepped back");

        Assert.Equal(DeliveryStatus.Sent, (await dm).Status);
        Assert.Equal(["Before the step", "After the step"], h.Slack.MessagesIn(FakeSlack.DmChannelFor(Envelopes.Ada)).Select(m => m.Text));
    }

    [Fact]
    public async Task A_member_s_cached_Slack_profile_is_refreshed_after_an_hour_even_when_the_wall_clock_was_set_back()
    {
        var clock = new SteppingClock(Start);
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Time = clock, Mode = SlackMode.Http });
        var users = h.Get<SlackUserDirectory>();
        Assert.Equal("Europe/Berlin", (await users.GetAsync(Envelopes.Ada, CancellationToken.None))!.TimeZone);

        // Ada moves; an hour passes, but the wall clock was set back by as much.
        h.Slack.AddUser(new FakeUser(Envelopes.Ada, "ada", "America/Los_Angeles"));
        clock.StepWallClock(TimeSpan.FromHours(-1));
        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        Assert.Equal("America/Los_Angeles", (await users.GetAsync(Envelopes.Ada, CancellationToken.None))!.TimeZone);
        Assert.Equal(2, h.Slack.CallCount("users.info"));
    }
}
