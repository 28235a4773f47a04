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
/// Paces sends to a steady rate on the injected clock: slots are spaced 1/rate apart and never bunch up after
/// an idle spell, so a fan-out of thousands stays under the platform's limit.
/// </summary>
public sealed class Pacer(double perSecond, TimeProvider time)
{
    private readonly TimeSpan _interval = double.IsPositiveInfinity(perSecond) ? TimeSpan.Zero : TimeSpan.FromSeconds(1 / perSecond);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (_next > now)
            {
                await Task.Delay(_next - now, time, cancellationToken);
                now = _next;
            }

            _next = now + _interval;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// Drains the outbox through the notifiers: claims due rows, paces them per platform, and marks each sent,
/// retried with backoff, or failed with its reason. A crash mid-way leaves claimed rows to expire and be
/// retried under the same idempotency key, so nothing is lost and a notifier that honours keys sends nothing twice.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEnumerable<INotifier> notifiers,
    DeliveryRates rates,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger)
{
    public const int MaxAttempts = 8;
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, INotifier> _notifiers = notifiers.GroupBy(n => n.Platform).ToDictionary(g => g.Key, g => g.Last());
    private readonly Dictionary<string, Pacer> _pacers = [];
    private readonly Lock _lock = new();
    private bool _released;

    /// <summary>Sends until nothing is due or <paramref name="budget"/> has passed; returns how many were delivered.</summary>
    public async Task<int> DrainAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var delivered = 0;
        while (time.GetUtcNow() - started < budget)
        {
            await using var scope = scopes.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
            var channels = scope.ServiceProvider.GetRequiredService<IChannelProblemStore>();
            if (!_released)
            {
                await outbox.ReleaseClaimsAsync(cancellationToken);
                _released = true;
            }

            var batch = await outbox.ClaimAsync(time.GetUtcNow().UtcDateTime, 100, Lease, cancellationToken);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var envelope in batch)
            {
                delivered += await DeliverAsync(outbox, channels, envelope, cancellationToken) ? 1 : 0;
            }
        }

        return delivered;
    }

    private async Task<bool> DeliverAsync(IOutboxStore outbox, IChannelProblemStore channels, OutboxEnvelope envelope, CancellationToken cancellationToken)
    {
        var m = envelope.Message;
        if (!_notifiers.TryGetValue(m.Platform, out var notifier))
        {
            await outbox.MarkRetryAsync(envelope.Id, time.GetUtcNow().AddMinutes(5).UtcDateTime, $"no {m.Platform} adapter is running", cancellationToken);
            return false;
        }

        await PacerFor(m.Platform).WaitAsync(cancellationToken);
        DeliveryResult result;
        try
        {
            var community = new CommunityRef(m.Platform, m.CommunityExternalId, m.CommunityName);
            result = m.Target == OutboxTarget.DirectMessage
                ? await notifier.SendDirectAsync(new MemberRef(community, m.RecipientId, m.RecipientName), m.Message, m.Key, cancellationToken)
                : await notifier.PostAsync(new ChannelAddress(community, m.RecipientId), m.Message, m.Key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogSendThrew(ex, m.Key);
            result = DeliveryResult.TransientFailure(ex.GetType().Name);
        }

        var now = time.GetUtcNow();
        var where = new CommunityRef(m.Platform, m.CommunityExternalId, m.CommunityName);
        switch (result.Status)
        {
            case DeliveryStatus.Sent:
                await outbox.MarkSentAsync(envelope.Id, now.UtcDateTime, cancellationToken);
                if (m.Target == OutboxTarget.Channel)
                {
                    // The channel works (again): a problem it had is over, and a new one will be reported again.
                    await channels.ClearAsync(where, m.RecipientId, cancellationToken);
                }

                return true;
            case DeliveryStatus.Permanent when m.Target == OutboxTarget.Channel && result.ChannelProblem is { } problem:
                // Not lost: the admins hear of it once, and a celebration goes to its member instead; then the row is done.
                await ReportChannelProblemAsync(channels, envelope, problem, now.UtcDateTime, cancellationToken);
                await outbox.MarkFailedAsync(envelope.Id, now.UtcDateTime, result.Reason ?? problem.ToString(), cancellationToken);
                LogPermanent(m.Key, result.Reason);
                return false;
            case DeliveryStatus.Transient when envelope.Attempts + 1 < MaxAttempts:
                var backoff = result.RetryAfter ?? TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, envelope.Attempts)));
                await outbox.MarkRetryAsync(envelope.Id, (now + backoff).UtcDateTime, result.Reason ?? "transient failure", cancellationToken);
                LogRetry(m.Key, result.Reason, backoff);
                return false;
            case DeliveryStatus.Transient:
                await outbox.MarkFailedAsync(envelope.Id, now.UtcDateTime, $"gave up after {MaxAttempts} attempts: {result.Reason}", cancellationToken);
                LogGaveUp(m.Key, result.Reason);
                return false;
            default:
                await outbox.MarkFailedAsync(envelope.Id, now.UtcDateTime, result.Reason ?? "permanent failure", cancellationToken);
                if (m.Target == OutboxTarget.DirectMessage && m.Kind is OutboxKinds.Reminder or OutboxKinds.FreshStart)
                {
                    await outbox.MarkDmClosedAsync(m.Platform, m.CommunityExternalId, m.RecipientId, now.UtcDateTime, cancellationToken);
                }

                LogPermanent(m.Key, result.Reason);
                return false;
        }
    }

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
                ChannelTexts.Notice(m.Platform, m.RecipientId, setting, problem),
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

    private Pacer PacerFor(string platform)
    {
        lock (_lock)
        {
            if (!_pacers.TryGetValue(platform, out var pacer))
            {
                pacer = new Pacer(rates.For(platform), time);
                _pacers[platform] = pacer;
            }

            return pacer;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending {Key} threw; it will be retried")]
    private partial void LogSendThrew(Exception ex, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending {Key} failed ({Reason}); retrying in {Backoff}")]
    private partial void LogRetry(string key, string? reason, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up on {Key}: {Reason}")]
    private partial void LogGaveUp(string key, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Key} cannot be delivered: {Reason}")]
    private partial void LogPermanent(string key, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Community {Community}: StudyBot cannot post in channel {Channel} ({Problem}); the admin who chose it is told once: {Told}")]
    private partial void LogChannelProblem(string community, string channel, ChannelProblem problem, bool told);
}
