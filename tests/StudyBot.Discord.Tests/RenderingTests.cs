using System.Text.Json;
using StudyBot.Core.Chat;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rendering;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

public sealed class RenderingTests
{
    [Fact]
    public void A_short_plain_reply_is_ephemeral_content_that_pings_nobody()
    {
        var payload = MessageRenderer.Render(new Reply { Text = "✅ Marked **NumPy** done. @everyone" }, ephemeral: true);
        var json = Serialize(payload);

        Assert.Equal("✅ Marked **NumPy** done. @everyone", payload.Content);
        Assert.Null(payload.Embeds);
        Assert.Equal(64, payload.Flags);
        Assert.Contains("\"allowed_mentions\":{\"parse\":[]}", json, StringComparison.Ordinal);
        Assert.Null(OpenApiSchemas.ValidateComponent("IncomingWebhookInteractionRequest", json));
    }

    [Fact]
    public void A_rich_reply_becomes_one_embed_with_fields_bars_colour_and_buttons()
    {
        var reply = new Reply
        {
            Title = "Your progress",
            Text = "Phase 1: Foundations",
            Fields = [new ReplyField("Done", "12 items", true), new ReplyField("Next", "`numpy`")],
            Bars = [new ProgressBar("Phase 1", 60)],
            Buttons = [new ReplyButton("Undo", "progress undo"), new ReplyButton("Done: NumPy", "progress done numpy", ButtonStyle.Success)],
            Tone = ReplyTone.Success,
        };

        var payload = MessageRenderer.Render(reply, ephemeral: false);
        var embed = Assert.Single(payload.Embeds!);
        var row = Assert.Single(payload.Components!);

        Assert.Equal("Your progress", embed.Title);
        Assert.Contains("██████░░░░ 60%", embed.Description, StringComparison.Ordinal);
        Assert.Equal(2, embed.Fields!.Count);
        Assert.True(embed.Fields[0].Inline);
        Assert.Equal(0x57F287, embed.Color);
        Assert.Equal(1, row.Type);
        Assert.Equal(["progress undo", "progress done numpy"], row.Components!.Select(b => b.CustomId));
        Assert.Equal([2, 3], row.Components!.Select(b => b.Style!.Value));
        Assert.Null(payload.Flags);
        Assert.Null(OpenApiSchemas.Validate("post", "/channels/{channel_id}/messages", Serialize(payload)));
    }

    [Fact]
    public void Oversized_replies_are_cut_to_every_embed_limit_and_still_validate()
    {
        var reply = new Reply
        {
            Title = new string('T', 400),
            Text = string.Join(' ', Enumerable.Repeat("word", 3000)),
            Fields = [.. Enumerable.Range(0, 40).Select(i => new ReplyField(new string('n', 300), new string('v', 1500)))],
            Buttons = [.. Enumerable.Range(0, 40).Select(i => new ReplyButton(new string('b', 120), $"progress done item-{i}"))],
        };

        var payload = MessageRenderer.Render(reply, ephemeral: true);
        var embed = Assert.Single(payload.Embeds!);

        Assert.True(embed.Title!.Length <= 256);
        Assert.True(embed.Description!.Length <= 4096);
        Assert.True(embed.Fields!.Count <= 25);
        Assert.All(embed.Fields, f => Assert.True(f.Name.Length <= 256 && f.Value.Length <= 1024));
        Assert.True(MessageRenderer.EmbedLength(embed) <= 6000);
        Assert.True(payload.Components!.Count <= 5);
        Assert.All(payload.Components!, row => Assert.True(row.Components!.Count <= 5));
        Assert.Equal(25, payload.Components!.Sum(r => r.Components!.Count));
        Assert.All(payload.Components!.SelectMany(r => r.Components!), b => Assert.True(b.Label!.Length <= 80));
        Assert.Null(OpenApiSchemas.Validate("post", "/channels/{channel_id}/messages", Serialize(payload)));
    }

    [Fact]
    public void Long_plain_text_moves_into_the_embed_description()
    {
        var payload = MessageRenderer.Render(new Reply { Text = new string('x', 2500) }, ephemeral: true);

        Assert.Null(payload.Content);
        Assert.Equal(2500, payload.Embeds![0].Description!.Length);
    }

