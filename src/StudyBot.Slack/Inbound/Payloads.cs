using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace StudyBot.Slack.Inbound;

/// <summary>
/// A slash command, from an HTTP form or a Socket Mode envelope's payload (the same fields either way). Its
/// <c>trigger_id</c> is unique to the invocation, so a replay or a redelivery of it is recognised by that id.
/// </summary>
internal sealed record SlashCommand(
    string TeamId,
    string? TeamDomain,
    string ChannelId,
    string UserId,
    string? UserName,
    string Command,
    string Text,
    string? ResponseUrl,
    string? TriggerId = null)
{
    public static SlashCommand? FromForm(IReadOnlyDictionary<string, StringValues> form)
    {
        string? Get(string key) => form.TryGetValue(key, out var v) ? v.ToString() : null;
        return Create(Get("team_id"), Get("team_domain"), Get("channel_id"), Get("user_id"), Get("user_name"), Get("command"), Get("text"), Get("response_url"), Get("trigger_id"));
    }

    /// <summary>The form fields a slash command is read from, in <see cref="FromBody"/>'s order.</summary>
    private static readonly string[] FormFields = ["team_id", "team_domain", "channel_id", "user_id", "user_name", "command", "text", "response_url", "trigger_id", "ssl_check"];
    private const int SslCheck = 9;

    /// <summary>
    /// Reads a slash command straight from its urlencoded body: only the fields StudyBot uses are decoded, each exactly as
    /// <see cref="FromForm"/> sees it after <c>QueryHelpers.ParseQuery</c> (names matched ignoring case, a repeated field's
    /// values joined with commas). <paramref name="sslCheck"/> is Slack's <c>ssl_check=1</c> probe, which carries no command.
    /// </summary>
    public static SlashCommand? FromBody(ReadOnlySpan<byte> body, out bool sslCheck)
    {
        var values = new string?[FormFields.Length];
        var sslChecks = 0;
        foreach (var pair in new QueryStringEnumerable(Encoding.UTF8.GetString(body)))
        {
            var name = pair.DecodeName().Span;
            for (var i = 0; i < FormFields.Length; i++)
            {
                if (name.Equals(FormFields[i], StringComparison.OrdinalIgnoreCase))
                {
                    // As StringValues.ToString() joins a repeated field: the non-empty values, with commas.
                    var value = pair.DecodeValue().ToString();
                    values[i] = values[i] is not { Length: > 0 } earlier ? value : value.Length == 0 ? earlier : earlier + "," + value;
                    sslChecks += i == SslCheck ? 1 : 0;
                    break;
                }
            }
        }

        // The form's "ssl_check" equals "1" only as a single value.
        sslCheck = sslChecks == 1 && values[SslCheck] == "1";
        return Create(values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7], values[8]);
    }

    public static SlashCommand? FromJson(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? Get(string key) => payload.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return Create(Get("team_id"), Get("team_domain"), Get("channel_id"), Get("user_id"), Get("user_name"), Get("command"), Get("text"), Get("response_url"), Get("trigger_id"));
    }

    private static SlashCommand? Create(string? team, string? domain, string? channel, string? user, string? userName, string? command, string? text, string? responseUrl, string? triggerId) =>
        string.IsNullOrEmpty(team) || string.IsNullOrEmpty(user) || string.IsNullOrEmpty(command) || !command.StartsWith('/')
            ? null
            : new SlashCommand(team, string.IsNullOrEmpty(domain) ? null : domain, channel ?? "", user, userName, command, text ?? "", string.IsNullOrEmpty(responseUrl) ? null : responseUrl, string.IsNullOrEmpty(triggerId) ? null : triggerId);
}

/// <summary>The parts of a <c>block_actions</c> payload StudyBot acts on; each press has its own <c>trigger_id</c>.</summary>
internal sealed record BlockAction(
    string TeamId,
    string? TeamDomain,
    string UserId,
    string? UserName,
    string? Value,
    string? ResponseUrl,
    bool FromHomeTab,
    string? ChannelId,
    string? TriggerId = null)
{
    public static BlockAction? FromJson(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object || Str(payload, "type") != "block_actions")
        {
            return null;
        }

        var user = Obj(payload, "user");
        var team = Obj(payload, "team");
        var userId = user is { } u ? Str(u, "id") : null;
        var teamId = (team is { } t ? Str(t, "id") : null) ?? (user is { } u2 ? Str(u2, "team_id") : null);
        if (userId is null || teamId is null)
        {
            return null;
        }

        string? value = null;
        if (payload.TryGetProperty("actions", out var actions) && actions.ValueKind == JsonValueKind.Array && actions.GetArrayLength() > 0)
        {
            var action = actions[0];
            value = Str(action, "value");
            if (value is null && Obj(action, "selected_option") is { } option)
            {
                value = Str(option, "value");
            }
        }

        var container = Obj(payload, "container");
        var view = Obj(payload, "view");
        var fromHome = (container is { } c && Str(c, "type") == "view" && view is { } v && Str(v, "type") == "home")
            || (container is null && view is { } v2 && Str(v2, "type") == "home");
        var channel = Obj(payload, "channel") is { } ch ? Str(ch, "id") : container is { } c2 ? Str(c2, "channel_id") : null;
        return new BlockAction(
            teamId,
            team is { } t2 ? Str(t2, "domain") : null,
            userId,
            user is { } u3 ? Str(u3, "username") ?? Str(u3, "name") : null,
            value,
            Str(payload, "response_url"),
            fromHome,
            channel,
            Str(payload, "trigger_id"));
    }

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static JsonElement? Obj(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;
}

/// <summary>The outer <c>event_callback</c> wrapper of an Events API delivery.</summary>
internal sealed record EventCallback(string? EventId, string? TeamId, string? EventType, string? UserId, string? Tab, string? BotId)
{
    public static EventCallback? FromJson(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object || BlockAction.Str(payload, "type") != "event_callback")
        {
            return null;
        }

        var ev = BlockAction.Obj(payload, "event");
        return new EventCallback(
            BlockAction.Str(payload, "event_id"),
            BlockAction.Str(payload, "team_id"),
            ev is { } e ? BlockAction.Str(e, "type") : null,
            ev is { } e2 ? BlockAction.Str(e2, "user") : null,
            ev is { } e3 ? BlockAction.Str(e3, "tab") : null,
            ev is { } e4 ? BlockAction.Str(e4, "bot_id") : null);
    }
}

/// <summary>
/// What a log line about a failed command names: the command (<c>/progress</c>, never the member's text), the
/// delivery's id (the trigger_id, or the envelope id) and the team.
/// </summary>
internal sealed record SlackOrigin(string Command, string DeliveryId, string TeamId)
{
    public static SlackOrigin Of(SlashCommand command) => new(command.Command, command.TriggerId ?? "-", command.TeamId);

    /// <summary>A button names its command by its value's first word (<c>progress done numpy</c> is <c>/progress</c>).</summary>
    public static SlackOrigin Of(BlockAction action) =>
        new("/" + (action.Value ?? "").TrimStart('/').Split(' ', 2)[0], action.TriggerId ?? "-", action.TeamId);
}
