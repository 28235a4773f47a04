using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Reverts the member's most recent change (an item change, a bulk skip or a study log); repeat to go further back.</summary>
internal sealed class UndoHandler(IProgressStore store) : ICommandHandler
{
    public string Path => "progress undo";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var undo = ctx.Member.IsNew ? null : await store.LoadUndoAsync(ctx.Who, cancellationToken);
        if (undo is null)
        {
            return new Reply { Text = "There's nothing to undo." };
        }

        var changes = ctx.NewChanges();
        changes.Reverts = undo.BatchId;
        var lines = new List<string>();
        foreach (var change in undo.ItemChanges)
        {
            changes.ItemChanges.Add(new ItemChange(change.ItemId, change.To, change.From, 0));
        }

        if (undo.ItemChanges.Count == 1)
        {
            var c = undo.ItemChanges[0];
            var item = ctx.Roadmap.FindItem(c.ItemId);
            lines.Add($"{(item is null ? c.ItemId : Format.Item(item))} is {c.From.Describe()} again.");
        }
        else if (undo.ItemChanges.Count > 1)
        {
            lines.Add($"{Format.Plural(undo.ItemChanges.Count, "item is", "items are")} back to how they were.");
        }

        foreach (var log in undo.Logs)
        {
            changes.RetractedLogIds.Add(log.Id);
            lines.Add($"Removed the {Format.Minutes(log.Minutes)} of {log.Kind.ToString().ToLowerInvariant()} logged on {Format.Date(log.LocalDate)}.");
        }

        return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = "↩️ Undone. " + string.Join(' ', lines) }, changes);
    }
}
