using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using StudyBot.Core.Commands;
using StudyBot.Discord.Interactions;

namespace StudyBot.Discord.Registration;

/// <summary>
/// Discord's application-command JSON, generated from the one command catalog, and checked against Discord's
/// documented limits before anything is sent. Properties StudyBot does not set are left out, never sent as null.
/// </summary>
internal static partial class CommandRegistration
{
    public const int MaxCommands = 100;
    public const int MaxCommandCharacters = 8000;

    /// <summary>Manage Server: admin-only roots are hidden from members by default; Core checks again on every run.</summary>
    public const long ManageGuildPermission = 0x20;

    private const int ContextGuild = 0;
    private const int ContextBotDm = 1;
    private const int GuildInstall = 0;

    [GeneratedRegex(@"^[-_'\p{L}\p{N}\p{IsDevanagari}\p{IsThai}]{1,32}$")]
    private static partial Regex NamePattern();

    /// <summary>The body of the bulk-overwrite PUT: one CHAT_INPUT command per catalog root.</summary>
    public static JsonArray Build(CommandCatalog catalog)
    {
        var commands = new JsonArray();
        foreach (var root in catalog.Roots)
        {
            var command = new JsonObject
            {
                ["name"] = root.Name,
                ["type"] = 1,
                ["description"] = root.Description,
            };
            Localize(command, CommandTexts.NameKey(root), CommandTexts.DescriptionKey(root));
            AddOptions(command, Options(root));
            command["contexts"] = root.AdminOnly ? new JsonArray(ContextGuild) : new JsonArray(ContextGuild, ContextBotDm);
            command["integration_types"] = new JsonArray(GuildInstall);
            if (root.AdminOnly)
            {
                // The docs show a string bit set; the OpenAPI spec and the API take an integer, which we send.
                command["default_member_permissions"] = ManageGuildPermission;
            }

            command["nsfw"] = false;
            commands.Add(command);
        }

        return commands;
    }

    /// <summary>Problems with the generated JSON against Discord's limits; empty when it can be registered.</summary>
    public static IReadOnlyList<string> Validate(CommandCatalog catalog, JsonArray commands)
    {
        var problems = new List<string>(catalog.Validate());
        if (commands.Count > MaxCommands)
        {
            problems.Add($"{commands.Count} commands; Discord allows {MaxCommands}");
        }

        foreach (var command in commands.OfType<JsonObject>())
        {
            var name = (string)command["name"]!;
            var characters = Characters(command);
            if (characters > MaxCommandCharacters)
            {
                problems.Add($"/{name}: {characters} characters of names, descriptions and choices; Discord allows {MaxCommandCharacters}");
            }

            CheckNames(command, "/" + name, problems);
        }

        return problems;
    }

