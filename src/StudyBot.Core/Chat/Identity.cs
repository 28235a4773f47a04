namespace StudyBot.Core.Chat;

public static class Platforms
{
    public const string Console = "console";
    public const string Discord = "discord";
    public const string Slack = "slack";
}

/// <summary>A community as a platform names it: a Discord guild, a Slack workspace, the local console group.</summary>
public sealed record CommunityRef(string Platform, string ExternalId, string Name);

/// <summary>Who is talking: a member is (platform, community, platform user id).</summary>
public sealed record MemberRef(CommunityRef Community, string UserId, string DisplayName)
{
    /// <summary>The member's zone as the platform reports it (Slack's <c>tz</c>), used as a default.</summary>
    public string? TimeZoneHint { get; init; }

    /// <summary>The member's language as the platform reports it (Discord's interaction <c>locale</c>, Slack's user <c>locale</c>).</summary>
    public string? Locale { get; init; }

    /// <summary>Whether the platform says this member may run admin commands.</summary>
    public bool IsAdmin { get; init; }

    /// <summary>The channel the command came from, when the platform says (Discord); admin notices can go back there.</summary>
    public string? ChannelId { get; init; }

    /// <summary>
    /// The platform sent no name for the user, so <see cref="DisplayName"/> is only a stand-in (the user id): the
    /// engine uses the member's stored name instead, and never stores the stand-in over it.
    /// </summary>
    public bool DisplayNameUnknown { get; init; }
}

/// <summary>Where to post in a community: a channel id as the platform knows it.</summary>
public sealed record ChannelAddress(CommunityRef Community, string ChannelId);
