using Microsoft.Extensions.Options;

namespace StudyBot.Web;

/// <summary>
/// The <c>Web</c> section: whether the pages are served, where Kestrel listens for them and the address links start with.
/// The pages are also served on every <c>Http:Urls</c> listener (the one that takes Discord's and Slack's HTTP calls).
/// </summary>
public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>The listen address a run of the bot uses when neither <c>Web:Urls</c> nor <c>Http:Urls</c> is set.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Serve the pages (default true); false serves none and listens on no <c>Web:Urls</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Semicolon-separated listen URLs of the pages' own listener(s), e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public string? Urls { get; set; }

    /// <summary>What links to the pages start with, e.g. <c>https://study.example.org/</c>; default the first listen address.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The listen URLs, trimmed, empty ones left out.</summary>
    public IReadOnlyList<string> UrlList => Split(Urls);

    public static IReadOnlyList<string> Split(string? urls) =>
        (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>An absolute http(s) address with a host; Kestrel's wildcards (<c>*</c>, <c>+</c>) count as hosts.</summary>
    internal static bool IsHttpUrl(string url, out Uri? uri) =>
        Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
        && !string.IsNullOrEmpty(uri.Host);
}

/// <summary>Refuses at start what cannot be listened on or linked to, naming the key and showing a good value.</summary>
internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        foreach (var url in options.UrlList)
        {
            if (!WebOptions.IsHttpUrl(url, out var uri) || uri!.PathAndQuery != "/" || !string.IsNullOrEmpty(uri.Fragment))
            {
                failures.Add($"Web:Urls contains '{url}', which is not an http(s) listen address such as '{WebOptions.DefaultUrl}'.");
            }
        }

        if (options.PublicUrl is { } publicUrl
            && (publicUrl.Contains('*', StringComparison.Ordinal) || publicUrl.Contains('+', StringComparison.Ordinal)
                || !WebOptions.IsHttpUrl(publicUrl.Trim(), out var link) || !string.IsNullOrEmpty(link!.Query) || !string.IsNullOrEmpty(link.Fragment)))
        {
            failures.Add($"Web:PublicUrl '{publicUrl}' is not an absolute http(s) address; use the address members open, e.g. 'https://study.example.org/' or '{WebOptions.DefaultUrl}/'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
