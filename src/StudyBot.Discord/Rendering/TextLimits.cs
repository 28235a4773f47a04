using System.Text;

namespace StudyBot.Discord.Rendering;

/// <summary>Cuts text to Discord's limits cleanly: on a line or word break, never inside a surrogate pair, markdown closed.</summary>
internal static class TextLimits
{
    public const string Ellipsis = "…";

    public static string Cut(string text, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        if (text.Length <= max)
        {
            return text;
        }

        var length = max - Ellipsis.Length;
        while (length > 0)
        {
            var cut = Boundary(text, length);
            var head = text[..cut].TrimEnd();
            var closers = Closers(head);
            if (head.Length + closers.Length + Ellipsis.Length <= max)
            {
                return head + Ellipsis + closers;
            }

            length = Math.Min(length - 1, head.Length - 1);
        }

        return max >= Ellipsis.Length ? Ellipsis : text[..max];
    }

    /// <summary>Where to end: the last line break or space in the final 40%, else the hard limit (kept off a surrogate pair).</summary>
    private static int Boundary(string text, int length)
    {
        var floor = (int)(length * 0.6);
        var newline = text.LastIndexOf('\n', length - 1, length);
        if (newline >= floor && newline > 0)
        {
            return newline;
        }

        var space = text.LastIndexOf(' ', length - 1, length);
        if (space >= floor && space > 0)
        {
            return space;
        }

        return char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
    }

    /// <summary>Markers a cut left open: a code block, inline code, or bold.</summary>
    private static string Closers(string head)
    {
        var closers = new StringBuilder();
        var fences = Count(head, "```");
        if (fences % 2 == 1)
        {
            return "\n```";
        }

        var withoutFences = head.Replace("```", "", StringComparison.Ordinal);
        if (Count(withoutFences, "`") % 2 == 1)
        {
            closers.Append('`');
            return closers.ToString();
        }

        if (Count(withoutFences, "**") % 2 == 1)
        {
            closers.Append("**");
        }

        return closers.ToString();
    }

    private static int Count(string text, string marker)
    {
        var count = 0;
        var index = 0;
        while ((index = text.IndexOf(marker, index, StringComparison.Ordinal)) >= 0)
        {
            count++;
            index += marker.Length;
        }

        return count;
    }
}
