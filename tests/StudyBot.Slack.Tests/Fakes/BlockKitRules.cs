using System.Text.Json.Nodes;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>
/// Slack's documented Block Kit limits, checked the way Slack reports them (message + json-pointer), so the
/// fake refuses what Slack would refuse with invalid_blocks.
/// </summary>
public static class BlockKitRules
{
    public static List<string> Validate(JsonNode? blocks, int maxBlocks = 50, string pointer = "/blocks")
    {
        var errors = new List<string>();
        if (blocks is not JsonArray array)
        {
            if (blocks is not null)
            {
                errors.Add($"must be an array [json-pointer:{pointer}]");
            }

            return errors;
        }

        if (array.Count > maxBlocks)
        {
            errors.Add($"no more than {maxBlocks} items allowed [json-pointer:{pointer}]");
        }

        var blockIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var at = $"{pointer}/{i}";
            if (array[i] is not JsonObject block)
            {
                errors.Add($"must be an object [json-pointer:{at}]");
                continue;
            }

            if (block["block_id"]?.GetValue<string>() is { } id)
            {
                if (id.Length > 255)
                {
                    errors.Add($"must be less than 256 characters [json-pointer:{at}/block_id]");
                }

                if (!blockIds.Add(id))
                {
                    errors.Add($"block_id must be unique [json-pointer:{at}/block_id]");
                }
            }

            switch (block["type"]?.GetValue<string>())
            {
                case "header":
                    Text(errors, block["text"], $"{at}/text", 150, plainOnly: true, required: true);
                    break;
                case "section":
                    var hasText = block["text"] is not null;
                    var fields = block["fields"] as JsonArray;
                    if (!hasText && fields is null)
                    {
                        errors.Add($"must provide text or fields [json-pointer:{at}]");
                    }

                    if (hasText)
                    {
                        Text(errors, block["text"], $"{at}/text", 3000, plainOnly: false, required: true);
                    }

                    if (fields is not null)
                    {
                        if (fields.Count > 10)
                        {
                            errors.Add($"no more than 10 items allowed [json-pointer:{at}/fields]");
                        }

                        for (var f = 0; f < fields.Count; f++)
                        {
                            Text(errors, fields[f], $"{at}/fields/{f}", 2000, plainOnly: false, required: true);
                        }
                    }

                    break;
                case "context":
                    var elements = block["elements"] as JsonArray;
                    if (elements is null || elements.Count is 0 or > 10)
                    {
                        errors.Add($"must have 1 to 10 elements [json-pointer:{at}/elements]");
                        break;
                    }

                    for (var e = 0; e < elements.Count; e++)
                    {
                        Text(errors, elements[e], $"{at}/elements/{e}", 3000, plainOnly: false, required: true);
                    }

                    break;
                case "actions":
                    var buttons = block["elements"] as JsonArray;
                    if (buttons is null || buttons.Count is 0 or > 25)
                    {
                        errors.Add($"must have 1 to 25 elements [json-pointer:{at}/elements]");
                        break;
                    }

                    var actionIds = new HashSet<string>(StringComparer.Ordinal);
                    for (var b = 0; b < buttons.Count; b++)
                    {
                        var button = buttons[b] as JsonObject;
                        var bat = $"{at}/elements/{b}";
                        if (button?["type"]?.GetValue<string>() != "button")
                        {
                            continue;
                        }

                        Text(errors, button["text"], $"{bat}/text", 75, plainOnly: true, required: true);
                        if (button["value"]?.GetValue<string>() is { Length: > 2000 })
                        {
                            errors.Add($"must be less than 2001 characters [json-pointer:{bat}/value]");
                        }

                        var actionId = button["action_id"]?.GetValue<string>();
                        if (actionId is not null && !actionIds.Add(actionId))
                        {
                            errors.Add($"action_id must be unique within a block [json-pointer:{bat}/action_id]");
                        }

                        if (button["style"]?.GetValue<string>() is { } style && style is not ("primary" or "danger"))
                        {
                            errors.Add($"must be primary or danger [json-pointer:{bat}/style]");
                        }
                    }

                    break;
                case "divider":
                    break;
                default:
                    errors.Add($"unknown block type [json-pointer:{at}/type]");
                    break;
            }
        }

        return errors;
    }

    private static void Text(List<string> errors, JsonNode? node, string at, int max, bool plainOnly, bool required)
    {
        if (node is not JsonObject text)
        {
            if (required)
            {
                errors.Add($"missing required field: text [json-pointer:{at}]");
            }

            return;
        }

        var type = text["type"]?.GetValue<string>();
        if (type is not ("plain_text" or "mrkdwn") || (plainOnly && type != "plain_text"))
        {
            errors.Add($"must be {(plainOnly ? "plain_text" : "plain_text or mrkdwn")} [json-pointer:{at}/type]");
        }

        var value = text["text"]?.GetValue<string>();
        if (string.IsNullOrEmpty(value))
        {
            errors.Add($"must be more than 0 characters [json-pointer:{at}/text]");
        }
        else if (value.Length > max)
        {
            errors.Add($"must be less than {max + 1} characters [json-pointer:{at}/text]");
        }
    }
}
