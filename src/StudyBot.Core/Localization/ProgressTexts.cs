using System.Globalization;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Localization;

/// <summary>
/// Pieces of progress said the same way in replies and in messages sent without a command (reminders), in any
/// language: a goal in words, an amount toward it, the 70/20/10 nudge.
/// </summary>
public static class ProgressTexts
{
    /// <summary>A goal in words: "10 hours a week", "1 item a month"; "10 Stunden pro Woche" (Resources/Goals.resx).</summary>
    public static string Goal(CultureInfo culture, Goal goal) => Text.Get(
        culture,
        (goal.Unit, goal.Period, goal.Target == 1) switch
        {
            (GoalUnit.Hours, GoalPeriod.Week, true) => "Goals.HourWeek",
            (GoalUnit.Hours, GoalPeriod.Week, false) => "Goals.HoursWeek",
            (GoalUnit.Hours, _, true) => "Goals.HourMonth",
            (GoalUnit.Hours, _, false) => "Goals.HoursMonth",
            (_, GoalPeriod.Week, true) => "Goals.ItemWeek",
            (_, GoalPeriod.Week, false) => "Goals.ItemsWeek",
            (_, _, true) => "Goals.ItemMonth",
            _ => "Goals.ItemsMonth",
        },
        goal.Target);

    /// <summary>An amount toward a goal, as <see cref="Format.GoalAmount"/>: "2.5h", "1 item", "3 items"; "2,5 Std.", "1 Thema".</summary>
    public static string GoalAmount(CultureInfo culture, double amount, GoalUnit unit) =>
        unit == GoalUnit.Hours ? Text.Get(culture, "Common.GoalHours", Format.Hours(amount, culture))
        : amount == 1 ? Text.Get(culture, "Common.GoalItem")
        : Text.Get(culture, "Common.GoalItems", Format.Hours(amount, culture));

    /// <summary>The balance's nudge (<see cref="BalanceReport.Nudge"/>) toward the kind furthest below its share; null when there is none.</summary>
    public static string? BalanceNudge(CultureInfo culture, Roadmap roadmap, BalanceReport balance)
    {
        if (balance.Nudge is null)
        {
            return null;
        }

        var worst = Enum.GetValues<StudyKind>()
            .Select(k => (Kind: k, Target: Balance.TargetPercent(roadmap, k), Share: balance.Share(k)))
            .MaxBy(x => x.Target - x.Share);
        return Text.Get(
            culture,
            worst.Kind switch { StudyKind.Practice => "Common.Nudge.Practice", StudyKind.Learning => "Common.Nudge.Learning", _ => "Common.Nudge.Review" },
            worst.Share,
            worst.Target);
    }
}
