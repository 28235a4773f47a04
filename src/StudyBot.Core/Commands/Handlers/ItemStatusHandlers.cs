using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

internal static class ItemStatusChange
{
    /// <summary>Moves one item to a new state; the reply says what changed and what is next.</summary>
    public static CommandResult Apply(CommandContext ctx, RoadmapItem item, ItemState to)
    {
        var from = ctx.State(item.Id);
        if (from == to)
        {
            return new Reply { Text = ctx.T("ItemStatus.Already", Format.Item(item), LocalViews.Describe(ctx, to)) };
        }

        // Points follow the item: un-finishing it takes them back, so toggling cannot farm points.
        var points = to.Status == ItemStatus.Done ? Points.ForItemDone(item.Kind)
            : from.Status == ItemStatus.Done ? -Points.ForItemDone(item.Kind)
            : 0;
        var changes = ctx.NewChanges();
        changes.ItemChanges.Add(new ItemChange(item.Id, from, to, points));
        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = ctx.Today, DisplayName = ctx.Who.DisplayName };
        }

        var after = new Dictionary<string, ItemState>(ctx.Snapshot.Items) { [item.Id] = to };
        ItemState State(string id) => after.TryGetValue(id, out var s) ? s : ItemState.NotStarted;
        var next = ProgressMath.NextItems(ctx.Roadmap, State, Views.NextCount);
        var phaseLine = "";
        if (item.PhaseId is not null && ctx.Roadmap.FindPhaseById(item.PhaseId) is { } phase)
        {
            var progress = ProgressMath.PhaseOf(ctx.Roadmap, phase, State);
            phaseLine = $"\n{Format.PhaseName(phase, ctx.Culture)}: {progress.Percent}%";
        }

        var pointsText = points > 0 ? ctx.T("ItemStatus.PointsGained", Format.Points(points, ctx.Culture)) : "";
        var text = to.Status switch
        {
            ItemStatus.Done => ctx.T("ItemStatus.Done", Format.Item(item), pointsText),
            ItemStatus.InProgress => ctx.T("ItemStatus.Doing", Format.Item(item), pointsText),
            _ => ctx.T("ItemStatus.Skipped", Format.Item(item), LocalViews.Reason(ctx, to), pointsText),
        };
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = text + phaseLine,
            Fields = [new ReplyField(ctx.T("Common.Next"), LocalViews.NextLines(ctx, next, State))],
            Buttons = [LocalViews.UndoButton(ctx), .. LocalViews.NextButtons(ctx, next, State)],
        };
        return new CommandResult(reply, changes);
    }
}

internal sealed class DoneHandler(Notes.IItemNoteStore? notes = null) : ICommandHandler
{
    public string Path => "progress done";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var query = ctx.Request.String("item")!;
        var (item, problem) = LocalViews.ResolveItem(ctx, query, "done");
        return problem is not null
            ? ValueTask.FromResult(new CommandResult(problem))
            : NoteViews.WithNoteAsync(ctx, notes, item, ItemStatusChange.Apply(ctx, item!, new ItemState(ItemStatus.Done)), cancellationToken);
    }
}

internal sealed class DoingHandler(Notes.IItemNoteStore? notes = null) : ICommandHandler
{
    public string Path => "progress doing";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var query = ctx.Request.String("item")!;
        var (item, _) = LocalViews.ResolveItem(ctx, query, "doing");
        return await NoteViews.WithNoteAsync(ctx, notes, item, await Change(ctx), cancellationToken);
    }

    private static ValueTask<CommandResult> Change(CommandContext ctx)
    {
        var query = ctx.Request.String("item")!;
        var (item, problem) = LocalViews.ResolveItem(ctx, query, "doing");
        if (problem is not null)
        {
            return ValueTask.FromResult(new CommandResult(problem));
        }

        if (ctx.State(item!.Id).Status == ItemStatus.Done)
        {
            // Re-opening finished work is allowed, but say so, since it lowers the member's percentage.
            var result = ItemStatusChange.Apply(ctx, item, new ItemState(ItemStatus.InProgress));
            return ValueTask.FromResult(result with { Reply = result.Reply with { Text = result.Reply.Text + "\n" + ctx.T("ItemStatus.Reopened") } });
        }

        return ValueTask.FromResult(ItemStatusChange.Apply(ctx, item, new ItemState(ItemStatus.InProgress)));
    }
}

