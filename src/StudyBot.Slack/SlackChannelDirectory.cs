using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Slack.Api;

namespace StudyBot.Slack;

/// <summary>A channel as conversations.info describes it: what deciding whether StudyBot can post there needs.</summary>
internal sealed record SlackChannel(string Id, string Name, bool IsMember, bool IsArchived, bool IsPrivate);

/// <summary>
/// Channels named in <c>/studybot channel</c>. With <c>should_escape</c> on, Slack turns "#wins" into
/// <c>&lt;#C0123ABCDEF|wins&gt;</c>; a bare id is taken too. A plain name Slack did not resolve (a channel that
/// does not exist, or text typed without the picker) has no id to post to, so it is refused here rather than
/// failing silently at the first post. The id is then checked with conversations.info (scope channels:read, or
/// groups:read for a private channel): a channel Slack does not know, one StudyBot is not a member of, or an archived
/// one is refused with what to do, and so is one that cannot be checked just now; nothing is saved then.
/// </summary>
internal sealed partial class SlackChannelDirectory(SlackApiClient api, ILogger<SlackChannelDirectory> logger) : IChannelDirectory
{
    public const string Info = "conversations.info";

    public string Platform => Platforms.Slack;

    public async Task<ChannelInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken)
    {
        var trimmed = text.Trim();
        string id;
        string? typedName = null;
        if (Escaped().Match(trimmed) is { Success: true } escaped)
        {
            id = escaped.Groups["id"].Value;
            typedName = escaped.Groups["name"].Success && escaped.Groups["name"].Value.Length > 0 ? escaped.Groups["name"].Value : null;
        }
        else if (BareId().IsMatch(trimmed))
        {
            id = trimmed;
        }
        else
        {
            return null;
        }

        var shown = typedName ?? id;
        var response = await api.CallIdempotentAsync(new SlackApiCall(Info) { Form = [new("channel", id)] }, cancellationToken).ConfigureAwait(false);
        if (response.IsOk && Parse(response.Body) is { } channel)
        {
            var found = new ChannelInfo(channel.Id, channel.Name);
            return channel switch
            {
                { IsArchived: true } => found with { RefusalKey = "Channels.Archived" },
                { IsMember: false } => found with { RefusalKey = "Channels.NotMember" },
                _ => found,
            };
        }

        LogCheckFailed(id, response.Error);
        var (key, args) = response switch
        {
            // Slack hides a private channel from an app that is not in it, so "not found" covers both.
            { Error: "channel_not_found" } => ("Channels.NotFound", Array.Empty<object>()),
            { Error: "missing_scope" } => ("Channels.MissingScope", [Needed(response.Needed)]),
            { Outcome: SlackOutcome.Transient or SlackOutcome.RateLimited } => ("Channels.CouldNotCheck", []),
            _ => ("Channels.NoAnswer", [response.Error ?? ""]),
        };
        return new ChannelInfo(id, shown) { RefusalKey = key, RefusalArgs = args };
    }

    /// <summary>The channel in a conversations.info answer; null when the answer has none.</summary>
    internal static SlackChannel? Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("channel", out var c) || c.ValueKind != JsonValueKind.Object
            || !c.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var name = c.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : id.GetString()!;
        return new SlackChannel(id.GetString()!, name, Flag(c, "is_member"), Flag(c, "is_archived"), Flag(c, "is_private") || Flag(c, "is_group"));
    }

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static string Needed(string? needed) => needed is null ? "`channels:read`/`groups:read`" : SlackApiResponse.ScopeList(needed);

    [GeneratedRegex(@"^<#(?<id>[CG][A-Z0-9]{6,20})(\|(?<name>[^>]{0,80}))?>$")]
    private static partial Regex Escaped();

    [GeneratedRegex(@"^[CG][A-Z0-9]{6,20}$")]
    private static partial Regex BareId();

    [LoggerMessage(Level = LogLevel.Information, Message = "conversations.info for channel {Channel} failed ({Error}); the channel is not saved")]
    private partial void LogCheckFailed(string channel, string? error);
}
