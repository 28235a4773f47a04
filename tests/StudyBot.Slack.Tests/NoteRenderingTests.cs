using System.Text.Json.Nodes;
using StudyBot.Core.Chat;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack.Tests;

/// <summary>Issue 20: a member's note is text. Slack's control characters in it are escaped (&amp;amp; &amp;lt; &amp;gt;).</summary>
public sealed class NoteRenderingTests
{
    [Fact]
    public void A_note_with_html_and_slack_link_syntax_is_escaped_in_text_and_fields()
    {
        const string Note = "<script>alert(1)</script> & <https://evil.example|click> <!channel>";
        var message = BlockKit.Render(new Reply { Title = "Your note on NumPy (`numpy`)", Text = Note, Fields = [new ReplyField("Your note", Note)] });
        var json = string.Join('\n', Strings(message.Blocks));

        Assert.DoesNotContain("<script>", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil.example", json, StringComparison.Ordinal);
        Assert.DoesNotContain("<!channel>", json, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;https://evil.example|click&gt; &lt;!channel&gt;", json, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Strings(p.Value)),
        JsonArray a => a.SelectMany(Strings),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };
}
