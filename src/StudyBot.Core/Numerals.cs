using System.Globalization;
using System.Text;

namespace StudyBot.Core;

/// <summary>
/// Numbers as members write them. Every Unicode decimal digit (category Nd: Arabic-Indic ٤٥, Devanagari ४५, NKo ߄߅,
/// fullwidth ４５, mathematical 𝟒𝟓 and the rest) counts as the digit it is, so "٤٥m" is 45 minutes wherever a number,
/// a time or a date is read. Nothing here throws: a text that is not a number is simply not one.
/// </summary>
public static class Numerals
{
    /// <summary>
    /// The text with every decimal digit written as its ASCII digit, fullwidth forms (ｍ, ：, ．) as their ASCII
    /// letters and signs, and the Arabic decimal separator (٫) as a dot. Other characters stay as they are.
    /// </summary>
    public static string ToAscii(string text)
    {
        if (text.All(char.IsAscii))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (Rune.TryGetRuneAt(text, i, out var rune))
            {
                sb.Append(ToAscii(rune));
                i += rune.Utf16SequenceLength - 1;
            }
            else
            {
                sb.Append(text[i]); // a lone surrogate: no number, left for the caller to refuse
            }
        }

        return sb.ToString();
    }

    private static string ToAscii(Rune rune) => rune.Value switch
    {
        _ when Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber => ((char)('0' + (int)Rune.GetNumericValue(rune))).ToString(),
        >= 0xFF01 and <= 0xFF5E => ((char)(rune.Value - 0xFEE0)).ToString(), // fullwidth ASCII
        0x3000 => " ", // ideographic space
        0x066B => ".", // Arabic decimal separator
        0x2212 => "-", // minus sign
        _ => rune.ToString(),
    };

    /// <summary>A whole number in any digit system, with an optional sign; false for anything else or an overflow.</summary>
    public static bool TryParseLong(string? text, out long value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var ascii = ToAscii(text.Trim());
        return ascii.Length is > 0 and <= 20 && long.TryParse(ascii, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A whole number of digits only (no sign), in any digit system.</summary>
    public static bool TryParseDigits(string? text, out int value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }

        var ascii = ToAscii(text);
        return ascii.Length is > 0 and <= 9 && ascii.All(char.IsAsciiDigit) && int.TryParse(ascii, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
