using StudyBot.Core.Chat;
using StudyBot.Slack.Api;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack;

/// <summary>
/// Core's outbound port for Slack: a DM is a chat.postMessage to the member's user id (the app's Messages
/// tab, no conversations.open needed); a channel post goes to the channel id. Pacing, 429s and
/// exactly-once retries are handled below this class.
/// </summary>
internal sealed class SlackNotifier(SlackMessenger messenger) : INotifier
{
    public string Platform => Platforms.Slack;

    public async Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member.Community.Platform != Platforms.Slack)
        {
            return DeliveryResult.PermanentFailure($"not a Slack member ({member.Community.Platform})");
        }

        var outcome = await messenger.PostMessageAsync(member.UserId, BlockKit.Render(message), cancellationToken).ConfigureAwait(false);
        return outcome.Result;
    }

    public async Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.Community.Platform != Platforms.Slack)
        {
            return DeliveryResult.PermanentFailure($"not a Slack channel ({channel.Community.Platform})");
        }

        var outcome = await messenger.PostMessageAsync(channel.ChannelId, BlockKit.Render(message), cancellationToken).ConfigureAwait(false);
        return outcome.Result;
    }
}
