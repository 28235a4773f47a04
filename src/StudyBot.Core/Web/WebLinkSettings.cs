namespace StudyBot.Core.Web;

/// <summary>
/// Where members open the web side: <see cref="BaseUrl"/> such as <c>https://study.example.org</c> (no trailing slash),
/// or null when this bot serves no web pages (then <c>/progress web</c> says so and changes nothing). The host registers
/// it from the web settings.
/// </summary>
public sealed class WebLinkSettings
{
    private readonly Func<string?> _baseUrl;

    /// <summary>No web pages.</summary>
    public WebLinkSettings()
        : this(static () => null)
    {
    }

    /// <summary>
    /// The address read when a link is made: the web pages may only know theirs once the server has bound its port
    /// (<c>Web:Urls</c> on port 0).
    /// </summary>
    public WebLinkSettings(Func<string?> baseUrl) => _baseUrl = baseUrl;

    /// <summary>Trimmed, without a trailing slash; null when the pages are off (or not listening yet).</summary>
    public string? BaseUrl => _baseUrl() is { } url && !string.IsNullOrWhiteSpace(url) ? url.Trim().TrimEnd('/') : null;

    /// <summary>The settings for a configured address; blank means off.</summary>
    public static WebLinkSettings For(string? baseUrl) => new(() => baseUrl);
}
