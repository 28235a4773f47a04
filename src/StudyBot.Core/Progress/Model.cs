using StudyBot.Core.Notifications;

namespace StudyBot.Core.Progress;

public enum ItemStatus
{
    NotStarted = 0,
    InProgress = 1,
    Done = 2,
    Skipped = 3,
}

public enum SkipReason
{
    None = 0,
    AlreadyKnown = 1,
    NotRelevant = 2,
    Later = 3,
}

/// <summary>Where a member stands on one roadmap item.</summary>
public readonly record struct ItemState(ItemStatus Status, SkipReason Reason = SkipReason.None)
{
    public static readonly ItemState NotStarted = new(ItemStatus.NotStarted);

    /// <summary>Done, or skipped because the member already knows it: counts as learned.</summary>
    public bool IsLearned => Status == ItemStatus.Done || (Status == ItemStatus.Skipped && Reason == SkipReason.AlreadyKnown);

    /// <summary>Not relevant to this member: left out of their percentages.</summary>
    public bool IsExcluded => Status == ItemStatus.Skipped && Reason == SkipReason.NotRelevant;

    public bool IsOpen => Status == ItemStatus.NotStarted || Status == ItemStatus.InProgress || (Status == ItemStatus.Skipped && Reason == SkipReason.Later);

    public string Describe() => Status switch
    {
        ItemStatus.NotStarted => "not started",
        ItemStatus.InProgress => "in progress",
        ItemStatus.Done => "done",
        _ => Reason switch
        {
            SkipReason.AlreadyKnown => "skipped (already known)",
            SkipReason.NotRelevant => "skipped (not relevant)",
            SkipReason.Later => "skipped for later",
            _ => "skipped",
        },
    };
}

public enum StudyKind
{
    Practice = 0,
    Learning = 1,
    Review = 2,
}

/// <summary>
/// Where study minutes came from: typed in (<c>/progress log</c>), a focus session, a group study session's check-in or
/// time in a Discord voice study room. All count the same (points, daily cap, balance, goal, streak); the source lets
/// views show focus and room time on their own.
/// </summary>
public enum StudySource
{
    Manual = 0,
    Focus = 1,
    Session = 2,
    Voice = 3,
}

public enum PathKind
{
    Standard = 0,
    Accelerated = 1,
}

public enum PaceKind
{
    PartTime = 0,
    FullTime = 1,
    Custom = 2,
}

public enum GoalPeriod
{
    Week = 0,
    Month = 1,
}

public enum GoalUnit
{
    Hours = 0,
    Items = 1,
}

/// <summary>A weekly or monthly target, in effect from the local date it was set.</summary>
public sealed record Goal(GoalPeriod Period, GoalUnit Unit, int Target, DateOnly EffectiveFrom)
{
    public string Describe() => Unit == GoalUnit.Hours
        ? $"{Target} {(Target == 1 ? "hour" : "hours")} a {(Period == GoalPeriod.Week ? "week" : "month")}"
        : $"{Target} {(Target == 1 ? "item" : "items")} a {(Period == GoalPeriod.Week ? "week" : "month")}";
}

/// <summary>One local day of a member's activity, summed from the study log and item changes.</summary>
public sealed record DailyTotal(DateOnly Date, int PracticeMinutes, int LearningMinutes, int ReviewMinutes, int ItemsDone, int Points)
{
    public int TotalMinutes => PracticeMinutes + LearningMinutes + ReviewMinutes;

    public int MinutesOf(StudyKind kind) => kind switch
    {
        StudyKind.Practice => PracticeMinutes,
        StudyKind.Learning => LearningMinutes,
        _ => ReviewMinutes,
    };
}

/// <summary>A community: a Discord guild, a Slack workspace or the local console group.</summary>
public sealed record Community
{
    public long Id { get; init; }

    public required string Platform { get; init; }

    public required string ExternalId { get; init; }

    public required string Name { get; init; }

    public required string RoadmapId { get; init; }

    public required string TimeZoneId { get; init; }

    /// <summary>The language for members who chose none and whose platform says none StudyBot speaks (null: English).</summary>
    public string? Language { get; init; }

    public CommunitySettings Settings { get; init; } = new();

    public bool IsNew => Id == 0;
}

/// <summary>A member's settings. <see cref="Id"/> is 0 until the member's first change is saved.</summary>
public sealed record MemberProfile
{
    public long Id { get; init; }

    public required string UserId { get; init; }

    public required string DisplayName { get; init; }

    public required string TimeZoneId { get; init; }

    public string? LearnerProfileId { get; init; }

    /// <summary>The roadmap the member follows; null (rows from before) means the community's default for newcomers.</summary>
    public string? RoadmapId { get; init; }

    public PathKind Path { get; init; }

    public PaceKind Pace { get; init; }

    public int? CustomHoursPerWeek { get; init; }

    /// <summary>The local date the member started; weeks since then give their level.</summary>
    public DateOnly? StartDate { get; init; }

    public bool Onboarded { get; init; }

    /// <summary>The language the member chose with <c>/progress me language</c>; null follows the platform's.</summary>
    public string? Language { get; init; }

    /// <summary>The locale the member's platform last sent (Members.PlatformLocale): the language of messages sent without a command when they chose none.</summary>
    public string? PlatformLocale { get; init; }

    public MemberPreferences Preferences { get; init; } = new();

    public ReminderState Reminders { get; init; } = new();

    public bool IsNew => Id == 0;
}

/// <summary>The most recent change a member can undo: one command's worth of item changes or a study log.</summary>
public sealed record UndoCandidate(Guid BatchId, DateTime AtUtc, IReadOnlyList<RecordedItemChange> ItemChanges, IReadOnlyList<RecordedLog> Logs);

