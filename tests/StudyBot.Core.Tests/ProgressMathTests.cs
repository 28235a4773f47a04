using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

public sealed class ProgressMathTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    private static Func<string, ItemState> States(Dictionary<string, ItemState> states) =>
        id => states.TryGetValue(id, out var s) ? s : ItemState.NotStarted;

    private static Dictionary<string, ItemState> AllOfPhase(string phaseId, ItemState state) =>
        Roadmap.PhaseItems(phaseId).ToDictionary(i => i.Id, _ => state);

    [Fact]
    public void A_member_who_finishes_the_last_item_completes_the_milestone_and_the_phase()
    {
        var states = AllOfPhase("foundation", new ItemState(ItemStatus.Done));
        states["foundation-first-notebook"] = ItemState.NotStarted;
        Assert.DoesNotContain(ProgressMath.Completions(Roadmap, States(states)), c => c.TargetId == "foundation-milestone");

        states["foundation-first-notebook"] = new ItemState(ItemStatus.Done);
        var completions = ProgressMath.Completions(Roadmap, States(states));

        Assert.Contains(new CompletionRecord(CompletionKind.Milestone, "foundation-milestone"), completions);
        Assert.Contains(new CompletionRecord(CompletionKind.Phase, "foundation"), completions);
        Assert.Equal(100, ProgressMath.PhaseOf(Roadmap, Roadmap.Phases[0], States(states)).Percent);
    }

    [Fact]
    public void Items_skipped_as_already_known_count_as_learned_but_later_does_not()
    {
        var states = AllOfPhase("foundation", new ItemState(ItemStatus.Skipped, SkipReason.AlreadyKnown));
        Assert.True(ProgressMath.PhaseOf(Roadmap, Roadmap.Phases[0], States(states)).Complete);

        states["python-basics"] = new ItemState(ItemStatus.Skipped, SkipReason.Later);
        var progress = ProgressMath.PhaseOf(Roadmap, Roadmap.Phases[0], States(states));
        Assert.False(progress.Complete);
        Assert.Equal(85, progress.Percent);
    }

    [Fact]
    public void A_milestone_needs_its_items_done_or_known_while_modules_may_be_not_relevant()
    {
        var states = AllOfPhase("foundation", new ItemState(ItemStatus.Done));
        states["mathematics-basics"] = new ItemState(ItemStatus.Skipped, SkipReason.NotRelevant);
        var progress = ProgressMath.PhaseOf(Roadmap, Roadmap.Phases[0], States(states));
        Assert.True(progress.Complete);
        Assert.Equal(100, progress.Percent);
        Assert.Equal(6, progress.Total);

        states["foundation-math-understood"] = new ItemState(ItemStatus.Skipped, SkipReason.NotRelevant);
        Assert.False(ProgressMath.PhaseOf(Roadmap, Roadmap.Phases[0], States(states)).MilestoneComplete);
    }

    [Fact]
    public void The_projects_phase_has_no_milestone_and_completes_with_its_modules()
    {
        var states = AllOfPhase("projects", new ItemState(ItemStatus.Done));

        var completions = ProgressMath.Completions(Roadmap, States(states));

        Assert.Equal([new CompletionRecord(CompletionKind.Phase, "projects")], completions);
    }

    [Fact]
    public void Overall_percent_counts_modules_and_milestone_items_of_every_phase()
    {
        var states = AllOfPhase("foundation", new ItemState(ItemStatus.Done));

        var phases = ProgressMath.Phases(Roadmap, States(states));

        Assert.Equal(59, phases.Sum(p => p.Total));
        Assert.Equal(7 * 100 / 59, ProgressMath.OverallPercent(phases));
    }

    [Fact]
    public void Next_lists_in_progress_items_first_then_the_first_open_ones_in_order()
    {
        var states = new Dictionary<string, ItemState>
        {
            ["pandas"] = new(ItemStatus.InProgress),
            ["python-basics"] = new(ItemStatus.Done),
            ["mathematics-basics"] = new(ItemStatus.Skipped, SkipReason.Later),
        };

        var next = ProgressMath.NextItems(Roadmap, States(states), 3);

        Assert.Equal(["pandas", "environment-setup", "foundation-python-mastered"], next.Select(i => i.Id));
    }

    [Fact]
    public void After_phase_zero_the_current_phase_is_data_fundamentals_and_numpy_is_next()
    {
        var states = AllOfPhase("foundation", new ItemState(ItemStatus.Done));

        var phases = ProgressMath.Phases(Roadmap, States(states));

        Assert.Equal("data-fundamentals", ProgressMath.CurrentPhase(phases).Id);
        Assert.Equal("numpy", ProgressMath.NextItems(Roadmap, States(states), 1).Single().Id);
        Assert.Equal("numpy", ProgressMath.CurrentModule(Roadmap, Roadmap.Phases[1], States(states))!.Id);
    }

    [Theory]
    [InlineData(1, "beginner")]
    [InlineData(8, "beginner")]
    [InlineData(9, "intermediate")]
    [InlineData(16, "intermediate")]
    [InlineData(17, "advanced")]
    [InlineData(120, "advanced")]
    public void The_level_follows_weeks_since_start(int week, string level) =>
        Assert.Equal(level, ProgressMath.LevelFor(Roadmap, week)!.Id);

    [Fact]
    public void Week_numbers_count_from_the_start_date()
    {
        var start = new DateOnly(2026, 1, 5);
        Assert.Equal(1, ProgressMath.WeekNumber(start, start));
        Assert.Equal(1, ProgressMath.WeekNumber(start, start.AddDays(6)));
        Assert.Equal(2, ProgressMath.WeekNumber(start, start.AddDays(7)));
        Assert.Equal(9, ProgressMath.WeekNumber(start, start.AddDays(56)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    public void Quick_wins_follow_the_first_four_weeks(int week, int winsWeek) =>
        Assert.Equal(winsWeek, ProgressMath.QuickWinsFor(Roadmap, week)!.Week);

    [Fact]
    public void There_are_no_quick_wins_after_week_four() => Assert.Null(ProgressMath.QuickWinsFor(Roadmap, 5));

    [Theory]
    [InlineData(0, 60, 6)]
    [InlineData(0, 240, 24)]
    [InlineData(240, 60, 2)]
    [InlineData(200, 100, 6)]
    [InlineData(0, 960, 48)]
    public void Minutes_earn_points_with_diminishing_returns_past_four_hours_a_day(int before, int minutes, int points) =>
        Assert.Equal(points, Points.ForMinutes(before, minutes));

    [Fact]
    public void Finishing_items_earns_points_by_kind()
    {
        Assert.Equal(10, Points.ForItemDone(ItemKind.Module));
        Assert.Equal(5, Points.ForItemDone(ItemKind.MilestoneItem));
        Assert.Equal(20, Points.ForItemDone(ItemKind.Project));
    }

    [Fact]
    public void The_balance_nudges_once_toward_the_largest_shortfall()
    {
        var day = new DailyTotal(new DateOnly(2026, 3, 2), PracticeMinutes: 30, LearningMinutes: 150, ReviewMinutes: 20, ItemsDone: 0, Points: 0);

        var report = Balance.For(Roadmap, [day]);

        Assert.Equal(15, report.Share(StudyKind.Practice));
        Assert.StartsWith("Practice is 15% of your time", report.Nudge, StringComparison.Ordinal);
    }

    [Fact]
    public void A_balanced_or_short_week_gets_no_nudge()
    {
        var balanced = new DailyTotal(new DateOnly(2026, 3, 2), 140, 40, 20, 0, 0);
        var tiny = new DailyTotal(new DateOnly(2026, 3, 2), 0, 30, 0, 0, 0);

        Assert.Null(Balance.For(Roadmap, [balanced]).Nudge);
        Assert.Null(Balance.For(Roadmap, [tiny]).Nudge);
    }
}
