using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notes;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.ProgressViews;

/// <summary>What an item's status reads as on the page: the word to show beside its icon.</summary>
public enum ItemProgressStatus
{
    Open = 0,
    InProgress = 1,
    Done = 2,
    Skipped = 3,
}

/// <summary>One item with the member's state. <see cref="Counts"/> is false for an item skipped as not relevant (out of percentages).</summary>
public sealed record ItemProgressView(
    RoadmapItem Item,
    ItemProgressStatus Status,
    SkipReason SkipReason,
    bool Learned,
    bool Counts,
    ItemNote? Note);

/// <summary>A milestone's checklist: its items and the share learned (same formula as a phase).</summary>
public sealed record MilestoneProgressView(Milestone Milestone, IReadOnlyList<ItemProgressView> Items, int Learned, int Total, bool Complete)
{
    public int Percent => Total == 0 ? 100 : Learned * 100 / Total;
}

/// <summary>A phase: its modules (each one item, 100% when learned), its milestone checklist and its percentage.</summary>
public sealed record PhaseProgressView(Phase Phase, IReadOnlyList<ItemProgressView> Modules, MilestoneProgressView? Milestone, int Learned, int Total, bool Complete)
{
    /// <summary>Rounded down, as everywhere (<see cref="PhaseProgress.Percent"/>).</summary>
    public int Percent => Total == 0 ? 100 : Learned * 100 / Total;
}

/// <summary>Minutes studied on one local date.</summary>
public sealed record DayMinutes(DateOnly Date, int Minutes);

/// <summary>Study time in the member's zone: today (their local date), this week (Monday to Sunday), this month, and each of the last 30 days (oldest first, today last).</summary>
public sealed record StudyTimeView(int TodayMinutes, int WeekMinutes, int MonthMinutes, IReadOnlyList<DayMinutes> Last30Days);

/// <summary>The practice/learning/review split of the last four weeks (28 days up to today) against the roadmap's targets (70/20/10 by default).</summary>
public sealed record BalanceView(
    DateOnly From,
    DateOnly To,
    int PracticeMinutes,
    int LearningMinutes,
    int ReviewMinutes,
    int PracticePercent,
    int LearningPercent,
    int ReviewPercent,
    int PracticeTarget,
    int LearningTarget,
    int ReviewTarget)
{
    public int TotalMinutes => PracticeMinutes + LearningMinutes + ReviewMinutes;
}

/// <summary>
/// The activity heatmap: minutes per local date for the 12 months up to today (every date, zeros included, oldest
/// first), and the weekly streak (<see cref="Streaks"/>): current and best weeks, freezes held, and the weeks a freeze
/// covered (their Mondays). <see cref="HasGoal"/> is false when the member has no weekly goal (no streak then).
/// </summary>
public sealed record ActivityView(IReadOnlyList<DayMinutes> Days, bool HasGoal, int CurrentStreakWeeks, int BestStreakWeeks, int FreezesAvailable, IReadOnlyList<DateOnly> FrozenWeeks);

/// <summary>One week of the burn-up: items completed by the end of that week (cumulative), and where the planned pace would be.</summary>
public sealed record BurnUpWeek(DateOnly WeekStart, int ItemsDone, double PlannedItems);

/// <summary>
/// Items done per week since the member started against the planned pace (all counted items spread evenly over the
/// weeks the guide's estimates plan for the member's path and pace), and the ETA as a range: <see cref="Earliest"/> and
/// <see cref="Latest"/> take the estimates' low and high ends and the faster and slower of the planned and the logged
/// pace; <see cref="Likely"/> is the date <c>/progress</c> shows. All null for a member who has not started.
/// </summary>
public sealed record BurnUpView(
    IReadOnlyList<BurnUpWeek> Weeks,
    int TotalItems,
    int ItemsLearned,
    double PlannedWeeks,
    double PlannedHoursPerWeek,
    double PaceHoursPerWeek,
    bool PaceFromLogs,
    DateOnly? Earliest,
    DateOnly? Likely,
    DateOnly? Latest);

