using System.Collections.Concurrent;
using System.Globalization;
using System.Resources;

namespace StudyBot.Core.Localization;

/// <summary>
/// Reply texts from the resource files in <c>src/StudyBot.Core/Resources</c>: one file per area (Log.resx, Goals.resx,
/// ...), English in the neutral file, German in <c>.de.resx</c>. A key is "Area.Name" and lives in Resources/Area.resx,
/// so a text can be found from the code by its key. Placeholders are {0}, {1}, ... and are formatted with the member's
/// culture; a key missing in a language falls back to English (a test fails on it before that can ship).
/// </summary>
public static class Text
{
    private static readonly ConcurrentDictionary<string, ResourceManager> Areas = new(StringComparer.Ordinal);

    /// <summary>The text of <paramref name="key"/> in <paramref name="culture"/>, formatted with <paramref name="args"/> when given.</summary>
    public static string Get(CultureInfo culture, string key, params object?[] args)
    {
        var template = Template(culture, key);
        var text = args.Length == 0 ? template : string.Format(culture, template, args);

        // German: an abbreviation's period ends the sentence too ("2 Std." + "." is "2 Std.").
        return culture.TwoLetterISOLanguageName == "de" && text.Contains("..", StringComparison.Ordinal)
            ? text.Replace("Std..", "Std.", StringComparison.Ordinal).Replace("Min..", "Min.", StringComparison.Ordinal)
            : text;
    }

    /// <summary>The unformatted text of <paramref name="key"/> in <paramref name="culture"/>.</summary>
    public static string Template(CultureInfo culture, string key)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            throw new ArgumentException($"A text key is 'Area.Name'; '{key}' is not.", nameof(key));
        }

        var area = key[..dot];
        var resources = Areas.GetOrAdd(area, static a => new ResourceManager("StudyBot.Core.Resources." + a, typeof(Text).Assembly));
        return resources.GetString(key, culture)
            ?? throw new InvalidOperationException($"No text '{key}' in Resources/{area}.resx.");
    }
}
