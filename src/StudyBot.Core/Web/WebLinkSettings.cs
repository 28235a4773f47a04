namespace StudyBot.Core.Web;

/// <summary>
/// Where members open the web side: <see cref="BaseUrl"/> such as <c>https://study.example.org</c> (no trailing slash),
/// or null when this bot serves no web pages (then <c>/progress web</c> says so and changes nothing). The host registers
/// it from the web settings.
/// </summary>
public sealed record WebLinkSettings
{
    public string? BaseUrl { get; init; }

    /// <summary>The settings for a configured address: trimmed, without a trailing slash; blank means off.</summary>
    public static WebLinkSettings For(string? baseUrl) =>
        new() { BaseUrl = string.IsNullOrWhiteSpace(baseUrl) ? null : baseUrl.Trim().TrimEnd('/') };
}
