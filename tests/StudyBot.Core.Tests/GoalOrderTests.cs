using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

/// <summary>Goals set again the same day: the last one set is the goal, for the snapshot and for the streak.</summary>
public sealed class GoalOrderTests
{
    private static readonly DateOnly Monday = new(2026, 11, 23);

    private static MemberSnapshot With(params Goal[] goals) => new()
    {
        Community = new Community { Platform = "test", ExternalId = "c", Name = "C", RoadmapId = "r", TimeZoneId = "UTC" },
        Member = new MemberProfile { UserId = "ada", DisplayName = "Ada", TimeZoneId = "UTC" },
        Items = new Dictionary<string, ItemState>(),
        Days = [new DailyTotal(Monday, 360, 0, 0, 0, 36)],
        Goals = goals,
    };

    [Fact]
    public void Of_two_weekly_goals_set_on_the_same_day_the_later_one_is_current_and_decides_the_streak()
    {
        var snapshot = With(new Goal(GoalPeriod.Week, GoalUnit.Hours, 5, Monday), new Goal(GoalPeriod.Week, GoalUnit.Hours, 8, Monday));

        var streak = Streaks.Compute(snapshot.Goals, snapshot.Days, Monday.AddDays(2));

        Assert.Equal(8, snapshot.CurrentGoal(GoalPeriod.Week)!.Target);
        Assert.Equal(8, streak.Goal!.Target);
        Assert.False(streak.ThisWeekMet);
    }

    [Fact]
    public void A_goal_from_a_later_date_is_current_whatever_order_the_goals_come_in()
    {
        var snapshot = With(new Goal(GoalPeriod.Week, GoalUnit.Hours, 3, Monday.AddDays(1)), new Goal(GoalPeriod.Week, GoalUnit.Hours, 9, Monday));

        Assert.Equal(3, snapshot.CurrentGoal(GoalPeriod.Week)!.Target);
        Assert.Null(snapshot.CurrentGoal(GoalPeriod.Month));
    }
}
