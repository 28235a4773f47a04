using System.Globalization;
using System.Text;

namespace StudyBot.Core.Commands;

/// <summary>
/// Checks on raw text from members before anything else looks at it, and the one place that knows how long a text
/// is to a person (grapheme clusters: "👨‍👩‍👧‍👦" is one character) and how to shorten it without cutting one.
/// </summary>
public static class TextInput
{
    /// <summary>The longest command, in characters as a person counts them.</summary>
    public const int MaxCommandLength = 1000;

    /// <summary>The longest command in UTF-16 units: a bound on characters built of many code points.</summary>
    public const int MaxCommandUnits = 4 * MaxCommandLength;

    /// <summary>A reason the text is unusable, or null when it is fine.</summary>
    public static string? Problem(string text) => Problem(text, Localization.Languages.Default);

    /// <summary>As <see cref="Problem(string)"/>, told in <paramref name="culture"/>'s language.</summary>
    public static string? Problem(string text, CultureInfo culture) => Problem(text, culture, MaxCommandLength);

    /// <summary>As <see cref="Problem(string, CultureInfo)"/> for a text that may be up to <paramref name="maxLength"/> characters (a note).</summary>
    public static string? Problem(string text, CultureInfo culture, int maxLength)
    {
        var length = text.Length > 100 * 4 * maxLength ? text.Length : Length(text);
        if (length > maxLength || text.Length > 4 * maxLength)
        {
            var counted = length > maxLength ? Localization.Text.Get(culture, "Parse.TooLongCount", length) : "";
            return Localization.Text.Get(culture, "Parse.TooLong", counted, maxLength);
        }

        var previous = Rune.ReplacementChar;
        var inTagSequence = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (!Rune.TryGetRuneAt(text, i, out var rune))
            {
                return Localization.Text.Get(culture, "Parse.Unreadable");
            }

            i += rune.Utf16SequenceLength - 1;
            if (Rune.IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r'))
            {
                return Localization.Text.Get(culture, "Parse.Control", rune.Value);
            }

            // Bidirectional controls can make a note display differently from what it says.
            if (IsDirectionControl(rune.Value))
            {
                return Localization.Text.Get(culture, "Parse.Direction", rune.Value);
            }

            // Tags are only allowed inside an emoji flag such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿 (a black flag followed by tags).
            inTagSequence = IsTag(rune.Value) ? inTagSequence || previous.Value == BlackFlag : false;
            if (IsInvisible(rune.Value) && !(IsTag(rune.Value) && inTagSequence))
            {
                return Localization.Text.Get(culture, "Parse.Invisible", rune.Value);
            }

            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherNotAssigned)
            {
                return Localization.Text.Get(culture, "Parse.Unreadable");
            }

            previous = rune;
        }

        return null;
    }

    private const int BlackFlag = 0x1F3F4;

    private static bool IsTag(int value) => value is >= 0xE0020 and <= 0xE007F;

    /// <summary>Bidirectional embeddings, overrides, isolates and marks (LRM, RLM, ALM).</summary>
    public static bool IsDirectionControl(int value) =>
        value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) or 0x200E or 0x200F or 0x061C;

    /// <summary>
    /// Characters that show nothing but can change or hide what text says: format characters (zero-width space, word
    /// joiner, byte-order mark, soft hyphen, tags, ...) and the Hangul fillers used for blank names. The zero-width
    /// joiner and non-joiner stay allowed: emoji sequences and Persian or Indic words need them.
    /// </summary>
    public static bool IsInvisible(int value) =>
        value is 0x115F or 0x1160 or 0x3164 or 0xFFA0
        || (value is not (0x200C or 0x200D) && Rune.IsValid(value) && Rune.GetUnicodeCategory(new Rune(value)) == UnicodeCategory.Format);

    /// <summary>How many characters a person sees (grapheme clusters).</summary>
    public static int Length(string text) => text.All(c => c is >= ' ' and < '\u0300') ? text.Length : new StringInfo(text).LengthInTextElements;

    /// <summary>The first <paramref name="max"/> characters a person sees, never cutting one; with "…" when shortened.</summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var keep = 0;
        var count = 0;
        var elements = StringInfo.GetTextElementEnumerator(text);
        while (elements.MoveNext())
        {
            count++;
            if (count == max)
            {
                // The last character that fits when "…" takes the place of the rest.
                keep = elements.ElementIndex;
            }
            else if (count > max)
            {
                return text[..keep] + "…";
            }
        }

        return text;
    }

    /// <summary>Shortens text for echoing back in a reply.</summary>
    public static string Quote(string text, int max = 40) => Cut(text.ReplaceLineEndings(" ").Replace('`', '\''), max);

    /// <summary>
    /// Text made harmless for a terminal: control characters (C0, C1, DEL, so also escape sequences) other than line
    /// feed and tab, direction controls, invisible formatting and broken surrogates each become "�". What a person
    /// sees otherwise stays: emoji sequences, flags and joiners are kept.
    /// </summary>
    public static string Neutralize(string text)
    {
        StringBuilder? sb = null;
        var previous = Rune.ReplacementChar;
        var inTagSequence = false;
        for (var i = 0; i < text.Length; i++)
        {
            var bad = false;
            var width = 1;
            if (!Rune.TryGetRuneAt(text, i, out var rune))
            {
                bad = true;
            }
            else
            {
                width = rune.Utf16SequenceLength;
                inTagSequence = IsTag(rune.Value) ? inTagSequence || previous.Value == BlackFlag : false;
                previous = rune;
                bad = (Rune.IsControl(rune) && rune.Value is not ('\n' or '\t'))
                    || IsDirectionControl(rune.Value)
                    || (IsInvisible(rune.Value) && !(IsTag(rune.Value) && inTagSequence));
            }

            if (bad && sb is null)
            {
                sb = new StringBuilder(text.Length).Append(text, 0, i);
            }

            if (sb is not null)
            {
                if (bad)
                {
                    sb.Append('\uFFFD');
                }
                else
                {
                    sb.Append(text, i, width);
                }
            }

            i += width - 1;
        }

        return sb?.ToString() ?? text;
    }

    /// <summary>
    /// A display name from a platform, made safe to show anywhere: control, direction and invisible formatting
    /// characters are dropped, runs of spaces and line breaks become one space. Empty when nothing visible is left.
    /// </summary>
    public static string CleanName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var sb = new StringBuilder(name.Length);
        var previous = Rune.ReplacementChar;
        var inTagSequence = false;
        for (var i = 0; i < name.Length; i++)
        {
            if (!Rune.TryGetRuneAt(name, i, out var rune))
            {
                continue;
            }

            i += rune.Utf16SequenceLength - 1;
            inTagSequence = IsTag(rune.Value) ? inTagSequence || previous.Value == BlackFlag : false;
            previous = rune;
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune))
            {
                if (Rune.IsWhiteSpace(rune) && sb.Length > 0 && sb[^1] != ' ')
                {
                    sb.Append(' ');
                }

                continue;
            }

            if (IsDirectionControl(rune.Value) || (IsInvisible(rune.Value) && !(IsTag(rune.Value) && inTagSequence)))
            {
                continue;
            }

            sb.Append(rune.ToString());
        }

        return sb.ToString().Trim();
    }
}
