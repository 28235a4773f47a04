using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Tests;

/// <summary>
/// The outbox dispatcher against in-memory stores and scripted notifiers, on fake time: what it marks sent, retried
/// (by jittered backoff, or after a platform's Retry-After) or given up and why, how each platform drains on its own at
/// its own pace within the run's budget, what a channel problem turns into, and what its log lines say.
/// </summary>
public sealed class OutboxDispatcherTests
{
    /// <summary>Monday 2 March 2026, 09:00 UTC.</summary>
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private const string MemberText = "Time to study Graph Theory";
    private const string MemberName = "Ada Lovelace";

    private readonly PacedTime _time = new(Now);
    private readonly FakeOutbox _outbox = new();
    private readonly FakeChannels _channels = new();
    private readonly ScriptedNotifier _notifier;
    private readonly ListLogger _logs = new();

    public OutboxDispatcherTests()
    {
        _notifier = new ScriptedNotifier(Platforms.Discord, _time);
    }

    private OutboxDispatcher Dispatcher(IReadOnlyList<INotifier>? notifiers = null, double discordRate = double.PositiveInfinity, double slackRate = double.PositiveInfinity, Telemetry.StudyBotMetrics? metrics = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<IOutboxStore>(_outbox)
            .AddSingleton<IChannelProblemStore>(_channels)
            .BuildServiceProvider();
        var rates = new DeliveryRates { PerSecond = { [Platforms.Discord] = discordRate, [Platforms.Slack] = slackRate } };
        return new OutboxDispatcher(services.GetRequiredService<IServiceScopeFactory>(), notifiers ?? [_notifier], rates, _time, _logs, metrics);
    }

    private static OutboxMessage Message(string kind = OutboxKinds.Reminder, OutboxTarget target = OutboxTarget.DirectMessage, string platform = Platforms.Discord, string recipient = "ada", DateTime? due = null) =>
        new($"{kind}:{recipient}:1", kind, target, platform, "guild-1", "Study Hall", recipient, MemberName, Reply.Info(MemberText), due ?? Now.UtcDateTime);

    /// <summary>Rows <paramref name="from"/> to <paramref name="to"/>, each a reminder to its own member (m1, m2, ...).</summary>
    private static IEnumerable<OutboxEnvelope> Rows(int from, int to, string platform = Platforms.Discord, int failures = 0) =>
        Enumerable.Range(from, to - from + 1).Select(i => new OutboxEnvelope(i, Message(platform: platform, recipient: $"m{i}"), failures));

    /// <summary>A drain's result; the fakes answer at once, so a drain still running after 15 s is waiting on the clock for good.</summary>
    private static Task<int> FinishAsync(Task<int> drain, string what = "the drain to finish") =>
        Bounded.WaitAsync(drain, what, TimeSpan.FromSeconds(15));

