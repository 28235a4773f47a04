using System.Globalization;
using System.Resources;

namespace StudyBot.Core.Commands;

/// <summary>
/// The catalog's names, descriptions and choice labels in other languages, from Resources/Commands.resx (English, the
/// same as the catalog: a test keeps them equal) and Resources/Commands.de.resx. Discord's registration sends them as
/// <c>name_localizations</c> and <c>description_localizations</c>. Keys: <c>Commands.progress.log.Name</c>,
/// <c>Commands.progress.log.Description</c>, <c>Commands.progress.log:minutes.Name</c>, and
/// <c>Commands.progress.log:kind=learning.Label</c> for a choice.
/// </summary>
public static class CommandTexts
{
    private static readonly ResourceManager Resources = new("StudyBot.Core.Resources.Commands", typeof(CommandTexts).Assembly);

    public static string NameKey(CommandDefinition command) => $"Commands.{Dotted(command.Path)}.Name";

    public static string DescriptionKey(CommandDefinition command) => $"Commands.{Dotted(command.Path)}.Description";

    public static string NameKey(CommandDefinition command, OptionDefinition option) => $"Commands.{Dotted(command.Path)}:{option.Name}.Name";

    public static string DescriptionKey(CommandDefinition command, OptionDefinition option) => $"Commands.{Dotted(command.Path)}:{option.Name}.Description";

    public static string LabelKey(CommandDefinition command, OptionDefinition option, ChoiceDefinition choice) =>
        $"Commands.{Dotted(command.Path)}:{option.Name}={choice.Value}.Label";

    /// <summary>Every key the catalog needs, with its English text as the catalog says it.</summary>
    public static IEnumerable<(string Key, string English)> Keys(CommandCatalog catalog)
    {
        foreach (var command in catalog.Roots.SelectMany(All))
        {
            yield return (NameKey(command), command.Name);
            yield return (DescriptionKey(command), command.Description);
            foreach (var option in command.Options)
            {
                yield return (NameKey(command, option), option.Name);
                yield return (DescriptionKey(command, option), option.Description);
                foreach (var choice in option.Choices)
                {
                    yield return (LabelKey(command, option, choice), choice.Label);
                }
            }
        }
    }

    /// <summary>The text of <paramref name="key"/> in <paramref name="culture"/>'s own resources (Commands.de.resx), or null.</summary>
    public static string? Translated(string key, CultureInfo culture) =>
        Resources.GetResourceSet(culture, createIfNotExists: true, tryParents: false)?.GetString(key);

    /// <summary>The English text of <paramref name="key"/> from the neutral resources, or null.</summary>
    public static string? Neutral(string key) => Resources.GetString(key, CultureInfo.InvariantCulture);

    private static string Dotted(string path) => path.Replace(' ', '.');

    private static IEnumerable<CommandDefinition> All(CommandDefinition command) => command.Subcommands.SelectMany(All).Prepend(command);
}
