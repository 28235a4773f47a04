namespace StudyBot.Core.Chat;

/// <summary>
/// How a platform writes text that members chose themselves (display names, nicknames) into its own markup so it reads as
/// typed: on Discord a nickname such as <c>[Free Nitro](https://…)</c> must not become a masked link, formatting, a
/// heading or a ping. One per adapter whose messages have markup; a platform without one gets the text as it is.
/// </summary>
public interface IMemberTextEscaper
{
    string Platform { get; }

    string Escape(string text);
}

/// <summary>Every adapter's <see cref="IMemberTextEscaper"/>, by platform: what Core's message builders use for names.</summary>
public sealed class MemberText(IEnumerable<IMemberTextEscaper> escapers)
{
    private readonly Dictionary<string, IMemberTextEscaper> _byPlatform = escapers
        .GroupBy(e => e.Platform, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);

    /// <summary>No escaping anywhere (tests, and hosts without adapters that need it).</summary>
    public static MemberText None { get; } = new([]);

    /// <summary>The escaping of one platform: the identity where it has none.</summary>
    public Func<string, string> For(string platform) =>
        _byPlatform.TryGetValue(platform, out var escaper) ? escaper.Escape : static text => text;

    public string Escape(string platform, string text) => For(platform)(text);
}
