using System.Text;
using StudyBot.Core.Chat;

namespace StudyBot.Discord.Rendering;

/// <summary>
/// Writes names members chose into Discord markdown so they read exactly as typed. A backslash before any punctuation
/// shows that character as it is (Discord's escape rule), so every markdown character is escaped: masked links
/// (<c>[text](url)</c>), bold, italics, underline, strike-through, code, spoilers, quotes, headings, <c>-#</c> subtext and
/// lists. Mentions are broken twice over: a zero-width space after <c>@</c> (so <c>@everyone</c> and <c>@here</c> are
/// plain text) and an escaped <c>&lt;</c> (so <c>&lt;@id&gt;</c>, <c>&lt;#id&gt;</c> and <c>&lt;@&amp;id&gt;</c> are too);
/// <c>allowed_mentions</c> stays empty besides. Line breaks become spaces, so a name cannot start a line of its own.
/// </summary>
internal sealed class DiscordMarkdown : IMemberTextEscaper
{
    private const char ZeroWidthSpace = '\u200b';
    private const string Special = "\\*_~`|[]()<>#-";

    public string Platform => Platforms.Discord;

    public string Escape(string text) => EscapeText(text);

    public static string EscapeText(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\r' or '\n')
            {
                escaped.Append(' ');
            }
            else if (c == '@')
            {
                escaped.Append('@').Append(ZeroWidthSpace);
            }
            else if (Special.Contains(c, StringComparison.Ordinal))
            {
                escaped.Append('\\').Append(c);
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
