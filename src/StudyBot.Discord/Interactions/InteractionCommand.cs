using System.Text.Json;
using StudyBot.Discord.Json;

namespace StudyBot.Discord.Interactions;

/// <summary>A slash command's path ("progress goal set") and typed option values, read from the option tree.</summary>
internal sealed record InteractionCommand(string Path, IReadOnlyDictionary<string, object> Options, FocusedOption? Focused);

/// <summary>The option a member is typing in, for autocomplete.</summary>
internal sealed record FocusedOption(string Name, int Type, string Typed);

internal static class OptionTypes
{
    public const int Subcommand = 1;
    public const int SubcommandGroup = 2;
    public const int String = 3;
    public const int Integer = 4;
    public const int Boolean = 5;
    public const int User = 6;
    public const int Channel = 7;
    public const int Role = 8;
    public const int Mentionable = 9;
    public const int Number = 10;
    public const int Attachment = 11;
}

internal static class InteractionCommandReader
{
    /// <summary>Walks command > group > subcommand, then reads the leaf's options as string, long, bool or double.</summary>
    public static InteractionCommand? Read(InteractionData? data)
    {
        if (data?.Name is not { Length: > 0 } name)
        {
            return null;
        }

        var path = name;
        var options = data.Options ?? [];
        while (options.Count == 1 && options[0].Type is OptionTypes.Subcommand or OptionTypes.SubcommandGroup)
        {
            path += " " + options[0].Name;
            options = options[0].Options ?? [];
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        FocusedOption? focused = null;
        foreach (var option in options)
        {
            if (option.Value is not { } value)
            {
                continue;
            }

            if (option.Focused == true)
            {
                focused = new FocusedOption(option.Name, option.Type, value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText());
                continue;
            }

            if (Convert(option.Type, value) is { } converted)
            {
                values[option.Name] = converted;
            }
        }

        return new InteractionCommand(path, values, focused);
    }

    private static object? Convert(int type, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when type == OptionTypes.Integer && value.TryGetInt64(out var l) => l,
        JsonValueKind.Number when value.TryGetInt64(out var whole) && type != OptionTypes.Number => whole,
        JsonValueKind.Number => value.GetDouble(),
        _ => null,
    };
}
