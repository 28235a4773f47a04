using System.Text.RegularExpressions;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Slack;

/// <summary>
/// Channels named in <c>/studybot channel</c>. With <c>should_escape</c> on, Slack turns "#wins" into
/// <c>&lt;#C0123ABCDEF|wins&gt;</c>; a bare id is taken too. A plain name Slack did not resolve (a channel that
/// does not exist, or text typed without the picker) has no id to post to, so it is refused here rather than
/// failing silently at the first post.
/// </summary>
internal sealed partial class SlackChannelDirectory : IChannelDirectory
{
    public string Platform => Platforms.Slack;

    public Task<ChannelInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken)
    {
        var trimmed = text.Trim();
        if (Escaped().Match(trimmed) is { Success: true } escaped)
        {
            var id = escaped.Groups["id"].Value;
            var name = escaped.Groups["name"].Success && escaped.Groups["name"].Value.Length > 0 ? escaped.Groups["name"].Value : id;
            return Task.FromResult<ChannelInfo?>(new ChannelInfo(id, name));
        }

        return Task.FromResult(BareId().IsMatch(trimmed) ? new ChannelInfo(trimmed, trimmed) : null);
    }

    [GeneratedRegex(@"^<#(?<id>[CG][A-Z0-9]{6,20})(\|(?<name>[^>]{0,80}))?>$")]
    private static partial Regex Escaped();

    [GeneratedRegex(@"^[CG][A-Z0-9]{6,20}$")]
    private static partial Regex BareId();
}
