using CsCheck;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

/// <summary>The week-by-week history behind a streak, and which goal counts for which week.</summary>
public sealed class StreakHistoryTests
{
    private static readonly Goal OneHour = new(GoalPeriod.Week, GoalUnit.Hours, 1, new DateOnly(2026, 1, 5));

    private static DateOnly D(int m, int d) => new(2026, m, d);

    private static DailyTotal Minutes(DateOnly day, int minutes) => new(day, minutes, 0, 0, 0, 0);

    [Fact]
    public void Each_week_is_recorded_as_met_frozen_paused_missed_or_in_progress()
    {
        var days = new List<DailyTotal>
        {
            Minutes(D(1, 5), 60), Minutes(D(1, 12), 60), Minutes(D(1, 19), 60), Minutes(D(1, 26), 60),
            Minutes(D(2, 9), 30), Minutes(D(2, 23), 30),
        };

        var status = Streaks.Compute([OneHour], days, today: D(2, 25), pausedWeeks: new HashSet<DateOnly> { D(2, 9) });

        Assert.Equal(
            [
                new WeekResult(D(1, 5), OneHour, 1, Met: true, Frozen: false, Paused: false),
                new WeekResult(D(1, 12), OneHour, 1, Met: true, Frozen: false, Paused: false),
                new WeekResult(D(1, 19), OneHour, 1, Met: true, Frozen: false, Paused: false),
                new WeekResult(D(1, 26), OneHour, 1, Met: true, Frozen: false, Paused: false),
                new WeekResult(D(2, 2), OneHour, 0, Met: false, Frozen: true, Paused: false),
                new WeekResult(D(2, 9), OneHour, 0.5, Met: false, Frozen: false, Paused: true),
                new WeekResult(D(2, 16), OneHour, 0, Met: false, Frozen: false, Paused: false),
                new WeekResult(D(2, 23), OneHour, 0.5, Met: false, Frozen: false, Paused: false),
            ],
            status.Weeks);
        Assert.Equal((0, 4, 0, 4), (status.Current, status.Best, status.FreezesAvailable, status.GoalsMet));
        Assert.Equal((0.5, false), (status.ThisWeekAchieved, status.ThisWeekMet));
    }

    [Fact]
    public void A_paused_week_whose_goal_was_met_shows_it_but_does_not_count_it()
    {
        var status = Streaks.Compute([OneHour], [Minutes(D(1, 5), 60), Minutes(D(1, 12), 90)], today: D(1, 20), pausedWeeks: new HashSet<DateOnly> { D(1, 12) });

        Assert.Equal(new WeekResult(D(1, 12), OneHour, 1.5, Met: true, Frozen: false, Paused: true), status.Weeks[1]);
        Assert.Equal(1, status.GoalsMet);
        Assert.Equal(1, status.Current);
    }

    [Fact]
    public void Without_a_weekly_goal_there_is_no_streak_and_nothing_met()
    {
        var monthly = OneHour with { Period = GoalPeriod.Month };

        var status = Streaks.Compute([monthly], [Minutes(D(1, 5), 600)], today: D(1, 7));

        Assert.Equal((0, 0, 0, 0, (Goal?)null, 0.0, false), (status.Current, status.Best, status.FreezesAvailable, status.GoalsMet, status.Goal, status.ThisWeekAchieved, status.ThisWeekMet));
        Assert.Empty(status.Weeks);
    }

    [Fact]
    public void The_goal_shown_is_the_one_in_force_today_including_one_set_today_but_not_one_set_for_later()
    {
        var today = D(1, 14);
        var setToday = new Goal(GoalPeriod.Week, GoalUnit.Hours, 3, today);
        var later = new Goal(GoalPeriod.Week, GoalUnit.Hours, 5, D(1, 19));

        Assert.Equal(setToday, Streaks.Compute([OneHour, setToday], [], today).Goal);
        Assert.Equal(OneHour, Streaks.Compute([OneHour, later], [], today).Goal);
    }

