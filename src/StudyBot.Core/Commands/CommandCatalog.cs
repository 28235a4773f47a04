using System.Text.RegularExpressions;

namespace StudyBot.Core.Commands;

/// <summary>
/// The single source of truth for commands: the text grammar, help and Discord's registration JSON
/// are all generated from it. Adding a command means one entry here and one handler.
/// </summary>
public sealed partial class CommandCatalog
{
    public const int MaxNameLength = 32;
    public const int MaxDescriptionLength = 100;
    public const int MaxOptions = 25;
    public const int MaxChoices = 25;

    [GeneratedRegex("^[-_a-z0-9]{1,32}$")]
    private static partial Regex NamePattern();

    public CommandCatalog(IEnumerable<CommandDefinition> roots)
    {
        Roots = roots.ToList();
        foreach (var root in Roots)
        {
            AssignPaths(root, root.Name, root.Name, false);
        }
    }

    public IReadOnlyList<CommandDefinition> Roots { get; }

    /// <summary>Every runnable command (leaf), depth first in declaration order.</summary>
    public IEnumerable<CommandDefinition> Leaves => Roots.SelectMany(LeavesOf);

    public CommandDefinition? Root(string name) =>
        Roots.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    public CommandDefinition? Find(string path)
    {
        var parts = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        var current = Root(parts[0]);
        foreach (var part in parts.Skip(1))
        {
            current = current?.Subcommand(part);
        }

        return current;
    }

    /// <summary>Problems with the catalog against Discord's documented limits; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        foreach (var root in Roots)
        {
            Check(root, 0, problems);
        }

        foreach (var dup in Roots.GroupBy(r => r.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"root command '{dup.Key}' is declared {dup.Count()} times");
        }

        return problems;
    }

    private static void Check(CommandDefinition command, int depth, List<string> problems)
    {
        if (!NamePattern().IsMatch(command.Name))
        {
            problems.Add($"'{command.Path}': name '{command.Name}' must match ^[-_a-z0-9]{{1,32}}$");
        }

        if (command.Description.Length is < 1 or > MaxDescriptionLength)
        {
            problems.Add($"'{command.Path}': description must be 1-{MaxDescriptionLength} characters, is {command.Description.Length}");
        }

        if (depth > 2)
        {
            problems.Add($"'{command.Path}': Discord allows at most command > group > subcommand");
        }

        if (command.Subcommands.Count > 0 && command.Options.Count > 0)
        {
            problems.Add($"'{command.Path}': a command with subcommands cannot have options of its own");
        }

        if (command.Subcommands.Count > MaxOptions)
        {
            problems.Add($"'{command.Path}': more than {MaxOptions} subcommands");
        }

        if (command.Options.Count > MaxOptions)
        {
            problems.Add($"'{command.Path}': more than {MaxOptions} options");
        }

        if (command.DefaultSubcommand is { } d && command.Subcommand(d) is null)
        {
            problems.Add($"'{command.Path}': default subcommand '{d}' does not exist");
        }

        if (command.IsLeaf && string.IsNullOrWhiteSpace(command.Example))
        {
            problems.Add($"'{command.Path}': has no example");
        }

        var seenOptional = false;
        foreach (var option in command.Options)
        {
            if (!NamePattern().IsMatch(option.Name))
            {
                problems.Add($"'{command.Path}': option '{option.Name}' must match ^[-_a-z0-9]{{1,32}}$");
            }

            if (option.Description.Length is < 1 or > MaxDescriptionLength)
            {
                problems.Add($"'{command.Path}': option '{option.Name}' description must be 1-{MaxDescriptionLength} characters");
            }

            if (option.Choices.Count > MaxChoices)
            {
                problems.Add($"'{command.Path}': option '{option.Name}' has more than {MaxChoices} choices");
            }

            if (option.Choices.Count > 0 && option.Autocomplete != AutocompleteSource.None)
            {
                problems.Add($"'{command.Path}': option '{option.Name}' cannot have both choices and autocomplete");
            }

            if (option.Required && seenOptional)
            {
                problems.Add($"'{command.Path}': required option '{option.Name}' comes after an optional one");
            }

            seenOptional |= !option.Required;
        }

        foreach (var dup in command.Options.GroupBy(o => o.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"'{command.Path}': option '{dup.Key}' is declared twice");
        }

        foreach (var dup in command.Subcommands.GroupBy(o => o.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"'{command.Path}': subcommand '{dup.Key}' is declared twice");
        }

        foreach (var sub in command.Subcommands)
        {
            Check(sub, depth + 1, problems);
        }
    }

    private static IEnumerable<CommandDefinition> LeavesOf(CommandDefinition command) =>
        command.IsLeaf ? [command] : command.Subcommands.SelectMany(LeavesOf);

    private static void AssignPaths(CommandDefinition command, string path, string usagePath, bool admin)
    {
        command.Path = path;
        command.UsagePath = usagePath;
        command.RequiresAdmin = admin || command.AdminOnly;
        var isRoot = path == usagePath && !path.Contains(' ', StringComparison.Ordinal);
        foreach (var sub in command.Subcommands)
        {
            var implied = string.Equals(command.DefaultSubcommand, sub.Name, StringComparison.OrdinalIgnoreCase) && (isRoot || sub.Options.Count > 0);
            AssignPaths(sub, $"{path} {sub.Name}", implied ? usagePath : $"{usagePath} {sub.Name}", command.RequiresAdmin);
        }
    }
}
