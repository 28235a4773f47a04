using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Notifications;

/// <summary>Messages per second each platform's notifier may be given; the adapters' own clients handle finer limits.</summary>
public sealed class DeliveryRates
{
    public Dictionary<string, double> PerSecond { get; init; } = new(StringComparer.Ordinal)
    {
        [Platforms.Console] = 20,
        [Platforms.Discord] = 40,
        [Platforms.Slack] = 1,
    };

    /// <summary>The rate for a platform; <see cref="double.PositiveInfinity"/> means no pacing at all.</summary>
    public double For(string platform) => PerSecond.TryGetValue(platform, out var rate) && rate > 0 ? rate : 1;
}

/// <summary>
/// Paces sends to a steady rate on the monotonic clock (<see cref="TimeProvider.GetTimestamp"/>), so a system clock
/// set back or forward changes nothing: slots are spaced 1/rate apart and never bunch up after an idle spell, so a
/// fan-out of thousands stays under the platform's limit. A rate limit holds every slot back by its Retry-After.
/// </summary>
public sealed class Pacer(double perSecond, TimeProvider time)
{
    // An infinite rate needs no case of its own: a frequency divided by +infinity is exactly 0, so no slot waits.
    private readonly long _interval = (long)(time.TimestampFrequency / perSecond);
    private readonly Lock _lock = new();
    private long? _next;

    /// <summary>How long a send would wait for its slot now.</summary>
    public TimeSpan Wait
    {
        get
        {
            lock (_lock)
            {
                var now = time.GetTimestamp();
                return _next is { } next && next > now ? time.GetElapsedTime(now, next) : TimeSpan.Zero;
            }
        }
    }

    /// <summary>Waits for the next slot and takes it, if it comes within <paramref name="within"/>; false (taking nothing) if not.</summary>
    public async Task<bool> WaitAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var slot = _next is { } next && next > now ? next : now;
            wait = time.GetElapsedTime(now, slot);
            if (wait > within)
            {
                return false;
            }

            _next = slot + _interval;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        return true;
    }

    public Task WaitAsync(CancellationToken cancellationToken) => WaitAsync(TimeSpan.MaxValue, cancellationToken);

    /// <summary>No slot before <paramref name="span"/> from now: the platform asked for a pause (a 429's Retry-After).</summary>
    public void Hold(TimeSpan span)
    {
        lock (_lock)
        {
            var until = time.GetTimestamp() + (long)(span.TotalSeconds * time.TimestampFrequency);
            _next = _next is { } next && next > until ? next : until;
        }
    }
}

