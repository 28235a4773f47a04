using StudyBot.Core.Chat;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Help generated from the catalog, so it always matches what the parser accepts.</summary>
internal sealed class HelpHandler : ICommandHandler
{
    public string Path => "progress help";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var catalog = ctx.Catalog;
        var query = ctx.Request.String("command");
        if (query is null)
        {
            var lines = catalog.Leaves
                .Where(c => !c.RequiresAdmin || ctx.Who.IsAdmin)
                .Select(c => $"`{c.Usage}`: {c.Description}");
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Title = "StudyBot commands",
                Text = string.Join('\n', lines) + "\nItems can be given by id (`numpy`) or by title words (`bias audit`). More on one command: `/progress help log`.",
            });
        }

        var words = query.Trim().TrimStart('/').Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 0 && catalog.Root(words[0]) is null)
        {
            words.Insert(0, StudyBotCommands.Root);
        }

        var command = catalog.Find(string.Join(' ', words));
        if (command is null)
        {
            var guess = CommandParser.Closest(words.Last(), catalog.Leaves.Select(l => l.Name));
            return ValueTask.FromResult<CommandResult>(Reply.Error(
                $"There's no command `{TextInput.Quote(query)}`.{(guess is null ? "" : $" Did you mean `{guess}`?")} `/progress help` lists them all.",
                "/progress help log"));
        }

        var leaves = command.IsLeaf ? [command] : command.Subcommands.Where(s => s.IsLeaf).ToList();
        var fields = leaves.Select(c => new ReplyField(
            $"/{c.Path}",
            c.Description + "\n"
                + (c.Options.Count == 0 ? "" : string.Join('\n', c.Options.Select(o => $"• `{o.Name}`{(o.Required ? "" : " (optional)")}: {o.Description}{Choices(o)}")) + "\n")
                + (c.Example is null ? "" : $"Example: `{c.Example}`"))).ToList();
        return ValueTask.FromResult<CommandResult>(new Reply { Title = $"Help: /{command.Path}", Fields = fields });
    }

    private static string Choices(OptionDefinition option) =>
        option.Choices.Count == 0 ? "" : $" ({string.Join(", ", option.Choices.Select(c => c.Value))})";
}
