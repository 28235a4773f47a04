using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Dashboard;

/// <summary>
/// The organisers' dashboard of one community (issue 20), everything a page shows, built by
/// <see cref="OrganiserDashboard.BuildAsync"/>. Private members (privacy <see cref="PrivacyLevel.Private"/>) are counted
/// in every total and shown only as one aggregated row per roadmap (<see cref="RoadmapBoard.Private"/>), never by name.
/// Counted members: those who started (<c>/progress start</c>), have not left and have not deleted their data.
/// </summary>
public sealed record DashboardView(
    CommunityRef Community,
    DateTimeOffset BuiltAt,
    string TimeZoneId,
    int Members,
    int PrivateMembers,
    IReadOnlyList<RoadmapBoard> Roadmaps,
    IReadOnlyList<WeekActivity> WeeklyActive,
    MonthSummary ThisMonth,
    ReminderSummary Reminders,
    DeliveryFailures Failures,
    IReadOnlyList<ActivityPost> Activity,
    DashboardTexts Texts)
{
    /// <summary>"No progress for N days" is marked from this many days on.</summary>
    public const int QuietAfterDays = 14;

    /// <summary>Weeks of <see cref="WeeklyActive"/>.</summary>
    public const int Weeks = 8;

    /// <summary>Posts in <see cref="Activity"/>, at most.</summary>
    public const int ActivityLimit = 50;

    /// <summary>The window of <see cref="Reminders"/>, in days.</summary>
    public const int ReminderDays = 28;

    /// <summary>The window of <see cref="Failures"/>, in days.</summary>
    public const int FailureDays = 7;

    /// <summary>A reminded member counts as responding when they changed an item or logged time within this many hours.</summary>
    public const int ResponseHours = 48;
}

/// <summary>The sentences a page shows beside the numbers, in the dashboard's language.</summary>
public sealed record DashboardTexts(
    string FunnelRule,
    string PercentRule,
    string QuietRule,
    string ActiveRule,
    string ReminderRule,
    string PrivacyRule,
    string PrivateRowName);

/// <summary>One roadmap the community's members follow: its funnel and its members × phases grid.</summary>
public sealed record RoadmapBoard(
    string RoadmapId,
    string Title,
    IReadOnlyList<PhaseColumn> Phases,
    IReadOnlyList<FunnelStep> Funnel,
    int Finished,
    IReadOnlyList<MemberRow> Rows,
    PrivateRow? Private)
{
    /// <summary>Named and private members on this roadmap.</summary>
    public int Members => Rows.Count + (Private?.Members ?? 0);
}

public sealed record PhaseColumn(string PhaseId, int Number, string Title);

/// <summary>Members who reached the phase: in it now or past it (see <see cref="DashboardTexts.FunnelRule"/>).</summary>
public sealed record FunnelStep(string PhaseId, int Number, string Title, int Members);

/// <summary>
/// A named member's row: % per phase (in <see cref="RoadmapBoard.Phases"/>' order), overall %, the phase they are in,
/// and the days since their last item change or study log (since they started when they have none yet).
/// </summary>
public sealed record MemberRow(
    string UserId,
    string DisplayName,
    IReadOnlyList<int> PhasePercents,
    int OverallPercent,
    string CurrentPhaseId,
    DateOnly? LastProgressOn,
    int DaysWithoutProgress)
{
    public bool Quiet => DaysWithoutProgress >= DashboardView.QuietAfterDays;
}

/// <summary>The private members of a roadmap as one row: how many, their average % per phase and overall, how many are quiet.</summary>
public sealed record PrivateRow(int Members, IReadOnlyList<int> AveragePhasePercents, int AverageOverallPercent, int Quiet);

/// <summary>Members active in the week (Monday to Sunday): they changed an item or logged time.</summary>
public sealed record WeekActivity(DateOnly WeekStart, int ActiveMembers);

