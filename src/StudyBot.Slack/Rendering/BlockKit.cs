using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StudyBot.Core.Chat;

namespace StudyBot.Slack.Rendering;

/// <summary>A rendered message: Block Kit blocks plus the plain <c>text</c> fallback Slack shows in notifications.</summary>
internal sealed class SlackMessage
{
    /// <summary>The answer's JSON (<see cref="ToResponse"/>'s bytes) when the message came from <see cref="BlockKit.RenderKept"/>.</summary>
    private readonly byte[]? _response;
    private JsonArray? _blocks;

    public SlackMessage(string text, JsonArray blocks, bool inChannel)
    {
        Text = text;
        _blocks = blocks;
        InChannel = inChannel;
    }

    /// <summary>A message known by its answer's bytes; its blocks are read back from them only if someone asks.</summary>
    internal SlackMessage(string text, bool inChannel, byte[] response)
    {
        Text = text;
        InChannel = inChannel;
        _response = response;
    }

    public string Text { get; }

    public bool InChannel { get; }

    /// <summary>The blocks; this message's own (a kept answer's are read back from its bytes for each message that asks).</summary>
    public JsonArray Blocks => _blocks ??= ReadBlocks(_response!);

    /// <summary>The bytes <see cref="WriteResponse"/> would write, when they are already known (a kept answer).</summary>
    public ReadOnlyMemory<byte>? KnownResponse => _response is null ? (ReadOnlyMemory<byte>?)null : _response;

    /// <summary>The body of a slash-command answer (in the ack payload, the HTTP response, or to response_url).</summary>
    public JsonObject ToResponse() => new()
    {
        ["response_type"] = InChannel ? "in_channel" : "ephemeral",
        ["text"] = Text,
        ["blocks"] = Blocks.DeepClone(),
    };