/// <summary>"My progress" (issue 20): everything the member's page shows, computed by Core from their snapshot, their roadmap and their time zone.</summary>
public sealed record MyProgressView
{
    /// <summary>The one formula behind every percentage, in English; the page shows it (<see cref="MyProgress.FormulaKey"/> has it in the member's language).</summary>
    public const string Formula = "A percentage is the items you finished or skipped as already known, out of the items that count (all but those you skipped as not relevant), rounded down.";

    public required string DisplayName { get; init; }

    /// <summary>The member's reply language ("en", "de"): the page's language and the roadmap titles'.</summary>
    public required string Language { get; init; }

    public required string TimeZoneId { get; init; }

    /// <summary>Today in the member's zone.</summary>
    public required DateOnly Today { get; init; }

    /// <summary>True for a member StudyBot has no row for (nothing done yet): every item open, every number zero.</summary>
    public required bool IsNew { get; init; }

    public required DateOnly? StartDate { get; init; }

    public required Roadmap Roadmap { get; init; }

    public required IReadOnlyList<PhaseProgressView> Phases { get; init; }

    /// <summary>Projects and anything else outside the phases.</summary>
    public required IReadOnlyList<ItemProgressView> OtherItems { get; init; }

    public required int OverallPercent { get; init; }

    /// <summary>What to study next: items in progress first, then the first open ones in roadmap order, then those put off (three at most).</summary>
    public required IReadOnlyList<ItemProgressView> Next { get; init; }

    public required StudyTimeView StudyTime { get; init; }

    public required BalanceView Balance { get; init; }

    public required ActivityView Activity { get; init; }

    public required BurnUpView BurnUp { get; init; }
}

/// <summary>Builds <see cref="MyProgressView"/>: pure, from a snapshot, a roadmap, an instant and the member's notes.</summary>
public static class MyProgress
{
    public const int NextCount = 3;

    public const int RecentDays = 30;

    /// <summary>The formula's text key (Resources/MyProgress.resx).</summary>
    public const string FormulaKey = "MyProgress.Formula";

