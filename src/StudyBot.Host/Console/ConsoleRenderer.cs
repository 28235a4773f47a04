using System.Text;
using StudyBot.Core.Chat;

namespace StudyBot.Host.Console;

/// <summary>Renders a <see cref="Reply"/> as plain text for a terminal: readable, no markup.</summary>
public static class ConsoleRenderer
{
    /// <summary>
    /// Renders a reply. Replies to the member's own command get numbered buttons (typing the number presses one);
    /// messages arriving on their own (DMs, posts) list each button with the command it runs.
    /// </summary>
    /// <param name="files">Where each attachment was written (see <see cref="ConsoleAttachments"/>).</param>
    public static string Render(Reply reply, IReadOnlyList<ReplyButton>? numberedButtons = null, IReadOnlyDictionary<ReplyAttachment, SavedAttachment>? files = null)
    {
        var sb = new StringBuilder();
        var marker = reply.Tone switch
        {
            ReplyTone.Error => "⚠️ ",
            ReplyTone.Warning => "ℹ️ ",
            _ => "",
        };
        if (reply.Title is not null)
        {
            sb.Append("== ").Append(Plain(reply.Title)).AppendLine(" ==");
        }

        if (reply.Text.Length > 0)
        {
            sb.Append(marker).AppendLine(Plain(reply.Text));
        }

        if (reply.Bars.Count > 0)
        {
            var width = reply.Bars.Max(b => b.Label.Length);
            foreach (var bar in reply.Bars)
            {
                sb.Append("  ").Append(bar.Label.PadRight(width)).Append("  ").AppendLine(bar.Render());
            }
        }

        foreach (var field in reply.Fields)
        {
            var value = Plain(field.Value);
            if (value.Contains('\n'))
            {
                sb.Append(Plain(field.Name)).AppendLine(":");
                foreach (var line in value.Split('\n'))
                {
                    sb.Append("  ").AppendLine(line);
                }
            }
            else
            {
                sb.Append(Plain(field.Name)).Append(": ").AppendLine(value);
            }
        }

        foreach (var attachment in reply.Attachments)
        {
            var kind = attachment.IsImage ? "Image" : "File";
            sb.AppendLine(files?.GetValueOrDefault(attachment) switch
            {
                { Path: { } path } => $"📎 {kind} saved: {path}",
                { Error: { } error } => $"📎 {kind} {attachment.FileName} could not be saved: {error}",
                _ => $"📎 {kind} {attachment.FileName} ({Size(attachment.Content.Length)})",
            });
        }

        if (numberedButtons is { Count: > 0 })
        {
            sb.AppendLine("Buttons (type the number): " + string.Join("  ", numberedButtons.Select((b, i) => $"[{i + 1}] {b.Label}")));
        }
        else if (numberedButtons is null && reply.Buttons.Count > 0)
        {
            sb.AppendLine("Buttons: " + string.Join("  ", reply.Buttons.Select(b => $"[{b.Label} → /{b.Command}]")));
        }

        foreach (var followUp in reply.FollowUps)
        {
            sb.Append(Render(followUp with { Buttons = [] }, [], files));
        }

        return sb.ToString();
    }

    private static string Size(int bytes) => bytes < 1024 ? $"{bytes} bytes" : $"{(bytes + 1023) / 1024} KB";

    /// <summary>Removes the light markdown replies use (**bold**, `code`), which a terminal shows literally.</summary>
    public static string Plain(string text) => text.Replace("**", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
}
