using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StudyBot.Discord.Tests.Fakes;

/// <summary>
/// A guild role as the fake keeps it. The @everyone role's id is the guild's. Mutable, so a test can take a
/// permission away or move a role in the middle.
/// </summary>
public sealed class FakeRole(ulong id, ulong guildId, string name, int position, ulong permissions, bool managed = false)
{
    public ulong Id { get; } = id;

    public ulong GuildId { get; } = guildId;

    public string Name { get; set; } = name;

    public int Position { get; set; } = position;

    public ulong Permissions { get; set; } = permissions;

    public bool Managed { get; set; } = managed;
}

/// <summary>Guild roles and members, and the role-add endpoint with Discord's permission and hierarchy rules.</summary>
public sealed partial class FakeDiscordServer
{
    public const ulong Administrator = 1UL << 3;
    public const ulong ManageRoles = 1UL << 28;

    /// <summary>Roles members were given through <c>PUT .../members/{user}/roles/{role}</c>: (guild, user, role).</summary>
    public ConcurrentQueue<(ulong Guild, ulong User, ulong Role)> RoleAdds { get; } = new();

    [GeneratedRegex("^/guilds/(?<guild_id>[0-9]+)/roles$")]
    private static partial Regex GuildRolesRegex();

    [GeneratedRegex("^/guilds/(?<guild_id>[0-9]+)/members/(?<user_id>[0-9]+)$")]
    private static partial Regex GuildMemberRegex();

    [GeneratedRegex("^/guilds/(?<guild_id>[0-9]+)/members/(?<user_id>[0-9]+)/roles/(?<role_id>[0-9]+)$")]
    private static partial Regex MemberRoleRegex();

    /// <summary>Whether the member has the role now.</summary>
    public bool HasRole(ulong guildId, ulong userId, ulong roleId) =>
        _options.Members.TryGetValue((guildId, userId), out var roles) && roles.ContainsKey(roleId);

    private Answer? HandleGuild(Route route, Match match)
    {
        var guild = ulong.Parse(match.Groups["guild_id"].Value, CultureInfo.InvariantCulture);
        switch (route.Template)
        {
            case "/guilds/{guild_id}/roles":
                return Answer.Of(200, new JsonArray(_options.Roles.Where(r => r.GuildId == guild).OrderBy(r => r.Position).Select(r => (JsonNode)RoleJson(r)).ToArray()));
            case "/guilds/{guild_id}/members/{user_id}":
                var user = ulong.Parse(match.Groups["user_id"].Value, CultureInfo.InvariantCulture);
                return _options.Members.TryGetValue((guild, user), out var has)
                    ? Answer.Of(200, MemberJson(user, has.Keys))
                    : Answer.Of(404, Error(10007, "Unknown Member"));
            case "/guilds/{guild_id}/members/{user_id}/roles/{role_id}":
                return AddRole(guild, ulong.Parse(match.Groups["user_id"].Value, CultureInfo.InvariantCulture), ulong.Parse(match.Groups["role_id"].Value, CultureInfo.InvariantCulture));
            default:
                return null;
        }
    }

    /// <summary>Discord's rules: Manage Roles (or Administrator), and the role strictly below the bot's highest role.</summary>
    private Answer AddRole(ulong guild, ulong user, ulong roleId)
    {
        var role = _options.Roles.FirstOrDefault(r => r.GuildId == guild && r.Id == roleId);
        if (role is null)
        {
            return Answer.Of(404, Error(10011, "Unknown Role"));
        }

        if (!_options.Members.TryGetValue((guild, user), out var roles))
        {
            return Answer.Of(404, Error(10007, "Unknown Member"));
        }

        var botRoles = _options.Members.TryGetValue((guild, FakeDiscordOptions.BotUserId), out var mine) ? mine.Keys.ToHashSet() : [];
        var held = _options.Roles.Where(r => r.GuildId == guild && (r.Id == guild || botRoles.Contains(r.Id))).ToList();
        var permissions = held.Aggregate(0UL, (bits, r) => bits | r.Permissions);
        var top = held.Where(r => r.Id != guild).Select(r => r.Position).DefaultIfEmpty(0).Max();
        if ((permissions & (Administrator | ManageRoles)) == 0 || role.Managed || role.Id == guild || role.Position >= top)
        {
            return Answer.Of(403, Error(50013, "Missing Permissions"));
        }

        roles[roleId] = true;
        RoleAdds.Enqueue((guild, user, roleId));
        return Answer.Of(204);
    }

    private static JsonObject RoleJson(FakeRole r) => new()
    {
        ["id"] = Id(r.Id),
        ["name"] = r.Name,
        ["description"] = null,
        ["permissions"] = r.Permissions.ToString(CultureInfo.InvariantCulture),
        ["position"] = r.Position,
        ["color"] = 0,
        ["colors"] = new JsonObject { ["primary_color"] = 0, ["secondary_color"] = null, ["tertiary_color"] = null },
        ["hoist"] = false,
        ["managed"] = r.Managed,
        ["mentionable"] = false,
        ["icon"] = null,
        ["unicode_emoji"] = null,
        ["flags"] = 0,
    };

    private static JsonObject MemberJson(ulong user, IEnumerable<ulong> roles) => new()
    {
        ["user"] = new JsonObject { ["id"] = Id(user), ["username"] = "member" + Id(user)[^4..], ["global_name"] = null, ["discriminator"] = "0", ["avatar"] = null },
        ["nick"] = null,
        ["avatar"] = null,
        ["roles"] = new JsonArray(roles.Select(r => (JsonNode)Id(r)).ToArray()),
        ["joined_at"] = "2026-01-01T00:00:00.000000+00:00",
        ["premium_since"] = null,
        ["deaf"] = false,
        ["mute"] = false,
        ["flags"] = 0,
        ["pending"] = false,
        ["communication_disabled_until"] = null,
    };
}
