using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// The reply pieces of <see cref="Views"/> in the member's language (texts from Resources/Common.resx). Handlers
/// converted to resource texts use these; the English they give is the same as <see cref="Views"/> gives.
/// </summary>
internal static class LocalViews
{
    /// <summary>An error reply with a correct example, as <see cref="Reply.Error"/>, in the member's language.</summary>
    public static Reply Error(CommandContext ctx, string text, string? example = null) => new()
    {
        Tone = ReplyTone.Error,
        Text = example is null ? text : ctx.T("Common.Example", text, example),
    };

    public static string ItemNotFound(CommandContext ctx, string query, ItemMatch match)
    {
        var text = ctx.T("Common.ItemNotFound", TextInput.Quote(query));
        return match.Candidates.Count > 0
            ? text + " " + ctx.T("Common.DidYouMean", string.Join(", ", match.Candidates.Select(c => $"`{c.Id}` ({c.DisplayTitle})")))
            : text + " " + ctx.T("Common.UseItemId");
    }

    public static Reply Ambiguous(CommandContext ctx, string query, ItemMatch match, string verb) => new()
    {
        Tone = ReplyTone.Warning,
        Text = ctx.T("Common.Ambiguous", TextInput.Quote(query)) + "\n"
            + string.Join('\n', match.Candidates.Select(c => $"• {c.DisplayTitle}: `/progress {verb} {c.Id}`")),
        Buttons = match.Candidates.Take(5).Select(c => new ReplyButton(Views.Short(c.Title), $"progress {verb} {c.Id}")).ToList(),
    };

    /// <summary>Resolves an item option to one item, or the reply that explains why not.</summary>
    public static (RoadmapItem? Item, Reply? Problem) ResolveItem(CommandContext ctx, string query, string verb)
    {
        var match = ItemFinder.Find(ctx.Roadmap, query);
        return match.Outcome switch
        {
            FindOutcome.Found => (match.Item, null),
            FindOutcome.Ambiguous => (null, Ambiguous(ctx, query, match, verb)),
            _ => (null, Error(ctx, ItemNotFound(ctx, query, match), $"/progress {verb} numpy")),
        };
    }

    public static Reply UnknownZone(CommandContext ctx, string input, string example)
    {
        var suggestions = TimeZones.Suggest(input);
        var hint = suggestions.Count > 0 ? ctx.T("Common.ZoneSuggest", string.Join(", ", suggestions.Select(s => $"`{s}`"))) : "";
        return Error(ctx, ctx.T("Common.UnknownZone", TextInput.Quote(input, 40), hint), example);
    }

    /// <summary>Adds the note for a fixed-offset zone people often mean as a place (EST for New York), with a button for the place, in the member's language.</summary>
    public static Reply WithZoneNote(CommandContext ctx, Reply reply, string zone, string command) =>
        TimeZones.FixedOffsetNote(zone, ctx.Culture) is { } note
            ? reply with
            {
                Text = $"{reply.Text}\nℹ️ {note.Text}",
                Buttons = [.. reply.Buttons, new ReplyButton(ctx.T("Common.UseZone", note.Suggestion), $"{command} {note.Suggestion}", ButtonStyle.Primary)],
            }
            : reply;

    public static string Item(RoadmapItem item) => Format.Item(item);

    public static string NextLines(CommandContext ctx, IReadOnlyList<RoadmapItem> items, Func<string, ItemState> state) =>
        items.Count == 0
            ? ctx.T("Common.NothingLeft")
            : string.Join('\n', items.Select(i => $"{Format.Icon(state(i.Id))} {Format.Item(i)}"));

    public static IEnumerable<ReplyButton> NextButtons(CommandContext ctx, IReadOnlyList<RoadmapItem> items, Func<string, ItemState> state) =>
        items.Take(2).Select(i => state(i.Id).Status == ItemStatus.InProgress
            ? new ReplyButton(ctx.T("Common.ButtonDone", Views.Short(i.Title, 30)), $"progress done {i.Id}", ButtonStyle.Success)
            : new ReplyButton(ctx.T("Common.ButtonStart", Views.Short(i.Title, 30)), $"progress doing {i.Id}", ButtonStyle.Primary));

    public static ReplyButton UndoButton(CommandContext ctx) => new(ctx.T("Common.Undo"), "progress undo");

    /// <summary>"done", "skipped (already known)": <see cref="ItemState.Describe"/> in the member's language.</summary>
    public static string Describe(CommandContext ctx, ItemState state) => ctx.T(state.Status switch
    {
        ItemStatus.NotStarted => "Common.Status.NotStarted",
        ItemStatus.InProgress => "Common.Status.InProgress",
        ItemStatus.Done => "Common.Status.Done",
        _ => state.Reason switch
        {
            SkipReason.AlreadyKnown => "Common.Status.AlreadyKnown",
            SkipReason.NotRelevant => "Common.Status.NotRelevant",
            SkipReason.Later => "Common.Status.Later",
            _ => "Common.Status.Skipped",
        },
    });

    /// <summary>Why an item was skipped, for "Skipped X (already known)".</summary>
    public static string Reason(CommandContext ctx, ItemState state) => state.Reason switch
    {
        SkipReason.AlreadyKnown => ctx.T("Common.Reason.AlreadyKnown"),
        SkipReason.NotRelevant => ctx.T("Common.Reason.NotRelevant"),
        SkipReason.Later => ctx.T("Common.Reason.Later"),
        _ => Describe(ctx, state).Replace("skipped ", "", StringComparison.Ordinal).Trim('(', ')'),
    };

    public static string BalanceSummary(CommandContext ctx, BalanceReport balance) => balance.Total == 0
        ? ctx.T("Common.Balance.Nothing")
        : ctx.T("Common.Balance.Summary", balance.Share(StudyKind.Practice), balance.Share(StudyKind.Learning), balance.Share(StudyKind.Review));

    /// <summary>The balance's nudge (<see cref="BalanceReport.Nudge"/>) in the member's language, or null when there is none.</summary>
    public static string? BalanceNudge(CommandContext ctx, BalanceReport balance) => ProgressTexts.BalanceNudge(ctx.Culture, ctx.Roadmap, balance);

    /// <summary>An amount toward a goal, as <see cref="Format.GoalAmount"/>: "2.5h", "1 item", "3 items"; "2,5 Std.", "1 Thema".</summary>
    public static string GoalAmount(CommandContext ctx, double amount, GoalUnit unit) => ProgressTexts.GoalAmount(ctx.Culture, amount, unit);

    public static string QuickWinLine(CommandContext ctx)
    {
        Views.Level(ctx, out var week);
        var wins = ProgressMath.QuickWinsFor(ctx.Roadmap, week);
        return wins is null ? "" : ctx.T("Common.QuickWins", week, string.Join(", ", wins.Wins.Select(w => w.Title.ToLowerInvariant())));
    }
}
