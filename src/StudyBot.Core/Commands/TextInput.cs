using System.Globalization;
using System.Text;

namespace StudyBot.Core.Commands;

/// <summary>Checks on raw text from members before anything else looks at it.</summary>
public static class TextInput
{
    public const int MaxCommandLength = 1000;

    /// <summary>A reason the text is unusable, or null when it is fine.</summary>
    public static string? Problem(string text)
    {
        if (text.Length > MaxCommandLength)
        {
            return $"That message is too long ({text.Length:N0} characters). Commands are at most {MaxCommandLength:N0} characters; keep notes short.";
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune) && rune.Value is not ('\t' or '\n' or '\r'))
            {
                return $"That message contains a control character (U+{rune.Value:X4}). Please type the command as plain text.";
            }

            // Bidirectional overrides and isolates can make a note display differently from what it says.
            if (rune.Value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069))
            {
                return $"That message contains an invisible text-direction character (U+{rune.Value:X4}). Please remove it and try again.";
            }

            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.OtherNotAssigned)
            {
                return "That message contains characters I cannot read. Please type the command as plain text.";
            }
        }

        return null;
    }

    /// <summary>Shortens text for echoing back in a reply.</summary>
    public static string Quote(string text, int max = 40)
    {
        var flat = text.ReplaceLineEndings(" ").Replace('`', '\'');
        if (flat.Length <= max)
        {
            return flat;
        }

        var cut = max - 1;
        if (char.IsHighSurrogate(flat[cut - 1]))
        {
            cut--;
        }

        return flat[..cut] + "…";
    }
}
