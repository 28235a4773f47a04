using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>The weekly streak, always phrased as encouragement: a missed week is a fresh start, not a failure.</summary>
internal sealed class StreakHandler : ICommandHandler
{
    public string Path => "progress streak";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var streak = Streaks.Compute(ctx.Snapshot.Goals, ctx.Snapshot.Days, ctx.Today, ReminderComposer.PausedWeeks(ctx.Snapshot.Rest, ctx.Today));
        if (streak.Goal is null)
        {
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Text = ctx.T("Streak.NoGoal"),
                Buttons = [new ReplyButton(ctx.T("Streak.SuggestGoal"), "progress goal suggest", ButtonStyle.Primary)],
            });
        }

        var unit = streak.Goal.Unit;
        var thisWeek = streak.ThisWeekMet
            ? ctx.T("Streak.WeekMet", LocalViews.GoalAmount(ctx, streak.ThisWeekAchieved, unit), LocalViews.GoalAmount(ctx, streak.Goal.Target, unit))
            : ctx.T("Streak.Week", LocalViews.GoalAmount(ctx, streak.ThisWeekAchieved, unit), LocalViews.GoalAmount(ctx, streak.Goal.Target, unit), Remaining(ctx, streak, unit));
        var headline = streak.Current switch
        {
            0 => ctx.T("Streak.Zero"),
            1 => ctx.T("Streak.One"),
            _ => ctx.T("Streak.Many", streak.Current),
        };
        var freezeText = streak.FreezesAvailable switch
        {
            0 => ctx.T("Streak.NoFreeze", Streaks.GoalsPerFreeze),
            1 => ctx.T("Streak.OneFreeze"),
            _ => ctx.T("Streak.Freezes", streak.FreezesAvailable),
        };
        var frozen = streak.Weeks.Count(w => w.Frozen);
        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = ctx.T("Streak.Title"),
            Text = $"{headline}\n{thisWeek}\n{freezeText}",
            Fields =
            [
                new ReplyField(ctx.T("Streak.Best"), Format.Plural(streak.Best, ctx.T("Streak.Week1"), ctx.T("Streak.Weeks"), ctx.Culture), true),
                new ReplyField(ctx.T("Streak.GoalsMet"), streak.GoalsMet.ToString(System.Globalization.CultureInfo.InvariantCulture), true),
                new ReplyField(ctx.T("Streak.FreezesUsed"), frozen.ToString(System.Globalization.CultureInfo.InvariantCulture), true),
            ],
        });
    }

    private static string Remaining(CommandContext ctx, StreakStatus streak, GoalUnit unit)
    {
        var left = streak.Goal!.Target - streak.ThisWeekAchieved;
        return ctx.T("Streak.ToGo", LocalViews.GoalAmount(ctx, left, unit));
    }
}
