using System.Globalization;

namespace StudyBot.Data;

/// <summary>Text going into size-limited columns.</summary>
internal static class DataText
{
    /// <summary>
    /// The text cut to the column's length, counted as the commands count it: in characters as a person sees them
    /// (an emoji is one), never cutting inside one. A note of 200 emoji, which the command accepts, is kept whole.
    /// </summary>
    public static string Clip(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var info = new StringInfo(text);
        return info.LengthInTextElements <= max ? text : info.SubstringByTextElements(0, max);
    }
}
