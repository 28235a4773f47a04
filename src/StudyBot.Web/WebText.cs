using System.Globalization;
using System.Resources;
using Microsoft.AspNetCore.Http;
using StudyBot.Core.Localization;

namespace StudyBot.Web;

/// <summary>
/// The pages' own texts (Resources/Web.resx, German in Web.de.resx; keys "Web.Name"), and Core's reply texts where a
/// page says the same as a chat reply (<see cref="Text"/>): one wording on both sides.
/// </summary>
public static class WebText
{
    private static readonly ResourceManager Resources = new("StudyBot.Web.Resources.Web", typeof(WebText).Assembly);

    /// <summary>A page text ("Web.SkipLink") or a Core reply text ("Roadmap.QuickWinsTitle"), formatted with <paramref name="args"/>.</summary>
    public static string Get(CultureInfo culture, string key, params object?[] args)
    {
        if (!key.StartsWith("Web.", StringComparison.Ordinal))
        {
            return Text.Get(culture, key, args);
        }

        var template = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"No text '{key}' in Resources/Web.resx.");
        return args.Length == 0 ? template : string.Format(culture, template, args);
    }
}

/// <summary>The reader's language for one request: the first supported one in Accept-Language, else English.</summary>
public sealed class PageLanguage(IHttpContextAccessor accessor)
{
    private CultureInfo? _culture;

    public CultureInfo Culture => _culture ??= Languages.Culture(Code);

    /// <summary>"en" or "de": the value of <c>&lt;html lang&gt;</c>.</summary>
    public string Code => _code ??= accessor.HttpContext?.Items[ChosenKey] as string ?? Choose(accessor.HttpContext?.Request);

    /// <summary>Where an endpoint puts the language it chose (a signed-in member's own) before the page renders.</summary>
    public const string ChosenKey = "studybot.language";

    private string? _code;

    public string T(string key, params object?[] args) => WebText.Get(Culture, key, args);

    /// <summary>"2-3 months", "2-3 Monate": as the chat replies write a month range.</summary>
    public string Months(Core.Roadmaps.MonthRange range)
    {
        var culture = Code == Languages.English ? CultureInfo.InvariantCulture : Culture;
        return range.Min.Equals(range.Max)
            ? T("Views.Months", range.Min.ToString("0.#", culture))
            : T("Views.MonthRange", range.Min.ToString("0.#", culture), range.Max.ToString("0.#", culture));
    }

    internal static string Choose(HttpRequest? request)
    {
        if (request is null)
        {
            return Languages.English;
        }

        var asked = request.GetTypedHeaders().AcceptLanguage;
        foreach (var choice in asked.Where(l => l.Quality is null or > 0).OrderByDescending(l => l.Quality ?? 1))
        {
            var code = Languages.Parse(choice.Value.Value);
            if (code.Kind == LanguageCodeKind.Supported && code.Language is { } language)
            {
                return language;
            }
        }

        return Languages.English;
    }
}
