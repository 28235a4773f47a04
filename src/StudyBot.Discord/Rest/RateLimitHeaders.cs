using System.Globalization;
using System.Net.Http.Headers;

namespace StudyBot.Discord.Rest;

internal enum RateLimitScope
{
    None = 0,
    User = 1,
    Global = 2,
    Shared = 3,
}

/// <summary>The rate-limit headers of one response. <c>Reset-After</c> is used, not the wall-clock <c>Reset</c>.</summary>
internal sealed record RateLimitHeaders(int? Limit, int? Remaining, TimeSpan? ResetAfter, string? Bucket, bool Global, RateLimitScope Scope, TimeSpan? RetryAfter)
{
    public static readonly RateLimitHeaders None = new(null, null, null, null, false, RateLimitScope.None, null);

    public bool HasBucketInfo => Limit is not null && Remaining is not null && ResetAfter is not null;

    public static RateLimitHeaders Parse(HttpResponseHeaders headers) =>
        Parse(name => headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null);

    public static RateLimitHeaders Parse(Func<string, string?> header)
    {
        var scope = header("X-RateLimit-Scope")?.Trim().ToLowerInvariant() switch
        {
            "user" => RateLimitScope.User,
            "global" => RateLimitScope.Global,
            "shared" => RateLimitScope.Shared,
            _ => RateLimitScope.None,
        };
        return new RateLimitHeaders(
            Int(header("X-RateLimit-Limit")),
            Int(header("X-RateLimit-Remaining")),
            Seconds(header("X-RateLimit-Reset-After")),
            header("X-RateLimit-Bucket") is { Length: > 0 } b ? b : null,
            string.Equals(header("X-RateLimit-Global"), "true", StringComparison.OrdinalIgnoreCase),
            scope,
            Seconds(header("Retry-After")));
    }

    private static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : null;

    private static TimeSpan? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && v < 86400 * 7
            ? TimeSpan.FromSeconds(v)
            : null;
}
