using StudyBot.Core.Chat;
using StudyBot.Slack.Api;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack;

/// <summary>
/// Core's outbound port for Slack: a DM is a chat.postMessage to the member's user id (the app's Messages
/// tab, no conversations.open needed); a channel post goes to the channel id. Pacing, 429s and
/// exactly-once retries are handled below this class; the outbox's idempotency key keeps a repeated hand-over
/// of the same notification from being posted twice.
/// </summary>
internal sealed class SlackNotifier(SlackMessenger messenger) : INotifier
{
    public string Platform => Platforms.Slack;

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
        SendAsync(member?.Community, member?.UserId, message, null, cancellationToken);

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(member?.Community, member?.UserId, message, idempotencyKey, cancellationToken);

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
        SendAsync(channel?.Community, channel?.ChannelId, message, null, cancellationToken);

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(channel?.Community, channel?.ChannelId, message, idempotencyKey, cancellationToken);

    private async Task<DeliveryResult> SendAsync(CommunityRef? community, string? target, Reply message, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(community);
        ArgumentException.ThrowIfNullOrEmpty(target);
        if (community.Platform != Platforms.Slack)
        {
            return DeliveryResult.PermanentFailure($"not a Slack community ({community.Platform})");
        }

        var outcome = await messenger.PostMessageAsync(target, BlockKit.Render(message), idempotencyKey, cancellationToken).ConfigureAwait(false);
        return outcome.Result;
    }
}
