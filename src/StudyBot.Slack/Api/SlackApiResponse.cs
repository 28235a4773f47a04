using System.Text.Json;

namespace StudyBot.Slack.Api;

/// <summary>What a Web API call came to, from the caller's point of view.</summary>
internal enum SlackOutcome
{
    Ok = 0,

    /// <summary>HTTP 429 or <c>rate_limited</c>: nothing happened; wait <see cref="SlackApiResponse.RetryAfter"/>.</summary>
    RateLimited = 1,

    /// <summary>5xx, network, timeout, <c>internal_error</c>/<c>fatal_error</c>: worth retrying, but it may have half-happened.</summary>
    Transient = 2,

    /// <summary>Lasting for this target (<c>channel_not_found</c>, <c>not_in_channel</c>, <c>cannot_dm_bot</c>, <c>user_not_found</c>, …).</summary>
    TargetUnavailable = 3,

    /// <summary>The token is no good (<c>invalid_auth</c>, <c>token_revoked</c>, …): the adapter stops.</summary>
    Fatal = 4,

    /// <summary>StudyBot sent something Slack rejects (<c>invalid_blocks</c>, …): a bug, never retried as is.</summary>
    Bug = 5,

    /// <summary>Any other refusal (<c>missing_scope</c>, unknown codes).</summary>
    Failed = 6,
}

/// <summary>The <c>{ok, error, warning, response_metadata}</c> envelope of one Web API call, classified.</summary>
internal sealed class SlackApiResponse
{
    public required SlackOutcome Outcome { get; init; }

    /// <summary>Slack's error code, or <c>http_503</c>, <c>network</c>, <c>timeout</c> for transport failures.</summary>
    public string? Error { get; init; }

    public string? Warning { get; init; }

    /// <summary>The whole JSON body (cloned, safe to keep); <c>default</c> when there was none.</summary>
    public JsonElement Body { get; init; }

    public TimeSpan? RetryAfter { get; init; }

    /// <summary>True when the request may have been carried out even though it failed (5xx, timeout, internal_error).</summary>
    public bool MayHaveSucceeded { get; init; }

    /// <summary><c>response_metadata.messages</c> (e.g. json-pointers for invalid_blocks), and <c>needed</c> for missing_scope.</summary>
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>For <c>missing_scope</c>: the scope(s) Slack says the call needs (<c>needed</c>, comma-separated), when it says.</summary>
    public string? Needed { get; init; }

    /// <summary>For <c>missing_scope</c>: the scopes the token has (<c>provided</c>).</summary>
    public string? Provided { get; init; }

    public bool IsOk => Outcome == SlackOutcome.Ok;

    public string? String(string property) =>
        Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static SlackApiResponse Parse(int status, TimeSpan? retryAfter, ReadOnlySpan<byte> body)
    {
        if (status == 429)
        {
            return new SlackApiResponse
            {
                Outcome = SlackOutcome.RateLimited,
                Error = "ratelimited",
                RetryAfter = retryAfter ?? TimeSpan.FromSeconds(1),
            };
        }

        if (status >= 500)
        {
            return new SlackApiResponse { Outcome = SlackOutcome.Transient, Error = $"http_{status}", MayHaveSucceeded = true };
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray());
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new SlackApiResponse
            {
                Outcome = status is >= 200 and < 300 ? SlackOutcome.Transient : SlackOutcome.Failed,
                Error = status is >= 200 and < 300 ? "invalid_response" : $"http_{status}",
                MayHaveSucceeded = status is >= 200 and < 300,
            };
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok) || ok.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return new SlackApiResponse { Outcome = SlackOutcome.Failed, Error = status is >= 200 and < 300 ? "invalid_response" : $"http_{status}", Body = root };
        }

        var warning = root.TryGetProperty("warning", out var w) && w.ValueKind == JsonValueKind.String ? w.GetString() : null;
        var messages = new List<string>();
        if (root.TryGetProperty("response_metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
            && meta.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            messages.AddRange(list.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
        }

        if (ok.GetBoolean())
        {
            return new SlackApiResponse { Outcome = SlackOutcome.Ok, Body = root, Warning = warning, Messages = messages };
        }

        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : "unknown_error";
        string? needed = null;
        string? provided = null;
        if (error == "missing_scope")
        {
            needed = root.TryGetProperty("needed", out var n) && n.ValueKind == JsonValueKind.String && n.GetString() is { Length: > 0 } nv ? nv : null;
            provided = root.TryGetProperty("provided", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            if (needed is not null)
            {
                messages.Add($"needed: {needed}");
            }
        }

        var outcome = Classify(error);
        return new SlackApiResponse
        {
            Outcome = outcome,
            Error = error,
            Body = root,
            Warning = warning,
            Messages = messages,
            Needed = needed,
            Provided = provided,
            MayHaveSucceeded = outcome == SlackOutcome.Transient,
            RetryAfter = outcome == SlackOutcome.RateLimited ? retryAfter ?? TimeSpan.FromSeconds(30) : null,
        };
    }

    public static SlackOutcome Classify(string error) => error switch
    {
        "ratelimited" or "rate_limited" => SlackOutcome.RateLimited,
        "fatal_error" or "internal_error" or "service_unavailable" or "request_timeout" => SlackOutcome.Transient,
        "invalid_auth" or "not_authed" or "account_inactive" or "token_revoked" or "token_expired" or "app_uninstalled" => SlackOutcome.Fatal,
        "not_in_channel" or "channel_not_found" or "cannot_dm_bot" or "user_not_found" or "user_disabled" or "user_not_visible"
            or "is_archived" or "channel_is_archived" or "user_not_in_channel" or "restricted_action" or "messages_tab_disabled" or "not_allowed_token_type" => SlackOutcome.TargetUnavailable,
        "invalid_blocks" or "invalid_blocks_format" or "msg_blocks_too_long" or "no_text" or "msg_too_long" or "invalid_arguments"
            or "invalid_json" or "json_not_object" or "invalid_charset" or "invalid_form_data" or "invalid_array_arg" => SlackOutcome.Bug,
        _ => SlackOutcome.Failed,
    };

    /// <summary>Scopes as a person reads them: <c>`im:write`</c>, or <c>`channels:read`, `groups:read`</c> for several.</summary>
    public static string ScopeList(string? needed) =>
        string.Join(", ", (needed ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => $"`{s}`"));

    internal static TimeSpan? ParseRetryAfter(string? header)
    {
        // Slack sends whole seconds; anything unparsable falls back to the caller's default.
        if (header is not null && int.TryParse(header.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(Math.Min(seconds, 3600));
        }

        return null;
    }
}