internal sealed class SkipHandler(Notes.IItemNoteStore? notes = null) : ICommandHandler
{
    public string Path => "progress skip";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var result = await Change(ctx);
        var query = ctx.Request.String("item")!;
        var item = ctx.Roadmap.FindPhase(query) is not null && ctx.Roadmap.FindItem(query.Trim()) is null ? null : LocalViews.ResolveItem(ctx, query, "skip").Item;
        return await NoteViews.WithNoteAsync(ctx, notes, item, result, cancellationToken);
    }

    private static ValueTask<CommandResult> Change(CommandContext ctx)
    {
        var query = ctx.Request.String("item")!;
        var reason = ctx.Request.String("reason") switch
        {
            "not-relevant" => SkipReason.NotRelevant,
            "later" => SkipReason.Later,
            _ => SkipReason.AlreadyKnown,
        };
        var to = new ItemState(ItemStatus.Skipped, reason);

        var phase = ctx.Roadmap.FindPhase(query);
        if (phase is not null && ctx.Roadmap.FindItem(query.Trim()) is null)
        {
            return ValueTask.FromResult(SkipPhase(ctx, phase, to));
        }

        var (item, problem) = LocalViews.ResolveItem(ctx, query, "skip");
        if (problem is not null)
        {
            return ValueTask.FromResult(new CommandResult(UnknownReason(ctx, query) ?? problem));
        }

        if (ctx.State(item!.Id).Status == ItemStatus.Done)
        {
            return ValueTask.FromResult(new CommandResult(new Reply
            {
                Text = ctx.T("ItemStatus.SkipDone", Format.Item(item)),
            }));
        }

        return ValueTask.FromResult(ItemStatusChange.Apply(ctx, item, to));
    }

    /// <summary>
    /// "skip python-basics wrongreason": the words before the last name an item or a phase, so the last word was
    /// meant as the reason. Says so, instead of "no item called python-basics wrongreason".
    /// </summary>
    private static Reply? UnknownReason(CommandContext ctx, string query)
    {
        var words = query.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length < 2)
        {
            return null;
        }

        var target = string.Join(' ', words[..^1]);
        var named = ctx.Roadmap.FindPhase(target)?.Id ?? (ItemFinder.Find(ctx.Roadmap, target) is { Outcome: FindOutcome.Found } match ? match.Item!.Id : null);
        if (named is null)
        {
            return null;
        }

        var reasons = StudyBotCommands.SkipReasons;
        var word = words[^1];
        var guess = CommandParser.Closest(word, reasons.SelectMany(r => r.Aliases.Prepend(r.Value)));
        var meant = guess is null ? null : reasons.First(r => r.Matches(guess)).Value;
        var known = ctx.T("ItemStatus.Or", string.Join(", ", reasons.SkipLast(1).Select(r => r.Value)), reasons[^1].Value);
        return LocalViews.Error(
            ctx,
            ctx.T("ItemStatus.NotAReason", TextInput.Quote(word, 30), known, meant is null ? "" : ctx.T("ItemStatus.DidYouMeanReason", meant)),
            $"/progress skip {named} {meant ?? "later"}");
    }

    /// <summary>Skips every open module and milestone item of a phase as one change (one undo reverts it).</summary>
    private static CommandResult SkipPhase(CommandContext ctx, Phase phase, ItemState to)
    {
        var open = ctx.Roadmap.PhaseItems(phase.Id).Where(i => ctx.State(i.Id).IsOpen && ctx.State(i.Id) != to).ToList();
        if (open.Count == 0)
        {
            return new Reply { Text = ctx.T("ItemStatus.NothingOpen", Format.PhaseName(phase, ctx.Culture)) };
        }

        var changes = ctx.NewChanges();
        foreach (var item in open)
        {
            changes.ItemChanges.Add(new ItemChange(item.Id, ctx.State(item.Id), to, 0));
        }

        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = ctx.Today, DisplayName = ctx.Who.DisplayName };
        }

        var after = new Dictionary<string, ItemState>(ctx.Snapshot.Items);
        foreach (var item in open)
        {
            after[item.Id] = to;
        }

        ItemState State(string id) => after.TryGetValue(id, out var s) ? s : ItemState.NotStarted;
        var next = ProgressMath.NextItems(ctx.Roadmap, State, Views.NextCount);
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T("ItemStatus.SkippedPhase", Format.Plural(open.Count, ctx.T("ItemStatus.Item"), ctx.T("ItemStatus.Items"), ctx.Culture), Format.PhaseName(phase, ctx.Culture), LocalViews.Reason(ctx, to)),
            Fields = [new ReplyField(ctx.T("Common.Next"), LocalViews.NextLines(ctx, next, State))],
            Buttons = [LocalViews.UndoButton(ctx), .. LocalViews.NextButtons(ctx, next, State)],
        };
        return new CommandResult(reply, changes);
    }
}
