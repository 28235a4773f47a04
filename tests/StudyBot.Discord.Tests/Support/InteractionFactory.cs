using System.Globalization;
using System.Text.Json.Nodes;

namespace StudyBot.Discord.Tests.Support;

/// <summary>Interaction payloads built from the shared fixtures, with fresh ids and tokens and the given command.</summary>
/// <summary>A ROLE option (type 8): Discord sends the role's id as the value.</summary>
public sealed record RoleOption(ulong RoleId);

public static class InteractionFactory
{
    public const ulong GuildId = 290926798626357999;
    public const ulong UserId = 53908232506183680;
    public const ulong ChannelId = 645027906669510667;

    /// <summary>All permissions (as in the fixtures), so the member counts as an admin.</summary>
    public const string AdminPermissions = "2147483647";

    /// <summary>Send messages and view channel only.</summary>
    public const string MemberPermissions = "3072";

    private static long _next = 1523765477892100000;

    public static ulong NextId() => (ulong)Interlocked.Increment(ref _next);

    /// <summary>An APPLICATION_COMMAND (type 2) as the INTERACTION_CREATE's <c>d</c> (also the HTTP body).</summary>
    public static JsonObject Slash(string path, IReadOnlyDictionary<string, object>? options = null, ulong? guildId = GuildId, ulong userId = UserId, string permissions = AdminPermissions, string? nick = null)
    {
        var interaction = Template(guildId, userId, permissions, nick);
        interaction["type"] = 2;
        interaction["data"] = Data(path, options, focused: null);
        return interaction;
    }

    /// <summary>An APPLICATION_COMMAND_AUTOCOMPLETE (type 4) with <paramref name="option"/> focused.</summary>
    public static JsonObject Autocomplete(string path, string option, string typed, ulong? guildId = GuildId, ulong userId = UserId)
    {
        var interaction = Template(guildId, userId, AdminPermissions, null);
        interaction["type"] = 4;
        interaction["data"] = Data(path, new Dictionary<string, object> { [option] = typed }, focused: option);
        return interaction;
    }

    /// <summary>A MESSAGE_COMPONENT (type 3) for a button whose custom_id is a command.</summary>
    public static JsonObject Button(string customId, ulong? guildId = GuildId, ulong userId = UserId)
    {
        var interaction = Template(guildId, userId, AdminPermissions, null);
        interaction["type"] = 3;
        interaction["data"] = new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 };
        interaction["message"] = new JsonObject { ["id"] = Id(NextId()), ["channel_id"] = Id(ChannelId), ["content"] = "", ["flags"] = 64 };
        return interaction;
    }

    public static ulong IdOf(JsonObject interaction) => ulong.Parse((string)interaction["id"]!, CultureInfo.InvariantCulture);

    private static JsonObject Template(ulong? guildId, ulong userId, string permissions, string? nick)
    {
        var file = guildId is null ? "interactions/http_interaction_slash_progress_in_dm.json" : "interactions/http_interaction_slash_progress.json";
        var interaction = JsonNode.Parse(TestPaths.ReadFixture(file))!.AsObject();
        interaction["id"] = Id(NextId());
        interaction["token"] = "token-" + Guid.NewGuid().ToString("N");
        if (guildId is { } guild)
        {
            interaction["guild_id"] = Id(guild);
            interaction["guild"]!["id"] = Id(guild);
            interaction["channel"]!["guild_id"] = Id(guild);
            interaction["authorizing_integration_owners"]!["0"] = Id(guild);
            var member = interaction["member"]!.AsObject();
            member["permissions"] = permissions;
            member["nick"] = nick;
            member["user"]!["id"] = Id(userId);
        }
        else
        {
            interaction["user"]!["id"] = Id(userId);
            interaction["channel"]!["recipients"]![0]!["id"] = Id(userId);
        }

        return interaction;
    }

    private static JsonObject Data(string path, IReadOnlyDictionary<string, object>? options, string? focused)
    {
        var parts = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var leaf = new JsonArray();
        foreach (var (name, value) in options ?? new Dictionary<string, object>())
        {
            var option = value switch
            {
                string s => new JsonObject { ["type"] = 3, ["name"] = name, ["value"] = s },
                RoleOption r => new JsonObject { ["type"] = 8, ["name"] = name, ["value"] = Id(r.RoleId) },
                bool b => new JsonObject { ["type"] = 5, ["name"] = name, ["value"] = b },
                double d => new JsonObject { ["type"] = 10, ["name"] = name, ["value"] = d },
                _ => new JsonObject { ["type"] = 4, ["name"] = name, ["value"] = Convert.ToInt64(value, CultureInfo.InvariantCulture) },
            };
            if (name == focused)
            {
                option["focused"] = true;
            }

            leaf.Add(option);
        }

        var current = leaf;
        for (var i = parts.Length - 1; i >= 1; i--)
        {
            var type = i == parts.Length - 1 ? 1 : 2;
            current = new JsonArray(new JsonObject { ["type"] = type, ["name"] = parts[i], ["options"] = current });
        }

        return new JsonObject { ["id"] = "1346187925263613952", ["name"] = parts[0], ["type"] = 1, ["options"] = current };
    }

    private static string Id(ulong id) => id.ToString(CultureInfo.InvariantCulture);
}