    [Fact]
    public void Cutting_ends_on_a_word_with_an_ellipsis()
    {
        var cut = TextLimits.Cut("alpha beta gamma delta epsilon", 20);

        Assert.Equal("alpha beta gamma…", cut);
    }

    [Fact]
    public void Cutting_closes_bold_code_and_code_blocks_it_would_leave_open()
    {
        var bold = TextLimits.Cut("**" + new string('a', 50) + " more words here**", 30);
        var code = TextLimits.Cut("`" + new string('c', 50) + "`", 30);
        var block = TextLimits.Cut("```\n" + string.Join('\n', Enumerable.Repeat("line of code", 20)) + "\n```", 60);

        Assert.True(bold.Length <= 30 && bold.EndsWith("**", StringComparison.Ordinal) && CountOf(bold, "**") % 2 == 0);
        Assert.True(code.Length <= 30 && CountOf(code, "`") % 2 == 0);
        Assert.True(block.Length <= 60 && CountOf(block, "```") == 2);
    }

    [Fact]
    public void Cutting_never_splits_a_surrogate_pair()
    {
        var text = new string('a', 8) + string.Concat(Enumerable.Repeat("🚀", 10));

        var cut = TextLimits.Cut(text, 12);

        Assert.True(cut.Length <= 12);
        Assert.False(char.IsHighSurrogate(cut[^2]) && !char.IsLowSurrogate(cut[^1]));
        Assert.Equal(cut.Length, new System.Globalization.StringInfo(cut).String.Length);
        Assert.DoesNotContain('\uFFFD', System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(cut)));
    }

    [Fact]
    public void Duplicate_and_overlong_button_commands_are_left_out()
    {
        var reply = new Reply
        {
            Text = "x",
            Buttons = [new ReplyButton("A", "progress next"), new ReplyButton("B", "progress next"), new ReplyButton("C", "progress done " + new string('z', 120))],
        };

        var payload = MessageRenderer.Render(reply, ephemeral: true);

        Assert.Equal(["progress next"], payload.Components!.SelectMany(r => r.Components!).Select(b => b.CustomId));
    }

    [Fact]
    public void Files_become_attachments_and_the_first_image_shows_in_the_embed()
    {
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        var reply = new Reply
        {
            Title = "Your card",
            Text = "60% of the roadmap",
            Attachments = [new ReplyAttachment("data export.json", "application/json", [1, 2], "Your data"), new ReplyAttachment("my card (1).png", ReplyAttachment.Png, png, "A progress card: 60%")],
        };

        var payload = MessageRenderer.Render(reply, ephemeral: true);
        var json = Serialize(payload);

        Assert.Equal(["data-export.json", "my-card--1-.png"], payload.Files!.Select(f => f.FileName));
        Assert.Equal(["0", "1"], payload.Attachments!.Select(a => a.Id));
        Assert.Equal("A progress card: 60%", payload.Attachments![1].Description);
        Assert.Equal("attachment://my-card--1-.png", payload.Embeds![0].Image!.Url);
        Assert.Same(png, payload.Files![1].Content);
        Assert.DoesNotContain("\"files\"", json, StringComparison.Ordinal);
        Assert.Null(OpenApiSchemas.Validate("post", "/channels/{channel_id}/messages", json));
    }

    [Fact]
    public void At_most_ten_files_go_out_with_unique_names_and_empty_ones_are_dropped()
    {
        var reply = new Reply
        {
            Text = "files",
            Attachments = [.. Enumerable.Range(0, 12).Select(_ => new ReplyAttachment("card.png", ReplyAttachment.Png, [1], "card")), new ReplyAttachment("empty.png", ReplyAttachment.Png, [], "none")],
        };

        var payload = MessageRenderer.Render(reply, ephemeral: false);

        Assert.Equal(10, payload.Files!.Count);
        Assert.Equal(10, payload.Files!.Select(f => f.FileName).Distinct().Count());
        Assert.Equal("card-2.png", payload.Files![1].FileName);
        Assert.Equal("files", payload.Content);
    }

    private static int CountOf(string text, string marker) => (text.Length - text.Replace(marker, "", StringComparison.Ordinal).Length) / marker.Length;

    private static string Serialize(MessagePayload payload) => JsonSerializer.Serialize(payload, DiscordJsonContext.Default.MessagePayload);
}
