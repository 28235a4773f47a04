using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CsCheck;
using StudyBot.Core.Commands;
using StudyBot.Core.Localization;

namespace StudyBot.Core.Tests;

/// <summary>
/// The resource files (every .resx under src/StudyBot.Core) have the same keys and the same placeholders in every
/// language; the language-code reader turns any text into a supported language or a refusal; the choice order is the
/// member's own, the platform's, the community's, then English; formatting follows the member's culture.
/// </summary>
public sealed partial class LanguageTests
{
    [GeneratedRegex(@"\{(\d+|[A-Za-z_][A-Za-z0-9_]*)(,[-+]?\d+)?(:[^}]*)?\}")]
    private static partial Regex Placeholder();

    private static string ResourceFolder => Path.Combine(RepoPaths.Root, "src", "StudyBot.Core");

    /// <summary>Each neutral file (Log.resx) with its translations (Log.de.resx), read as key → text.</summary>
    private static IEnumerable<(string Area, Dictionary<string, string> Neutral, Dictionary<string, Dictionary<string, string>> Languages)> Files()
    {
        var all = Directory.GetFiles(ResourceFolder, "*.resx", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(all);
        foreach (var neutral in all.Where(f => Path.GetFileNameWithoutExtension(f).IndexOf('.', StringComparison.Ordinal) < 0))
        {
            var stem = Path.Combine(Path.GetDirectoryName(neutral)!, Path.GetFileNameWithoutExtension(neutral));
            var translations = all.Where(f => f != neutral && f.StartsWith(stem + ".", StringComparison.Ordinal))
                .ToDictionary(f => Path.GetFileNameWithoutExtension(f)[(Path.GetFileNameWithoutExtension(neutral).Length + 1)..], Read);
            yield return (Path.GetFileNameWithoutExtension(neutral), Read(neutral), translations);
        }
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static string[] Placeholders(string text) => Placeholder().Matches(text).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Every_language_has_every_key_and_no_other()
    {
        var problems = new List<string>();
        foreach (var (area, neutral, languages) in Files())
        {
            foreach (var language in Languages.Supported.Where(l => l != Languages.English))
            {
                if (!languages.TryGetValue(language, out var texts))
                {
                    problems.Add($"{area}: no {area}.{language}.resx");
                    continue;
                }

                problems.AddRange(neutral.Keys.Except(texts.Keys).Select(k => $"{area}.{language}.resx lacks {k}"));
                problems.AddRange(texts.Keys.Except(neutral.Keys).Select(k => $"{area}.{language}.resx has {k}, which {area}.resx has not"));
                problems.AddRange(texts.Where(t => string.IsNullOrWhiteSpace(t.Value)).Select(t => $"{area}.{language}.resx: {t.Key} is empty"));
            }

            problems.AddRange(neutral.Keys.Where(k => !k.StartsWith(area + ".", StringComparison.Ordinal)).Select(k => $"{area}.resx: key {k} must start with '{area}.'"));
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_translation_has_the_same_placeholders_as_English()
    {
        var problems = new List<string>();
        foreach (var (area, neutral, languages) in Files())
        {
            foreach (var (language, texts) in languages)
            {
                foreach (var (key, text) in texts)
                {
                    if (neutral.TryGetValue(key, out var english) && !Placeholders(english).SequenceEqual(Placeholders(text)))
                    {
                        problems.Add($"{area}.{language}.resx {key}: {{{string.Join("}{", Placeholders(text))}}} where English has {{{string.Join("}{", Placeholders(english))}}}");
                    }
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void Every_text_formats_in_every_language()
    {
        // A stray brace would throw at the member's command; format each text with as many arguments as it names.
        foreach (var (area, neutral, languages) in Files().Where(f => f.Area != "Commands"))
        {
            foreach (var key in neutral.Keys)
            {
                foreach (var language in Languages.Supported)
                {
                    var culture = Languages.Culture(language);
                    var count = Placeholders(Text.Template(culture, key)).Select(p => int.TryParse(p, CultureInfo.InvariantCulture, out var n) ? n + 1 : 0).DefaultIfEmpty(0).Max();
                    var text = Text.Get(culture, key, Enumerable.Range(0, Math.Max(count, 1)).Select(i => (object)$"<{i}>").ToArray());
                    Assert.False(string.IsNullOrWhiteSpace(text), $"{area} {key} {language}");
                }
            }
        }
    }

    [Fact]
    public void The_neutral_command_texts_are_the_catalog_and_German_covers_every_command_and_option()
    {
        var catalog = StudyBotCommands.Catalog();
        var german = CultureInfo.GetCultureInfo("de");
        var problems = new List<string>();
        foreach (var (key, english) in CommandTexts.Keys(catalog))
        {
            if (CommandTexts.Neutral(key) != english)
            {
                problems.Add($"Commands.resx {key}: '{CommandTexts.Neutral(key)}', the catalog says '{english}'");
            }

            if (CommandTexts.Translated(key, german) is null)
            {
                problems.Add($"Commands.de.resx lacks {key}");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("de", LanguageCodeKind.Supported, "de")]
    [InlineData("DE", LanguageCodeKind.Supported, "de")]
    [InlineData("de-AT", LanguageCodeKind.Supported, "de")]
    [InlineData("de_CH", LanguageCodeKind.Supported, "de")]
    [InlineData(" en-GB ", LanguageCodeKind.Supported, "en")]
    [InlineData("en-US", LanguageCodeKind.Supported, "en")]
    [InlineData("fr", LanguageCodeKind.Unsupported, null)]
    [InlineData("pt-BR", LanguageCodeKind.Unsupported, null)]
    [InlineData("es-419", LanguageCodeKind.Unsupported, null)]
    [InlineData("auto", LanguageCodeKind.Auto, null)]
    [InlineData("xx", LanguageCodeKind.Unknown, null)]
    [InlineData("klingon", LanguageCodeKind.Unknown, null)]
    [InlineData("", LanguageCodeKind.Unknown, null)]
    [InlineData("de;drop", LanguageCodeKind.Unknown, null)]
    [InlineData("deutsch", LanguageCodeKind.Unknown, null)]
    public void Codes_read_as_their_language(string input, LanguageCodeKind kind, string? language)
    {
        var code = Languages.Parse(input);
        Assert.Equal(kind, code.Kind);
        Assert.Equal(language, code.Language);
    }

    [Fact]
    public void A_code_of_200_characters_is_unknown() => Assert.Equal(LanguageCodeKind.Unknown, Languages.Parse(new string('d', 200)).Kind);

    private static readonly string[] Specials = ["de", "en", "de-AT", "en-GB", "fr", "xx", "auto", "zh-Hant-TW", "sr-Latn", "und", "root", "iv", "c", "posix", "-", "de--", "en-", "x-klingon", "i-klingon", "tlh"];

    [Fact]
    public void Any_text_reads_as_a_supported_language_or_a_refusal_and_never_throws()
    {
        var codes = Gen.OneOf(
            Gen.String,
            Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_0123456789"], 0, 12],
            Gen.Int[0, Specials.Length - 1].Select(i => Specials[i]));
        codes.Sample(input =>
        {
            var code = Languages.Parse(input);
            Assert.True(code.Kind != LanguageCodeKind.Supported || Languages.Supported.Contains(code.Language!), input);
            Assert.True(code.Kind == LanguageCodeKind.Supported || code.Language is null, input);
            Assert.Contains(Languages.Resolve(input, input, input), Languages.Supported);
        });
    }

    [Theory]
    [InlineData("de", "en-US", "en", "de")] // the member's own choice first
    [InlineData(null, "de", "en", "de")] // then the platform's locale
    [InlineData(null, "fr", "de", "de")] // a locale StudyBot does not speak falls to the community's default
    [InlineData(null, null, "de", "de")]
    [InlineData(null, "en-GB", "de", "en")]
    [InlineData(null, null, null, "en")] // then English
    [InlineData("xx", "klingon", "fr", "en")]
    [InlineData("en", "de-AT", "de", "en")]
    public void The_member_s_choice_comes_before_the_platform_s_then_the_community_s_then_English(string? member, string? platform, string? community, string expected) =>
        Assert.Equal(expected, Languages.Resolve(member, platform, community));

    [Fact]
    public void Dates_numbers_and_durations_follow_the_culture_and_English_stays_as_it_was()
    {
        var de = Languages.Culture("de");
        var en = Languages.Culture("en");
        var date = new DateOnly(2026, 12, 7);
        Assert.Equal("7.12.2026", Format.Date(date, de));
        Assert.Equal(Format.Date(date), Format.Date(date, en));
        Assert.Equal("7 Dec 2026", Format.Date(date, en));
        Assert.Equal("Dezember 2026", Format.MonthYear(date, de));
        Assert.Equal("1.234", Format.Number(1234, de));
        Assert.Equal("1,234", Format.Number(1234, en));
        Assert.Equal("2 Std. 5 Min.", Format.Minutes(125, de));
        Assert.Equal("2 Std.", Format.Minutes(120, de));
        Assert.Equal("45 Min.", Format.Minutes(45, de));
        Assert.Equal("2h 05m", Format.Minutes(125, en));
        Assert.Equal("1.234 Punkte", Format.Points(1234, de));
        Assert.Equal("1 Punkt", Format.Points(1, de));
        Assert.Equal(Format.Points(1234), Format.Points(1234, en));
        Assert.Equal("2,5", Format.Hours(2.5, de));
        Assert.Equal("2.5", Format.Hours(2.5, en));
    }
}