    public static MyProgressView Build(MemberSnapshot snapshot, Roadmap roadmap, DateTimeOffset now, string language = Localization.Languages.English, IReadOnlyList<ItemNote>? notes = null)
    {
        var member = snapshot.Member;
        var today = TimeZones.LocalDate(now, member.TimeZoneId);
        var noteOf = (notes ?? []).GroupBy(n => n.ItemId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ItemProgressView View(RoadmapItem item)
        {
            var state = snapshot.StateOf(item.Id);
            var status = state.Status switch
            {
                ItemStatus.Done => ItemProgressStatus.Done,
                ItemStatus.InProgress => ItemProgressStatus.InProgress,
                ItemStatus.Skipped => ItemProgressStatus.Skipped,
                _ => ItemProgressStatus.Open,
            };
            return new ItemProgressView(item, status, state.Reason, state.IsLearned, !state.IsExcluded, noteOf.GetValueOrDefault(item.Id));
        }

        var phaseMath = ProgressMath.Phases(roadmap, snapshot.StateOf);
        var phases = new List<PhaseProgressView>();
        var inPhases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in phaseMath)
        {
            var items = roadmap.PhaseItems(p.Phase.Id).ToList();
            inPhases.UnionWith(items.Select(i => i.Id));
            var milestone = roadmap.MilestoneOf(p.Phase.Id);
            MilestoneProgressView? milestoneView = null;
            if (milestone is not null)
            {
                var checklist = items.Where(i => i.MilestoneId == milestone.Id).Select(View).ToList();
                milestoneView = new MilestoneProgressView(milestone, checklist, checklist.Count(i => i.Counts && i.Learned), checklist.Count(i => i.Counts), ProgressMath.IsMilestoneComplete(milestone, snapshot.StateOf));
            }

            phases.Add(new PhaseProgressView(p.Phase, items.Where(i => i.Kind == ItemKind.Module).Select(View).ToList(), milestoneView, p.Learned, p.Total, p.Complete));
        }

        var next = ProgressMath.NextItems(roadmap, snapshot.StateOf, NextCount).Select(View).ToList();
        var days = snapshot.Days;
        var byDate = days.GroupBy(d => d.Date).ToDictionary(g => g.Key, g => g.Sum(d => d.TotalMinutes));
        int Minutes(DateOnly from, DateOnly to) => days.Where(d => d.Date >= from && d.Date <= to).Sum(d => d.TotalMinutes);
        var studyTime = new StudyTimeView(
            Minutes(today, today),
            Minutes(TimeZones.WeekStart(today), today),
            Minutes(TimeZones.MonthStart(today), today),
            Range(today.AddDays(-(RecentDays - 1)), today).Select(d => new DayMinutes(d, byDate.GetValueOrDefault(d))).ToList());

        var balanceFrom = today.AddDays(-(Eta.PaceWindowDays - 1));
        var split = Progress.Balance.For(roadmap, days.Where(d => d.Date >= balanceFrom && d.Date <= today));
        var balance = new BalanceView(
            balanceFrom,
            today,
            split.PracticeMinutes,
            split.LearningMinutes,
            split.ReviewMinutes,
            split.Share(StudyKind.Practice),
            split.Share(StudyKind.Learning),
            split.Share(StudyKind.Review),
            Progress.Balance.TargetPercent(roadmap, StudyKind.Practice),
            Progress.Balance.TargetPercent(roadmap, StudyKind.Learning),
            Progress.Balance.TargetPercent(roadmap, StudyKind.Review));

        var streak = Streaks.Compute(snapshot.Goals, days, today, ReminderComposer.PausedWeeks(snapshot.Rest, today));
        var activity = new ActivityView(
            Range(today.AddYears(-1).AddDays(1), today).Select(d => new DayMinutes(d, byDate.GetValueOrDefault(d))).ToList(),
            streak.Goal is not null,
            streak.Current,
            streak.Best,
            streak.FreezesAvailable,
            streak.Weeks.Where(w => w.Frozen).Select(w => w.WeekStart).ToList());

        return new MyProgressView
        {
            DisplayName = member.DisplayName,
            Language = language,
            TimeZoneId = member.TimeZoneId,
            Today = today,
            IsNew = member.IsNew,
            StartDate = member.StartDate,
            Roadmap = roadmap,
            Phases = phases,
            OtherItems = roadmap.Items.Where(i => !inPhases.Contains(i.Id)).Select(View).ToList(),
            OverallPercent = ProgressMath.OverallPercent(phaseMath),
            Next = next,
            StudyTime = studyTime,
            Balance = balance,
            Activity = activity,
            BurnUp = BurnUp(snapshot, roadmap, phaseMath, today),
        };
    }

