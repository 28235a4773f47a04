namespace StudyBot.Core.Chat;

public enum DeliveryStatus
{
    Sent = 0,

    /// <summary>Worth retrying later (rate limit, 5xx, network).</summary>
    Transient = 1,

    /// <summary>Will not work for this target until something changes (DMs closed, channel gone).</summary>
    Permanent = 2,
}

/// <summary>Why StudyBot can no longer post in a channel: lasting until an admin does something about it.</summary>
public enum ChannelProblem
{
    /// <summary>The channel is gone, or the platform no longer shows it to StudyBot (Slack: channel_not_found).</summary>
    NotFound = 1,

    /// <summary>StudyBot is not a member of the channel (Slack: not_in_channel).</summary>
    NotMember = 2,

    /// <summary>The channel was archived (Slack: is_archived, channel_is_archived).</summary>
    Archived = 3,
}

public sealed record DeliveryResult(DeliveryStatus Status, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static readonly DeliveryResult Ok = new(DeliveryStatus.Sent);

    /// <summary>
    /// Set on a permanent failure of a channel post when the channel itself is the problem: the outbox tells the admins
    /// once, and a celebration goes to its member by DM instead.
    /// </summary>
    public ChannelProblem? ChannelProblem { get; init; }

    public static DeliveryResult ChannelUnusable(ChannelProblem problem, string reason) => new(DeliveryStatus.Permanent, reason) { ChannelProblem = problem };

    public static DeliveryResult TransientFailure(string reason, TimeSpan? retryAfter = null) => new(DeliveryStatus.Transient, reason, retryAfter);

    public static DeliveryResult PermanentFailure(string reason) => new(DeliveryStatus.Permanent, reason);
}

/// <summary>
/// The outbound port: how Core's notifications reach people. One implementation per platform adapter;
/// the outbox job picks the one whose <see cref="Platform"/> matches the community.
/// </summary>
public interface INotifier
{
    string Platform { get; }

    /// <summary>Sends a member a direct message.</summary>
    Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken);

    /// <summary>Posts to a channel of a community.</summary>
    Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken);

    /// <summary>
    /// Sends a direct message that must arrive once: a notifier that can make a retried send idempotent
    /// (Discord's nonce, the console's mailbox) uses the key; the default ignores it.
    /// </summary>
    Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        SendDirectAsync(member, message, cancellationToken);

    /// <summary>Posts to a channel once; see the direct-message overload.</summary>
    Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        PostAsync(channel, message, cancellationToken);

    /// <summary>
    /// Sends a direct message once when an earlier attempt, by an instance that stopped mid-send, may already have
    /// delivered it (at or after <paramref name="mayHaveLandedSinceUtc"/>; null when there was none): a notifier that
    /// can look (Slack's conversation history) does so before sending; the default relies on the key alone.
    /// </summary>
    Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, DateTime? mayHaveLandedSinceUtc, CancellationToken cancellationToken) =>
        SendDirectAsync(member, message, idempotencyKey, cancellationToken);

    /// <summary>Posts to a channel once; see the direct-message overload with an earlier attempt.</summary>
    Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, DateTime? mayHaveLandedSinceUtc, CancellationToken cancellationToken) =>
        PostAsync(channel, message, idempotencyKey, cancellationToken);
}