    private Task<int> DrainAsync(params OutboxEnvelope[] rows)
    {
        _outbox.Add(rows);
        return FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    /// <summary>Runs a paced drain to its end, moving the clock to each pacer slot as soon as the drain parks on it.</summary>
    private async Task<int> PumpAsync(Task<int> drain, string what)
    {
        var seen = 0;
        while (!drain.IsCompleted)
        {
            await Bounded.UntilAsync(() => drain.IsCompleted || _time.Armed.Count > seen, what);
            if (_time.Armed.Count > seen)
            {
                _time.Advance(_time.Armed[seen++]);
            }
        }

        return await drain;
    }

    private static TimeSpan Window(int seconds) => TimeSpan.FromSeconds(seconds);

    // ---- metrics (issue 15) ------------------------------------------------------------------------------------------

    [Fact]
    public async Task Each_message_handled_is_counted_by_platform_kind_and_result_and_a_delivered_reminder_records_its_lag()
    {
        using var metrics = new Telemetry.StudyBotMetrics();
        using var recorded = new MetricsRecorder(metrics.Meter);
        _notifier.Script = key => key.StartsWith("leaderboard", StringComparison.Ordinal) ? DeliveryResult.TransientFailure("503")
            : key.StartsWith("celebration", StringComparison.Ordinal) ? DeliveryResult.TransientFailure("429", TimeSpan.FromSeconds(5))
            : DeliveryResult.Ok;
        _outbox.Add(
        [
            new OutboxEnvelope(1, Message(due: Now.UtcDateTime.AddSeconds(-90)), 0),
            new OutboxEnvelope(2, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-1"), 0),
            new OutboxEnvelope(3, Message(OutboxKinds.Celebration, OutboxTarget.Channel, recipient: "chan-2"), 0),
        ]);

        await FinishAsync(Dispatcher(metrics: metrics).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(
            [
                (1.0, "kind=reminder,platform=discord,result=sent"),
                (1.0, "kind=leaderboard,platform=discord,result=retried"),
                (1.0, "kind=celebration,platform=discord,result=rate_limited"),
            ],
            recorded.Of("studybot.outbox.messages"));
        Assert.Equal([(90.0, "platform=discord")], recorded.Of("studybot.reminder.lag"));
        Assert.DoesNotContain(recorded.Measurements.SelectMany(m => m.Tags.Values), v => v is "ada" or "guild-1" or "chan-1" or MemberName);
    }

    // ---- sent ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Sent_messages_are_marked_sent_with_their_key_and_a_channel_that_works_has_its_problems_cleared()
    {
        var delivered = await DrainAsync(
            new OutboxEnvelope(1, Message(), 0),
            new OutboxEnvelope(2, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-1"), 0));

        Assert.Equal(2, delivered);
        Assert.Equal([(1L, Now.UtcDateTime), (2L, Now.UtcDateTime)], _outbox.Sent);
        Assert.Equal(["dm ada reminder:ada:1", "post chan-1 leaderboard:chan-1:1"], _notifier.Calls);
        Assert.Equal(["guild-1/chan-1"], _channels.Cleared);
        Assert.Empty(_outbox.Retries);
        Assert.Empty(_outbox.Failures);
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public async Task Draining_frees_old_claims_once_then_claims_due_rows_in_batches_until_none_are_left()
    {
        _outbox.Add(Rows(1, 150));
        var dispatcher = Dispatcher();

        Assert.Equal(150, await FinishAsync(dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None)));
        Assert.Equal(0, await FinishAsync(dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None)));

        Assert.Equal(1, _outbox.ReleasedAll);
        Assert.Equal([100, 50, 0, 0], _outbox.Claims.Select(c => c.Count));
        Assert.Equal(0, _outbox.ReleaseCalls);
        Assert.All(_outbox.Claims, c => Assert.Equal((Platforms.Discord, Now.UtcDateTime, 100, OutboxDispatcher.Lease), (c.Platform, c.NowUtc, c.Limit, c.Lease)));
        Assert.Empty(_outbox.Released);
    }

    [Fact]
    public async Task Freeing_old_claims_that_fails_is_logged_and_tried_again_on_the_next_run_which_still_sends()
    {
        _outbox.ReleaseAllFailures = 1;
        _outbox.Add(Rows(1, 2));
        var dispatcher = Dispatcher();

        Assert.Equal(2, await FinishAsync(dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None)));
        Assert.Equal(["Error: Job outbox: freeing claims left by an earlier process failed; the next run tries again"], _logs.Lines);
        await FinishAsync(dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
        await FinishAsync(dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(2, _outbox.ReleaseAllCalls);
        Assert.Equal(1, _outbox.ReleasedAll);
    }

    [Fact]
    public async Task The_notifier_registered_last_for_a_platform_is_the_one_used()
    {
        var replaced = new ScriptedNotifier(Platforms.Discord, _time);
        _outbox.Add([new OutboxEnvelope(1, Message(), 0)]);

        await FinishAsync(Dispatcher([replaced, _notifier]).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Single(_notifier.Calls);
        Assert.Empty(replaced.Calls);
    }

    [Fact]
    public async Task Messages_for_a_platform_without_a_running_adapter_are_not_claimed_and_wait_untouched()
    {
        _outbox.Add([new OutboxEnvelope(1, Message(platform: Platforms.Slack), 0), new OutboxEnvelope(2, Message(recipient: "grace"), 0)]);

        var delivered = await FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(1, delivered);
        Assert.All(_outbox.Claims, c => Assert.Equal(Platforms.Discord, c.Platform));
        Assert.Equal([1L], _outbox.Waiting.Select(e => e.Id));
        Assert.DoesNotContain(_outbox.Retries, r => r.Id == 1);
        Assert.DoesNotContain(_outbox.Failures, f => f.Id == 1);
    }

    // ---- retries ---------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 20)]
    [InlineData(3, 80)]
    [InlineData(6, 640)]
    [InlineData(7, 900)]
    [InlineData(1000, 900)]
    public async Task A_transient_failure_is_retried_at_a_jittered_delay_within_a_window_that_doubles_up_to_fifteen_minutes(int failures, int windowSeconds)
    {
        // Every other row fails, so the platform never looks down and all twenty failures are retried in one run.
        _notifier.Script = key => int.Parse(key.Split(':')[1][1..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1
            ? DeliveryResult.TransientFailure("503")
            : DeliveryResult.Ok;

        _outbox.Add(Rows(1, 40, failures: failures));
        var delivered = await FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(20, delivered);
        Assert.Equal(20, _outbox.Retries.Count);
        var window = Window(windowSeconds);
        var waits = _outbox.Retries.Select(r => r.At - Now.UtcDateTime).ToList();
        Assert.All(_outbox.Retries, r => Assert.Equal(("503", true), (r.Reason, r.CountsAsFailure)));
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromSeconds(1), window));
        Assert.True(waits.Distinct().Count() >= 5, $"the retries are not spread: {string.Join(", ", waits)}");
        Assert.True(waits.Max() > window / 2, $"the retries do not reach into the upper half of the window: {string.Join(", ", waits)}");
        Assert.Equal(
            _outbox.Retries.Select(r => $"Information: Job outbox: outbox row {r.Id} (reminder) failed (503); retrying in {r.At - Now.UtcDateTime}"),
            _logs.Lines);
        Assert.Empty(_outbox.Failures);
    }

    [Fact]
    public async Task A_transient_failure_without_a_reason_is_retried_as_a_transient_failure()
    {
        _notifier.Script = _ => new DeliveryResult(DeliveryStatus.Transient);

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        var retry = Assert.Single(_outbox.Retries);
        Assert.Equal(("transient failure", true), (retry.Reason, retry.CountsAsFailure));
    }

    [Fact]
    public async Task A_rate_limited_message_is_retried_after_the_platforms_Retry_After_and_at_most_a_tenth_more_without_counting_as_a_failure()
    {
        _notifier.Script = _ => DeliveryResult.TransientFailure("429", TimeSpan.FromSeconds(42));

        // Even after a thousand failures a rate limit gives nothing up: only age does.
        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(), 1000));

        Assert.Equal(0, delivered);
        var retry = Assert.Single(_outbox.Retries);
        Assert.Equal((1L, "429", false), (retry.Id, retry.Reason, retry.CountsAsFailure));
        Assert.InRange(retry.At - Now.UtcDateTime, TimeSpan.FromSeconds(42), TimeSpan.FromSeconds(46.2));
        Assert.Equal([$"Information: Job outbox: outbox row 1 (reminder) failed (429); retrying in {retry.At - Now.UtcDateTime}"], _logs.Lines);
        Assert.Empty(_outbox.Failures);
    }

    [Fact]
    public async Task A_rate_limit_without_a_reason_is_retried_as_rate_limited()
    {
        _notifier.Script = _ => new DeliveryResult(DeliveryStatus.Transient, RetryAfter: TimeSpan.FromSeconds(1));

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        var retry = Assert.Single(_outbox.Retries);
        Assert.Equal(("rate limited", false), (retry.Reason, retry.CountsAsFailure));
    }

    [Fact]
    public async Task A_rate_limit_holds_the_whole_platform_back_for_its_Retry_After()
    {
        _notifier.Script = key => key.Contains("m1:", StringComparison.Ordinal) ? DeliveryResult.TransientFailure("429", TimeSpan.FromSeconds(30)) : DeliveryResult.Ok;
        _outbox.Add(Rows(1, 2));

        var drain = Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        await _time.ArmedAsync(1, "the second message to wait for the platform's Retry-After");
        Assert.Equal(TimeSpan.FromSeconds(30), _time.Armed[0]);
        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Single(_notifier.Calls);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await FinishAsync(drain, "the second message once the Retry-After passed"));
        Assert.Equal([Now.UtcDateTime.AddSeconds(30)], _notifier.Sends.Skip(1).Select(s => s.At.UtcDateTime));
    }

    [Fact]
    public async Task A_notifier_that_throws_is_a_transient_failure_named_after_the_exception()
    {
        _notifier.Throw = new HttpRequestException("boom");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        Assert.Equal(0, delivered);
        var retry = Assert.Single(_outbox.Retries);
        Assert.Equal((1L, nameof(HttpRequestException), true), (retry.Id, retry.Reason, retry.CountsAsFailure));
        Assert.InRange(retry.At - Now.UtcDateTime, TimeSpan.FromSeconds(1), Window(10));
        Assert.Equal("Warning: Job outbox: sending outbox row 1 (reminder) threw; it will be retried", _logs.Lines[0]);
    }

    [Fact]
    public async Task A_send_that_times_out_on_its_own_is_retried_not_taken_for_a_stop()
    {
        _notifier.Throw = new TaskCanceledException("the HTTP request timed out");

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        var retry = Assert.Single(_outbox.Retries);
        Assert.Equal((1L, nameof(TaskCanceledException), true), (retry.Id, retry.Reason, retry.CountsAsFailure));
        Assert.InRange(retry.At - Now.UtcDateTime, TimeSpan.FromSeconds(1), Window(10));
    }

    [Fact]
    public async Task A_send_that_fails_while_stopping_is_still_recorded_for_a_retry()
    {
        using var stopping = new CancellationTokenSource();
        _notifier.OnSend = stopping.Cancel;
        _notifier.Throw = new HttpRequestException("connection reset");
        _outbox.Add([new OutboxEnvelope(1, Message(), 0)]);

        await FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), stopping.Token));

        var retry = Assert.Single(_outbox.Retries);
        Assert.Equal((1L, nameof(HttpRequestException)), (retry.Id, retry.Reason));
    }

