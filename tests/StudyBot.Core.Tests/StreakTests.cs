using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

public sealed class StreakTests
{
    private static readonly Goal OneHourAWeek = new(GoalPeriod.Week, GoalUnit.Hours, 1, new DateOnly(2026, 1, 5));

    /// <summary>Study logs as the engine records them: each on the local date of the instant it happened.</summary>
    private static List<DailyTotal> Logs(string zone, params (string Utc, int Minutes)[] logs) =>
        logs.GroupBy(l => TimeZones.LocalDate(DateTimeOffset.Parse(l.Utc, System.Globalization.CultureInfo.InvariantCulture), zone))
            .Select(g => new DailyTotal(g.Key, g.Sum(x => x.Minutes), 0, 0, 0, 0))
            .ToList();

    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    [Fact]
    public void In_Berlin_a_week_starts_at_local_midnight_on_Monday_after_the_spring_change()
    {
        var goal = OneHourAWeek with { EffectiveFrom = D(2026, 3, 23) };

        // 22:30 UTC on Sunday 29 March is 00:30 on Monday 30 March in Berlin (CEST, UTC+2 since 02:00 that day).
        var days = Logs("Europe/Berlin", ("2026-03-25T12:00:00Z", 60), ("2026-03-29T22:30:00Z", 60));

        var streak = Streaks.Compute([goal], days, today: D(2026, 4, 1));

        Assert.Equal(D(2026, 3, 30), days[1].Date);
        Assert.Equal(2, streak.Current);
        Assert.True(streak.ThisWeekMet);
    }

    [Fact]
    public void In_Berlin_a_late_Sunday_log_stays_in_its_week_after_the_autumn_change()
    {
        var goal = OneHourAWeek with { EffectiveFrom = D(2026, 10, 12) };

        // 22:30 UTC on Sunday 25 October is 23:30 on that Sunday in Berlin (CET, UTC+1 since 03:00 that day).
        var days = Logs("Europe/Berlin", ("2026-10-14T12:00:00Z", 60), ("2026-10-25T22:30:00Z", 60));

        var streak = Streaks.Compute([goal], days, today: D(2026, 10, 28));

        Assert.Equal(D(2026, 10, 25), days[1].Date);
        Assert.Equal(2, streak.Current);
        Assert.False(streak.ThisWeekMet);
    }

    [Fact]
    public void In_Berlin_the_streak_runs_across_both_changes_of_the_year()
    {
        var goal = OneHourAWeek with { EffectiveFrom = D(2026, 3, 16) };

        // One hour every Sunday at 22:30 UTC: 23:30 local in winter, but 00:30 Monday local in summer.
        var logs = new List<(string, int)>();
        for (var sunday = D(2026, 3, 22); sunday <= D(2026, 11, 1); sunday = sunday.AddDays(7))
        {
            logs.Add(($"{sunday:yyyy-MM-dd}T22:30:00Z", 60));
        }

        var days = Logs("Europe/Berlin", [.. logs]);
        var streak = Streaks.Compute([goal], days, today: D(2026, 11, 4));

        // The week of 16 March has its log on Sunday 22 March (winter); from 29 March each log lands on the next
        // Monday, so the week of 23 March is empty (a missed week with no freeze yet), and from then on every
        // week is met until the autumn change, when logs land on Sunday again and every week stays met.
        var missed = streak.Weeks.Where(w => !w.Met && !w.Frozen && w.WeekStart < D(2026, 11, 2)).Select(w => w.WeekStart).ToList();
        Assert.Equal([D(2026, 3, 23)], missed);
        Assert.Equal(31, streak.Current); // 30 March to 26 October
        Assert.False(streak.ThisWeekMet);
    }

    [Fact]
    public void In_UTC_plus_14_a_Sunday_morning_UTC_log_is_already_Monday()
    {
        // Kiritimati is UTC+14: 10:30 UTC on Sunday 1 March is 00:30 on Monday 2 March there.
        var days = Logs("Pacific/Kiritimati", ("2026-03-01T10:30:00Z", 60));
        Assert.Equal(D(2026, 3, 2), days[0].Date);

        var goal = OneHourAWeek with { EffectiveFrom = D(2026, 2, 23) };
        var streak = Streaks.Compute([goal], days, today: D(2026, 3, 3));

        Assert.True(streak.ThisWeekMet);
        Assert.Equal(1, streak.Current);
        Assert.False(streak.Weeks.Single(w => w.WeekStart == D(2026, 2, 23)).Met);
    }

