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
                Text = "Streaks count the weeks in a row you meet your weekly goal. Set one to begin: small and steady beats big and brittle.",
                Buttons = [new ReplyButton("Suggest a goal", "progress goal suggest", ButtonStyle.Primary)],
            });
        }

        var unit = streak.Goal.Unit;
        var thisWeek = streak.ThisWeekMet
            ? $"This week's goal is met ✅ ({Format.GoalAmount(streak.ThisWeekAchieved, unit)} of {Format.GoalAmount(streak.Goal.Target, unit)})."
            : $"This week: {Format.GoalAmount(streak.ThisWeekAchieved, unit)} of {Format.GoalAmount(streak.Goal.Target, unit)}. {Remaining(streak, unit)}";
        var headline = streak.Current switch
        {
            0 => "Every streak starts with one week. This could be it.",
            1 => "🔥 1 week and counting. Keep it going!",
            _ => $"🔥 {streak.Current} weeks in a row. Consistency beats intensity!",
        };
        var freezeText = streak.FreezesAvailable switch
        {
            0 => $"You earn a streak freeze for every {Streaks.GoalsPerFreeze} goals met; it covers a week that doesn't go to plan.",
            1 => "🧊 1 streak freeze saved: a week that doesn't go to plan won't break your streak.",
            _ => $"🧊 {streak.FreezesAvailable} streak freezes saved (the most you can hold).",
        };
        var frozen = streak.Weeks.Count(w => w.Frozen);
        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = "Your streak",
            Text = $"{headline}\n{thisWeek}\n{freezeText}",
            Fields =
            [
                new ReplyField("Best", Format.Plural(streak.Best, "week", "weeks"), true),
                new ReplyField("Goals met", streak.GoalsMet.ToString(System.Globalization.CultureInfo.InvariantCulture), true),
                new ReplyField("Freezes used", frozen.ToString(System.Globalization.CultureInfo.InvariantCulture), true),
            ],
        });
    }

    private static string Remaining(StreakStatus streak, GoalUnit unit)
    {
        var left = streak.Goal!.Target - streak.ThisWeekAchieved;
        return $"{Format.GoalAmount(left, unit)} to go; you've got this.";
    }
}