    [Fact]
    public async Task A_send_cancelled_because_the_host_is_stopping_ends_the_drain()
    {
        using var stopping = new CancellationTokenSource();
        _notifier.OnSend = stopping.Cancel;
        _notifier.Throw = new OperationCanceledException(stopping.Token);
        _outbox.Add([new OutboxEnvelope(1, Message(), 0)]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), stopping.Token)));
        Assert.Empty(_outbox.Retries);
        Assert.Empty(_outbox.Failures);
    }

    // ---- giving up -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(OutboxKinds.Celebration)]
    [InlineData(OutboxKinds.Leaderboard)]
    [InlineData(OutboxKinds.ChannelProblem)]
    public async Task A_message_that_still_fails_three_days_after_it_was_due_is_given_up_as_too_old_and_nothing_is_delivered(string kind)
    {
        _notifier.Script = _ => DeliveryResult.TransientFailure("503");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(kind, due: Now.UtcDateTime - OutboxRetry.MaxAge), 0));

        Assert.Equal(0, delivered);
        Assert.Empty(_outbox.Retries);
        Assert.Equal([(1L, Now.UtcDateTime, UndeliveredReason.TooOld, "kept failing for 3 days: 503")], _outbox.Failures);
        Assert.Empty(_outbox.DmClosed);
        Assert.Equal([$"Warning: Job outbox: gave up on outbox row 1 ({kind}) after trying for days: 503"], _logs.Lines);
    }

    [Fact]
    public async Task A_message_just_under_three_days_old_is_still_retried_however_often_it_failed()
    {
        _notifier.Script = _ => DeliveryResult.TransientFailure("503");

        await DrainAsync(new OutboxEnvelope(1, Message(OutboxKinds.Celebration, due: Now.UtcDateTime - OutboxRetry.MaxAge + TimeSpan.FromSeconds(1)), 500));

        Assert.Equal(1L, Assert.Single(_outbox.Retries).Id);
        Assert.Empty(_outbox.Failures);
    }

    [Fact]
    public async Task A_message_older_than_three_days_is_still_sent_when_the_platform_takes_it()
    {
        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(OutboxKinds.Celebration, due: Now.UtcDateTime.AddDays(-5)), 40));

        Assert.Equal(1, delivered);
        Assert.Equal([(1L, Now.UtcDateTime)], _outbox.Sent);
    }

    [Theory]
    [InlineData(OutboxKinds.Reminder)]
    [InlineData(OutboxKinds.FreshStart)]
    public async Task A_reminder_failing_late_in_its_week_is_retried_not_given_up_by_age(string kind)
    {
        // Due Monday 00:30, failing on Sunday evening: six days on, but its week (to Monday 00:00 UTC) is not over.
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 8, 20, 0, 0, TimeSpan.Zero));
        _notifier.Script = _ => DeliveryResult.TransientFailure("503");

        await DrainAsync(new OutboxEnvelope(1, Message(kind, due: new DateTime(2026, 3, 2, 0, 30, 0, DateTimeKind.Utc)), 0) { MemberTimeZone = "UTC" });

        Assert.Equal(1L, Assert.Single(_outbox.Retries).Id);
        Assert.Empty(_outbox.Failures);
    }

    [Theory]
    [InlineData(OutboxKinds.Reminder, true)]
    [InlineData(OutboxKinds.FreshStart, true)]
    [InlineData(OutboxKinds.Celebration, false)]
    public async Task A_permanently_refused_DM_is_given_up_as_refused_and_only_a_reminder_marks_the_members_DMs_closed(string kind, bool closed)
    {
        _notifier.Script = _ => DeliveryResult.PermanentFailure("dms closed");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(kind), 0));

        Assert.Equal(0, delivered);
        Assert.Equal([$"Information: Job outbox: outbox row 1 ({kind}) cannot be delivered: dms closed"], _logs.Lines);
        Assert.Equal([(1L, Now.UtcDateTime, UndeliveredReason.Refused, "dms closed")], _outbox.Failures);
        Assert.Equal(closed ? ["discord/guild-1/ada"] : [], _outbox.DmClosed);
        Assert.Empty(_outbox.Retries);
        Assert.Empty(_channels.Reports);
    }

    [Fact]
    public async Task A_permanent_failure_without_a_reason_or_a_channel_problem_fails_plainly()
    {
        _notifier.Script = _ => new DeliveryResult(DeliveryStatus.Permanent);

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-1"), 0));

        Assert.Equal(0, delivered);
        Assert.Equal([(1L, Now.UtcDateTime, UndeliveredReason.Refused, "permanent failure")], _outbox.Failures);
        Assert.Empty(_outbox.DmClosed);
        Assert.Empty(_channels.Reports);
        Assert.Empty(_channels.Cleared);
    }

    // ---- reminders no longer useful --------------------------------------------------------------------------------

    [Theory]
    [InlineData(OutboxKinds.Reminder)]
    [InlineData(OutboxKinds.FreshStart)]
    public async Task A_reminder_a_later_one_replaced_is_dropped_unsent_with_its_reason(string kind)
    {
        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(kind), 0) { Superseded = true, MemberTimeZone = "UTC" });

        Assert.Equal(0, delivered);
        Assert.Empty(_notifier.Calls);
        Assert.Equal([(1L, Now.UtcDateTime, UndeliveredReason.Superseded, "a later reminder for the member replaced it")], _outbox.Failures);
        Assert.Equal([$"Information: Job outbox: dropped outbox row 1 ({kind}): Superseded"], _logs.Lines);
    }

    [Fact]
    public async Task Only_reminders_are_dropped_as_replaced()
    {
        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(OutboxKinds.Celebration), 0) { Superseded = true });

        Assert.Equal(1, delivered);
        Assert.Empty(_outbox.Failures);
    }

    [Theory]
    [InlineData("UTC", false)]
    [InlineData(null, false)]
    [InlineData("America/Los_Angeles", true)]
    public async Task A_reminder_is_dropped_once_its_week_has_passed_in_the_members_time_zone(string? zone, bool dropped)
    {
        // Due Monday 03:00 UTC, drained at 09:00 UTC: still this week in UTC, but Sunday 19:00 of last week in Los Angeles,
        // whose week ended at 08:00 UTC.
        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(due: new DateTime(2026, 3, 2, 3, 0, 0, DateTimeKind.Utc)), 0) { MemberTimeZone = zone });

        Assert.Equal(dropped ? 0 : 1, delivered);
        Assert.Equal(dropped ? [] : ["dm ada reminder:ada:1"], _notifier.Calls);
        Assert.Equal(dropped ? [(1L, Now.UtcDateTime, UndeliveredReason.WeekPassed, "its week had passed")] : [], _outbox.Failures);
        Assert.Equal(dropped ? ["Information: Job outbox: dropped outbox row 1 (reminder): WeekPassed"] : [], _logs.Lines);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    public async Task A_reminder_is_dropped_from_the_first_moment_of_the_next_week(int ticks, bool dropped)
    {
        var monday = new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero);
        _time.SetUtcNow(monday + TimeSpan.FromTicks(ticks));

        await DrainAsync(new OutboxEnvelope(1, Message(due: new DateTime(2026, 3, 8, 19, 0, 0, DateTimeKind.Utc)), 0) { MemberTimeZone = "UTC" });

        Assert.Equal(dropped ? 0 : 1, _notifier.Calls.Count);
        Assert.Equal(dropped ? [UndeliveredReason.WeekPassed] : [], _outbox.Failures.Select(f => f.Reason));
    }

    [Fact]
    public async Task Dropped_reminders_take_no_pacing_slot_from_the_messages_that_still_go()
    {
        _outbox.Add(
        [
            new OutboxEnvelope(1, Message(recipient: "m1"), 0) { Superseded = true },
            new OutboxEnvelope(2, Message(recipient: "m2", due: Now.UtcDateTime.AddDays(-8)), 0) { MemberTimeZone = "UTC" },
            new OutboxEnvelope(3, Message(recipient: "m3"), 0),
        ]);

        // One message a second: had a dropped reminder taken a slot, the last message would wait on the clock, which stands still.
        var delivered = await FinishAsync(Dispatcher(discordRate: 1).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None), "the drain to send its one message without waiting");

        Assert.Equal(1, delivered);
        Assert.Equal(["dm m3 reminder:m3:1"], _notifier.Calls);
        Assert.Empty(_time.Armed);
    }

    // ---- rows that cannot be handled -------------------------------------------------------------------------------

    [Fact]
    public async Task An_unreadable_row_is_set_aside_with_its_reason_and_the_rest_go_on()
    {
        var delivered = await DrainAsync(
            new OutboxEnvelope(1, Message(OutboxKinds.Celebration) with { Message = Reply.Info("") }, 0) { Unreadable = true },
            new OutboxEnvelope(2, Message(recipient: "grace"), 0));

        Assert.Equal(1, delivered);
        Assert.Equal(["dm grace reminder:grace:1"], _notifier.Calls);
        Assert.Equal([(1L, Now.UtcDateTime, UndeliveredReason.Unreadable, "the stored message could not be read")], _outbox.Failures);
        Assert.Equal(["Error: Job outbox: outbox row 1 (celebration) cannot be read; it is set aside, the rest go on"], _logs.Lines);
    }

    [Fact]
    public async Task A_row_the_store_fails_on_is_logged_and_left_for_a_retry_while_the_rest_go_on()
    {
        _outbox.FailMarkingSent = 1;

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(recipient: "m1"), 0), new OutboxEnvelope(2, Message(recipient: "m2"), 0));

        Assert.Equal(1, delivered);
        Assert.Equal([(2L, Now.UtcDateTime)], _outbox.Sent);
        Assert.Equal(["Error: Job outbox: outbox row 1 (reminder) failed; it will be tried again, the rest go on"], _logs.Lines);
    }

    // ---- channel problems ------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_channel_that_cannot_be_used_tells_the_admin_and_sends_the_celebration_to_its_member_instead()
    {
        _notifier.Script = _ => DeliveryResult.ChannelUnusable(ChannelProblem.NotMember, "not_in_channel");
        _channels.Contact = new ChannelContact("admin-1", "Grace");
        var celebration = Message(OutboxKinds.Celebration, OutboxTarget.Channel, recipient: "chan-1");

        var delivered = await DrainAsync(new OutboxEnvelope(7, celebration, 0) { Member = new ChannelContact("ada", MemberName) });

        Assert.Equal(0, delivered);
        Assert.Equal(
            ["Warning: Community guild-1: StudyBot cannot post in channel chan-1 (NotMember); the admin who chose it is told once: True",
             "Information: Job outbox: outbox row 7 (celebration) cannot be delivered: not_in_channel"],
            _logs.Lines);
        Assert.Equal([(7L, Now.UtcDateTime, UndeliveredReason.ChannelProblem, "not_in_channel")], _outbox.Failures);
        Assert.Empty(_outbox.DmClosed);
        Assert.Empty(_channels.Cleared);
        var report = Assert.Single(_channels.Reports);
        Assert.Equal(new ChannelProblemRecord("chan-1", ChannelProblem.NotMember, Now.UtcDateTime), report.Problem);
        Assert.Equal("ada", report.ReplacementMemberId);

        var notice = report.Notice!;
        Assert.Equal($"channel-problem:discord:guild-1:chan-1:NotMember:{Now:yyyyMMddHHmmssfff}", notice.Key);
        Assert.Equal((OutboxKinds.ChannelProblem, OutboxTarget.DirectMessage, "admin-1", "Grace", Now.UtcDateTime), (notice.Kind, notice.Target, notice.RecipientId, notice.RecipientName, notice.DueAtUtc));
        Assert.Equal((Platforms.Discord, "guild-1", "Study Hall"), (notice.Platform, notice.CommunityExternalId, notice.CommunityName));
        Assert.Equal(ChannelTexts.Notice(Platforms.Discord, "chan-1", ChannelTexts.Setting(OutboxKinds.Celebration), ChannelProblem.NotMember).Text, notice.Message.Text);

        var dm = report.Replacement!;
        Assert.Equal(celebration.Key + ":dm", dm.Key);
        Assert.Equal((OutboxKinds.Celebration, OutboxTarget.DirectMessage, "ada", MemberName, Visibility.Private, Now.UtcDateTime), (dm.Kind, dm.Target, dm.RecipientId, dm.RecipientName, dm.Message.Visibility, dm.DueAtUtc));
        Assert.Equal(celebration.Message.Text, dm.Message.Text);
    }

    [Fact]
    public async Task A_channel_problem_with_nobody_to_tell_and_no_member_is_still_recorded_and_the_row_given_up()
    {
        _notifier.Script = _ => DeliveryResult.ChannelUnusable(ChannelProblem.Archived, "is_archived");

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 2));

        var report = Assert.Single(_channels.Reports);
        Assert.Contains(_logs.Lines, l => l.EndsWith("told once: False", StringComparison.Ordinal));
        Assert.Null(report.Notice);
        Assert.Null(report.Replacement);
        Assert.Null(report.ReplacementMemberId);
        Assert.Equal([(3L, Now.UtcDateTime, UndeliveredReason.ChannelProblem, "is_archived")], _outbox.Failures);
    }

    [Fact]
    public async Task A_leaderboard_post_to_an_unusable_channel_is_not_sent_to_a_member_instead()
    {
        _notifier.Script = _ => DeliveryResult.ChannelUnusable(ChannelProblem.Archived, "is_archived");
        _channels.Contact = new ChannelContact("admin-1", "Grace");

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 0) { Member = new ChannelContact("ada", MemberName) });

        var report = Assert.Single(_channels.Reports);
        Assert.NotNull(report.Notice);
        Assert.Null(report.Replacement);
    }

    [Fact]
    public async Task A_channel_problem_already_reported_is_not_logged_again()
    {
        _notifier.Script = _ => DeliveryResult.ChannelUnusable(ChannelProblem.Archived, "is_archived");
        _channels.New = false;

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 0));

        Assert.Single(_channels.Reports);
        Assert.Equal(["Information: Job outbox: outbox row 3 (leaderboard) cannot be delivered: is_archived"], _logs.Lines);
    }

    [Fact]
    public async Task A_channel_problem_without_a_reason_is_given_up_with_the_problems_name()
    {
        _notifier.Script = _ => new DeliveryResult(DeliveryStatus.Permanent) { ChannelProblem = ChannelProblem.NotFound };

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 0));

        var failure = Assert.Single(_outbox.Failures);
        Assert.Equal((UndeliveredReason.ChannelProblem, "NotFound"), (failure.Reason, failure.Detail));
    }

    [Fact]
    public async Task A_channel_problem_on_a_DM_is_an_ordinary_permanent_failure()
    {
        _notifier.Script = _ => DeliveryResult.ChannelUnusable(ChannelProblem.NotFound, "channel_not_found");

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        Assert.Empty(_channels.Reports);
        Assert.Equal(UndeliveredReason.Refused, Assert.Single(_outbox.Failures).Reason);
        Assert.Equal(["discord/guild-1/ada"], _outbox.DmClosed);
    }

    // ---- pacing and budget -----------------------------------------------------------------------------------------

    [Fact]
    public async Task Sends_to_one_platform_wait_for_its_pace_on_the_injected_clock()
    {
        _outbox.Add([new OutboxEnvelope(1, Message(recipient: "ada"), 0), new OutboxEnvelope(2, Message(recipient: "grace"), 0)]);

        var drain = Dispatcher(discordRate: 1).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        await _time.ArmedAsync(1, "the second send to wait for its slot");
        Assert.Equal(TimeSpan.FromSeconds(1), _time.Armed[0]);
        Assert.Equal(["dm ada reminder:ada:1"], _notifier.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(_notifier.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, await FinishAsync(drain, "the paced drain to send the second message"));
        Assert.Equal([Now, Now.AddSeconds(1)], _notifier.Sends.Select(s => s.At));
    }

    [Fact]
    public async Task Draining_stops_at_its_budget_message_by_message_and_frees_the_rest_of_its_batch()
    {
        _outbox.Add(Rows(1, 250));
        _notifier.OnSend = () => _time.Advance(TimeSpan.FromSeconds(1));

        var delivered = await FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromSeconds(50), CancellationToken.None));

        // Each send takes a second: the fiftieth spends the budget in the middle of the first batch of 100.
        Assert.Equal(50, delivered);
        Assert.Single(_outbox.Claims);
        Assert.Equal(Enumerable.Range(51, 50).Select(i => (long)i), _outbox.Released);
        Assert.Equal(200, _outbox.Waiting.Count);
        Assert.Empty(_outbox.Retries);
        Assert.Empty(_outbox.Failures);
    }

    [Fact]
    public async Task A_message_whose_pacing_slot_falls_after_the_budget_is_freed_not_sent()
    {
        _outbox.Add(Rows(1, 5, Platforms.Slack));
        var slack = new ScriptedNotifier(Platforms.Slack, _time);

        var delivered = await PumpAsync(Dispatcher([slack], slackRate: 1).DrainAsync(TimeSpan.FromSeconds(2.5), CancellationToken.None), "the paced Slack drain");

        Assert.Equal(3, delivered);
        Assert.Equal([Now, Now.AddSeconds(1), Now.AddSeconds(2)], slack.Sends.Select(s => s.At));
        Assert.Equal([4L, 5L], _outbox.Released);
        Assert.Equal([4L, 5L], _outbox.Waiting.Select(e => e.Id));
    }

    [Fact]
    public async Task A_drain_whose_budget_runs_out_with_its_batch_claims_no_more_rows()
    {
        _outbox.Add(Rows(1, 150));
        _notifier.OnSend = () => _time.Advance(TimeSpan.FromSeconds(1));

        var delivered = await FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromSeconds(100), CancellationToken.None));

        // The hundredth send, the last of the first batch, spends the budget exactly: the other 50 are not touched.
        Assert.Equal(100, delivered);
        Assert.Equal([100], _outbox.Claims.Select(c => c.Count));
        Assert.Equal(0, _outbox.ReleaseCalls);
        Assert.Equal(50, _outbox.Waiting.Count);
    }

    [Fact]
    public async Task A_message_whose_pacing_slot_falls_exactly_at_the_end_of_the_budget_is_still_sent_from_a_new_batch()
    {
        _outbox.Add(Rows(1, 6, Platforms.Slack));
        var slack = new ScriptedNotifier(Platforms.Slack, _time);

        // One a second in batches of five: the sixth message's slot is at 5 s, the budget's very end.
        var delivered = await PumpAsync(Dispatcher([slack], slackRate: 1).DrainAsync(TimeSpan.FromSeconds(5), CancellationToken.None), "the paced Slack drain");

        Assert.Equal(6, delivered);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => Now.AddSeconds(i)), slack.Sends.Select(s => s.At));
        Assert.Equal([5, 1], _outbox.Claims.Select(c => c.Count));
    }

    [Fact]
    public async Task Freeing_the_rest_of_a_batch_that_fails_is_logged_and_the_drain_still_ends_with_what_it_sent()
    {
        _outbox.Add(Rows(1, 5));
        _outbox.FailReleases = true;
        _notifier.OnSend = () => _time.Advance(TimeSpan.FromSeconds(1));

        var delivered = await FinishAsync(Dispatcher().DrainAsync(TimeSpan.FromSeconds(2), CancellationToken.None));

        // Rows 3 to 5 stay claimed until their lease runs out, then go again.
        Assert.Equal(2, delivered);
        Assert.Equal(1, _outbox.ReleaseCalls);
        Assert.Empty(_outbox.Released);
        Assert.Equal(["Error: Job outbox: freeing 3 unsent discord messages failed; they go again when their claim runs out"], _logs.Lines);
    }

    [Fact]
    public async Task Each_platform_drains_on_its_own_so_Discord_does_not_wait_behind_Slacks_pace()
    {
        var slack = new ScriptedNotifier(Platforms.Slack, _time);
        _outbox.Add(Rows(1, 7, Platforms.Slack));
        _outbox.Add(Rows(101, 120));

        // Slack (one a second) comes first; Discord is not paced.
        var drain = Dispatcher([slack, _notifier], slackRate: 1).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        await Bounded.UntilAsync(() => _notifier.Calls.Count == 20 && _time.Armed.Count == 1, "every Discord message to go while Slack waits for its second slot", TimeSpan.FromSeconds(15));
        Assert.Single(slack.Calls);
        Assert.All(_notifier.Sends, s => Assert.Equal(Now, s.At));

        Assert.Equal(27, await PumpAsync(drain, "Slack's paced messages"));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => Now.AddSeconds(i)), slack.Sends.Select(s => s.At));
        // Each platform claims its own rows, in batches of five seconds' worth at its rate (at most 100).
        Assert.Equal([5, 2, 0], _outbox.Claims.Where(c => c.Platform == Platforms.Slack).Select(c => c.Count));
        Assert.All(_outbox.Claims.Where(c => c.Platform == Platforms.Slack), c => Assert.Equal(5, c.Limit));
        Assert.Equal([20, 0], _outbox.Claims.Where(c => c.Platform == Platforms.Discord).Select(c => c.Count));
        Assert.All(_outbox.Claims.Where(c => c.Platform == Platforms.Discord), c => Assert.Equal(100, c.Limit));
    }

    [Fact]
    public async Task A_platform_that_fails_three_times_in_a_row_rests_and_frees_its_batch_while_another_platform_goes_on()
    {
        var slack = new ScriptedNotifier(Platforms.Slack, _time);
        // Discord: two failures, a send (which starts the count again), then three failures in a row.
        var failing = new HashSet<string> { "m1", "m2", "m4", "m5", "m6" };
        _notifier.Script = key => failing.Contains(key.Split(':')[1]) ? DeliveryResult.TransientFailure("503") : DeliveryResult.Ok;
        _outbox.Add(Rows(1, 10));
        _outbox.Add(Rows(101, 105, Platforms.Slack));

        var delivered = await FinishAsync(Dispatcher([_notifier, slack]).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(1 + 5, delivered);
        Assert.Equal([1L, 2L, 4L, 5L, 6L], _outbox.Retries.Select(r => r.Id).Order());
        Assert.Equal([7L, 8L, 9L, 10L], _outbox.Released);
        Assert.Single(_outbox.Claims, c => c.Platform == Platforms.Discord);
        Assert.Equal(5, slack.Calls.Count);
        Assert.Empty(_outbox.Failures);
        Assert.Contains("Information: Job outbox: discord failed 3 times in a row; its messages wait for their retries", _logs.Lines);
    }

    [Fact]
    public async Task Rate_limits_and_given_up_messages_do_not_count_towards_a_platform_resting()
    {
        _notifier.Script = key => key.Split(':')[1] switch
        {
            "m1" or "m2" or "m6" => DeliveryResult.TransientFailure("503"),
            "m3" or "m4" => DeliveryResult.TransientFailure("429", TimeSpan.Zero),
            "m5" => DeliveryResult.PermanentFailure("dms closed"),
            _ => DeliveryResult.Ok,
        };
        _outbox.Add(Rows(1, 8));

        var delivered = await PumpAsync(Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None), "the drain with rate limits");

        // The third failure proper is row 6: the platform rests there, and rows 7 and 8 wait.
        Assert.Equal(0, delivered);
        Assert.Equal([7L, 8L], _outbox.Released);
        Assert.Equal(6, _notifier.Calls.Count);
    }

    [Fact]
    public async Task A_platform_whose_rows_cannot_be_claimed_does_not_stop_another()
    {
        var slack = new ScriptedNotifier(Platforms.Slack, _time);
        _outbox.FailClaimsFor = Platforms.Discord;
        _outbox.Add(Rows(1, 3));
        _outbox.Add(Rows(101, 103, Platforms.Slack));

        var delivered = await FinishAsync(Dispatcher([_notifier, slack]).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(3, delivered);
        Assert.Equal(3, slack.Calls.Count);
        Assert.Empty(_notifier.Calls);
        Assert.Equal(["Error: Job outbox: claiming discord messages failed; the next run tries again"], _logs.Lines);
    }

    [Fact]
    public async Task Each_platform_is_paced_at_its_own_rate_on_the_injected_clock()
    {
        var pacer = new Pacer(2, _time);
        await Bounded.WaitAsync(pacer.WaitAsync(CancellationToken.None), "the first send's slot");

        var second = pacer.WaitAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(second, "the second send's slot half a second later");

        // After an idle spell the next send goes at once, and the one after it waits a whole interval again.
        _time.Advance(TimeSpan.FromSeconds(10));
        await Bounded.WaitAsync(pacer.WaitAsync(CancellationToken.None), "the first send after an idle spell");
        var after = pacer.WaitAsync(CancellationToken.None);
        Assert.False(after.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(500));
        await Bounded.WaitAsync(after, "the slot a whole interval after the send that ended the idle spell");
    }

    [Fact]
    public void A_platform_without_a_usable_rate_gets_one_message_a_second()
    {
        var rates = new DeliveryRates { PerSecond = { ["zero"] = 0, ["negative"] = -3 } };

        Assert.Equal(1, rates.For("zero"));
        Assert.Equal(1, rates.For("negative"));
        Assert.Equal(1, rates.For("unknown"));
        Assert.Equal(40, rates.For(Platforms.Discord));
    }

    // ---- logs ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Log_lines_name_the_row_and_its_kind_but_never_the_members_words_or_name()
    {
        _notifier.Script = key => key.Split(':')[1] switch
        {
            "m2" => DeliveryResult.TransientFailure("503"),
            "m4" => DeliveryResult.TransientFailure("429", TimeSpan.Zero),
            "m5" => DeliveryResult.PermanentFailure("dms closed"),
            "chan-6" => DeliveryResult.ChannelUnusable(ChannelProblem.NotMember, "not_in_channel"),
            "m7" => DeliveryResult.TransientFailure("503"),
            _ => DeliveryResult.Ok,
        };
        _notifier.ThrowFor = "m3";
        _channels.Contact = new ChannelContact("admin-1", "Grace Hopper");

        await DrainAsync(
            new OutboxEnvelope(1, Message(recipient: "m1"), 0),
            new OutboxEnvelope(2, Message(recipient: "m2"), 0),
            new OutboxEnvelope(3, Message(recipient: "m3"), 0),
            new OutboxEnvelope(4, Message(recipient: "m4"), 0),
            new OutboxEnvelope(5, Message(recipient: "m5"), 0),
            new OutboxEnvelope(6, Message(OutboxKinds.Celebration, OutboxTarget.Channel, recipient: "chan-6"), 0) { Member = new ChannelContact("m6", MemberName) },
            new OutboxEnvelope(7, Message(OutboxKinds.Celebration, recipient: "m7", due: Now.UtcDateTime.AddDays(-4)), 0),
            new OutboxEnvelope(8, Message(recipient: "m8"), 0) { Superseded = true },
            new OutboxEnvelope(9, Message(recipient: "m9", due: Now.UtcDateTime.AddDays(-8)), 0),
            new OutboxEnvelope(10, Message(OutboxKinds.Celebration, recipient: "m10"), 0) { Unreadable = true });

        // Row 3's throw and row 6's channel problem have two lines each; a sent row has none.
        Assert.Equal(11, _logs.Lines.Count);
        for (var id = 2; id <= 10; id++)
        {
            Assert.Contains(_logs.Lines, l => l.Contains($"outbox row {id} (", StringComparison.Ordinal));
        }

        Assert.All(_logs.Lines, l =>
        {
            Assert.DoesNotContain(MemberText, l, StringComparison.Ordinal);
            Assert.DoesNotContain("Lovelace", l, StringComparison.Ordinal);
            Assert.DoesNotContain("Hopper", l, StringComparison.Ordinal);
        });
    }

    // ---- drain ownership (instances on one database) ----------------------------------------------------------------

    private OutboxDispatcher LeasedDispatcher(ScriptedLease lease, DrainOwners owners)
    {
        var services = new ServiceCollection()
            .AddSingleton<IOutboxStore>(_outbox)
            .AddSingleton<IChannelProblemStore>(_channels)
            .AddSingleton<IDrainLease>(lease)
            .AddSingleton(owners)
            .BuildServiceProvider();
        var rates = new DeliveryRates { PerSecond = { [Platforms.Discord] = double.PositiveInfinity } };
        return new OutboxDispatcher(services.GetRequiredService<IServiceScopeFactory>(), [_notifier], rates, _time, _logs);
    }

    [Fact]
    public async Task The_instance_that_takes_the_drain_lease_owns_the_platform_for_the_adapters_until_a_margin_before_the_lease_runs_out()
    {
        var owners = new DrainOwners(_time, shared: true);
        Assert.False(owners.Owns(Platforms.Discord));
        _outbox.Add(Rows(1, 2));

        await FinishAsync(LeasedDispatcher(new ScriptedLease(holds: true), owners).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(2, _outbox.Sent.Count);
        Assert.True(owners.Owns(Platforms.Discord));
        Assert.False(owners.Owns(Platforms.Slack));
        _time.Advance(OutboxDispatcher.DrainLeaseLength - DrainOwners.HandOverMargin - TimeSpan.FromMilliseconds(1));
        Assert.True(owners.Owns(Platforms.Discord));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(owners.Owns(Platforms.Discord));
    }

    [Fact]
    public async Task An_instance_whose_drain_lease_another_holds_is_not_the_owner_and_sends_nothing()
    {
        var owners = new DrainOwners(_time, shared: true);
        owners.Held(Platforms.Discord, _time.GetTimestamp(), OutboxDispatcher.DrainLeaseLength);
        _outbox.Add(Rows(1, 1));

        await FinishAsync(LeasedDispatcher(new ScriptedLease(holds: false), owners).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Empty(_outbox.Sent);
        Assert.False(owners.Owns(Platforms.Discord));
    }

    [Fact]
    public void Without_a_drain_lease_one_instance_owns_every_drain()
    {
        Assert.True(new DrainOwners(_time, shared: false).Owns(Platforms.Discord));
    }

    private sealed class ScriptedLease(bool holds) : IDrainLease
    {
        public Task<bool> TryHoldAsync(string platform, DateTime nowUtc, TimeSpan length, CancellationToken cancellationToken) => Task.FromResult(holds);
    }

    /// <summary>Fake time that records each timer the code under test arms: the pacer parking on its next slot.</summary>
    private sealed class PacedTime(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private readonly Lock _lock = new();
        private readonly List<TimeSpan> _armed = [];

        public List<TimeSpan> Armed
        {
            get
            {
                lock (_lock)
                {
                    return [.. _armed];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            // Recorded once the timer exists, so that advancing the clock on the signal fires it.
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                lock (_lock)
                {
                    _armed.Add(dueTime);
                }
            }

            return timer;
        }

        public Task ArmedAsync(int count, string what) => Bounded.UntilAsync(() => Armed.Count >= count, what, TimeSpan.FromSeconds(15));
    }

    private sealed class ScriptedNotifier(string platform, TimeProvider time) : INotifier
    {
        private readonly ConcurrentQueue<(string Call, DateTimeOffset At)> _sends = new();

        public string Platform => platform;

        public Func<string, DeliveryResult> Script { get; set; } = _ => DeliveryResult.Ok;

        public Exception? Throw { get; set; }

        /// <summary>The recipient whose sends throw <see cref="HttpRequestException"/>.</summary>
        public string? ThrowFor { get; set; }

        public Action? OnSend { get; set; }

        public List<(string Call, DateTimeOffset At)> Sends => [.. _sends];

        public List<string> Calls => [.. _sends.Select(s => s.Call)];

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the dispatcher must pass the idempotency key");

        public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the dispatcher must pass the idempotency key");

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
            Send($"dm {member.UserId} {idempotencyKey}", member.UserId, idempotencyKey);

        public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
            Send($"post {channel.ChannelId} {idempotencyKey}", channel.ChannelId, idempotencyKey);

        private Task<DeliveryResult> Send(string call, string to, string key)
        {
            _sends.Enqueue((call, time.GetUtcNow()));
            OnSend?.Invoke();
            if (Throw is { } ex)
            {
                return Task.FromException<DeliveryResult>(ex);
            }

            return to == ThrowFor ? Task.FromException<DeliveryResult>(new HttpRequestException("connection reset")) : Task.FromResult(Script(key));
        }
    }

    private sealed class FakeOutbox : IOutboxStore
    {
        private readonly Lock _lock = new();
        private readonly List<OutboxEnvelope> _due = [];
        private readonly List<(string Platform, DateTime NowUtc, int Limit, TimeSpan Lease, int Count)> _claims = [];
        private readonly Dictionary<long, OutboxEnvelope> _claimed = [];
        private readonly List<long> _released = [];
        private readonly List<(long Id, DateTime At)> _sent = [];
        private readonly List<(long Id, DateTime At, string Reason, bool CountsAsFailure)> _retries = [];
        private readonly List<(long Id, DateTime At, UndeliveredReason Reason, string Detail)> _failures = [];
        private readonly List<string> _dmClosed = [];

        /// <summary>How many of the next <see cref="ReleaseClaimsAsync"/> calls throw.</summary>
        public int ReleaseAllFailures { get; set; }

        /// <summary>How many of the next <see cref="MarkSentAsync"/> calls throw.</summary>
        public int FailMarkingSent { get; set; }

        public string? FailClaimsFor { get; set; }

        /// <summary>Whether <see cref="ReleaseAsync"/> throws.</summary>
        public bool FailReleases { get; set; }

        /// <summary>How many times <see cref="ReleaseAsync"/> was called, even with no ids.</summary>
        public int ReleaseCalls { get; private set; }

        public int ReleaseAllCalls { get; private set; }

        public int ReleasedAll { get; private set; }

        /// <summary>Rows neither claimed nor handled: still due.</summary>
        public List<OutboxEnvelope> Waiting => Locked(() => _due.ToList());

        public List<(string Platform, DateTime NowUtc, int Limit, TimeSpan Lease, int Count)> Claims => Locked(() => _claims.ToList());

        /// <summary>Ids freed by <see cref="ReleaseAsync"/>, in order; they are due again.</summary>
        public List<long> Released => Locked(() => _released.ToList());

        public List<(long Id, DateTime At)> Sent => Locked(() => _sent.ToList());

        public List<(long Id, DateTime At, string Reason, bool CountsAsFailure)> Retries => Locked(() => _retries.ToList());

        public List<(long Id, DateTime At, UndeliveredReason Reason, string Detail)> Failures => Locked(() => _failures.ToList());

        public List<string> DmClosed => Locked(() => _dmClosed.ToList());

        public void Add(IEnumerable<OutboxEnvelope> rows) => Locked(() => _due.AddRange(rows));

        public Task<IReadOnlyList<OutboxEnvelope>> ClaimAsync(string platform, DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken)
        {
            if (platform == FailClaimsFor)
            {
                throw new InvalidOperationException("database is locked");
            }

            return Task.FromResult<IReadOnlyList<OutboxEnvelope>>(Locked(() =>
            {
                var batch = _due.Where(e => e.Message.Platform == platform).Take(limit).ToList();
                _due.RemoveAll(batch.Contains);
                batch.ForEach(e => _claimed[e.Id] = e);
                _claims.Add((platform, nowUtc, limit, lease, batch.Count));
                return batch;
            }));
        }

        public Task ReleaseClaimsAsync(CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                ReleaseAllCalls++;
                if (ReleaseAllFailures > 0)
                {
                    ReleaseAllFailures--;
                    throw new InvalidOperationException("database is locked");
                }

                ReleasedAll++;
            }

            return Task.CompletedTask;
        }

        public Task ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                ReleaseCalls++;
                if (FailReleases)
                {
                    throw new InvalidOperationException("database is locked");
                }

                _released.AddRange(ids);
                _due.InsertRange(0, ids.Select(id => _claimed[id]));
            }

            return Task.CompletedTask;
        }

        public Task MarkSentAsync(long id, DateTime nowUtc, CancellationToken cancellationToken)
        {
            lock (_lock)
            {
                if (FailMarkingSent > 0)
                {
                    FailMarkingSent--;
                    throw new InvalidOperationException("database is locked");
                }

                _sent.Add((id, nowUtc));
            }

            return Task.CompletedTask;
        }

        public Task MarkRetryAsync(long id, DateTime retryAtUtc, string reason, bool countsAsFailure, CancellationToken cancellationToken)
        {
            Locked(() => _retries.Add((id, retryAtUtc, reason, countsAsFailure)));
            return Task.CompletedTask;
        }

        public Task MarkFailedAsync(long id, DateTime nowUtc, UndeliveredReason reason, string detail, CancellationToken cancellationToken)
        {
            Locked(() => _failures.Add((id, nowUtc, reason, detail)));
            return Task.CompletedTask;
        }

        public Task MarkDmClosedAsync(string platform, string communityExternalId, string userId, DateTime nowUtc, CancellationToken cancellationToken)
        {
            Locked(() => _dmClosed.Add($"{platform}/{communityExternalId}/{userId}"));
            return Task.CompletedTask;
        }

        public Task<DeliveryReport> ReportAsync(CommunityRef community, DateTime sinceUtc, DateTime nowUtc, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the dispatcher does not report");

        private T Locked<T>(Func<T> read)
        {
            lock (_lock)
            {
                return read();
            }
        }

        private void Locked(Action write)
        {
            lock (_lock)
            {
                write();
            }
        }
    }

    private sealed class FakeChannels : IChannelProblemStore
    {
        private readonly ConcurrentQueue<string> _cleared = new();
        private readonly ConcurrentQueue<(ChannelProblemRecord Problem, OutboxMessage? Notice, OutboxMessage? Replacement, string? ReplacementMemberId)> _reports = new();

        public ChannelContact? Contact { get; set; }

        public bool New { get; set; } = true;

        public List<string> Cleared => [.. _cleared];

        public List<(ChannelProblemRecord Problem, OutboxMessage? Notice, OutboxMessage? Replacement, string? ReplacementMemberId)> Reports => [.. _reports];

        public Task<ChannelContact?> ContactAsync(CommunityRef community, CancellationToken cancellationToken) => Task.FromResult(Contact);

        public Task<bool> ReportAsync(CommunityRef community, ChannelProblemRecord problem, OutboxMessage? notice, OutboxMessage? replacement, string? replacementMemberId, CancellationToken cancellationToken)
        {
            _reports.Enqueue((problem, notice, replacement, replacementMemberId));
            return Task.FromResult(New);
        }

        public Task ClearAsync(CommunityRef community, string channelId, CancellationToken cancellationToken)
        {
            _cleared.Enqueue($"{community.ExternalId}/{channelId}");
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<ChannelProblemRecord>> ProblemsAsync(CommunityRef community, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ChannelProblemRecord>>([]);
    }

    /// <summary>Keeps the dispatcher's log lines as "Level: message", so tests see what an operator would read.</summary>
    private sealed class ListLogger : ILogger<OutboxDispatcher>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public List<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue($"{logLevel}: {formatter(state, exception)}");
    }
}
