namespace StudyBot.Discord;

/// <summary>
/// Discord's permission bits that StudyBot reads (bit values from Discord's "Permissions: bitwise permission flags"), and
/// the one set of permissions that make a role elevated: a role with any of them gives moderator or admin powers, so
/// StudyBot never hands it out for finishing a phase.
/// </summary>
internal static class DiscordPermissions
{
    public const ulong KickMembers = 1UL << 1;
    public const ulong BanMembers = 1UL << 2;
    public const ulong Administrator = 1UL << 3;
    public const ulong ManageChannels = 1UL << 4;
    public const ulong ManageGuild = 1UL << 5;
    public const ulong ViewAuditLog = 1UL << 7;
    public const ulong ManageMessages = 1UL << 13;
    public const ulong MentionEveryone = 1UL << 17;
    public const ulong MuteMembers = 1UL << 22;
    public const ulong DeafenMembers = 1UL << 23;
    public const ulong MoveMembers = 1UL << 24;
    public const ulong ManageNicknames = 1UL << 27;
    public const ulong ManageRoles = 1UL << 28;
    public const ulong ManageWebhooks = 1UL << 29;
    public const ulong ManageGuildExpressions = 1UL << 30;
    public const ulong ManageEvents = 1UL << 33;
    public const ulong ManageThreads = 1UL << 34;
    public const ulong ModerateMembers = 1UL << 40;

    /// <summary>Every elevated permission, with the name Discord's settings show for it.</summary>
    public static readonly IReadOnlyList<(ulong Bit, string Name)> Elevated =
    [
        (Administrator, "Administrator"),
        (ManageGuild, "Manage Server"),
        (ManageRoles, "Manage Roles"),
        (ManageChannels, "Manage Channels"),
        (KickMembers, "Kick Members"),
        (BanMembers, "Ban Members"),
        (ModerateMembers, "Timeout Members"),
        (ManageMessages, "Manage Messages"),
        (MentionEveryone, "Mention @everyone"),
        (ManageWebhooks, "Manage Webhooks"),
        (ManageNicknames, "Manage Nicknames"),
        (ManageGuildExpressions, "Manage Expressions"),
        (ManageEvents, "Manage Events"),
        (ManageThreads, "Manage Threads"),
        (ViewAuditLog, "View Audit Log"),
        (MuteMembers, "Mute Members"),
        (DeafenMembers, "Deafen Members"),
        (MoveMembers, "Move Members"),
    ];

    public static readonly ulong ElevatedMask = Elevated.Aggregate(0UL, (mask, p) => mask | p.Bit);

    /// <summary>The names of the elevated permissions among <paramref name="bits"/>, e.g. "Administrator, Manage Roles"; empty when none.</summary>
    public static string ElevatedNames(ulong bits) => string.Join(", ", Elevated.Where(p => (bits & p.Bit) != 0).Select(p => p.Name));

    public static bool IsElevated(ulong bits) => (bits & ElevatedMask) != 0;
}
