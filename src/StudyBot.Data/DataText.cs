namespace StudyBot.Data;

/// <summary>Text going into size-limited columns.</summary>
internal static class DataText
{
    /// <summary>The text cut to the column's length.</summary>
    public static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
