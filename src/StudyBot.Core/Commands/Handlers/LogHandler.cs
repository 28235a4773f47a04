using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class LogHandler : ICommandHandler
{
    /// <summary>Nobody studies more than this in a day; rest is part of the plan.</summary>
    public const int MaxMinutesPerDay = 16 * 60;

    public string Path => "progress log";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var minutes = (int)ctx.Request.Integer("minutes")!.Value;
        var kind = ctx.Request.String("kind") switch
        {
            "learning" => StudyKind.Learning,
            "review" => StudyKind.Review,
            _ => StudyKind.Practice,
        };
        RoadmapItem? item = null;
        if (ctx.Request.String("item") is { } query)
        {
            var match = ItemFinder.Find(ctx.Roadmap, query);
            if (match.Outcome != FindOutcome.Found)
            {
                var why = match.Outcome == FindOutcome.Ambiguous
                    ? ctx.T("Log.Ambiguous", TextInput.Quote(query), string.Join(", ", match.Candidates.Select(c => $"`{c.Id}`")))
                    : LocalViews.ItemNotFound(ctx, query, match);
                return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                    ctx,
                    ctx.T("Log.JustANote", why),
                    $"/progress log {minutes} {kind.ToString().ToLowerInvariant()} note:\"went over {TextInput.Quote(query, 20)}\""));
            }

            item = match.Item;
        }

        var note = ctx.Request.String("note");
        var today = ctx.Today;
        var todayMinutes = ctx.Snapshot.Days.Where(d => d.Date == today).Sum(d => d.TotalMinutes);
        if (todayMinutes + minutes > MaxMinutesPerDay)
        {
            var left = MaxMinutesPerDay - todayMinutes;
            var room = left > 0 ? ctx.T("Log.Room", Format.Minutes(left, ctx.Culture)) : "";
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Tone = ReplyTone.Warning,
                Text = ctx.T("Log.TooMuch", Format.Minutes(todayMinutes + minutes, ctx.Culture), room),
            });
        }

        var points = Points.ForMinutes(todayMinutes, minutes);
        var changes = ctx.NewChanges();
        changes.Logs.Add(new NewStudyLog(minutes, kind, item?.Id, note, points));
        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = today, DisplayName = ctx.Who.DisplayName };
        }

        var days = ctx.Snapshot.Days.Where(d => d.Date != today).Append(AddTo(ctx.Snapshot.Days.FirstOrDefault(d => d.Date == today), today, kind, minutes)).ToList();
        var weekStart = TimeZones.WeekStart(today);
        var week = days.Where(d => d.Date >= weekStart && d.Date <= today).ToList();
        var balance = Balance.For(ctx.Roadmap, week);
        var goal = ctx.Snapshot.CurrentGoal(GoalPeriod.Week);
        var weekMinutes = Format.Minutes(week.Sum(d => d.TotalMinutes), ctx.Culture);
        var weekLine = goal is { Unit: GoalUnit.Hours }
            ? ctx.T("Log.WeekGoal", weekMinutes, goal.Target, week.Sum(d => d.TotalMinutes) >= goal.Target * 60 ? ctx.T("Log.GoalMet") : "")
            : ctx.T("Log.Week", weekMinutes);
        var on = item is null ? "" : ctx.T("Log.On", item.DisplayTitle);
        var text = ctx.T("Log.Logged", Format.Minutes(minutes, ctx.Culture), ctx.T("Log.Kind." + kind.ToString().ToLowerInvariant()), on, Format.Points(points, ctx.Culture)) + "\n"
            + ctx.T("Log.Today", Format.Minutes(todayMinutes + minutes, ctx.Culture), weekLine) + "\n" + ctx.T("Log.Balance", LocalViews.BalanceSummary(ctx, balance));
        if (LocalViews.BalanceNudge(ctx, balance) is { } nudge)
        {
            text += $"\n💡 {nudge}";
        }

        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = text,
            Buttons = [LocalViews.UndoButton(ctx)],
        };
        return ValueTask.FromResult(new CommandResult(reply, changes));
    }

    private static DailyTotal AddTo(DailyTotal? day, DateOnly date, StudyKind kind, int minutes)
    {
        var d = day ?? new DailyTotal(date, 0, 0, 0, 0, 0);
        return kind switch
        {
            StudyKind.Practice => d with { PracticeMinutes = d.PracticeMinutes + minutes },
            StudyKind.Learning => d with { LearningMinutes = d.LearningMinutes + minutes },
            _ => d with { ReviewMinutes = d.ReviewMinutes + minutes },
        };
    }
}
