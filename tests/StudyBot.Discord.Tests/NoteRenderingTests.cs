using System.Text.Json;
using StudyBot.Core.Chat;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rendering;

namespace StudyBot.Discord.Tests;

/// <summary>Issue 20: a member's note is text. HTML, markdown, masked links and mentions in it read as typed on Discord.</summary>
public sealed class NoteRenderingTests
{
    private const string Note = "<script>alert(1)</script> **not bold** [click](https://evil.example) @everyone <@123>";

    [Fact]
    public void A_note_with_html_markdown_and_mentions_reads_as_typed_and_pings_nobody()
    {
        // The note handler writes the note through the platform's escaper (CommandContext.MemberText), as for names.
        var escaped = new DiscordMarkdown().Escape(Note);
        var payload = MessageRenderer.Render(new Reply { Title = "Your note on NumPy (`numpy`)", Text = escaped, Fields = [new ReplyField("Your note", escaped)] }, ephemeral: true);
        var embed = Assert.Single(payload.Embeds!);

        foreach (var text in new[] { embed.Description!, embed.Fields![0].Value })
        {
            Assert.Contains("\\<script\\>alert\\(1\\)\\</script\\>", text, StringComparison.Ordinal);
            Assert.Contains("\\*\\*not bold\\*\\*", text, StringComparison.Ordinal);
            Assert.Contains("\\[click\\]\\(https://evil.example\\)", text, StringComparison.Ordinal);
            Assert.Contains("@\u200beveryone", text, StringComparison.Ordinal);
            Assert.Contains("\\<@\u200b123\\>", text, StringComparison.Ordinal);
        }

        Assert.Equal(64, payload.Flags);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[]}", JsonSerializer.Serialize(payload, DiscordJsonContext.Default.MessagePayload), StringComparison.Ordinal);
    }
}
