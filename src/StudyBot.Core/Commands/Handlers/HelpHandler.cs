using System.Runtime.CompilerServices;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Help generated from the catalog, so it always matches what the parser accepts.</summary>
internal sealed class HelpHandler : ICommandHandler
{
    public string Path => "progress help";

    public bool ReadsMember => false;

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CommandResult>(HelpViews.Answer(ctx, StudyBotCommands.Root));
}

/// <summary><c>/studybot help</c>: every admin command, or one of them explained.</summary>
internal sealed class AdminHelpHandler : ICommandHandler
{
    public string Path => "studybot help";

    public bool ReadsMember => false;

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CommandResult>(HelpViews.Answer(ctx, StudyBotCommands.AdminRoot));
}

/// <summary>
/// Help replies, all from the catalog. A root (<c>/progress help</c>, <c>/studybot help</c>) lists every command one
/// line each under its section; a group or a command is explained with its options and an example. Every answer fits
/// one Discord embed (fields of at most 1024 characters, 25 fields, 6000 in all); a test checks each of them.
/// </summary>
internal static class HelpViews
{
    /// <summary>Discord's limit for one embed field's value, the smallest of the platforms.</summary>
    public const int MaxFieldValue = 1024;

    /// <summary>
    /// The answers that depend on nothing but the catalog (and, for a root's overview, whether the member is an admin):
    /// built once per command and kept, so every member who asks gets the very same <see cref="Reply"/>. A reply is
    /// immutable, and adapters may keep what they render from one (their bytes depend only on it).
    /// </summary>
    private static readonly ConditionalWeakTable<CommandDefinition, Reply[]> Overviews = new();
    private static readonly ConditionalWeakTable<CommandDefinition, Reply> Details = new();

    public static Reply Answer(CommandContext ctx, string rootName) =>
        Answer(ctx.Catalog, rootName, ctx.Request.String("command"), ctx.Who.IsAdmin);

    /// <summary>The help for <paramref name="query"/> (null: the root's overview), as a member (or an admin) sees it.</summary>
    internal static Reply Answer(CommandCatalog catalog, string rootName, string? query, bool isAdmin)
    {
        if (query is null)
        {
            return Overview(catalog.Root(rootName)!, isAdmin);
        }

        var words = query.Trim().TrimStart('/').Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 0 && catalog.Root(words[0]) is null)
        {
            words.Insert(0, rootName);
        }

        var command = catalog.Find(string.Join(' ', words));
        if (command is null)
        {
            // Quotes the member's words: built for each.
            var guess = CommandParser.Closest(words.LastOrDefault() ?? "", catalog.Leaves.Where(l => l.Path.StartsWith(rootName + " ", StringComparison.Ordinal)).Select(l => l.Name));
            return Reply.Error(
                $"There's no command `{TextInput.Quote(query)}`.{(guess is null ? "" : $" Did you mean `{guess}`?")} `/{rootName} help` lists them all.",
                $"/{rootName} help {(rootName == StudyBotCommands.Root ? "log" : "roles map")}");
        }

        return command.Path.Contains(' ', StringComparison.Ordinal) ? Details.GetValue(command, Detail) : Overview(command, isAdmin);
    }

    /// <summary>A root's overview for members (or admins), built on first use.</summary>
    private static Reply Overview(CommandDefinition root, bool isAdmin) =>
        Overviews.GetValue(root, static r => [BuildOverview(r, isAdmin: false), BuildOverview(r, isAdmin: true)])[isAdmin ? 1 : 0];

    /// <summary>Every command under a root, one line each ("`usage`: what it does"), grouped by section.</summary>
    private static Reply BuildOverview(CommandDefinition root, bool isAdmin)
    {
        var fields = Sectioned(root, null)
            .GroupBy(x => x.Section)
            .SelectMany(section => Pack(section.Key, section.Select(x => $"`{x.Leaf.Usage}`: {x.Leaf.Description}")))
            .ToList()
            .AsReadOnly();
        if (root.Name == StudyBotCommands.AdminRoot)
        {
            return new Reply
            {
                Title = "StudyBot admin commands",
                Text = $"These set StudyBot up for the whole community (Discord: Manage Server; Slack: workspace admins). More on one: `/{root.Name} help roles map`.",
                Fields = fields,
            };
        }

        var admin = isAdmin ? $"\nAdmins: `/{StudyBotCommands.AdminRoot} help` lists the admin commands." : "";
        return new Reply
        {
            Title = "StudyBot commands",
            Text = $"Items can be given by id (`numpy`) or by title words (`bias audit`). More on one command: `/{root.Name} help log`.{admin}",
            Fields = fields,
        };
    }

    /// <summary>A group or a command explained: each command with its options, choices and an example.</summary>
    private static Reply Detail(CommandDefinition command)
    {
        var fields = Leaves(command).Select(c => new ReplyField(
            $"/{c.Path}",
            Cut(c.Description + "\n"
                + $"Usage: `{c.Usage}`\n"
                + (c.Options.Count == 0 ? "" : string.Join('\n', c.Options.Select(o => $"• `{o.Name}`{(o.Required ? "" : " (optional)")}: {o.Description}{Choices(o)}")) + "\n")
                + (c.Example is null ? "" : $"Example: `{c.Example}`")))).ToList().AsReadOnly();
        return new Reply { Title = $"Help: /{command.Path}", Fields = fields };
    }

    /// <summary>Every command under this one with its section: its own, or the nearest group's above it.</summary>
    private static IEnumerable<(CommandDefinition Leaf, string Section)> Sectioned(CommandDefinition command, string? inherited)
    {
        var section = command.Section ?? inherited;
        return command.IsLeaf
            ? [(command, section ?? "Commands")]
            : command.Subcommands.SelectMany(s => Sectioned(s, section));
    }

    private static IEnumerable<CommandDefinition> Leaves(CommandDefinition command) =>
        command.IsLeaf ? [command] : command.Subcommands.SelectMany(Leaves);

    /// <summary>A section's lines as fields of at most <see cref="MaxFieldValue"/> characters; lines are never split.</summary>
    private static IEnumerable<ReplyField> Pack(string section, IEnumerable<string> lines)
    {
        var current = new List<string>();
        var length = 0;
        var first = true;
        foreach (var line in lines.Select(Cut))
        {
            if (current.Count > 0 && length + 1 + line.Length > MaxFieldValue)
            {
                yield return new ReplyField(first ? section : $"{section} (more)", string.Join('\n', current));
                first = false;
                current.Clear();
                length = 0;
            }

            length += (current.Count > 0 ? 1 : 0) + line.Length;
            current.Add(line);
        }

        if (current.Count > 0)
        {
            yield return new ReplyField(first ? section : $"{section} (more)", string.Join('\n', current));
        }
    }

    private static string Cut(string text) => text.Length <= MaxFieldValue ? text : text[..(MaxFieldValue - 1)] + "…";

    private static string Choices(OptionDefinition option) =>
        option.Choices.Count == 0 ? "" : $" ({string.Join(", ", option.Choices.Select(c => c.Value))})";
}