public sealed record RecordedItemChange(string ItemId, ItemState From, ItemState To);

public sealed record RecordedLog(long Id, int Minutes, StudyKind Kind, DateOnly LocalDate);

/// <summary>Everything a command needs to know about one member, loaded in one go.</summary>
public sealed record MemberSnapshot
{
    public required Community Community { get; init; }

    public required MemberProfile Member { get; init; }

    public required IReadOnlyDictionary<string, ItemState> Items { get; init; }

    public required IReadOnlyList<DailyTotal> Days { get; init; }

    /// <summary>The member's goals in the order they were set.</summary>
    public required IReadOnlyList<Goal> Goals { get; init; }

    public IReadOnlyList<RestPeriod> Rest { get; init; } = [];

    /// <summary>The rest period covering <paramref name="today"/>, if the member is resting.</summary>
    public RestPeriod? RestingOn(DateOnly today) => Rest.FirstOrDefault(r => r.Covers(today));

    public ItemState StateOf(string itemId) => Items.TryGetValue(itemId, out var s) ? s : ItemState.NotStarted;

    /// <summary>
    /// The goal of the period in effect: the one from the latest date, and of several set on that date the last
    /// (<see cref="Goals"/> is in the order they were set), so a goal set again the same day replaces the one before.
    /// </summary>
    public Goal? CurrentGoal(GoalPeriod period) => Goals.Where(g => g.Period == period).OrderBy(g => g.EffectiveFrom).LastOrDefault();
}

public enum CompletionKind
{
    Milestone = 0,
    Phase = 1,
}

public sealed record CompletionRecord(CompletionKind Kind, string TargetId)
{
    public string Key => $"{(Kind == CompletionKind.Milestone ? "milestone" : "phase")}:{TargetId}";
}

public sealed record ItemChange(string ItemId, ItemState From, ItemState To, int Points);

public sealed record NewStudyLog(int Minutes, StudyKind Kind, string? ItemId, string? Note, int Points, StudySource Source = StudySource.Manual);

/// <summary>One command's writes, applied by the store in a single transaction.</summary>
public sealed class ChangeSet(Guid batchId, DateTime atUtc, DateOnly localDate, string actorId)
{
    public Guid BatchId { get; } = batchId;

    public DateTime AtUtc { get; } = atUtc;

    public DateOnly LocalDate { get; } = localDate;

    /// <summary>The platform user id of whoever issued the command.</summary>
    public string ActorId { get; } = actorId;

    public MemberProfile? Profile { get; set; }

    /// <summary>
    /// A rehearsal (the start-up warm-up, <see cref="Commands.CommandExecutor.WarmUpAsync"/>): the store runs every
    /// statement of the commit, then rolls it back, so nothing is kept.
    /// </summary>
    public bool Rehearsal { get; set; }

    public List<ItemChange> ItemChanges { get; } = [];

    public List<NewStudyLog> Logs { get; } = [];

    public List<Goal> Goals { get; } = [];

    public List<CompletionRecord> Completions { get; } = [];

    /// <summary>The batch this change set reverts, when it is an undo.</summary>
    public Guid? Reverts { get; set; }

    public List<long> RetractedLogIds { get; } = [];

    /// <summary>New community settings (admin commands), saved with the change.</summary>
    public Community? Community { get; set; }

    /// <summary>A new reminder schedule: the next reminder instant (or null for none), with the fresh-start pause lifted.</summary>
    public ReminderReset? Reminders { get; set; }

    /// <summary>The member has been told their DMs are closed; stop telling them.</summary>
    public bool ClearDmNotice { get; set; }

    /// <summary>The "DMs closed" notice never reached the member after all: tell them again next time.</summary>
    public bool RestoreDmNotice { get; set; }

    /// <summary>Start a rest period.</summary>
    public RestPeriod? StartRest { get; set; }

    /// <summary>End the current rest period; it lasted until the day before this date.</summary>
    public DateOnly? EndRestOn { get; set; }

    /// <summary>
    /// The receipt of the delivery that asked for these changes, written first in the same transaction: if the
    /// delivery already has one, nothing is written (<see cref="CommitOutcome.Duplicate"/>). Not a change itself.
    /// </summary>
    public Commands.CommandReceipt? Receipt { get; set; }

    /// <summary>A focus session started, moved (ended, logged, extended, discarded) or the member's focus settings.</summary>
    public Focus.FocusChange? Focus { get; set; }

    /// <summary>A group study session RSVP or check-in, written in the same transaction (a check-in once per occurrence).</summary>
    public Sessions.SessionChange? Session { get; set; }

    /// <summary>Roadmaps enabled or disabled in the community (<c>/studybot roadmap</c>), saved with the change.</summary>
    public List<Roadmaps.CommunityRoadmapChange> RoadmapSettings { get; } = [];

    public bool IsEmpty => Profile is null && ItemChanges.Count == 0 && Logs.Count == 0 && Goals.Count == 0 && Reverts is null
        && Community is null && Reminders is null && !ClearDmNotice && !RestoreDmNotice && StartRest is null && EndRestOn is null
        && Focus is null && Session is null && RoadmapSettings.Count == 0;

    /// <summary>Whether this is the member doing something, which lifts a fresh-start pause.</summary>
    public bool IsActivity => ItemChanges.Count > 0 || Logs.Count > 0 || Goals.Count > 0 || Reverts is not null || Profile is not null || Focus is not null;
}

/// <summary>Reschedules reminders and clears the scheduler's pause and delivery failure flags.</summary>
public sealed record ReminderReset(DateTime? NextAtUtc, bool ClearDmClosed = false);