    /// <summary>A stable hash of what would be registered where: equal hashes mean no PUT is needed.</summary>
    public static string Hash(JsonArray commands, string scope)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(commands);
        var hash = SHA256.HashData([.. System.Text.Encoding.UTF8.GetBytes(scope + "\n"), .. bytes]);
        return Convert.ToHexStringLower(hash);
    }

    private static JsonArray? Options(CommandDefinition command)
    {
        if (command.Subcommands.Count > 0)
        {
            var subs = new JsonArray();
            foreach (var sub in command.Subcommands)
            {
                var json = new JsonObject
                {
                    ["type"] = sub.IsLeaf ? OptionTypes.Subcommand : OptionTypes.SubcommandGroup,
                    ["name"] = sub.Name,
                    ["description"] = sub.Description,
                };
                Localize(json, CommandTexts.NameKey(sub), CommandTexts.DescriptionKey(sub));
                AddOptions(json, Options(sub));
                subs.Add(json);
            }

            return subs;
        }

        if (command.Options.Count == 0)
        {
            return null;
        }

        var options = new JsonArray();
        foreach (var option in command.Options)
        {
            options.Add(Option(command, option));
        }

        return options;
    }

    /// <summary>
    /// Something StudyBot does not set is left out, never sent as null: Discord reads both the same, stricter
    /// implementations of its API refuse null, and a missing "options" is what the docs show.
    /// </summary>
    private static void AddOptions(JsonObject command, JsonArray? options)
    {
        if (options is not null)
        {
            command["options"] = options;
        }
    }

    private static JsonObject Option(CommandDefinition command, OptionDefinition option)
    {
        var type = option.Type switch
        {
            OptionType.Integer or OptionType.Minutes => OptionTypes.Integer,
            OptionType.Boolean => OptionTypes.Boolean,
            OptionType.Role => OptionTypes.Role,
            _ => OptionTypes.String,
        };
        var json = new JsonObject
        {
            ["type"] = type,
            ["name"] = option.Name,
            ["description"] = option.Description,
            ["required"] = option.Required,
        };
        Localize(json, CommandTexts.NameKey(command, option), CommandTexts.DescriptionKey(command, option));

        if (option.Choices.Count > 0)
        {
            var choices = new JsonArray();
            foreach (var choice in option.Choices)
            {
                JsonNode value = type == OptionTypes.Integer
                    ? JsonValue.Create(long.Parse(choice.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture))
                    : JsonValue.Create(choice.Value);
                var entry = new JsonObject { ["name"] = choice.Label };
                Localize(entry, CommandTexts.LabelKey(command, option, choice), null);
                entry["value"] = value;
                choices.Add(entry);
            }

            json["choices"] = choices;
        }
        else if (option.Autocomplete != AutocompleteSource.None)
        {
            json["autocomplete"] = true;
        }

        if (type == OptionTypes.Integer)
        {
            if (option.Min is { } min)
            {
                json["min_value"] = min;
            }

            if (option.Max is { } max)
            {
                json["max_value"] = max;
            }
        }

        if (type == OptionTypes.String && option.MaxLength is { } maxLength)
        {
            json["max_length"] = maxLength;
        }

        return json;
    }

    /// <summary>
    /// Discord's size count: names, descriptions and choice values; with localizations, only the longest of the default
    /// and its translations counts for each field.
    /// </summary>
    private static int Characters(JsonNode? node) => node switch
    {
        JsonObject o => o.Sum(p => p.Key is "name" or "description" ? Math.Max(((string?)p.Value)?.Length ?? 0, Longest(o[p.Key + "_localizations"]))
            : p.Key == "value" ? p.Value?.ToJsonString().Trim('"').Length ?? 0
            : p.Key.EndsWith("_localizations", StringComparison.Ordinal) ? 0
            : Characters(p.Value)),
        JsonArray a => a.Sum(Characters),
        _ => 0,
    };

    /// <summary>The languages Discord shows StudyBot's commands in besides the default (English); Discord's locale keys.</summary>
    private static readonly (string Locale, CultureInfo Culture)[] Translations = [("de", CultureInfo.GetCultureInfo("de"))];

    /// <summary>Adds <c>name_localizations</c> and <c>description_localizations</c> from the resources (Commands.de.resx).</summary>
    private static void Localize(JsonObject json, string nameKey, string? descriptionKey)
    {
        var names = new JsonObject();
        var descriptions = new JsonObject();
        foreach (var (locale, culture) in Translations)
        {
            if (CommandTexts.Translated(nameKey, culture) is { Length: > 0 } name)
            {
                names[locale] = name;
            }

            if (descriptionKey is not null && CommandTexts.Translated(descriptionKey, culture) is { Length: > 0 } description)
            {
                descriptions[locale] = description;
            }
        }

        if (names.Count > 0)
        {
            json["name_localizations"] = names;
        }

        if (descriptions.Count > 0)
        {
            json["description_localizations"] = descriptions;
        }
    }

    private static int Longest(JsonNode? localizations) =>
        localizations is JsonObject o && o.Count > 0 ? o.Max(p => ((string?)p.Value)?.Length ?? 0) : 0;

    private static void CheckNames(JsonObject node, string path, List<string> problems)
    {
        var name = (string?)node["name"] ?? "";
        if (!NamePattern().IsMatch(name) || name != name.ToLowerInvariant())
        {
            problems.Add($"{path}: name '{name}' is not a valid Discord name (1-32 lowercase letters, digits, - _ ')");
        }

        foreach (var (locale, localized) in (node["name_localizations"] as JsonObject ?? []).Select(p => (p.Key, (string?)p.Value ?? "")))
        {
            if (!NamePattern().IsMatch(localized) || localized != localized.ToLowerInvariant())
            {
                problems.Add($"{path}: {locale} name '{localized}' is not a valid Discord name (1-32 lowercase letters, digits, - _ ')");
            }
        }

        var description = (string?)node["description"] ?? "";
        if (description.Length is < 1 or > 100)
        {
            problems.Add($"{path}: description must be 1-100 characters");
        }

        foreach (var (locale, localized) in (node["description_localizations"] as JsonObject ?? []).Select(p => (p.Key, (string?)p.Value ?? "")))
        {
            if (localized.Length is < 1 or > 100)
            {
                problems.Add($"{path}: {locale} description must be 1-100 characters");
            }
        }

        if (node["options"] is JsonArray options)
        {
            if (options.Count > 25)
            {
                problems.Add($"{path}: more than 25 options");
            }

            foreach (var dup in options.OfType<JsonObject>().GroupBy(o => (string?)o["name"]).Where(g => g.Count() > 1))
            {
                problems.Add($"{path}: option '{dup.Key}' appears twice");
            }

            foreach (var child in options.OfType<JsonObject>())
            {
                CheckNames(child, $"{path} {(string?)child["name"]}", problems);
                if (child["choices"] is JsonArray choices)
                {
                    if (choices.Count > 25)
                    {
                        problems.Add($"{path} {(string?)child["name"]}: more than 25 choices");
                    }

                    foreach (var choice in choices.OfType<JsonObject>())
                    {
                        var label = (string?)choice["name"] ?? "";
                        if (label.Length is < 1 or > 100)
                        {
                            problems.Add($"{path} {(string?)child["name"]}: choice '{label}' must be 1-100 characters");
                        }

                        foreach (var (locale, localized) in (choice["name_localizations"] as JsonObject ?? []).Select(p => (p.Key, (string?)p.Value ?? "")))
                        {
                            if (localized.Length is < 1 or > 100)
                            {
                                problems.Add($"{path} {(string?)child["name"]}: {locale} choice '{localized}' must be 1-100 characters");
                            }
                        }
                    }
                }
            }
        }
    }
}
