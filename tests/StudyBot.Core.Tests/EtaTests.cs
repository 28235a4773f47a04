using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

public sealed class EtaTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static MemberProfile Member(PaceKind pace, PathKind path = PathKind.Standard, int? hours = null) =>
        new() { UserId = "u", DisplayName = "U", TimeZoneId = "UTC", Pace = pace, Path = path, CustomHoursPerWeek = hours };

    private static IReadOnlyList<PhaseProgress> Progress(Dictionary<string, ItemState>? states = null) =>
        ProgressMath.Phases(Roadmap, id => states is not null && states.TryGetValue(id, out var s) ? s : ItemState.NotStarted);

    [Fact]
    public void A_part_time_newcomer_is_estimated_from_the_rows_not_the_stated_total()
    {
        var eta = Eta.Compute(Roadmap, Member(PaceKind.PartTime), Progress(), [], Today);

        // Row midpoints: 5+5+5+3+4+3+5+10 = 40 months, at the planned part-time pace.
        Assert.Equal(40 * Eta.WeeksPerMonth, eta.RemainingWeeks, precision: 6);
        Assert.False(eta.BasedOnLoggedPace);
        Assert.Equal(12.5, eta.PlannedHoursPerWeek);
        Assert.Equal(5 * Eta.WeeksPerMonth, eta.Phases[0].RemainingWeeks, precision: 6);
        Assert.Equal(Today.AddDays((int)Math.Ceiling(40 * Eta.WeeksPerMonth * 7)), eta.FinishDate);
    }

    [Fact]
    public void A_full_time_member_uses_the_full_time_rows()
    {
        var eta = Eta.Compute(Roadmap, Member(PaceKind.FullTime), Progress(), [], Today);

        // 2.5+2.5+2.5+1.5+2+1.5+2.5+5 = 20 months.
        Assert.Equal(20 * Eta.WeeksPerMonth, eta.RemainingWeeks, precision: 6);
    }

    [Fact]
    public void A_custom_pace_scales_full_time_effort_by_hours()
    {
        var eta = Eta.Compute(Roadmap, Member(PaceKind.Custom, hours: 7), Progress(), [], Today);

        // Full-time effort at 35 h/week, done at 7 h/week, takes five times as long.
        Assert.Equal(100 * Eta.WeeksPerMonth, eta.RemainingWeeks, precision: 6);
    }

    [Fact]
    public void Progress_shortens_the_estimate_by_the_share_learned()
    {
        var states = Roadmap.PhaseItems("foundation").ToDictionary(i => i.Id, _ => new ItemState(ItemStatus.Done));
        states["numpy"] = new ItemState(ItemStatus.Done);

        var eta = Eta.Compute(Roadmap, Member(PaceKind.PartTime), Progress(states), [], Today);

        Assert.Equal(0, eta.Phases[0].RemainingWeeks);
        var dataShare = 1 - (12 / 100.0); // 1 of 8 items in phase 1 rounds down to 12%
        Assert.Equal(5 * Eta.WeeksPerMonth * dataShare, eta.Phases[1].RemainingWeeks, precision: 6);
    }

    [Fact]
    public void The_accelerated_path_uses_its_step_weeks_for_the_phases_it_covers()
    {
        var eta = Eta.Compute(Roadmap, Member(PaceKind.FullTime, PathKind.Accelerated), Progress(), [], Today);

        Assert.Equal(1, eta.Phases[1].RemainingWeeks, precision: 6);
        Assert.Equal(3, eta.Phases[4].RemainingWeeks, precision: 6);
        Assert.Equal(2, eta.Phases[7].RemainingWeeks, precision: 6);
        Assert.Equal(1.5 * Eta.WeeksPerMonth, eta.Phases[5].RemainingWeeks, precision: 6);
    }

    [Fact]
    public void Four_weeks_of_logs_replace_the_plan_with_the_logged_pace()
    {
        // 25 hours a week for the last four weeks: twice the part-time plan, so half the time.
        var days = Enumerable.Range(0, 28).Select(i => new DailyTotal(Today.AddDays(-i), 0, 0, 0, 0, 0)).ToList();
        days = days.Select((d, i) => i % 7 == 0 ? d with { PracticeMinutes = 25 * 60 } : d).ToList();
        days.Add(new DailyTotal(Today.AddDays(-60), 60, 0, 0, 0, 0));

        var eta = Eta.Compute(Roadmap, Member(PaceKind.PartTime), Progress(), days, Today);

        Assert.True(eta.BasedOnLoggedPace);
        Assert.Equal(25, eta.PaceHoursPerWeek, precision: 6);
        Assert.Equal(20 * Eta.WeeksPerMonth, eta.RemainingWeeks, precision: 6);
    }

    [Fact]
    public void A_first_day_of_logging_barely_moves_the_estimate()
    {
        var days = new List<DailyTotal> { new(Today, 45, 0, 0, 0, 0) };

        var eta = Eta.Compute(Roadmap, Member(PaceKind.PartTime), Progress(), days, Today);

        // Weight 1/28 for the observed 45 min/day (5.25 h/week): 12.5*27/28 + 5.25/28.
        Assert.Equal((12.5 * 27 / 28) + (0.75 * 7 / 28), eta.PaceHoursPerWeek, precision: 6);
    }

    [Fact]
    public void Nothing_logged_in_four_weeks_falls_back_to_the_plan()
    {
        var days = new List<DailyTotal> { new(Today.AddDays(-40), 600, 0, 0, 0, 0) };

        var eta = Eta.Compute(Roadmap, Member(PaceKind.PartTime), Progress(), days, Today);

        Assert.False(eta.BasedOnLoggedPace);
        Assert.Equal(12.5, eta.PaceHoursPerWeek);
    }
}
