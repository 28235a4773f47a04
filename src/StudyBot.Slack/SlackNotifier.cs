using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Slack.Api;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack;

/// <summary>
/// Core's outbound port for Slack: a DM is a chat.postMessage to the member's user id (the app's Messages
/// tab, no conversations.open needed); a channel post goes to the channel id. Pacing, 429s and
/// exactly-once retries are handled below this class; the outbox's idempotency key keeps a repeated hand-over
/// of the same notification from being posted twice. Files (a celebration's progress card) follow the text
/// into the same conversation: the text is posted first, so a file that cannot be shared never costs it.
/// </summary>
internal sealed partial class SlackNotifier(SlackMessenger messenger, SlackFiles files, ILogger<SlackNotifier> logger) : INotifier
{
    public string Platform => Platforms.Slack;

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
        SendAsync(member?.Community, member?.UserId, message, null, null, cancellationToken);

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(member?.Community, member?.UserId, message, idempotencyKey, null, cancellationToken);

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, DateTime? mayHaveLandedSinceUtc, CancellationToken cancellationToken) =>
        SendAsync(member?.Community, member?.UserId, message, idempotencyKey, mayHaveLandedSinceUtc, cancellationToken);

    public async Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
        WithChannelProblem(await SendAsync(channel?.Community, channel?.ChannelId, message, null, null, cancellationToken).ConfigureAwait(false));

    public async Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        WithChannelProblem(await SendAsync(channel?.Community, channel?.ChannelId, message, idempotencyKey, null, cancellationToken).ConfigureAwait(false));

    public async Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, DateTime? mayHaveLandedSinceUtc, CancellationToken cancellationToken) =>
        WithChannelProblem(await SendAsync(channel?.Community, channel?.ChannelId, message, idempotencyKey, mayHaveLandedSinceUtc, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// A channel post Slack refused because of the channel itself: marked so the outbox tells the admins (once) and
    /// sends a celebration to its member instead.
    /// </summary>
    internal static DeliveryResult WithChannelProblem(DeliveryResult result) => result.Status != DeliveryStatus.Permanent ? result : result.Reason switch
    {
        "channel_not_found" => result with { ChannelProblem = ChannelProblem.NotFound },
        "not_in_channel" => result with { ChannelProblem = ChannelProblem.NotMember },
        "is_archived" or "channel_is_archived" => result with { ChannelProblem = ChannelProblem.Archived },
        _ => result,
    };

    private async Task<DeliveryResult> SendAsync(CommunityRef? community, string? target, Reply message, string? idempotencyKey, DateTime? mayHaveLandedSinceUtc, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(community);
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (community.Platform != Platforms.Slack)
        {
            return DeliveryResult.PermanentFailure($"not a Slack community ({community.Platform})");
        }

        var outcome = await messenger.PostMessageAsync(target, BlockKit.Render(message), idempotencyKey, mayHaveLandedSinceUtc, cancellationToken).ConfigureAwait(false);
        var attachments = SlackFiles.AllAttachments(message);
        if (outcome.Result.Status != DeliveryStatus.Sent || attachments.Count == 0)
        {
            return outcome.Result;
        }

        // The text is in; each file is shared after it, under its own key, so a retried hand-over neither
        // posts the text again (the messenger knows the key) nor shares a file twice.
        var conversation = outcome.Channel ?? target;
        for (var i = 0; i < attachments.Count; i++)
        {
            var key = idempotencyKey is null ? null : $"{idempotencyKey}|file:{i}";
            var shared = await files.ShareAsync(conversation, attachments[i], null, key, cancellationToken).ConfigureAwait(false);
            if (shared.Shared)
            {
                continue;
            }

            if (!shared.Lasting && idempotencyKey is not null)
            {
                // Worth another try: the outbox hands the message over again, and only what is missing goes out.
                LogFileRetryLater(target, shared.Error);
                return DeliveryResult.TransientFailure($"file not shared yet ({shared.Error})", shared.RetryAfter);
            }

            // A lasting refusal (uploads disabled, not in the channel, too large) or no key to retry safely with:
            // the text was delivered, and that is what counts.
            LogFileDropped(target, shared.Error);
        }

        return outcome.Result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The message for {Target} was posted but its file was not shared ({Error}); the outbox will try the file again")]
    private partial void LogFileRetryLater(string target, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The message for {Target} was posted without its file ({Error})")]
    private partial void LogFileDropped(string target, string? error);
}
