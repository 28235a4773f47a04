using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Tests;

/// <summary>
/// The outbox dispatcher against in-memory stores and a scripted notifier: what it marks sent, retried or failed,
/// when, and what a channel problem turns into.
/// </summary>
public sealed class OutboxDispatcherTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly FakeOutbox _outbox = new();
    private readonly FakeChannels _channels = new();
    private readonly ScriptedNotifier _notifier = new(Platforms.Discord);
    private readonly ListLogger _logs = new();

    private OutboxDispatcher Dispatcher(params INotifier[] notifiers) => Dispatcher(double.PositiveInfinity, notifiers);

    private OutboxDispatcher Dispatcher(double discordRate, params INotifier[] notifiers)
    {
        var services = new ServiceCollection()
            .AddSingleton<IOutboxStore>(_outbox)
            .AddSingleton<IChannelProblemStore>(_channels)
            .BuildServiceProvider();
        var rates = new DeliveryRates { PerSecond = { [Platforms.Discord] = discordRate, [Platforms.Slack] = double.PositiveInfinity } };
        return new OutboxDispatcher(services.GetRequiredService<IServiceScopeFactory>(), notifiers.Length == 0 ? [_notifier] : notifiers, rates, _time, _logs);
    }

    private static OutboxMessage Message(string kind = OutboxKinds.Reminder, OutboxTarget target = OutboxTarget.DirectMessage, string platform = Platforms.Discord, string recipient = "ada") =>
        new($"{kind}:{recipient}:1", kind, target, platform, "guild-1", "Study Hall", recipient, "Ada", Reply.Info("Time to study"), Now.UtcDateTime);

    private Task<int> DrainAsync(params OutboxEnvelope[] rows)
    {
        _outbox.Due.AddRange(rows);
        return Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
    }

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
    }

    [Fact]
    public async Task Draining_releases_old_claims_once_then_claims_due_rows_in_batches_until_none_are_left()
    {
        _outbox.Due.AddRange(Enumerable.Range(1, 150).Select(i => new OutboxEnvelope(i, Message(recipient: $"m{i}"), 0)));
        var dispatcher = Dispatcher();

        Assert.Equal(150, await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(0, await dispatcher.DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        Assert.Equal(1, _outbox.Releases);
        Assert.Equal([100, 50, 0, 0], _outbox.Claims.Select(c => c.Count));
        Assert.All(_outbox.Claims, c => Assert.Equal((Now.UtcDateTime, 100, OutboxDispatcher.Lease), (c.NowUtc, c.Limit, c.Lease)));
    }

    [Fact]
    public async Task Draining_stops_when_its_budget_is_spent_even_with_rows_still_due()
    {
        _outbox.Due.AddRange(Enumerable.Range(1, 250).Select(i => new OutboxEnvelope(i, Message(recipient: $"m{i}"), 0)));
        _notifier.OnSend = () => _time.Advance(TimeSpan.FromSeconds(1));

        var delivered = await Dispatcher().DrainAsync(TimeSpan.FromSeconds(100), CancellationToken.None);

        // The budget is checked between batches: the first batch of 100 spends it, so the second is never claimed.
        Assert.Equal(100, delivered);
        Assert.Single(_outbox.Claims);
    }

    [Fact]
    public async Task A_platform_without_a_running_adapter_is_tried_again_in_five_minutes()
    {
        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(platform: Platforms.Slack), 0));

        Assert.Equal(0, delivered);
        Assert.Equal([(1L, Now.AddMinutes(5).UtcDateTime, "no slack adapter is running")], _outbox.Retries);
        Assert.Empty(_notifier.Calls);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 20)]
    [InlineData(3, 80)]
    [InlineData(6, 640)]
    public async Task A_transient_failure_is_retried_with_a_backoff_that_doubles_with_each_attempt(int attempts, int seconds)
    {
        _notifier.Result = DeliveryResult.TransientFailure("503");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(), attempts));

        Assert.Equal(0, delivered);
        Assert.Equal([$"Information: Sending reminder:ada:1 failed (503); retrying in {TimeSpan.FromSeconds(seconds)}"], _logs.Lines);
        Assert.Equal([(1L, Now.AddSeconds(seconds).UtcDateTime, "503")], _outbox.Retries);
        Assert.Empty(_outbox.Failures);
    }

    [Fact]
    public async Task A_transient_failure_with_Retry_After_is_retried_exactly_then()
    {
        _notifier.Result = DeliveryResult.TransientFailure("429", TimeSpan.FromSeconds(42));

        await DrainAsync(new OutboxEnvelope(1, Message(), 5));

        Assert.Equal([(1L, Now.AddSeconds(42).UtcDateTime, "429")], _outbox.Retries);
    }

    [Fact]
    public async Task A_transient_failure_without_a_reason_is_retried_as_a_transient_failure()
    {
        _notifier.Result = new DeliveryResult(DeliveryStatus.Transient);

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        Assert.Equal("transient failure", Assert.Single(_outbox.Retries).Reason);
    }

    [Fact]
    public async Task The_last_allowed_attempt_failing_gives_up_and_says_how_many_attempts_it_made()
    {
        _notifier.Result = DeliveryResult.TransientFailure("503");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(), OutboxDispatcher.MaxAttempts - 1));

        Assert.Equal(0, delivered);
        Assert.Empty(_outbox.Retries);
        Assert.Equal([(1L, Now.UtcDateTime, "gave up after 8 attempts: 503")], _outbox.Failures);
        Assert.Empty(_outbox.DmClosed);
        Assert.Equal(["Warning: Gave up on reminder:ada:1: 503"], _logs.Lines);
    }

    [Fact]
    public async Task A_notifier_that_throws_is_a_transient_failure_named_after_the_exception()
    {
        _notifier.Throw = new HttpRequestException("boom");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        Assert.Equal(0, delivered);
        Assert.Equal([(1L, Now.AddSeconds(10).UtcDateTime, nameof(HttpRequestException))], _outbox.Retries);
        Assert.Equal("Warning: Sending reminder:ada:1 threw; it will be retried", _logs.Lines[0]);
    }

    [Fact]
    public async Task A_send_that_times_out_on_its_own_is_retried_not_taken_for_a_stop()
    {
        _notifier.Throw = new TaskCanceledException("the HTTP request timed out");

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        Assert.Equal([(1L, Now.AddSeconds(10).UtcDateTime, nameof(TaskCanceledException))], _outbox.Retries);
    }

    [Fact]
    public async Task A_send_that_fails_while_stopping_is_still_recorded_for_a_retry()
    {
        using var stopping = new CancellationTokenSource();
        _notifier.OnSend = stopping.Cancel;
        _notifier.Throw = new HttpRequestException("connection reset");
        _outbox.Due.Add(new OutboxEnvelope(1, Message(), 0));

        await Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), stopping.Token);

        Assert.Equal([(1L, Now.AddSeconds(10).UtcDateTime, nameof(HttpRequestException))], _outbox.Retries);
    }

    [Fact]
    public async Task A_send_cancelled_because_the_host_is_stopping_ends_the_drain()
    {
        using var stopping = new CancellationTokenSource();
        _notifier.OnSend = stopping.Cancel;
        _notifier.Throw = new OperationCanceledException(stopping.Token);
        _outbox.Due.Add(new OutboxEnvelope(1, Message(), 0));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Dispatcher().DrainAsync(TimeSpan.FromMinutes(1), stopping.Token));
        Assert.Empty(_outbox.Retries);
    }

    [Fact]
    public async Task Sends_to_one_platform_wait_for_its_pace_on_the_injected_clock()
    {
        _outbox.Due.AddRange([new OutboxEnvelope(1, Message(recipient: "ada"), 0), new OutboxEnvelope(2, Message(recipient: "grace"), 0)]);

        // The fakes answer at once, so the drain runs without a pause until the pacer makes it wait.
        var drain = Dispatcher(discordRate: 1).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal(["dm ada reminder:ada:1"], _notifier.Calls);
        Assert.False(drain.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, await Bounded.WaitAsync(drain, "the paced drain to send the second message"));
    }

    [Fact]
    public async Task The_notifier_registered_last_for_a_platform_is_the_one_used()
    {
        var replaced = new ScriptedNotifier(Platforms.Discord);
        _outbox.Due.Add(new OutboxEnvelope(1, Message(), 0));

        await Dispatcher(double.PositiveInfinity, replaced, _notifier).DrainAsync(TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Single(_notifier.Calls);
        Assert.Empty(replaced.Calls);
    }

    [Theory]
    [InlineData(OutboxKinds.Reminder, true)]
    [InlineData(OutboxKinds.FreshStart, true)]
    [InlineData(OutboxKinds.Celebration, false)]
    public async Task A_permanently_refused_DM_fails_and_only_a_reminder_marks_the_members_DMs_closed(string kind, bool closed)
    {
        _notifier.Result = DeliveryResult.PermanentFailure("dms closed");

        var delivered = await DrainAsync(new OutboxEnvelope(1, Message(kind), 0));

        Assert.Equal(0, delivered);
        Assert.Equal([$"Information: {kind}:ada:1 cannot be delivered: dms closed"], _logs.Lines);
        Assert.Equal([(1L, Now.UtcDateTime, "dms closed")], _outbox.Failures);
        Assert.Equal(closed ? ["discord/guild-1/ada"] : [], _outbox.DmClosed);
        Assert.Empty(_channels.Reports);
    }

    [Fact]
    public async Task A_permanent_failure_without_a_reason_or_a_channel_problem_fails_plainly()
    {
        _notifier.Result = new DeliveryResult(DeliveryStatus.Permanent);

        await DrainAsync(new OutboxEnvelope(1, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-1"), 0));

        Assert.Equal([(1L, Now.UtcDateTime, "permanent failure")], _outbox.Failures);
        Assert.Empty(_outbox.DmClosed);
        Assert.Empty(_channels.Reports);
        Assert.Empty(_channels.Cleared);
    }

    [Fact]
    public async Task A_channel_that_cannot_be_used_tells_the_admin_and_sends_the_celebration_to_its_member_instead()
    {
        _notifier.Result = DeliveryResult.ChannelUnusable(ChannelProblem.NotMember, "not_in_channel");
        _channels.Contact = new ChannelContact("admin-1", "Grace");
        var celebration = Message(OutboxKinds.Celebration, OutboxTarget.Channel, recipient: "chan-1");

        var delivered = await DrainAsync(new OutboxEnvelope(7, celebration, 0) { Member = new ChannelContact("ada", "Ada") });

        Assert.Equal(0, delivered);
        Assert.Equal(
            ["Warning: Community guild-1: StudyBot cannot post in channel chan-1 (NotMember); the admin who chose it is told once: True",
             "Information: celebration:chan-1:1 cannot be delivered: not_in_channel"],
            _logs.Lines);
        Assert.Equal([(7L, Now.UtcDateTime, "not_in_channel")], _outbox.Failures);
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
        Assert.Equal((OutboxTarget.DirectMessage, "ada", "Ada", Visibility.Private, Now.UtcDateTime), (dm.Target, dm.RecipientId, dm.RecipientName, dm.Message.Visibility, dm.DueAtUtc));
        Assert.Equal(celebration.Message.Text, dm.Message.Text);
    }

    [Fact]
    public async Task A_channel_problem_with_nobody_to_tell_and_no_member_is_still_recorded_and_the_row_failed()
    {
        _notifier.Result = DeliveryResult.ChannelUnusable(ChannelProblem.Archived, "is_archived");

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 2));

        var report = Assert.Single(_channels.Reports);
        Assert.Contains(_logs.Lines, l => l.EndsWith("told once: False", StringComparison.Ordinal));
        Assert.Null(report.Notice);
        Assert.Null(report.Replacement);
        Assert.Null(report.ReplacementMemberId);
        Assert.Equal([(3L, Now.UtcDateTime, "is_archived")], _outbox.Failures);
    }

    [Fact]
    public async Task A_channel_problem_already_reported_is_not_logged_again()
    {
        _notifier.Result = DeliveryResult.ChannelUnusable(ChannelProblem.Archived, "is_archived");
        _channels.New = false;

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 0));

        Assert.Single(_channels.Reports);
        Assert.Equal(["Information: leaderboard:chan-9:1 cannot be delivered: is_archived"], _logs.Lines);
    }

    [Fact]
    public async Task A_channel_problem_without_a_reason_is_failed_with_the_problems_name()
    {
        _notifier.Result = new DeliveryResult(DeliveryStatus.Permanent) { ChannelProblem = ChannelProblem.NotFound };

        await DrainAsync(new OutboxEnvelope(3, Message(OutboxKinds.Leaderboard, OutboxTarget.Channel, recipient: "chan-9"), 0));

        Assert.Equal("NotFound", Assert.Single(_outbox.Failures).Reason);
    }

    [Fact]
    public async Task A_channel_problem_on_a_DM_is_an_ordinary_permanent_failure()
    {
        _notifier.Result = DeliveryResult.ChannelUnusable(ChannelProblem.NotFound, "channel_not_found");

        await DrainAsync(new OutboxEnvelope(1, Message(), 0));

        Assert.Empty(_channels.Reports);
        Assert.Equal(["discord/guild-1/ada"], _outbox.DmClosed);
    }

    [Fact]
    public async Task Each_platform_is_paced_at_its_own_rate_on_the_injected_clock()
    {
        var pacer = new Pacer(2, _time);
        await pacer.WaitAsync(CancellationToken.None);

        var second = pacer.WaitAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(second, "the second send's slot half a second later");

        // After an idle spell the next send goes at once, and the one after it waits a whole interval again.
        _time.Advance(TimeSpan.FromSeconds(10));
        await pacer.WaitAsync(CancellationToken.None);
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

    private sealed class ScriptedNotifier(string platform) : INotifier
    {
        public string Platform => platform;

        public DeliveryResult Result { get; set; } = DeliveryResult.Ok;

        public Exception? Throw { get; set; }

        public Action? OnSend { get; set; }

        public List<string> Calls { get; } = [];

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the dispatcher must pass the idempotency key");

        public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the dispatcher must pass the idempotency key");

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
            Send($"dm {member.UserId} {idempotencyKey}");

        public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
            Send($"post {channel.ChannelId} {idempotencyKey}");

        private Task<DeliveryResult> Send(string call)
        {
            Calls.Add(call);
            OnSend?.Invoke();
            return Throw is { } ex ? Task.FromException<DeliveryResult>(ex) : Task.FromResult(Result);
        }
    }

    private sealed class FakeOutbox : IOutboxStore
    {
        public List<OutboxEnvelope> Due { get; } = [];

        public List<(DateTime NowUtc, int Limit, TimeSpan Lease, int Count)> Claims { get; } = [];

        public int Releases { get; private set; }

        public List<(long Id, DateTime At)> Sent { get; } = [];

        public List<(long Id, DateTime At, string Reason)> Retries { get; } = [];

        public List<(long Id, DateTime At, string Reason)> Failures { get; } = [];

        public List<string> DmClosed { get; } = [];

        public Task<IReadOnlyList<OutboxEnvelope>> ClaimAsync(DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken)
        {
            var batch = Due.Take(limit).ToList();
            Due.RemoveRange(0, batch.Count);
            Claims.Add((nowUtc, limit, lease, batch.Count));
            return Task.FromResult<IReadOnlyList<OutboxEnvelope>>(batch);
        }

        public Task ReleaseClaimsAsync(CancellationToken cancellationToken)
        {
            Releases++;
            return Task.CompletedTask;
        }

        public Task MarkSentAsync(long id, DateTime nowUtc, CancellationToken cancellationToken)
        {
            Sent.Add((id, nowUtc));
            return Task.CompletedTask;
        }

        public Task MarkRetryAsync(long id, DateTime retryAtUtc, string reason, CancellationToken cancellationToken)
        {
            Retries.Add((id, retryAtUtc, reason));
            return Task.CompletedTask;
        }

        public Task MarkFailedAsync(long id, DateTime nowUtc, string reason, CancellationToken cancellationToken)
        {
            Failures.Add((id, nowUtc, reason));
            return Task.CompletedTask;
        }

        public Task MarkDmClosedAsync(string platform, string communityExternalId, string userId, DateTime nowUtc, CancellationToken cancellationToken)
        {
            DmClosed.Add($"{platform}/{communityExternalId}/{userId}");
            return Task.CompletedTask;
        }
    }

    private sealed class FakeChannels : IChannelProblemStore
    {
        public ChannelContact? Contact { get; set; }

        public bool New { get; set; } = true;

        public List<string> Cleared { get; } = [];

        public List<(ChannelProblemRecord Problem, OutboxMessage? Notice, OutboxMessage? Replacement, string? ReplacementMemberId)> Reports { get; } = [];

        public Task<ChannelContact?> ContactAsync(CommunityRef community, CancellationToken cancellationToken) => Task.FromResult(Contact);

        public Task<bool> ReportAsync(CommunityRef community, ChannelProblemRecord problem, OutboxMessage? notice, OutboxMessage? replacement, string? replacementMemberId, CancellationToken cancellationToken)
        {
            Reports.Add((problem, notice, replacement, replacementMemberId));
            return Task.FromResult(New);
        }

        public Task ClearAsync(CommunityRef community, string channelId, CancellationToken cancellationToken)
        {
            Cleared.Add($"{community.ExternalId}/{channelId}");
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
