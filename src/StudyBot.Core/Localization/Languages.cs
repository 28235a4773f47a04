using System.Globalization;

namespace StudyBot.Core.Localization;

/// <summary>What a language code a member or a platform gave turned out to be.</summary>
public enum LanguageCodeKind
{
    /// <summary>A language StudyBot speaks (<see cref="LanguageCode.Language"/> is "en" or "de").</summary>
    Supported = 0,

    /// <summary>A real language StudyBot does not speak yet ("fr", "pt-BR"): the next choice in line applies.</summary>
    Unsupported = 1,

    /// <summary>Not a language code at all ("xx", "klingon", 200 characters).</summary>
    Unknown = 2,

    /// <summary>"auto": back to the platform's language (only a member's own choice takes it).</summary>
    Auto = 3,
}

/// <summary>A language code read: its kind, and the supported language it stands for when it is one.</summary>
public readonly record struct LanguageCode(LanguageCodeKind Kind, string? Language, string? Name);

/// <summary>
/// The languages StudyBot replies in, and how a member's language is chosen: the member's own choice
/// (<c>/progress me language</c>), else the platform's locale (Discord's interaction <c>locale</c>, Slack's user
/// locale), else the community's default (<c>/studybot language</c>), else English. Regional codes count as their
/// language ("de-AT" is German); a real language StudyBot does not speak falls through to the next choice.
/// </summary>
public static class Languages
{
    public const string English = "en";
    public const string German = "de";

    /// <summary>The longest code read at all: BCP 47 tags in practice stay well below it.</summary>
    public const int MaxCodeLength = 35;

    /// <summary>The languages replies come in, English (the neutral resources) first.</summary>
    public static IReadOnlyList<string> Supported { get; } = [English, German];

    private static readonly CultureInfo EnglishCulture = CultureInfo.GetCultureInfo(English);
    private static readonly CultureInfo GermanCulture = CultureInfo.GetCultureInfo(German);

    /// <summary>"en, de": how replies list the supported codes.</summary>
    public static string SupportedList => string.Join(", ", Supported);

    /// <summary>The culture replies in <paramref name="language"/> (a supported code) are written with; English otherwise.</summary>
    public static CultureInfo Culture(string? language) => language == German ? GermanCulture : EnglishCulture;

    /// <summary>The default culture: English, as every reply was before languages.</summary>
    public static CultureInfo Default => EnglishCulture;

    /// <summary>Reads any text as a language code; never throws.</summary>
    public static LanguageCode Parse(string? input)
    {
        var code = (input ?? "").Trim();
        if (code.Length is 0 or > MaxCodeLength || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            return new LanguageCode(LanguageCodeKind.Unknown, null, null);
        }

        if (code.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return new LanguageCode(LanguageCodeKind.Auto, null, null);
        }

        code = code.Replace('_', '-');
        var primary = code.Split('-')[0].ToLowerInvariant();
        if (primary.Length is < 2 or > 3 || !primary.All(char.IsAsciiLetterLower))
        {
            return new LanguageCode(LanguageCodeKind.Unknown, null, null);
        }

        CultureInfo culture;
        try
        {
            culture = CultureInfo.GetCultureInfo(code, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return new LanguageCode(LanguageCodeKind.Unknown, null, null);
        }

        // ICU knows some codes only as a region of a language it does not name ("xx-DE" is not a language).
        var language = culture.TwoLetterISOLanguageName;
        if (culture.Equals(CultureInfo.InvariantCulture) || !string.Equals(language, primary, StringComparison.Ordinal) && !string.Equals(culture.ThreeLetterISOLanguageName, primary, StringComparison.Ordinal))
        {
            return new LanguageCode(LanguageCodeKind.Unknown, null, null);
        }

        // The language's own name ("français"): readable whichever language the reply is in.
        var name = CultureInfo.GetCultureInfo(language).NativeName;
        return Supported.Contains(language)
            ? new LanguageCode(LanguageCodeKind.Supported, language, name)
            : new LanguageCode(LanguageCodeKind.Unsupported, null, name);
    }

    /// <summary>The supported language a code stands for, or null (unsupported, unknown, "auto", absent).</summary>
    public static string? SupportedOrNull(string? code) =>
        Parse(code) is { Kind: LanguageCodeKind.Supported, Language: { } language } ? language : null;

    /// <summary>The member's language: their own choice, else the platform's, else the community's, else English.</summary>
    public static string Resolve(string? memberChoice, string? platformLocale, string? communityDefault) =>
        SupportedOrNull(memberChoice) ?? SupportedOrNull(platformLocale) ?? SupportedOrNull(communityDefault) ?? English;
}
