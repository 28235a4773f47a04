using System.Text.Json.Nodes;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>Socket Mode envelopes and interactive payloads built from the shared fixtures.</summary>
public static class Envelopes
{
    public const string Ada = "U0456GHIJKL";

    public static JsonObject SlashCommand(FakeSlack slack, string text, string userId = Ada, string? envelopeId = null)
    {
        var envelope = Fixtures.Json("socket_mode_slash_commands_progress_envelope.json");
        var id = envelopeId ?? Guid.NewGuid().ToString();
        envelope["envelope_id"] = id;
        var payload = envelope["payload"]!;
        payload["text"] = text;
        payload["user_id"] = userId;
        payload["team_id"] = FakeSlack.TeamId;
        payload["response_url"] = slack.ResponseUrl(id);
        payload["trigger_id"] = NewTriggerId();
        return envelope;
    }

    /// <summary>The official block_actions example, pressed by <paramref name="userId"/> on a button whose value is <paramref name="value"/>.</summary>
    public static JsonObject BlockActions(FakeSlack slack, string value, string responseId, string userId = Ada, bool fromHome = false)
    {
        var payload = Fixtures.Json("block_actions_payload.json");
        payload["team"] = new JsonObject { ["id"] = FakeSlack.TeamId, ["domain"] = FakeSlack.TeamDomain };
        payload["user"] = new JsonObject { ["id"] = userId, ["username"] = "ada", ["team_id"] = FakeSlack.TeamId };
        payload["actions"]![0]!["value"] = value;
        payload["trigger_id"] = NewTriggerId();
        if (fromHome)
        {
            payload["container"] = new JsonObject { ["type"] = "view", ["view_id"] = "V123" };
            payload["view"] = new JsonObject { ["id"] = "V123", ["type"] = "home" };
            payload.Remove("response_url");
            payload.Remove("channel");
            payload.Remove("message");
        }
        else
        {
            payload["response_url"] = slack.ResponseUrl(responseId);
        }

        return payload;
    }

    /// <summary>A trigger_id as Slack makes one for each invocation or press: never the same twice.</summary>
    public static string NewTriggerId() => $"{Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999)}.1234567890.{Guid.NewGuid():N}";

    public static JsonObject Interactive(JsonObject payload, string? envelopeId = null) => new()
    {
        ["envelope_id"] = envelopeId ?? Guid.NewGuid().ToString(),
        ["payload"] = payload,
        ["type"] = "interactive",
        ["accepts_response_payload"] = false,
    };

    /// <summary>An app_home_opened event_callback, wrapped like the fixture's events_api envelope.</summary>
    public static JsonObject HomeOpened(string userId = Ada, string eventId = "Ev0HOME1", string? envelopeId = null, int retryAttempt = 0)
    {
        var envelope = Fixtures.Json("socket_mode_events_api_envelope.json");
        envelope["envelope_id"] = envelopeId ?? Guid.NewGuid().ToString();
        envelope["retry_attempt"] = retryAttempt;
        envelope["retry_reason"] = retryAttempt == 0 ? "" : "timeout";
        envelope["payload"] = HomeOpenedCallback(userId, eventId);
        return envelope;
    }

    public static JsonObject HomeOpenedCallback(string userId = Ada, string eventId = "Ev0HOME1")
    {
        var callback = Fixtures.Json("event_callback_app_mention.json");
        callback["team_id"] = FakeSlack.TeamId;
        callback["event_id"] = eventId;
        callback["event"] = new JsonObject
        {
            ["type"] = "app_home_opened",
            ["user"] = userId,
            ["channel"] = "D0LAN2Q65",
            ["tab"] = "home",
            ["event_ts"] = "1767600000.000100",
        };
        return callback;
    }
}
