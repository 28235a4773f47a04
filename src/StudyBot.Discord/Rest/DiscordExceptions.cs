using System.Text.Json;

namespace StudyBot.Discord.Rest;

/// <summary>
/// Discord answered with an error that retrying will not fix (4xx other than 401/429). <see cref="Errors"/> is the
/// flattened <c>errors</c> tree of a 50035 (which field, which rule), part of the message so logs show it.
/// </summary>
internal sealed class DiscordApiException(int status, int? code, string message, string? errors = null)
    : Exception($"Discord answered {status}{(code is null ? "" : $" (code {code})")}: {message}{(errors is null ? "" : $" [{errors}]")}")
{
    public int Status { get; } = status;

    public int? Code { get; } = code;

    public string DiscordMessage { get; } = message;

    public string? Errors { get; } = errors;

    /// <summary>
    /// The interaction token was refused (401, 50027 Invalid Webhook Token): its 15 minutes are over, so nothing more
    /// can be said on that interaction. Only interaction routes answer this way; the bot token is not concerned.
    /// </summary>
    public bool InteractionTokenInvalid => Status == 401 || Code == DiscordErrorCodes.InvalidWebhookToken;
}

/// <summary>Discord's error details: nested objects down to <c>_errors</c> arrays of <c>{code, message}</c>.</summary>
internal static class DiscordErrors
{
    public const int MaxLength = 1500;
    private const int MaxMessage = 200;

    /// <summary>Each rule broken, as "path: CODE message" (path in Discord's dotted form, e.g. <c>0.options.1.name</c>), joined by "; ".</summary>
    public static string? Describe(JsonElement errors)
    {
        var parts = new List<string>();
        Walk(errors, "", parts);
        if (parts.Count == 0)
        {
            return null;
        }

        var text = string.Join("; ", parts);
        return text.Length > MaxLength ? text[..MaxLength] + "…" : text;
    }

    private static void Walk(JsonElement node, string path, List<string> parts)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in node.EnumerateObject())
        {
            if (property.Name == "_errors" && property.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in property.Value.EnumerateArray())
                {
                    var code = Text(error, "code");
                    var message = Text(error, "message");
                    if (message.Length > MaxMessage)
                    {
                        message = message[..MaxMessage] + "…";
                    }

                    parts.Add($"{(path.Length == 0 ? "(body)" : path)}: {code} {message}".TrimEnd());
                }
            }
            else
            {
                Walk(property.Value, path.Length == 0 ? property.Name : path + "." + property.Name, parts);
            }
        }
    }

    private static string Text(JsonElement error, string name) =>
        error.ValueKind == JsonValueKind.Object && error.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.ToString()
            : "";
}

/// <summary>The bot token was refused (401): fatal for the adapter.</summary>
internal sealed class DiscordAuthException(string message) : Exception(message);

/// <summary>Still rate limited after the allowed retries; try again after <see cref="RetryAfter"/>.</summary>
internal sealed class DiscordRateLimitedException(TimeSpan retryAfter, RateLimitScope scope)
    : Exception($"Discord is rate limiting this request (scope {scope}); retry after {retryAfter.TotalSeconds:0.###} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>Discord or the network failed (5xx, timeout, connection error) after the allowed retries.</summary>
internal sealed class DiscordUnavailableException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The request may have reached Discord and taken effect (a timeout after it left, a dropped answer, a 5xx).</summary>
    public bool OutcomeUnknown { get; init; }
}

/// <summary>The invalid-request circuit breaker is open; nothing is sent until <see cref="RetryAfter"/>.</summary>
internal sealed class DiscordCircuitOpenException(TimeSpan retryAfter)
    : Exception($"Too many invalid Discord responses recently; requests are paused for {retryAfter.TotalSeconds:0} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// What to say when Discord refuses the bot token at sign-in (GET /users/@me, /applications/@me, /gateway/bot): any
/// 4xx but 429 there (401, or 400 with code 40001, 403, ...) means the configuration is wrong, and retrying cannot help.
/// </summary>
internal static class TokenRefusal
{
    /// <summary>Whether an answer to a sign-in call is a refusal of the token rather than a passing condition.</summary>
    public static bool IsRefusal(Exception ex) => ex is DiscordAuthException or DiscordApiException { Status: >= 400 and < 500 and not 429 };

    public static string Message(string call, Exception ex)
    {
        var answer = ex switch
        {
            DiscordApiException api => api.Code is > 0 ? $"{api.Status}, code {api.Code}" : api.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => "401 Unauthorized",
        };
        var hint = ex is DiscordApiException { Status: 404 or 405 } ? " (or Discord:ApiBaseUrl does not point at Discord's API)" : "";
        return $"Discord refused the bot token ({answer} on {call}): Discord:Token is wrong or was reset{hint}. Copy the token from the Developer Portal (Bot > Reset Token) into the environment variable Discord__Token.";
    }
}

/// <summary>Well-known Discord JSON error codes.</summary>
internal static class DiscordErrorCodes
{
    public const int UnknownChannel = 10003;
    public const int UnknownMember = 10007;
    public const int UnknownRole = 10011;
    public const int UnknownInteraction = 10062;
    public const int OpeningDmsTooFast = 40003;
    public const int InteractionAlreadyAcknowledged = 40060;
    public const int InvalidWebhookToken = 50027;
    public const int MissingAccess = 50001;
    public const int CannotSendMessagesToUser = 50007;
    public const int MissingPermissions = 50013;
}
