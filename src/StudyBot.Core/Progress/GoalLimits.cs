using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Progress;

/// <summary>
/// The largest goal each period can hold. Hours follow the daily cap (at most 16 hours a day are counted): 112 a
/// week, 496 a month. Items: 30 a week, and a month at most the whole roadmap.
/// </summary>
public static class GoalLimits
{
    public const int MaxHoursPerDay = 16;

    public const int MaxItemsPerWeek = 30;

    public static int Max(GoalUnit unit, GoalPeriod period, Roadmap roadmap) => (unit, period) switch
    {
        (GoalUnit.Hours, GoalPeriod.Week) => MaxHoursPerDay * 7,
        (GoalUnit.Hours, _) => MaxHoursPerDay * 31,
        (_, GoalPeriod.Week) => Math.Min(MaxItemsPerWeek, roadmap.Items.Count),
        _ => roadmap.Items.Count,
    };

    /// <summary>The limit in one sentence, e.g. "A weekly goal can be at most 112 hours: ...".</summary>
    public static string Describe(GoalUnit unit, GoalPeriod period, Roadmap roadmap)
    {
        var max = Max(unit, period, roadmap);
        var which = period == GoalPeriod.Week ? "weekly" : "monthly";
        var why = (unit, period) switch
        {
            (GoalUnit.Hours, GoalPeriod.Week) => $"that's {MaxHoursPerDay} hours a day, the daily cap, every day of the week",
            (GoalUnit.Hours, _) => $"that's {MaxHoursPerDay} hours a day, the daily cap, for 31 days",
            _ when max == roadmap.Items.Count => "that's the whole roadmap",
            _ => "beyond that it's a sprint, not a plan",
        };
        return unit == GoalUnit.Hours
            ? Format.AtMost($"A {which} goal", max, "hour", "hours", why)
            : Format.AtMost($"A {which} goal", max, "item", "items", why);
    }
}
