using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Discord.Json;

namespace StudyBot.Discord.Interactions;

/// <summary>Maps Discord's guild and user ids to the engine's community and member.</summary>
internal static class DiscordIdentity
{
    public const ulong Administrator = 0x8;
    public const ulong ManageGuild = 0x20;

    public static CommunityRef Community(ulong guildId, GuildDirectory guilds)
    {
        var id = Snowflake.Format(guildId);
        return new CommunityRef(Platforms.Discord, id, guilds.NameOf(guildId) ?? id);
    }

    /// <summary>The member who invoked the interaction: <c>member.user</c> in a guild, <c>user</c> in a DM.</summary>
    public static MemberRef Member(Interaction interaction, CommunityRef community)
    {
        var user = interaction.Invoker ?? throw new InvalidOperationException("The interaction names no user.");
        var name = FirstNonBlank(interaction.Member?.Nick, user.GlobalName, user.Username);

        // Without any name the id stands in, flagged, so the engine keeps the name it stored for the member.
        return new MemberRef(community, Snowflake.Format(user.Id), name ?? Snowflake.Format(user.Id))
        {
            DisplayNameUnknown = name is null,
            Locale = interaction.Locale,
            IsAdmin = IsAdmin(interaction.Member?.Permissions),
            ChannelId = interaction.GuildId is not null && interaction.ChannelId is { } channel ? Snowflake.Format(channel) : null,
        };
    }

    /// <summary>Manage Server or Administrator in the channel the command was used in.</summary>
    public static bool IsAdmin(string? permissions) =>
        ulong.TryParse(permissions, NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
        && ((bits & ManageGuild) != 0 || (bits & Administrator) != 0);

    private static string? FirstNonBlank(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
