namespace StudyBot.Discord.Rest;

/// <summary>Discord answered with an error that retrying will not fix (4xx other than 401/429).</summary>
internal sealed class DiscordApiException(int status, int? code, string message)
    : Exception($"Discord answered {status}{(code is null ? "" : $" (code {code})")}: {message}")
{
    public int Status { get; } = status;

    public int? Code { get; } = code;

    public string DiscordMessage { get; } = message;
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
internal sealed class DiscordUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The invalid-request circuit breaker is open; nothing is sent until <see cref="RetryAfter"/>.</summary>
internal sealed class DiscordCircuitOpenException(TimeSpan retryAfter)
    : Exception($"Too many invalid Discord responses recently; requests are paused for {retryAfter.TotalSeconds:0} s")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
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
    public const int MissingAccess = 50001;
    public const int CannotSendMessagesToUser = 50007;
    public const int MissingPermissions = 50013;
}
