using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notes;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.ProgressViews;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>Issue 20: Core's read model of "My progress", on fixed dates.</summary>
public sealed class MyProgressViewTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    // Wednesday 25 November 2026, noon UTC: the week began on Monday the 23rd.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static MemberSnapshot Snapshot(
        Dictionary<string, ItemState>? items = null,
        IReadOnlyList<Goal>? goals = null,
        IReadOnlyList<DailyTotal>? days = null,
        string zone = "UTC",
        long id = 1,
        DateOnly? start = null) => new()
    {
        Community = new Community { Id = 1, Platform = Platforms.Console, ExternalId = "local", Name = "Local", RoadmapId = Roadmap.Id, TimeZoneId = "UTC" },
        Member = new MemberProfile
        {
            Id = id,
            UserId = "ada",
            DisplayName = "Ada",
            TimeZoneId = zone,
            Pace = PaceKind.PartTime,
            StartDate = id == 0 ? null : start ?? new DateOnly(2026, 10, 5),
            Onboarded = id != 0,
        },
        Items = items ?? [],
        Goals = goals ?? [],
        Days = days ?? [],
    };

    private static DailyTotal Day(int year, int month, int day, int practice = 0, int learning = 0, int review = 0, int items = 0) =>
        new(new DateOnly(year, month, day), practice, learning, review, items, 0);

    [Fact]
    public void An_empty_member_sees_every_item_open_no_time_no_streak_and_no_eta()
    {
        var view = MyProgress.Build(Snapshot(id: 0), Roadmap, Now);

        Assert.True(view.IsNew);
        Assert.Equal(new DateOnly(2026, 11, 25), view.Today);
        Assert.Equal(8, view.Phases.Count);
        Assert.All(view.Phases, p => Assert.Equal(0, p.Percent));
        Assert.All(view.Phases.SelectMany(p => p.Modules.Concat(p.Milestone?.Items ?? [])).Concat(view.OtherItems), i => Assert.Equal(ItemProgressStatus.Open, i.Status));
        Assert.Equal(Roadmap.Items.Count, view.Phases.Sum(p => p.Modules.Count + (p.Milestone?.Items.Count ?? 0)) + view.OtherItems.Count);
        Assert.Equal(0, view.OverallPercent);
        Assert.Equal(["python-basics", "mathematics-basics", "environment-setup"], view.Next.Select(n => n.Item.Id));
        Assert.Equal(new StudyTimeView(0, 0, 0, view.StudyTime.Last30Days), view.StudyTime);
        Assert.Equal(30, view.StudyTime.Last30Days.Count);
        Assert.Equal(new DateOnly(2026, 10, 27), view.StudyTime.Last30Days[0].Date);
        Assert.Equal(365, view.Activity.Days.Count);
        Assert.Equal(new DateOnly(2025, 11, 26), view.Activity.Days[0].Date);
        Assert.Equal(view.Today, view.Activity.Days[^1].Date);
        Assert.All(view.Activity.Days, d => Assert.Equal(0, d.Minutes));
        Assert.False(view.Activity.HasGoal);
        Assert.Equal(0, view.Balance.TotalMinutes);
        Assert.Equal((70, 20, 10), (view.Balance.PracticeTarget, view.Balance.LearningTarget, view.Balance.ReviewTarget));
        Assert.Empty(view.BurnUp.Weeks);
        Assert.Null(view.BurnUp.Earliest);
        Assert.Null(view.BurnUp.Latest);
        Assert.True(view.BurnUp.PlannedWeeks > 0);
    }

    [Fact]
    public void Statuses_and_percentages_are_the_ones_progress_shows_and_the_next_three_start_with_work_in_progress()
    {
        var items = Roadmap.PhaseItems("foundation").ToDictionary(i => i.Id, _ => new ItemState(ItemStatus.Done));
        items["numpy"] = new ItemState(ItemStatus.Done);
        items["pandas"] = new ItemState(ItemStatus.InProgress);
        items["polars-dask"] = new ItemState(ItemStatus.Skipped, SkipReason.NotRelevant);
        items["data-visualizations"] = new ItemState(ItemStatus.Skipped, SkipReason.AlreadyKnown);
        var snapshot = Snapshot(items);

        var view = MyProgress.Build(snapshot, Roadmap, Now, notes: [new ItemNote(Roadmap.Id, "numpy", "broadcasting", ["https://numpy.org/doc/"], Now.UtcDateTime)]);

        var math = ProgressMath.Phases(Roadmap, snapshot.StateOf);
        Assert.Equal(math.Select(p => p.Percent), view.Phases.Select(p => p.Percent));
        Assert.Equal(ProgressMath.OverallPercent(math), view.OverallPercent);
        Assert.Equal(100, view.Phases[0].Percent);
        var data = view.Phases[1];
        var all = data.Modules.Concat(data.Milestone?.Items ?? []).ToDictionary(i => i.Item.Id);
        Assert.Equal(ItemProgressStatus.Done, all["numpy"].Status);
        Assert.Equal("broadcasting", all["numpy"].Note!.Text);
        Assert.Equal(ItemProgressStatus.InProgress, all["pandas"].Status);
        Assert.Equal(ItemProgressStatus.Skipped, all["polars-dask"].Status);
        Assert.False(all["polars-dask"].Counts);
        Assert.True(all["data-visualizations"].Learned);
        Assert.Equal(ItemProgressStatus.Open, all["visualization"].Status);
        Assert.Equal("pandas", view.Next[0].Item.Id);
        Assert.Equal(ProgressMath.NextItems(Roadmap, snapshot.StateOf, 3).Select(i => i.Id), view.Next.Select(n => n.Item.Id));
        Assert.Contains("rounded down", MyProgressView.Formula, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UTC", 45, 45 + 20, 45 + 20 + 90)]
    [InlineData("Europe/Berlin", 30, 30 + 45 + 20, 30 + 45 + 20 + 90)] // 23:30 UTC is already Thursday the 26th in Berlin
    [InlineData("America/Los_Angeles", 45, 45 + 20, 45 + 20 + 90)]
    public void Today_week_and_month_follow_the_members_own_date(string zone, int today, int week, int month)
    {
        var lateWednesday = new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero);
        var days = new[] { Day(2026, 10, 31, practice: 500), Day(2026, 11, 2, practice: 90), Day(2026, 11, 23, learning: 20), Day(2026, 11, 25, practice: 45), Day(2026, 11, 26, review: 30) };

        var view = MyProgress.Build(Snapshot(days: days, zone: zone), Roadmap, lateWednesday);

        Assert.Equal((today, week, month), (view.StudyTime.TodayMinutes, view.StudyTime.WeekMinutes, view.StudyTime.MonthMinutes));
        Assert.Equal(view.Today, view.StudyTime.Last30Days[^1].Date);
        Assert.Equal(today, view.StudyTime.Last30Days[^1].Minutes);
        Assert.Equal(view.Today, view.Activity.Days[^1].Date);
    }

    [Fact]
    public void A_new_week_and_a_new_month_begin_at_the_members_midnight()
    {
        // Monday 30 November, 23:30 UTC: in Berlin it is Tuesday 1 December.
        var at = new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero);
        var days = new[] { Day(2026, 11, 29, practice: 60), Day(2026, 11, 30, practice: 40), Day(2026, 12, 1, practice: 15) };

        var berlin = MyProgress.Build(Snapshot(days: days, zone: "Europe/Berlin"), Roadmap, at);
        var utc = MyProgress.Build(Snapshot(days: days, zone: "UTC"), Roadmap, at);

        Assert.Equal((15, 40 + 15, 15), (berlin.StudyTime.TodayMinutes, berlin.StudyTime.WeekMinutes, berlin.StudyTime.MonthMinutes));
        Assert.Equal((40, 40, 60 + 40), (utc.StudyTime.TodayMinutes, utc.StudyTime.WeekMinutes, utc.StudyTime.MonthMinutes));
    }

    [Fact]
    public void The_balance_is_the_split_of_the_last_four_weeks_against_70_20_10()
    {
        var days = new[]
        {
            Day(2026, 10, 28, practice: 1000), // 29 days ago: outside the window
            Day(2026, 10, 29, practice: 140, learning: 20),
            Day(2026, 11, 20, learning: 20, review: 20),
        };

        var balance = MyProgress.Build(Snapshot(days: days), Roadmap, Now).Balance;

        Assert.Equal(new DateOnly(2026, 10, 29), balance.From);
        Assert.Equal((140, 40, 20), (balance.PracticeMinutes, balance.LearningMinutes, balance.ReviewMinutes));
        Assert.Equal((70, 20, 10), (balance.PracticePercent, balance.LearningPercent, balance.ReviewPercent));
    }

    [Fact]
    public void The_heatmap_has_a_year_of_days_and_the_streak_with_its_freezes()
    {
        // A weekly goal of 1 hour from Monday 5 October; met four weeks in a row (a freeze), missed the fifth, met since.
        var goals = new[] { new Goal(GoalPeriod.Week, GoalUnit.Hours, 1, new DateOnly(2026, 10, 5)) };
        var days = new[]
        {
            Day(2026, 10, 5, practice: 60), Day(2026, 10, 12, practice: 60), Day(2026, 10, 19, practice: 60), Day(2026, 10, 26, practice: 60),
            Day(2026, 11, 9, practice: 60), Day(2026, 11, 16, practice: 60), Day(2026, 11, 24, practice: 61), Day(2025, 11, 25, practice: 999),
        };

        var activity = MyProgress.Build(Snapshot(goals: goals, days: days), Roadmap, Now).Activity;

        Assert.Equal(365, activity.Days.Count);
        Assert.DoesNotContain(activity.Days, d => d.Date == new DateOnly(2025, 11, 25)); // a year and a day ago
        Assert.Equal(61, activity.Days.Single(d => d.Date == new DateOnly(2026, 11, 24)).Minutes);
        Assert.Equal((6 * 60) + 61, activity.Days.Sum(d => d.Minutes));
        Assert.True(activity.HasGoal);
        Assert.Equal([new DateOnly(2026, 11, 2)], activity.FrozenWeeks);
        Assert.Equal(7, activity.CurrentStreakWeeks);
        Assert.Equal(0, activity.FreezesAvailable);
        var streak = Streaks.Compute(goals, days, new DateOnly(2026, 11, 25), ReminderComposer.PausedWeeks([], new DateOnly(2026, 11, 25)));
        Assert.Equal((streak.Current, streak.Best), (activity.CurrentStreakWeeks, activity.BestStreakWeeks));
    }

    [Fact]
    public void The_burn_up_counts_items_done_per_week_against_the_planned_pace_and_the_eta_is_a_range()
    {
        var items = Roadmap.PhaseItems("foundation").ToDictionary(i => i.Id, _ => new ItemState(ItemStatus.Done));
        var days = new[] { Day(2026, 10, 6, practice: 300, items: 2), Day(2026, 10, 20, practice: 300, items: 1), Day(2026, 11, 24, practice: 200, items: 3) };
        var snapshot = Snapshot(items, days: days);

        var burnUp = MyProgress.Build(snapshot, Roadmap, Now).BurnUp;

        Assert.Equal(new DateOnly(2026, 10, 5), burnUp.Weeks[0].WeekStart);
        Assert.Equal(new DateOnly(2026, 11, 23), burnUp.Weeks[^1].WeekStart);
        Assert.Equal([2, 2, 3, 3, 3, 3, 3, 6], burnUp.Weeks.Select(w => w.ItemsDone));
        Assert.True(burnUp.Weeks.Zip(burnUp.Weeks.Skip(1)).All(p => p.Second.PlannedItems > p.First.PlannedItems));
        Assert.Equal(Math.Round(burnUp.TotalItems / burnUp.PlannedWeeks, 1), burnUp.Weeks[0].PlannedItems, 1);
        var eta = Eta.Compute(Roadmap, snapshot.Member, ProgressMath.Phases(Roadmap, snapshot.StateOf), days, new DateOnly(2026, 11, 25));
        Assert.Equal(eta.FinishDate, burnUp.Likely);
        Assert.True(burnUp.PaceFromLogs);
        Assert.True(burnUp.Earliest < burnUp.Likely && burnUp.Likely < burnUp.Latest, $"{burnUp.Earliest} {burnUp.Likely} {burnUp.Latest}");
    }

    [Fact]
    public async Task The_service_loads_through_the_store_and_gives_a_member_it_has_not_met_the_zone_their_platform_reports()
    {
        var store = new OneSnapshotStore(Snapshot(id: 0));
        var service = new MyProgressService(store, new RoadmapCatalog([Roadmap], Roadmap.Id), new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 23, 30, 0, TimeSpan.Zero)), new CoreSettings());
        var who = new MemberRef(new CommunityRef(Platforms.Console, "local", "Local"), "zed", "Zed") { TimeZoneHint = "Europe/Berlin" };

        var view = await service.GetAsync(who, CancellationToken.None);

        Assert.Equal("Europe/Berlin", store.Defaults!.TimeZoneId);
        Assert.Equal("Europe/Berlin", view.TimeZoneId);
        Assert.Equal(new DateOnly(2026, 11, 26), view.Today);
        Assert.Equal("Zed", view.DisplayName);
        Assert.True(view.IsNew);
    }

    private sealed class OneSnapshotStore(MemberSnapshot snapshot) : IProgressStore
    {
        public NewcomerDefaults? Defaults { get; private set; }

        public Task<MemberSnapshot> LoadAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken)
        {
            Defaults = defaults;
            return Task.FromResult(snapshot with { Member = snapshot.Member with { TimeZoneId = defaults.TimeZoneId } });
        }

        public Task<UndoCandidate?> LoadUndoAsync(MemberRef member, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlySet<string>> LoadRecordedCompletionsAsync(MemberRef member, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CommunityRef?> FindHomeCommunityAsync(string platform, string userId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
