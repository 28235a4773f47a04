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
                    ? $"`{TextInput.Quote(query)}` fits more than one item: {string.Join(", ", match.Candidates.Select(c => $"`{c.Id}`"))}."
                    : Views.ItemNotFound(query, match);
                return ValueTask.FromResult<CommandResult>(Reply.Error(
                    $"{why} To log time with just a note, write `note:` before it.",
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
            var room = left > 0 ? $" You can log up to {Format.Minutes(left)} more today." : "";
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Tone = ReplyTone.Warning,
                Text = $"That would make {Format.Minutes(todayMinutes + minutes)} today, and I count at most 16 hours a day: rest is part of the plan (the guide says take breaks to avoid burnout).{room} Nothing was logged.",
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
        var weekLine = goal is { Unit: GoalUnit.Hours }
            ? $"This week: {Format.Minutes(week.Sum(d => d.TotalMinutes))} of your {goal.Target}h goal{(week.Sum(d => d.TotalMinutes) >= goal.Target * 60 ? " ✅ goal met!" : "")}"
            : $"This week: {Format.Minutes(week.Sum(d => d.TotalMinutes))}";
        var on = item is null ? "" : $" on {item.DisplayTitle}";
        var text = $"📝 Logged {Format.Minutes(minutes)} of {kind.ToString().ToLowerInvariant()}{on} (+{Format.Points(points)}).\n"
            + $"Today: {Format.Minutes(todayMinutes + minutes)} · {weekLine}\nBalance this week: {balance.Summary}";
        if (balance.Nudge is not null)
        {
            text += $"\n💡 {balance.Nudge}";
        }

        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = text,
            Buttons = [new ReplyButton("Undo", "progress undo")],
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
