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
            return new Reply { Text = ctx.T("Undo.Nothing") };
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
            lines.Add(BackTo(ctx, ctx.Roadmap.FindItem(c.ItemId)?.Title ?? c.ItemId, c.From));
        }
        else if (undo.ItemChanges.Count > 1)
        {
            lines.Add(ctx.T("Undo.Items", Format.Number(undo.ItemChanges.Count, ctx.Culture)));
        }

        foreach (var log in undo.Logs)
        {
            changes.RetractedLogIds.Add(log.Id);
            lines.Add(ctx.T(lines.Count == 0 ? "Undo.RemovedFirst" : "Undo.Removed", Format.Minutes(log.Minutes, ctx.Culture), ctx.T("Log.Kind." + log.Kind.ToString().ToLowerInvariant()), Format.Date(log.LocalDate, ctx.Culture)));
        }

        return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = ctx.T("Undo.Undone", string.Join(' ', lines)) }, changes);
    }

    /// <summary>How an item is after an undo: "X is back to not started.", "X is done again."</summary>
    private static string BackTo(CommandContext ctx, string title, ItemState state) => state.Status switch
    {
        ItemStatus.NotStarted => ctx.T("Undo.NotStarted", title),
        ItemStatus.InProgress => ctx.T("Undo.InProgress", title),
        ItemStatus.Done => ctx.T("Undo.Done", title),
        _ => ctx.T("Undo.Other", title, LocalViews.Describe(ctx, state)),
    };
}
