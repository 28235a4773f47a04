namespace StudyBot.Core.Progress;

public sealed record WeekResult(DateOnly WeekStart, Goal Goal, double Achieved, bool Met, bool Frozen, bool Paused);

public sealed record StreakStatus(
    int Current,
    int Best,
    int FreezesAvailable,
    int GoalsMet,
    Goal? Goal,
    double ThisWeekAchieved,
    bool ThisWeekMet,
    IReadOnlyList<WeekResult> Weeks);

/// <summary>
/// The weekly streak: consecutive weeks (Monday to Sunday, in the member's zone) with the weekly goal met.
/// Every fourth goal met earns a freeze (at most two held), spent automatically on a missed week.
/// The week in progress only counts once its goal is met, so it never breaks a streak early.
/// </summary>
public static class Streaks
{
    public const int GoalsPerFreeze = 4;
    public const int MaxFreezes = 2;

    public static StreakStatus Compute(IReadOnlyList<Goal> goals, IReadOnlyList<DailyTotal> days, DateOnly today, IReadOnlySet<DateOnly>? pausedWeeks = null)
    {
        // A stable sort: of goals set on the same day, the last one set comes last, and Last() picks it.
        var weekly = goals.Where(g => g.Period == GoalPeriod.Week).OrderBy(g => g.EffectiveFrom).ToList();
        var thisWeek = TimeZones.WeekStart(today);
        var current = weekly.LastOrDefault(g => g.EffectiveFrom <= today);
        if (weekly.Count == 0)
        {
            return new StreakStatus(0, 0, 0, 0, null, 0, false, []);
        }

        var byWeek = days.GroupBy(d => TimeZones.WeekStart(d.Date)).ToDictionary(g => g.Key, g => g.ToList());
        var streak = 0;
        var best = 0;
        var freezes = 0;
        var met = 0;
        var results = new List<WeekResult>();
        double thisWeekAchieved = 0;
        var thisWeekMet = false;

        for (var week = TimeZones.WeekStart(weekly[0].EffectiveFrom); week <= thisWeek; week = week.AddDays(7))
        {
            var weekEnd = week.AddDays(6);
            var goal = weekly.Last(g => g.EffectiveFrom <= weekEnd);
            var achieved = Achieved(goal, byWeek.GetValueOrDefault(week));
            var isMet = achieved >= goal.Target;
            if (week == thisWeek)
            {
                thisWeekAchieved = achieved;
                thisWeekMet = isMet;
            }

            if (pausedWeeks?.Contains(week) == true)
            {
                results.Add(new WeekResult(week, goal, achieved, isMet, false, true));
                continue;
            }

            if (isMet)
            {
                streak++;
                met++;
                if (met % GoalsPerFreeze == 0 && freezes < MaxFreezes)
                {
                    freezes++;
                }

                results.Add(new WeekResult(week, goal, achieved, true, false, false));
            }
            else if (week == thisWeek)
            {
                results.Add(new WeekResult(week, goal, achieved, false, false, false));
            }
            else if (freezes > 0)
            {
                freezes--;
                results.Add(new WeekResult(week, goal, achieved, false, true, false));
            }
            else
            {
                streak = 0;
                results.Add(new WeekResult(week, goal, achieved, false, false, false));
            }

            best = Math.Max(best, streak);
        }

        return new StreakStatus(streak, best, freezes, met, current ?? weekly[^1], thisWeekAchieved, thisWeekMet, results);
    }

    /// <summary>Hours (or items) achieved toward a goal over the given days.</summary>
    public static double Achieved(Goal goal, IEnumerable<DailyTotal>? days)
    {
        if (days is null)
        {
            return 0;
        }

        return goal.Unit == GoalUnit.Hours ? days.Sum(d => d.TotalMinutes) / 60.0 : days.Sum(d => d.ItemsDone);
    }

    public static double AchievedInPeriod(Goal goal, IReadOnlyList<DailyTotal> days, DateOnly today)
    {
        var (from, to) = goal.Period == GoalPeriod.Week
            ? (TimeZones.WeekStart(today), TimeZones.WeekStart(today).AddDays(6))
            : (TimeZones.MonthStart(today), TimeZones.MonthStart(today).AddMonths(1).AddDays(-1));
        return Achieved(goal, days.Where(d => d.Date >= from && d.Date <= to));
    }
}