/// <summary>This calendar month in the community's zone: items marked done (less those undone) and milestones reached.</summary>
public sealed record MonthSummary(DateOnly MonthStart, int ItemsDone, int MilestonesReached, int PhasesCompleted);

/// <summary>
/// Reminders (and fresh starts) of the last <see cref="DashboardView.ReminderDays"/> days: sent, failed, the members
/// they went to, and how many of those changed an item or logged time within <see cref="DashboardView.ResponseHours"/>
/// hours of one.
/// </summary>
public sealed record ReminderSummary(int Sent, int Failed, int RemindedMembers, int RespondedMembers)
{
    /// <summary>Responding members as a whole percentage of reminded ones; null when no one was reminded.</summary>
    public int? ResponsePercent => RemindedMembers == 0 ? null : RespondedMembers * 100 / RemindedMembers;
}

/// <summary>
/// What was not delivered in the last <see cref="DashboardView.FailureDays"/> days, by kind and reason, and what the
/// organiser should do: the lines <c>/studybot status</c> gives, channel problems included.
/// </summary>
public sealed record DeliveryFailures(IReadOnlyList<UndeliveredCount> Counts, IReadOnlyList<string> WhatToDo);

public enum PostState
{
    Waiting = 0,
    Sent = 1,
    Failed = 2,
}

/// <summary>Something the bot posted (or is to post) in a channel of the community: never a DM.</summary>
public sealed record ActivityPost(DateTime AtUtc, string Kind, string Text, PostState State);

// ---- the port ----

/// <summary>What the store is asked: the buckets of items, the weeks and the windows, all worked out by Core.</summary>
/// <param name="ItemBuckets">Item id → bucket number; the store counts learned and excluded items per member and bucket.</param>
public sealed record DashboardQuery(
    IReadOnlyDictionary<string, int> ItemBuckets,
    DateOnly FirstWeekStart,
    IReadOnlyList<DateOnly> WeekStarts,
    DateOnly MonthStart,
    DateTime MonthStartUtc,
    DateTime RemindersSinceUtc,
    DateTime NowUtc,
    int ActivityLimit);

/// <summary>A counted member as stored, with the local date of their last item change and of their last study log.</summary>
public sealed record DashboardMember(
    long Id,
    string UserId,
    string DisplayName,
    PrivacyLevel Privacy,
    string? RoadmapId,
    string TimeZoneId,
    DateOnly StartedOn,
    DateOnly? LastChangeOn,
    DateOnly? LastLogOn);

/// <summary>Items of a bucket a member has learned (done or skipped as known) and left out (skipped as not relevant).</summary>
public sealed record BucketCount(long MemberId, int Bucket, int Learned, int Excluded);

/// <summary>The reminder counts of <see cref="ReminderSummary"/>, as stored.</summary>
public sealed record ReminderCounts(int Sent, int Failed, int RemindedMembers, int RespondedMembers);

/// <summary>A channel post as stored: its kind, state, time and words.</summary>
public sealed record StoredPost(DateTime AtUtc, string Kind, PostState State, Reply Message);

/// <summary>The store's answers for one community.</summary>
public sealed record DashboardData(
    Community Community,
    IReadOnlyList<DashboardMember> Members,
    IReadOnlyList<BucketCount> Buckets,
    IReadOnlyList<int> WeeklyActive,
    int ItemsDoneThisMonth,
    int MilestonesThisMonth,
    int PhasesThisMonth,
    ReminderCounts Reminders,
    IReadOnlyList<StoredPost> Posts);

/// <summary>The dashboard's reads: a few aggregate queries, grouped in the database.</summary>
public interface IDashboardStore
{
    /// <summary>The community with its settings, or null when StudyBot does not know it.</summary>
    Task<Community?> FindAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>The counts of <paramref name="community"/> (as <see cref="FindAsync"/> returned it) for <paramref name="query"/>.</summary>
    Task<DashboardData> LoadAsync(Community community, DashboardQuery query, CancellationToken cancellationToken);
}