    [Fact]
    public void In_UTC_minus_12_a_Monday_morning_UTC_log_is_still_Sunday()
    {
        // Etc/GMT+12 is UTC-12: 11:30 UTC on Monday 2 March is 23:30 on Sunday 1 March there.
        var days = Logs("Etc/GMT+12", ("2026-03-02T11:30:00Z", 60));
        Assert.Equal(D(2026, 3, 1), days[0].Date);

        var goal = OneHourAWeek with { EffectiveFrom = D(2026, 2, 23) };
        var streak = Streaks.Compute([goal], days, today: D(2026, 3, 3));

        Assert.True(streak.Weeks.Single(w => w.WeekStart == D(2026, 2, 23)).Met);
        Assert.False(streak.ThisWeekMet);
        Assert.Equal(1, streak.Current);
    }

    [Fact]
    public void The_week_in_progress_never_breaks_a_streak()
    {
        var days = new List<DailyTotal> { new(D(2026, 1, 6), 60, 0, 0, 0, 0), new(D(2026, 1, 13), 60, 0, 0, 0, 0) };

        var streak = Streaks.Compute([OneHourAWeek], days, today: D(2026, 1, 21));

        Assert.Equal(2, streak.Current);
        Assert.False(streak.ThisWeekMet);
    }

    [Fact]
    public void Every_fourth_goal_met_earns_a_freeze_that_covers_a_missed_week()
    {
        var days = Enumerable.Range(0, 4).Select(w => new DailyTotal(D(2026, 1, 6).AddDays(7 * w), 60, 0, 0, 0, 0)).ToList();
        days.Add(new DailyTotal(D(2026, 2, 10), 60, 0, 0, 0, 0));

        // Weeks of 5, 12, 19, 26 Jan met; 2 Feb missed (freeze spent); 9 Feb met.
        var streak = Streaks.Compute([OneHourAWeek], days, today: D(2026, 2, 12));

        Assert.Equal(5, streak.Current);
        Assert.Equal(0, streak.FreezesAvailable);
        Assert.Single(streak.Weeks, w => w.Frozen);
    }

    [Fact]
    public void Freezes_are_capped_at_two()
    {
        var days = Enumerable.Range(0, 12).Select(w => new DailyTotal(D(2026, 1, 6).AddDays(7 * w), 60, 0, 0, 0, 0)).ToList();

        var streak = Streaks.Compute([OneHourAWeek], days, today: D(2026, 3, 30));

        Assert.Equal(12, streak.GoalsMet);
        Assert.Equal(2, streak.FreezesAvailable);
    }

    [Fact]
    public void A_missed_week_without_a_freeze_starts_the_count_again()
    {
        var days = new List<DailyTotal> { new(D(2026, 1, 6), 60, 0, 0, 0, 0), new(D(2026, 1, 20), 60, 0, 0, 0, 0) };

        var streak = Streaks.Compute([OneHourAWeek], days, today: D(2026, 1, 22));

        Assert.Equal(1, streak.Current);
        Assert.Equal(1, streak.Best);
    }

    [Fact]
    public void Item_goals_count_items_done_and_a_changed_goal_applies_from_its_week()
    {
        Goal[] goals =
        [
            new(GoalPeriod.Week, GoalUnit.Hours, 5, D(2026, 1, 5)),
            new(GoalPeriod.Week, GoalUnit.Items, 2, D(2026, 1, 14)),
        ];
        var days = new List<DailyTotal> { new(D(2026, 1, 6), 300, 0, 0, 0, 0), new(D(2026, 1, 15), 0, 0, 0, 2, 0) };

        var streak = Streaks.Compute(goals, days, today: D(2026, 1, 16));

        Assert.Equal(2, streak.Current);
        Assert.Equal(GoalUnit.Items, streak.Goal!.Unit);
    }

    [Fact]
    public void Paused_weeks_neither_count_nor_break()
    {
        var days = new List<DailyTotal> { new(D(2026, 1, 6), 60, 0, 0, 0, 0), new(D(2026, 1, 20), 60, 0, 0, 0, 0) };

        var streak = Streaks.Compute([OneHourAWeek], days, today: D(2026, 1, 22), pausedWeeks: new HashSet<DateOnly> { D(2026, 1, 12) });

        Assert.Equal(2, streak.Current);
    }

    [Fact]
    public void Without_a_weekly_goal_there_is_no_streak()
    {
        var streak = Streaks.Compute([], [new DailyTotal(D(2026, 1, 6), 60, 0, 0, 0, 0)], today: D(2026, 1, 7));

        Assert.Null(streak.Goal);
        Assert.Equal(0, streak.Current);
    }
}