    [Fact]
    public void A_goal_that_only_starts_later_is_shown_and_this_week_is_not_met()
    {
        var later = new Goal(GoalPeriod.Week, GoalUnit.Hours, 5, D(1, 19));

        var status = Streaks.Compute([later], [Minutes(D(1, 14), 600)], today: D(1, 14));

        Assert.Equal(later, status.Goal);
        Assert.False(status.ThisWeekMet);
        Assert.Empty(status.Weeks);
    }

    [Fact]
    public void A_goal_set_on_a_Sunday_already_counts_for_that_week()
    {
        var fromSunday = new Goal(GoalPeriod.Week, GoalUnit.Hours, 5, D(1, 18));

        var status = Streaks.Compute([OneHour, fromSunday], [Minutes(D(1, 12), 60)], today: D(1, 20));

        Assert.Equal(fromSunday, status.Weeks[1].Goal);
        Assert.False(status.Weeks[1].Met);
    }

    [Fact]
    public void Hours_add_up_over_the_days_of_a_week_and_items_do_too()
    {
        var items = OneHour with { Unit = GoalUnit.Items, Target = 3 };
        var days = new[] { new DailyTotal(D(1, 5), 30, 0, 0, 1, 0), new DailyTotal(D(1, 6), 0, 30, 15, 2, 0) };

        Assert.Equal(1.25, Streaks.Achieved(OneHour, days));
        Assert.Equal(3, Streaks.Achieved(items, days));
        Assert.Equal(0, Streaks.Achieved(OneHour, null));
    }

    [Fact]
    public void A_monthly_goal_counts_the_whole_calendar_month_and_only_it()
    {
        var monthly = new Goal(GoalPeriod.Month, GoalUnit.Hours, 10, D(1, 1));
        var days = new[] { Minutes(D(2, 28), 600), Minutes(D(3, 1), 60), Minutes(D(3, 31), 120), Minutes(D(4, 1), 600) };

        Assert.Equal(3, Streaks.AchievedInPeriod(monthly, days, today: D(3, 18)));
    }

    [Fact]
    public void A_weekly_goal_counts_Monday_to_Sunday_and_only_that_week()
    {
        var days = new[] { Minutes(D(3, 15), 600), Minutes(D(3, 16), 60), Minutes(D(3, 22), 120), Minutes(D(3, 23), 600) };

        Assert.Equal(3, Streaks.AchievedInPeriod(OneHour, days, today: D(3, 18)));
    }

    [Fact]
    public void For_any_history_the_streak_agrees_with_its_weeks()
    {
        // Up to 30 weeks of 0-120 minutes each, some weeks paused, judged on a day of the last week.
        var gen = Gen.Select(Gen.Int[0, 120].Array[1, 30], Gen.Bool.Array[30], Gen.Int[0, 6]);
        gen.Sample((minutes, paused, weekday) =>
        {
            var days = minutes.Select((m, i) => Minutes(OneHour.EffectiveFrom.AddDays(7 * i), m)).ToList();
            var pausedWeeks = Enumerable.Range(0, minutes.Length).Where(i => paused[i]).Select(i => OneHour.EffectiveFrom.AddDays(7 * i)).ToHashSet();
            var today = OneHour.EffectiveFrom.AddDays((7 * (minutes.Length - 1)) + weekday);

            var status = Streaks.Compute([OneHour], days, today, pausedWeeks);

            Assert.Equal(minutes.Length, status.Weeks.Count);
            Assert.Equal(status.Weeks.Count(w => w.Met && !w.Paused), status.GoalsMet);
            Assert.InRange(status.FreezesAvailable, 0, Streaks.MaxFreezes);
            Assert.InRange(status.Current, 0, status.Best);
            Assert.All(status.Weeks, w => Assert.False(w.Frozen && (w.Met || w.Paused)));
            Assert.Equal(status.Weeks[^1].Met, status.ThisWeekMet);

            // The streak is the run of met or frozen weeks (pauses neither count nor break) up to the week in progress.
            var run = 0;
            foreach (var week in status.Weeks.Take(status.Weeks.Count - 1))
            {
                run = week.Paused ? run : week.Met || week.Frozen ? run + (week.Met ? 1 : 0) : 0;
            }

            var last = status.Weeks[^1];
            Assert.Equal(run + (last.Met && !last.Paused ? 1 : 0), status.Current);
        });
    }
}
