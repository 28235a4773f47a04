using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Reply pieces several commands share.</summary>
internal static class Views
{
    public const int NextCount = 3;

    public static IReadOnlyList<PhaseProgress> Progress(CommandContext ctx) => ProgressMath.Phases(ctx.Roadmap, ctx.State);

    public static string ItemNotFound(string query, ItemMatch match)
    {
        var text = $"I couldn't find a roadmap item called `{TextInput.Quote(query)}`.";
        if (match.Candidates.Count > 0)
        {
            text += " Did you mean " + string.Join(", ", match.Candidates.Select(c => $"`{c.Id}` ({c.DisplayTitle})")) + "?";
        }
        else
        {
            text += " Use an item id from `/progress roadmap`, or words from its title.";
        }

        return text;
    }

    public static Reply Ambiguous(string query, ItemMatch match, string verb) => new()
    {
        Tone = ReplyTone.Warning,
        Text = $"`{TextInput.Quote(query)}` fits more than one item. Which one did you mean?\n"
            + string.Join('\n', match.Candidates.Select(c => $"• {c.DisplayTitle}: `/progress {verb} {c.Id}`")),
        Buttons = match.Candidates.Take(5).Select(c => new ReplyButton(Short(c.Title), $"progress {verb} {c.Id}")).ToList(),
    };

    /// <summary>Resolves an item option to one item, or the reply that explains why not.</summary>
    public static (RoadmapItem? Item, Reply? Problem) ResolveItem(CommandContext ctx, string query, string verb)
    {
        var match = ItemFinder.Find(ctx.Roadmap, query);
        return match.Outcome switch
        {
            FindOutcome.Found => (match.Item, null),
            FindOutcome.Ambiguous => (null, Ambiguous(query, match, verb)),
            _ => (null, Reply.Error(ItemNotFound(query, match), $"/progress {verb} numpy")),
        };
    }

    /// <summary>The reply to a time zone that is not in the time-zone database, with the zones it may mean.</summary>
    public static Reply UnknownZone(string input, string example)
    {
        var suggestions = TimeZones.Suggest(input);
        var hint = suggestions.Count > 0 ? $" Did you mean {string.Join(", ", suggestions.Select(s => $"`{s}`"))}?" : "";
        return Reply.Error($"`{TextInput.Quote(input, 40)}` is not a time zone I know.{hint} Use a name from the time-zone database, usually Region/City.", example);
    }

    /// <summary>Adds the note for a fixed-offset zone people often mean as a place (EST for New York), with a button for the place.</summary>
    public static Reply WithZoneNote(Reply reply, string zone, string command) =>
        TimeZones.FixedOffsetNote(zone) is { } note
            ? reply with
            {
                Text = $"{reply.Text}\nℹ️ {note.Text}",
                Buttons = [.. reply.Buttons, new ReplyButton($"Use {note.Suggestion}", $"{command} {note.Suggestion}", ButtonStyle.Primary)],
            }
            : reply;

    public static string Short(string text, int max = 40) => text.Length <= max ? text : text[..(max - 1)] + "…";

    public static string NextLines(IReadOnlyList<RoadmapItem> items, Func<string, ItemState> state) =>
        items.Count == 0
            ? "Nothing left: you've covered the whole roadmap! 🎓"
            : string.Join('\n', items.Select(i => $"{Format.Icon(state(i.Id))} {Format.Item(i)}"));

    public static IEnumerable<ReplyButton> NextButtons(IReadOnlyList<RoadmapItem> items, Func<string, ItemState> state) =>
        items.Take(2).Select(i => state(i.Id).Status == ItemStatus.InProgress
            ? new ReplyButton($"Done: {Short(i.Title, 30)}", $"progress done {i.Id}", ButtonStyle.Success)
            : new ReplyButton($"Start: {Short(i.Title, 30)}", $"progress doing {i.Id}", ButtonStyle.Primary));

    public static string GoalLine(CommandContext ctx, GoalPeriod period)
    {
        var goal = ctx.Snapshot.CurrentGoal(period);
        if (goal is null)
        {
            return period == GoalPeriod.Week ? "No weekly goal yet: try `/progress goal suggest`." : "No monthly goal.";
        }

        var achieved = Streaks.AchievedInPeriod(goal, ctx.Snapshot.Days, ctx.Today);
        var check = achieved >= goal.Target ? " ✅" : "";
        return $"{Format.GoalAmount(achieved, goal.Unit)} of {Format.GoalAmount(goal.Target, goal.Unit)}{check}";
    }

    public static string StreakLine(StreakStatus streak)
    {
        if (streak.Goal is null)
        {
            return "Set a weekly goal to start a streak.";
        }

        var weeks = streak.Current == 0 ? "Ready to start" : $"🔥 {Format.Plural(streak.Current, "week", "weeks")}";
        var freezes = streak.FreezesAvailable > 0 ? $" · 🧊 {streak.FreezesAvailable}" : "";
        return weeks + freezes;
    }

    public static string EtaLine(EtaReport eta) =>
        eta.RemainingWeeks <= 0
            ? "Roadmap complete"
            : $"{Format.MonthYear(eta.FinishDate)} ({Eta.DescribeWeeks(eta.RemainingWeeks)}, {(eta.BasedOnLoggedPace ? $"at about {Format.Hours(eta.PaceHoursPerWeek)} h/week, from your plan and recent logs" : $"at your planned {Format.Hours(eta.PlannedHoursPerWeek)} h/week")})";

    public static Level? Level(CommandContext ctx, out int week)
    {
        week = ProgressMath.WeekNumber(ctx.Member.StartDate ?? ctx.Today, ctx.Today);
        return ProgressMath.LevelFor(ctx.Roadmap, week);
    }

    public static string QuickWinLine(CommandContext ctx)
    {
        Level(ctx, out var week);
        var wins = ProgressMath.QuickWinsFor(ctx.Roadmap, week);
        return wins is null ? "" : $"Quick wins for week {week}: " + string.Join(", ", wins.Wins.Select(w => w.Title.ToLowerInvariant())) + ".";
    }
}