    /// <summary>Writes <see cref="ToResponse"/>'s JSON, byte for byte, without copying the blocks first.</summary>
    public void WriteResponse(Utf8JsonWriter writer)
    {
        if (_response is not null)
        {
            writer.WriteRawValue(_response, skipInputValidation: true);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("response_type", InChannel ? "in_channel" : "ephemeral");
        writer.WriteString("text", Text);
        writer.WritePropertyName("blocks");
        Blocks.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>Serializes <see cref="WriteResponse"/>'s JSON.</summary>
    internal byte[] ResponseBytes()
    {
        if (_response is not null)
        {
            return _response;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteResponse(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static JsonArray ReadBlocks(byte[] response)
    {
        var body = JsonNode.Parse(response)!.AsObject();
        var blocks = body["blocks"]!.AsArray();
        body.Remove("blocks");
        return blocks;
    }

    /// <summary>A chat.postMessage body; the first block carries <paramref name="marker"/> so a post can be recognised later.</summary>
    public JsonObject ToPostMessage(string channel, string? marker)
    {
        var blocks = (JsonArray)Blocks.DeepClone();
        if (marker is not null && blocks.Count > 0 && blocks[0] is JsonObject first)
        {
            first["block_id"] = marker;
        }

        return new JsonObject
        {
            ["channel"] = channel,
            ["text"] = Text,
            ["blocks"] = blocks,
            ["unfurl_links"] = false,
            ["unfurl_media"] = false,
        };
    }
}

/// <summary>
/// Renders Core's <see cref="Reply"/> as Block Kit within Slack's limits: 50 blocks a message (100 in a
/// view), header 150 characters, section 3,000, 10 fields of 2,000, button text 75. Long content is cut
/// cleanly or continued in another block, never rejected; the plain-text fallback is always set.
/// </summary>
internal static class BlockKit
{
    public const int MaxMessageBlocks = 50;
    public const int MaxViewBlocks = 100;
    public const int MaxHeader = 150;
    public const int MaxSection = 3000;
    public const int MaxFieldsPerSection = 10;
    public const int MaxField = 2000;
    public const int MaxButtonText = 75;
    public const int MaxButtonValue = 2000;
    public const int MaxActionsPerBlock = 25;
    public const int MaxFallbackText = 4000;
    public const int MaxContextText = 3000;

    public static SlackMessage Render(Reply reply)
    {
        var blocks = new List<JsonObject>();
        Append(blocks, reply);
        foreach (var followUp in reply.FollowUps)
        {
            blocks.Add(Divider());
            Append(blocks, followUp);
        }

        return new SlackMessage(Fallback(reply), Limit(blocks, MaxMessageBlocks), reply.Visibility == Visibility.Public);
    }

    /// <summary>
    /// As <see cref="Render"/>, for a reply that is given again and again as it is (help, built once from the catalog):
    /// rendered and serialized the first time this very reply is seen, and kept for as long as the reply lives. Each call
    /// gets a message of its own with the same bytes.
    /// </summary>
    public static SlackMessage RenderKept(Reply reply)
    {
        var kept = Kept.GetValue(reply, static r =>
        {
            var message = Render(r);
            return new SlackMessage(message.Text, message.InChannel, message.ResponseBytes());
        });
        return new SlackMessage(kept.Text, kept.InChannel, kept.ResponseBytes());
    }

    private static readonly ConditionalWeakTable<Reply, SlackMessage> Kept = new();

    /// <summary>The App Home dashboard: the answer to the last button press (if any), then the member's overview.</summary>
    public static JsonObject HomeView(Reply dashboard, Reply? lastAnswer)
    {
        var blocks = new List<JsonObject>();
        if (lastAnswer is not null)
        {
            Append(blocks, lastAnswer with { Buttons = [] });
            foreach (var followUp in lastAnswer.FollowUps)
            {
                Append(blocks, followUp with { Buttons = [] });
            }

            blocks.Add(Divider());
        }

        Append(blocks, dashboard);
        blocks.Add(Context("Use `/progress help` in any channel for every command. This page refreshes each time you open it."));
        return new JsonObject
        {
            ["type"] = "home",
            ["blocks"] = Limit(blocks, MaxViewBlocks),
        };
    }

    /// <summary>The notification and screen-reader text: title and text in plain words, never empty.</summary>
    public static string Fallback(Reply reply)
    {
        var sb = new StringBuilder();
        if (reply.Title is { Length: > 0 } title)
        {
            sb.Append(Mrkdwn.Plain(title));
        }

        if (reply.Text.Length > 0)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(Mrkdwn.Plain(reply.Text));
        }

        if (sb.Length == 0 && reply.Fields.Count > 0)
        {
            sb.Append(Mrkdwn.Plain(reply.Fields[0].Name)).Append(": ").Append(Mrkdwn.Plain(reply.Fields[0].Value));
        }

        var text = sb.ToString().Trim();
        return text.Length == 0 ? "StudyBot" : Mrkdwn.Cut(Mrkdwn.Escape(text), MaxFallbackText);
    }

    private static void Append(List<JsonObject> blocks, Reply reply)
    {
        if (reply.Title is { Length: > 0 } title)
        {
            blocks.Add(new JsonObject
            {
                ["type"] = "header",
                ["text"] = PlainText(Mrkdwn.Cut(Mrkdwn.Plain(title).ReplaceLineEndings(" "), MaxHeader)),
            });
        }

        var marker = reply.Tone switch
        {
            ReplyTone.Error => ":warning: ",
            ReplyTone.Warning => ":information_source: ",
            ReplyTone.Celebration => ":tada: ",
            _ => "",
        };
        if (reply.Text.Trim().Length > 0)
        {
            foreach (var chunk in Mrkdwn.Chunks(marker + Mrkdwn.FromCore(reply.Text), MaxSection))
            {
                blocks.Add(Section(chunk));
            }
        }
        else if (marker.Length > 0 && reply.Title is null)
        {
            blocks.Add(Section(marker.Trim()));
        }

        if (reply.Bars.Count > 0)
        {
            var lines = reply.Bars.Select(b => $"`{b.Render()}`  {Mrkdwn.Escape(Mrkdwn.Plain(b.Label))}");
            foreach (var chunk in Mrkdwn.Chunks(string.Join('\n', lines), MaxSection))
            {
                blocks.Add(Section(chunk));
            }
        }

        foreach (var group in reply.Fields.Chunk(MaxFieldsPerSection))
        {
            var fields = new JsonArray();
            foreach (var field in group)
            {
                var name = Mrkdwn.Escape(Mrkdwn.Plain(field.Name));
                var value = Mrkdwn.FromCore(field.Value);
                fields.Add(MrkdwnText(Mrkdwn.Cut($"*{Mrkdwn.Cut(name, 200)}*\n{value}", MaxField)));
            }

            blocks.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }

        var buttons = reply.Buttons.Where(b => b.Command.Length is > 0 and <= MaxButtonValue).ToList();
        var primaryUsed = false;
        foreach (var group in buttons.Chunk(MaxActionsPerBlock))
        {
            var elements = new JsonArray();
            var index = 0;
            foreach (var button in group)
            {
                var element = new JsonObject
                {
                    ["type"] = "button",
                    ["action_id"] = $"studybot_{blocks.Count}_{index++}",
                    ["text"] = PlainText(Mrkdwn.Cut(Mrkdwn.Plain(button.Label).ReplaceLineEndings(" "), MaxButtonText)),
                    ["value"] = button.Command,
                };

                // Slack asks for at most one primary button per set; danger keeps its warning colour.
                if ((button.Style is ButtonStyle.Primary or ButtonStyle.Success) && !primaryUsed)
                {
                    element["style"] = "primary";
                    primaryUsed = true;
                }
                else if (button.Style == ButtonStyle.Danger)
                {
                    element["style"] = "danger";
                }

                elements.Add(element);
            }

            blocks.Add(new JsonObject { ["type"] = "actions", ["elements"] = elements });
        }
    }

    private static JsonArray Limit(List<JsonObject> blocks, int max)
    {
        if (blocks.Count > max)
        {
            var dropped = blocks.Count - (max - 1);
            blocks = [.. blocks.Take(max - 1), Context($"…and {dropped} more part{(dropped == 1 ? "" : "s")} not shown. Try a narrower command, such as `/progress roadmap 1`.")];
        }

        var array = new JsonArray();
        foreach (var block in blocks)
        {
            array.Add(block);
        }

        return array;
    }

    private static JsonObject Section(string mrkdwn) => new()
    {
        ["type"] = "section",
        ["text"] = MrkdwnText(Mrkdwn.Cut(mrkdwn, MaxSection)),
    };

    private static JsonObject Context(string text) => new()
    {
        ["type"] = "context",
        ["elements"] = new JsonArray(MrkdwnText(Mrkdwn.Cut(text, MaxContextText))),
    };

    private static JsonObject Divider() => new() { ["type"] = "divider" };

    private static JsonObject PlainText(string text) => new()
    {
        ["type"] = "plain_text",
        ["text"] = text.Length == 0 ? " " : text,
        ["emoji"] = true,
    };

    private static JsonObject MrkdwnText(string text) => new()
    {
        ["type"] = "mrkdwn",
        ["text"] = text,
    };
}
