using System.Text;

namespace StudyBot.Slack.Rendering;

/// <summary>Core's light markdown (**bold**, `code`) to Slack mrkdwn, plus escaping and clean cutting.</summary>
internal static class Mrkdwn
{
    public const string Ellipsis = "…";

    /// <summary>Escapes the three characters Slack treats as control sequences in message text.</summary>
    public static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Reverses <see cref="Escape"/>, for text Slack sends us (slash command text arrives escaped).</summary>
    public static string Unescape(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal)
            .Replace("&gt;", ">", StringComparison.Ordinal)
            .Replace("&amp;", "&", StringComparison.Ordinal);

    /// <summary>Escaped mrkdwn: **bold** becomes *bold* outside code spans; code spans stay as they are.</summary>
    public static string FromCore(string text)
    {
        var escaped = Escape(text);
        var sb = new StringBuilder(escaped.Length);
        var parts = escaped.Split('`');
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('`');
            }

            // Odd parts are inside a code span (when the backticks are balanced).
            var inCode = i % 2 == 1 && i < parts.Length - (parts.Length % 2 == 0 ? 1 : 0);
            sb.Append(inCode ? parts[i] : parts[i].Replace("**", "*", StringComparison.Ordinal));
        }

        return sb.ToString();
    }

    /// <summary>Plain text for places without formatting (headers, button labels, notification fallbacks).</summary>
    public static string Plain(string text) =>
        text.Replace("**", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);

    /// <summary>
    /// Cuts text to at most <paramref name="max"/> characters (UTF-16 units, as Slack counts), preferring a
    /// line break, then a space; never splits a surrogate pair or an &amp;entity;, closes an open code span,
    /// and marks the cut with an ellipsis.
    /// </summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        if (max <= 2)
        {
            return Ellipsis[..Math.Min(max, 1)];
        }

        var kept = CutAt(text, max - 1);
        if (kept.Count(c => c == '`') % 2 == 0)
        {
            return kept + Ellipsis;
        }

        // An open code span would swallow the rest of the message: close it, making room for the backtick.
        kept = CutAt(text, max - 2);
        return kept.Count(c => c == '`') % 2 == 1 ? kept + "`" + Ellipsis : kept + Ellipsis;
    }

    private static string CutAt(string text, int limit)
    {
        var cut = limit;
        var floor = limit * 2 / 3;
        var newline = text.LastIndexOf('\n', limit - 1, limit - floor);
        if (newline > floor)
        {
            cut = newline;
        }
        else
        {
            var space = text.LastIndexOf(' ', limit - 1, limit - floor);
            if (space > floor)
            {
                cut = space;
            }
        }

        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
        {
            cut--;
        }

        var amp = cut > 0 ? text.LastIndexOf('&', cut - 1, Math.Min(cut, 6)) : -1;
        if (amp >= 0 && text.IndexOf(';', amp) >= cut)
        {
            cut = amp;
        }

        return text[..cut].TrimEnd();
    }

    /// <summary>Splits text into chunks of at most <paramref name="max"/> characters at line breaks; an over-long line is cut.</summary>
    public static IEnumerable<string> Chunks(string text, int max)
    {
        var current = new StringBuilder();
        foreach (var line in text.Split('\n'))
        {
            var piece = line.Length > max ? Cut(line, max) : line;
            if (current.Length > 0 && current.Length + 1 + piece.Length > max)
            {
                yield return current.ToString();
                current.Clear();
            }

            if (current.Length > 0)
            {
                current.Append('\n');
            }

            current.Append(piece);
        }

        if (current.ToString().Trim().Length > 0)
        {
            yield return current.ToString();
        }
    }
}