    private static BurnUpView BurnUp(MemberSnapshot snapshot, Roadmap roadmap, IReadOnlyList<PhaseProgress> phaseMath, DateOnly today)
    {
        var member = snapshot.Member;
        var total = phaseMath.Sum(p => p.Total);
        var learned = phaseMath.Sum(p => p.Learned);
        var eta = Eta.Compute(roadmap, member, phaseMath, snapshot.Days, today);
        var plannedWeeks = phaseMath.Sum(p => Eta.EffortHours(roadmap, member, p.Phase)) / eta.PlannedHoursPerWeek;
        if (member.StartDate is not { } start)
        {
            return new BurnUpView([], total, learned, plannedWeeks, eta.PlannedHoursPerWeek, eta.PaceHoursPerWeek, eta.BasedOnLoggedPace, null, null, null);
        }

        var weeks = new List<BurnUpWeek>();
        var firstWeek = TimeZones.WeekStart(start <= today ? start : today);
        var done = 0;
        var doneByWeek = snapshot.Days.Where(d => d.Date >= firstWeek).GroupBy(d => TimeZones.WeekStart(d.Date)).ToDictionary(g => g.Key, g => g.Sum(d => d.ItemsDone));
        var index = 0;
        for (var week = firstWeek; week <= today; week = week.AddDays(7), index++)
        {
            done += doneByWeek.GetValueOrDefault(week);
            var planned = plannedWeeks <= 0 ? total : Math.Min(total, total * (index + 1) / plannedWeeks);
            weeks.Add(new BurnUpWeek(week, Math.Min(done, total), Math.Round(planned, 1)));
        }

        // The range: the estimates' low and high ends, at the faster and the slower of the planned and the logged pace.
        var (low, high) = Spread(roadmap, member);
        var observed = Eta.LoggedHoursPerWeek(snapshot.Days, today) is { } logged ? Math.Max(logged, 0.5) : eta.PaceHoursPerWeek;
        var fast = Math.Max(eta.PaceHoursPerWeek, Math.Max(observed, eta.PlannedHoursPerWeek));
        var slow = Math.Max(0.5, Math.Min(eta.PaceHoursPerWeek, eta.BasedOnLoggedPace ? observed : eta.PlannedHoursPerWeek));
        var remaining = eta.RemainingWeeks;
        DateOnly After(double weeksLeft) => today.AddDays((int)Math.Ceiling(Math.Min(weeksLeft, 52 * 50) * 7));
        return new BurnUpView(
            weeks,
            total,
            learned,
            plannedWeeks,
            eta.PlannedHoursPerWeek,
            eta.PaceHoursPerWeek,
            eta.BasedOnLoggedPace,
            After(remaining * low * eta.PaceHoursPerWeek / fast),
            eta.FinishDate,
            After(remaining * high * eta.PaceHoursPerWeek / slow));
    }

    /// <summary>The estimates' low and high ends as shares of their middle (e.g. 0.75 and 1.25), for the member's pace column.</summary>
    private static (double Low, double High) Spread(Roadmap roadmap, MemberProfile member)
    {
        var rows = roadmap.TimeEstimates.Rows;
        var ranges = rows.Select(r => member.Pace == PaceKind.PartTime ? r.PartTime : r.FullTime).ToList();
        var mid = ranges.Sum(r => r.Mid);
        return mid <= 0 ? (1, 1) : (ranges.Sum(r => r.Min) / mid, ranges.Sum(r => r.Max) / mid);
    }

    private static IEnumerable<DateOnly> Range(DateOnly from, DateOnly to)
    {
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            yield return d;
        }
    }
}

/// <summary>
/// The "My progress" read model for the web side: loads the member through <see cref="IProgressStore"/> as a command does
/// (a member StudyBot has not met comes back empty and nothing is written) and builds <see cref="MyProgressView"/>.
/// </summary>
public sealed class MyProgressService(IProgressStore store, RoadmapCatalog roadmaps, TimeProvider time, CoreSettings settings, IItemNoteStore? notes = null)
{
    public async Task<MyProgressView> GetAsync(MemberRef member, CancellationToken cancellationToken)
    {
        var zone = TimeZones.TryNormalize(member.TimeZoneHint, out var hinted) ? hinted
            : TimeZones.TryNormalize(settings.DefaultTimeZone, out var fallback) ? fallback : settings.DefaultTimeZone;
        var snapshot = await store.LoadAsync(member, new NewcomerDefaults(roadmaps.Default.Id, zone), cancellationToken);
        if (snapshot.Member.IsNew && snapshot.Member.TimeZoneId != zone && TimeZones.TryNormalize(member.TimeZoneHint, out _))
        {
            snapshot = snapshot with { Member = snapshot.Member with { TimeZoneId = zone } };
        }

        var language = Localization.Languages.Resolve(snapshot.Member.Language, member.Locale, snapshot.Community.Language);
        var roadmap = roadmaps.ForMember(snapshot).In(language);
        var itemNotes = notes is null || snapshot.Member.IsNew ? [] : await notes.ListAsync(member, roadmap.Id, cancellationToken);
        var view = MyProgress.Build(snapshot, roadmap, time.GetUtcNow(), language, itemNotes);
        return snapshot.Member.IsNew ? view with { DisplayName = member.DisplayName } : view;
    }
}
