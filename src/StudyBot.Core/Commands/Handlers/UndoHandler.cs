using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// Reverts the member's most recent item change (one item, or a phase skipped at once) or logged study time; repeat
/// to go further back. Settings (goal, path, privacy, rest, plan, zone) are not undone: setting them again changes them.
/// </summary>
internal sealed class UndoHandler(IProgressStore store) : ICommandHandler
{
    /// <summary>What undo covers, for the reply when there is nothing to undo.</summary>
    public const string Covers = "Undo takes back your item changes (done, doing, skip) and logged study time, newest first. "
        + "Settings such as your goal, path, privacy, rest, study plan or time zone are not undone: set them again to change them.";

    public string Path => "progress undo";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var undo = ctx.Member.IsNew ? null : await store.LoadUndoAsync(ctx.Who, cancellationToken);
        if (undo is null)
        {
            return new Reply { Text = $"There's nothing to undo. {Covers}" };
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
            lines.Add($"{ctx.Roadmap.FindItem(c.ItemId)?.Title ?? c.ItemId} {BackTo(c.From)}.");
        }
        else if (undo.ItemChanges.Count > 1)
        {
            lines.Add($"{Format.Plural(undo.ItemChanges.Count, "item is", "items are")} back to how they were.");
        }

        foreach (var log in undo.Logs)
        {
            changes.RetractedLogIds.Add(log.Id);
            lines.Add($"{(lines.Count == 0 ? "removed" : "Removed")} the {Format.Minutes(log.Minutes)} of {log.Kind.ToString().ToLowerInvariant()} logged on {Format.Date(log.LocalDate)}.");
        }

        return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = "↩️ Undone: " + string.Join(' ', lines) }, changes);
    }

    /// <summary>How an item is after an undo, as the end of a sentence: "is back to not started", "is done again".</summary>
    private static string BackTo(ItemState state) => state.Status switch
    {
        ItemStatus.NotStarted => "is back to not started",
        ItemStatus.InProgress => "is back in progress",
        ItemStatus.Done => "is done again",
        _ => $"is {state.Describe()} again",
    };
}
