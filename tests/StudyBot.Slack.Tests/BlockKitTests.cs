using System.Text.Json.Nodes;
using StudyBot.Core.Chat;
using StudyBot.Slack.Rendering;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class BlockKitTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_HTTP_acknowledgement_writes_the_same_JSON_bytes_as_the_response_body(bool inChannel)
    {
        // The endpoint writes the answer straight into the response; response_url and Socket Mode serialize ToResponse().
        var message = BlockKit.Render(new Reply
        {
            Title = "Ada's \"progress\" <b>& more</b>",
            Text = "Quick wins: **numpy** basics, then `pandas`. 🔥 Ünïcödé \u2028 \\ / end",
            Bars = [new ProgressBar("1 Foundations", 60)],
            Fields = [new ReplyField("Now", "Phase 1 · NumPy")],
            Buttons = [new ReplyButton("Done: NumPy", "progress done numpy", ButtonStyle.Success)],
            Visibility = inChannel ? Visibility.Public : Visibility.Private,
        });

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            message.WriteResponse(writer);
        }

        Assert.Equal(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message.ToResponse()), buffer.WrittenSpan.ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_kept_answer_is_byte_for_byte_the_fresh_rendering_and_each_message_has_blocks_of_its_own(bool inChannel)
    {
        var reply = new Reply
        {
            Title = "Ada's \"progress\" <b>& more</b>",
            Text = "Quick wins: **numpy** basics, then `pandas`. 🔥 Ünïcödé \u2028 \\ / end",
            Fields = [new ReplyField("Now", "Phase 1 · NumPy"), new ReplyField("Then", "`/progress done <item>`: mark it")],
            Buttons = [new ReplyButton("Done: NumPy", "progress done numpy", ButtonStyle.Success)],
            Visibility = inChannel ? Visibility.Public : Visibility.Private,
        };
        var fresh = BlockKit.Render(reply);
        var expected = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(fresh.ToResponse());

        var first = BlockKit.RenderKept(reply);
        var second = BlockKit.RenderKept(reply);

        Assert.Equal(expected, first.KnownResponse!.Value.ToArray());
        Assert.Equal(expected, second.KnownResponse!.Value.ToArray());
        Assert.Equal(fresh.Text, first.Text);
        Assert.Equal(fresh.InChannel, first.InChannel);
        Assert.Equal(expected, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(first.ToResponse()));
        Assert.Equal(fresh.ToPostMessage("C1", "m").ToJsonString(), first.ToPostMessage("C1", "m").ToJsonString());
        Assert.True(JsonNode.DeepEquals(fresh.Blocks, first.Blocks));

        // Whatever one message's reader does with its blocks, the next message of the same answer is as rendered.
        first.Blocks.Clear();
        Assert.True(JsonNode.DeepEquals(fresh.Blocks, second.Blocks));
        Assert.Equal(expected, BlockKit.RenderKept(reply).KnownResponse!.Value.ToArray());
    }

    [Fact]
    public void A_reply_becomes_header_sections_fields_bars_and_buttons_with_a_text_fallback()
    {
        var reply = new Reply
        {
            Title = "Ada's progress: 12% of Road to ML",
            Text = "Quick wins: **numpy** basics, then `pandas`.",
            Bars = [new ProgressBar("1 Foundations", 60)],
            Fields = [new ReplyField("Now", "Phase 1 · NumPy"), new ReplyField("Streak", "🔥 2 weeks", true)],
            Buttons = [new ReplyButton("Done: NumPy", "progress done numpy", ButtonStyle.Success), new ReplyButton("Roadmap", "progress roadmap")],
        };

        var message = BlockKit.Render(reply);

        Assert.Empty(BlockKitRules.Validate(message.Blocks));
        Assert.Equal(["header", "section", "section", "section", "actions"], message.Blocks.Select(b => b!["type"]!.GetValue<string>()));
        Assert.Equal("Ada's progress: 12% of Road to ML", message.Blocks[0]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("Quick wins: *numpy* basics, then `pandas`.", message.Blocks[1]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("`██████░░░░ 60%`  1 Foundations", message.Blocks[2]!["text"]!["text"]!.GetValue<string>());
        Assert.Equal("*Now*\nPhase 1 · NumPy", message.Blocks[3]!["fields"]![0]!["text"]!.GetValue<string>());
        var buttons = message.Blocks[4]!["elements"]!.AsArray();
        Assert.Equal("progress done numpy", buttons[0]!["value"]!.GetValue<string>());
        Assert.Equal("primary", buttons[0]!["style"]!.GetValue<string>());
        Assert.Null(buttons[1]!["style"]);
        Assert.Equal("Ada's progress: 12% of Road to ML\nQuick wins: numpy basics, then pandas.", message.Text);
        Assert.False(message.InChannel);
    }

    [Fact]
    public void Only_the_first_primary_button_keeps_its_colour_and_danger_stays_danger()
    {
        var message = BlockKit.Render(new Reply
        {
            Text = "Pick one",
            Buttons = [new("A", "progress a", ButtonStyle.Primary), new("B", "progress b", ButtonStyle.Primary), new("C", "progress c", ButtonStyle.Danger)],
        });

        var styles = message.Blocks[^1]!["elements"]!.AsArray().Select(b => b!["style"]?.GetValue<string>()).ToList();
        Assert.Equal(["primary", null, "danger"], styles);
    }

    [Fact]
    public void Slack_control_characters_in_member_text_are_escaped_and_bold_is_not_converted_inside_code()
    {
        var message = BlockKit.Render(Reply.Info("Use `**raw**` & <b>tags</b> **bold**"));

        Assert.Equal("Use `**raw**` &amp; &lt;b&gt;tags&lt;/b&gt; *bold*", message.Blocks[0]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Oversized_content_is_cut_or_split_within_every_limit_and_still_passes_Slack_s_rules()
    {
        var longLine = string.Concat(Enumerable.Repeat("word ", 900));
        var reply = new Reply
        {
            Title = new string('T', 400),
            Text = string.Join('\n', Enumerable.Range(0, 400).Select(i => $"Line {i}: {new string('x', 40)}")) + "\n" + longLine,
            Fields = Enumerable.Range(0, 23).Select(i => new ReplyField($"Field {i}", new string('v', 2500))).ToList(),
            Bars = Enumerable.Range(0, 200).Select(i => new ProgressBar($"Phase {i} {new string('p', 30)}", i % 101)).ToList(),
            Buttons = Enumerable.Range(0, 30).Select(i => new ReplyButton(new string('B', 120), $"progress done item-{i}")).ToList(),
            FollowUps = Enumerable.Range(0, 30).Select(i => new Reply { Title = $"Milestone {i}", Text = "🎉 done", Tone = ReplyTone.Celebration }).ToList(),
        };

        var message = BlockKit.Render(reply);

        Assert.Empty(BlockKitRules.Validate(message.Blocks));
        Assert.Equal(BlockKit.MaxMessageBlocks, message.Blocks.Count);
        Assert.Equal("context", message.Blocks[^1]!["type"]!.GetValue<string>());
        Assert.Contains("not shown", message.Blocks[^1]!["elements"]![0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var header = message.Blocks[0]!["text"]!["text"]!.GetValue<string>();
        Assert.True(header.Length <= 150);
        Assert.EndsWith("…", header, StringComparison.Ordinal);
        Assert.InRange(message.Text.Length, 1, BlockKit.MaxFallbackText);
    }

    [Fact]
    public void Button_labels_are_cut_to_75_characters_and_buttons_whose_command_cannot_fit_are_left_out()
    {
        var message = BlockKit.Render(new Reply
        {
            Text = "x",
            Buttons = [new ReplyButton(new string('L', 100), "progress next"), new ReplyButton("Too long", "progress log 30 practice numpy " + new string('n', 2100))],
        });

        var buttons = message.Blocks[^1]!["elements"]!.AsArray();
        Assert.Single(buttons);
        var label = buttons[0]!["text"]!["text"]!.GetValue<string>();
        Assert.Equal(75, label.Length);
        Assert.EndsWith("…", label, StringComparison.Ordinal);
    }

    [Fact]
    public void Cutting_never_splits_a_surrogate_pair_an_entity_or_leaves_a_code_span_open()
    {
        var emoji = string.Concat(Enumerable.Repeat("🔥", 100));
        var cut = Mrkdwn.Cut(emoji, 51);
        Assert.True(cut.Length <= 51);
        Assert.False(char.IsHighSurrogate(cut[^2]));

        var entity = Mrkdwn.Cut(new string('a', 45) + "&amp;&amp;&amp;", 50);
        Assert.DoesNotContain("&am…", entity, StringComparison.Ordinal);
        Assert.Matches("^a+(&amp;)*…$", entity);

        var code = Mrkdwn.Cut("see `" + new string('c', 100) + "`", 40);
        Assert.Equal(0, code.Count(c => c == '`') % 2);
        Assert.True(code.Length <= 40);
    }

    [Fact]
    public void An_empty_reply_still_has_a_fallback_text()
    {
        var message = BlockKit.Render(new Reply());

        Assert.Equal("StudyBot", message.Text);
        Assert.Empty(BlockKitRules.Validate(message.Blocks));
    }

    [Fact]
    public void Public_replies_answer_in_channel_and_private_ones_ephemerally()
    {
        Assert.Equal("in_channel", BlockKit.Render(new Reply { Text = "hi", Visibility = Visibility.Public }).ToResponse()["response_type"]!.GetValue<string>());
        Assert.Equal("ephemeral", BlockKit.Render(new Reply { Text = "hi" }).ToResponse()["response_type"]!.GetValue<string>());
    }

    [Fact]
    public void A_post_marks_its_first_block_so_a_retry_can_recognise_it()
    {
        var body = BlockKit.Render(Reply.Info("hello", "Title")).ToPostMessage("U1", "studybot-abc");

        Assert.Equal("studybot-abc", body["blocks"]![0]!["block_id"]!.GetValue<string>());
        Assert.Equal("U1", body["channel"]!.GetValue<string>());
        Assert.Equal("Title\nhello", body["text"]!.GetValue<string>());
        Assert.False(body["unfurl_links"]!.GetValue<bool>());
    }

    [Fact]
    public void The_home_view_stays_within_100_blocks_and_shows_the_last_answer_first()
    {
        var dashboard = new Reply { Title = "Dashboard", Fields = Enumerable.Range(0, 1500).Select(i => new ReplyField($"f{i}", "v")).ToList() };

        var view = BlockKit.HomeView(dashboard, Reply.Info("Marked NumPy done", "Done"));

        Assert.Equal("home", view["type"]!.GetValue<string>());
        var blocks = view["blocks"]!.AsArray();
        Assert.Empty(BlockKitRules.Validate(blocks, maxBlocks: 100));
        Assert.Equal(100, blocks.Count);
        Assert.Equal("Done", blocks[0]!["text"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public void Long_text_is_split_into_sections_at_line_breaks_rather_than_cut()
    {
        var lines = Enumerable.Range(0, 200).Select(i => $"Line {i:D3} {new string('z', 30)}").ToList();

        var message = BlockKit.Render(Reply.Info(string.Join('\n', lines)));

        var sections = message.Blocks.Select(b => b!["text"]!["text"]!.GetValue<string>()).ToList();
        Assert.True(sections.Count > 1);
        Assert.Equal(lines, sections.SelectMany(s => s.Split('\n')));
        Assert.All(sections, s => Assert.True(s.Length <= BlockKit.MaxSection));
    }

    [Fact]
    public void Core_replies_from_the_real_catalog_render_within_limits()
    {
        // Help lists every command; it is the longest reply Core writes without member data.
        var catalog = StudyBot.Core.Commands.StudyBotCommands.Catalog();
        var fields = catalog.Leaves.Select(c => new ReplyField($"/{c.Path}", c.Description + "\nExample: `" + c.Example + "`")).ToList();

        var message = BlockKit.Render(new Reply { Title = "Help", Fields = fields });

        Assert.Empty(BlockKitRules.Validate(message.Blocks));
        Assert.Equal(fields.Count, message.Blocks.Where(b => b!["type"]!.GetValue<string>() == "section").Sum(b => b!["fields"]!.AsArray().Count));
    }
}