/// <summary>
/// Drains the outbox through the notifiers, each platform on its own and all at once, so a slow platform (Slack's one
/// message a second) or one that is down never holds up another. Per platform it claims a few due rows at a time,
/// paces them, checks the run's time budget before each message, and marks each sent, retried (with jittered backoff;
/// rate limits and outages are waited out) or given up with its reason: by age, for good (the platform refused it), or
/// as no longer useful (a reminder whose week has passed, or one a later reminder replaced). A crash mid-way leaves
/// claimed rows to be freed at the next start and retried under the same idempotency key, so nothing is lost and a
/// notifier that honours keys sends nothing twice.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<INotifier> notifiers,
    DeliveryRates rates,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger,
    Telemetry.StudyBotMetrics? metrics = null)
{
    /// <summary>The job's name, in its log lines.</summary>
    public const string JobName = "outbox";

    /// <summary>After this many failures in a row a platform looks down: its run ends, and each row waits out its backoff.</summary>
    public const int FailuresBeforeRest = 3;

    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long an instance owns a platform's drain (<see cref="IDrainLease"/>) after it last took or renewed it: before a
    /// batch, every third of it while sending, and after a run's last send. Longer than the rate-limit windows an owner
    /// learns (Discord's second of global budget, its 5-second message buckets), so a new owner starts only when they no
    /// longer bind; short enough that when Quartz moves the outbox job to another node, sending pauses only briefly.
    /// </summary>
    public static readonly TimeSpan DrainLeaseLength = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, INotifier> _notifiers = notifiers.GroupBy(n => n.Platform).ToDictionary(g => g.Key, g => g.Last());
    private readonly ConcurrentDictionary<string, Pacer> _pacers = new(StringComparer.Ordinal);
    private readonly ForwardClock _clock = new(time);
    private int _released;

    private enum Outcome
    {
        Sent,
        GivenUp,
        Retry,
        RateLimited,
        NoTime,
    }

    /// <summary>
    /// Sends, every platform at once, until nothing is due or <paramref name="budget"/> (on the monotonic clock) has
    /// passed; returns how many were delivered.
    /// </summary>
    public async Task<int> DrainAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IOutboxStore>().ReleaseClaimsAsync(cancellationToken);
            }
            catch (Exception ex) when (IsFault(ex, cancellationToken))
            {
                Volatile.Write(ref _released, 0);
                LogReleaseFailed(ex, JobName);
            }
        }

        var runs = _notifiers.Keys.Select(platform => Task.Run(() => DrainPlatformAsync(platform, started, budget, cancellationToken), cancellationToken));
        return (await Task.WhenAll(runs)).Sum();
    }

    private async Task<int> DrainPlatformAsync(string platform, long started, TimeSpan budget, CancellationToken cancellationToken)
    {
        var owned = new DrainOwnership();
        try
        {
            return await DrainOwnedAsync(platform, owned, started, budget, cancellationToken);
        }
        finally
        {
            if (owned.Sent && !cancellationToken.IsCancellationRequested)
            {
                // The lease runs from the last send, not from the last batch: a new owner waits out what this run learned.
                await HoldAsync(platform, owned, cancellationToken);
            }
        }
    }

    /// <summary>Whether this run holds its platform's drain lease, and whether it sent anything under it.</summary>
    private sealed class DrainOwnership
    {
        public bool Sent { get; set; }

        /// <summary>When the lease was last taken or renewed (monotonic timestamp).</summary>
        public long HeldAt { get; set; }
    }

    /// <summary>Takes or renews the platform's drain lease (always true without one, on a single instance).</summary>
    private async Task<bool> HoldAsync(string platform, DrainOwnership owned, CancellationToken cancellationToken)
    {
        // The adapters learn from DrainOwners whether this instance may use the owner's share of the platform's budget.
        DrainOwners? owners = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (scope.ServiceProvider.GetService<IDrainLease>() is not { } lease)
            {
                return true;
            }

            owners = scope.ServiceProvider.GetService<DrainOwners>();
            var at = time.GetTimestamp();
            if (await lease.TryHoldAsync(platform, _clock.Now().UtcDateTime, DrainLeaseLength, cancellationToken))
            {
                owned.HeldAt = at;
                owners?.Held(platform, at, DrainLeaseLength);
                return true;
            }

            owners?.Lost(platform);
            LogDrainedElsewhere(JobName, platform);
            return false;
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            owners?.Lost(platform);
            LogLeaseFailed(ex, JobName, platform);
            return false;
        }
    }

    private async Task<int> DrainOwnedAsync(string platform, DrainOwnership owned, long started, TimeSpan budget, CancellationToken cancellationToken)
    {
        var notifier = _notifiers[platform];
        var pacer = PacerFor(platform);
        var batchSize = (int)Math.Clamp(Math.Ceiling(rates.For(platform) * 5), 1, 100);
        var delivered = 0;
        var failuresInRow = 0;
        while (true)
        {
            var left = budget - time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero || pacer.Wait > left)
            {
                return delivered;
            }

            await using var scope = scopes.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
            var channels = scope.ServiceProvider.GetRequiredService<IChannelProblemStore>();
            IReadOnlyList<OutboxEnvelope> batch;
            try
            {
                batch = await outbox.ClaimAsync(platform, _clock.Now().UtcDateTime, batchSize, Lease, cancellationToken);
            }
            catch (Exception ex) when (IsFault(ex, cancellationToken))
            {
                LogClaimFailed(ex, JobName, platform);
                return delivered;
            }

            if (batch.Count == 0)
            {
                return delivered;
            }

            var handled = 0;
            var rest = false;
            foreach (var envelope in batch)
            {
                // Only the platform's drain owner sends: the lease is taken (or renewed) before a batch's first message and
                // renewed as the batch goes on. An instance that is not the owner hands its batch straight back. (An idle
                // run, with nothing due, takes no lease, so it never keeps the drain from the node Quartz runs next.)
                if ((handled == 0 || time.GetElapsedTime(owned.HeldAt) >= DrainLeaseLength / 3) && !await HoldAsync(platform, owned, cancellationToken))
                {
                    rest = true;
                    break;
                }

                Outcome outcome;
                // The delivery continues the trace of what wrote the row (a command, a celebration), so a slow or lost message can be
                // followed from the member's command to the platform's answer.
                using var span = Telemetry.StudyBotTrace.StartContinuing("outbox deliver", envelope.TraceParent, ActivityKind.Producer);
                span?.SetTag("studybot.platform", platform);
                span?.SetTag("studybot.kind", envelope.Message.Kind);
                try
                {
                    outcome = await DeliverAsync(outbox, channels, notifier, pacer, envelope, budget - time.GetElapsedTime(started), cancellationToken);
                }
                catch (Exception ex) when (IsFault(ex, cancellationToken))
                {
                    // One bad row (or a store that failed on it) never stops the rest; its claim runs out and it is tried again.
                    LogRowFailed(ex, JobName, envelope.Id, envelope.Message.Kind);
                    outcome = Outcome.Retry;
                }

                if (outcome == Outcome.NoTime)
                {
                    rest = true;
                    break;
                }

                Measure(platform, envelope.Message, outcome);
                span?.SetTag("studybot.result", OutcomeTag(outcome));
                handled++;
                owned.Sent |= outcome is Outcome.Sent or Outcome.Retry or Outcome.RateLimited;
                delivered += outcome == Outcome.Sent ? 1 : 0;
                failuresInRow = outcome == Outcome.Retry ? failuresInRow + 1 : outcome == Outcome.Sent ? 0 : failuresInRow;
                if (failuresInRow >= FailuresBeforeRest)
                {
                    LogPlatformResting(JobName, platform, failuresInRow);
                    rest = true;
                    break;
                }
            }

            if (handled < batch.Count)
            {
                try
                {
                    await outbox.ReleaseAsync(batch.Skip(handled).Select(e => e.Id).ToList(), cancellationToken);
                }
                catch (Exception ex) when (IsFault(ex, cancellationToken))
                {
                    LogUnclaimFailed(ex, JobName, batch.Count - handled, platform);
                }
            }

            if (rest)
            {
                return delivered;
            }
        }
    }

    private async Task<Outcome> DeliverAsync(
        IOutboxStore outbox,
        IChannelProblemStore channels,
        INotifier notifier,
        Pacer pacer,
        OutboxEnvelope envelope,
        TimeSpan left,
        CancellationToken cancellationToken)
    {
        var m = envelope.Message;
        var now = _clock.Now().UtcDateTime;
        if (envelope.Unreadable)
        {
            await outbox.MarkFailedAsync(envelope.Id, now, UndeliveredReason.Unreadable, "the stored message could not be read", cancellationToken);
            LogUnreadable(JobName, envelope.Id, m.Kind);
            return Outcome.GivenUp;
        }

        // A reminder that is no longer useful is dropped before it takes a slot.
        if (OutboxRetry.IsReminder(m.Kind))
        {
            if (envelope.Superseded)
            {
                await outbox.MarkFailedAsync(envelope.Id, now, UndeliveredReason.Superseded, "a later reminder for the member replaced it", cancellationToken);
                LogDropped(JobName, envelope.Id, m.Kind, UndeliveredReason.Superseded);
                return Outcome.GivenUp;
            }

            if (now >= OutboxRetry.ReminderUsefulUntil(m.DueAtUtc, envelope.MemberTimeZone ?? "UTC"))
            {
                await outbox.MarkFailedAsync(envelope.Id, now, UndeliveredReason.WeekPassed, "its week had passed", cancellationToken);
                LogDropped(JobName, envelope.Id, m.Kind, UndeliveredReason.WeekPassed);
                return Outcome.GivenUp;
            }
        }

        if (left <= TimeSpan.Zero || !await pacer.WaitAsync(left, cancellationToken))
        {
            return Outcome.NoTime;
        }

        DeliveryResult result;
        try
        {
            var community = new CommunityRef(m.Platform, m.CommunityExternalId, m.CommunityName);
            result = m.Target == OutboxTarget.DirectMessage
                ? await notifier.SendDirectAsync(new MemberRef(community, m.RecipientId, m.RecipientName), m.Message, m.Key, envelope.MayHaveLandedSinceUtc, cancellationToken)
                : await notifier.PostAsync(new ChannelAddress(community, m.RecipientId), m.Message, m.Key, envelope.MayHaveLandedSinceUtc, cancellationToken);
        }
        catch (Exception ex) when (IsFault(ex, cancellationToken))
        {
            LogSendThrew(ex, JobName, envelope.Id, m.Kind);
            result = DeliveryResult.TransientFailure(ex.GetType().Name);
        }

        now = _clock.Now().UtcDateTime;
        var where = new CommunityRef(m.Platform, m.CommunityExternalId, m.CommunityName);
        switch (result.Status)
        {
            case DeliveryStatus.Sent:
                await outbox.MarkSentAsync(envelope.Id, now, cancellationToken);
                if (m.Target == OutboxTarget.Channel)
                {
                    // The channel works (again): a problem it had is over, and a new one will be reported again.
                    await channels.ClearAsync(where, m.RecipientId, cancellationToken);
                }

                return Outcome.Sent;
            case DeliveryStatus.Permanent when m.Target == OutboxTarget.Channel && result.ChannelProblem is { } problem:
                // Not lost: the admins hear of it once, and a celebration goes to its member instead; then the row is done.
                await ReportChannelProblemAsync(channels, envelope, problem, now, cancellationToken);
                await outbox.MarkFailedAsync(envelope.Id, now, UndeliveredReason.ChannelProblem, result.Reason ?? problem.ToString(), cancellationToken);
                LogPermanent(JobName, envelope.Id, m.Kind, result.Reason);
                return Outcome.GivenUp;
            case DeliveryStatus.Transient when !OutboxRetry.IsReminder(m.Kind) && now - m.DueAtUtc >= OutboxRetry.MaxAge:
                await outbox.MarkFailedAsync(envelope.Id, now, UndeliveredReason.TooOld, $"kept failing for {OutboxRetry.MaxAge.TotalDays:0} days: {result.Reason}", cancellationToken);
                LogGaveUp(JobName, envelope.Id, m.Kind, result.Reason);
                return Outcome.GivenUp;
            case DeliveryStatus.Transient when result.RetryAfter is { } retryAfter:
                // A rate limit is the platform pacing us, not a failure: the whole platform waits, and the row does not age.
                pacer.Hold(retryAfter);
                var wait = OutboxRetry.AfterRateLimit(retryAfter, Random.Shared.NextDouble());
                await outbox.MarkRetryAsync(envelope.Id, now + wait, result.Reason ?? "rate limited", countsAsFailure: false, cancellationToken);
                LogRetry(JobName, envelope.Id, m.Kind, result.Reason, wait);
                return Outcome.RateLimited;
            case DeliveryStatus.Transient:
                var backoff = OutboxRetry.Backoff(envelope.Failures, Random.Shared.NextDouble());
                await outbox.MarkRetryAsync(envelope.Id, now + backoff, result.Reason ?? "transient failure", countsAsFailure: true, cancellationToken);
                LogRetry(JobName, envelope.Id, m.Kind, result.Reason, backoff);
                return Outcome.Retry;
            default:
                await outbox.MarkFailedAsync(envelope.Id, now, UndeliveredReason.Refused, result.Reason ?? "permanent failure", cancellationToken);
                if (m.Target == OutboxTarget.DirectMessage && OutboxRetry.IsReminder(m.Kind))
                {
                    await outbox.MarkDmClosedAsync(m.Platform, m.CommunityExternalId, m.RecipientId, now, cancellationToken);
                }

                LogPermanent(JobName, envelope.Id, m.Kind, result.Reason);
                return Outcome.GivenUp;
        }
    }

    private static string OutcomeTag(Outcome outcome) => outcome switch
    {
        Outcome.Sent => "sent",
        Outcome.Retry => "retried",
        Outcome.RateLimited => "rate_limited",
        _ => "given_up",
    };

    /// <summary><c>studybot.outbox.messages</c> by platform, kind and result, and the lag of a reminder delivered.</summary>
    private void Measure(string platform, OutboxMessage message, Outcome outcome)
    {
        if (metrics is null)
        {
            return;
        }

        metrics.OutboxMessage(platform, message.Kind, OutcomeTag(outcome));
        if (outcome == Outcome.Sent && OutboxRetry.IsReminder(message.Kind))
        {
            metrics.ReminderDelivered(platform, time.GetUtcNow().UtcDateTime - message.DueAtUtc);
        }
    }

    private static bool IsFault(Exception ex, CancellationToken cancellationToken) =>
        ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private async Task ReportChannelProblemAsync(IChannelProblemStore channels, OutboxEnvelope envelope, ChannelProblem problem, DateTime now, CancellationToken cancellationToken)
    {
        var m = envelope.Message;
        var community = new CommunityRef(m.Platform, m.CommunityExternalId, m.CommunityName);
        var setting = ChannelTexts.Setting(m.Kind);
        var contact = await channels.ContactAsync(community, cancellationToken);
        var notice = contact is null
            ? null
            : new OutboxMessage(
                $"{OutboxKinds.ChannelProblem}:{m.Platform}:{m.CommunityExternalId}:{m.RecipientId}:{problem}:{now:yyyyMMddHHmmssfff}",
                OutboxKinds.ChannelProblem,
                OutboxTarget.DirectMessage,
                m.Platform,
                m.CommunityExternalId,
                m.CommunityName,
                contact.UserId,
                contact.DisplayName,
                ChannelTexts.Notice(m.Platform, m.RecipientId, setting, problem, Localization.Languages.Culture(contact.Language)),
                now);

        // The celebration itself, to its member, as the channel version says it (their card travels with it).
        var replacement = m.Kind == OutboxKinds.Celebration && envelope.Member is { } member
            ? m with
            {
                Key = m.Key + ":dm",
                Target = OutboxTarget.DirectMessage,
                RecipientId = member.UserId,
                RecipientName = member.DisplayName,
                Message = m.Message with { Visibility = Visibility.Private },
                DueAtUtc = now,
            }
            : null;
        var reported = await channels.ReportAsync(community, new ChannelProblemRecord(m.RecipientId, problem, now), notice, replacement, envelope.Member?.UserId, cancellationToken);
        if (reported)
        {
            LogChannelProblem(m.CommunityExternalId, m.RecipientId, problem, contact is not null);
        }
    }

    private Pacer PacerFor(string platform) => _pacers.GetOrAdd(platform, p => new Pacer(rates.For(p), time));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: sending outbox row {Id} ({Kind}) threw; it will be retried")]
    private partial void LogSendThrew(Exception ex, string job, long id, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: outbox row {Id} ({Kind}) failed ({Reason}); retrying in {Backoff}")]
    private partial void LogRetry(string job, long id, string kind, string? reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: gave up on outbox row {Id} ({Kind}) after trying for days: {Reason}")]
    private partial void LogGaveUp(string job, long id, string kind, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: outbox row {Id} ({Kind}) cannot be delivered: {Reason}")]
    private partial void LogPermanent(string job, long id, string kind, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: dropped outbox row {Id} ({Kind}): {Reason}")]
    private partial void LogDropped(string job, long id, string kind, UndeliveredReason reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: outbox row {Id} ({Kind}) cannot be read; it is set aside, the rest go on")]
    private partial void LogUnreadable(string job, long id, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: outbox row {Id} ({Kind}) failed; it will be tried again, the rest go on")]
    private partial void LogRowFailed(Exception ex, string job, long id, string kind);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: claiming {Platform} messages failed; the next run tries again")]
    private partial void LogClaimFailed(Exception ex, string job, string platform);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: freeing {Count} unsent {Platform} messages failed; they go again when their claim runs out")]
    private partial void LogUnclaimFailed(Exception ex, string job, int count, string platform);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: freeing claims left by an earlier process failed; the next run tries again")]
    private partial void LogReleaseFailed(Exception ex, string job);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job}: another instance drains {Platform} now")]
    private partial void LogDrainedElsewhere(string job, string platform);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: taking the {Platform} drain lease failed; the next run tries again")]
    private partial void LogLeaseFailed(Exception ex, string job, string platform);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job}: {Platform} failed {Failures} times in a row; its messages wait for their retries")]
    private partial void LogPlatformResting(string job, string platform, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Community {Community}: StudyBot cannot post in channel {Channel} ({Problem}); the admin who chose it is told once: {Told}")]
    private partial void LogChannelProblem(string community, string channel, ChannelProblem problem, bool told);
}
