using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Focus;

/// <summary>Where a focus session (or a break) stands.</summary>
public enum FocusState
{
    /// <summary>The timer runs.</summary>
    Running = 0,

    /// <summary>Over (ran out or stopped early), waiting for the member: log it, add 5 minutes, or discard it.</summary>
    Ended = 1,

    /// <summary>Its minutes went into the study log (by the member, or automatically after an hour).</summary>
    Logged = 2,

    /// <summary>The member chose not to log it.</summary>
    Discarded = 3,

    /// <summary>A break that is over: nothing to log.</summary>
    Done = 4,
}

/// <summary>One focus session or break of a member.</summary>
public sealed record FocusSession(
    long Id,
    DateTime StartedAtUtc,
    DateTime EndsAtUtc,
    int Minutes,
    string? ItemId,
    StudyKind Kind,
    FocusState State,
    bool IsBreak,
    DateOnly LocalDate,
    int Extensions,
    DateTime? EndedAtUtc)
{
    /// <summary>The time left at <paramref name="nowUtc"/> (zero once it ran out).</summary>
    public TimeSpan LeftAt(DateTime nowUtc) => EndsAtUtc > nowUtc ? EndsAtUtc - nowUtc : TimeSpan.Zero;
}

/// <summary>What the focus commands need to know about a member, read in one go.</summary>
public sealed record FocusMemberState(FocusSession? Running, FocusSession? LatestEnded, int EndedToday, bool AutoLog)
{
    public static readonly FocusMemberState None = new(null, null, 0, true);
}

/// <summary>A member's focus minutes (logged from focus sessions, not undone), today and this week.</summary>
public sealed record FocusTotals(int TodayMinutes, int WeekMinutes);

/// <summary>A new session (or break) to insert.</summary>
public sealed record NewFocusSession(DateTime StartedAtUtc, DateTime EndsAtUtc, int Minutes, string? ItemId, StudyKind Kind, bool IsBreak, DateOnly LocalDate);

/// <summary>A session moved from one state to another; written only if it is still in <see cref="From"/> with <see cref="FromExtensions"/>.</summary>
public sealed record FocusMove(long SessionId, FocusState From, int FromExtensions, FocusState To, int Minutes, DateTime EndsAtUtc, int Extensions, DateTime? EndedAtUtc);

/// <summary>
/// A command's focus writes, committed with its other changes (a log, say) in one transaction. A start while another
/// session runs, or a move of a session no longer in its starting state, writes nothing (<see cref="CommitOutcome.Conflict"/>).
/// </summary>
public sealed record FocusChange
{
    public NewFocusSession? Start { get; init; }

    public FocusMove? Move { get; init; }

    /// <summary>The member's choice for <c>/progress me focus autolog</c>.</summary>
    public bool? AutoLog { get; init; }
}

/// <summary>A running session whose time is up, with what the job needs to tell its member (in their <paramref name="Language"/>, "en" or "de").</summary>
public sealed record DueFocusEnd(MemberRef Member, FocusSession Session, string RoadmapId, string TimeZoneId, QuietHours? Quiet, bool AutoLog, string Language = Localization.Languages.English);

/// <summary>An ended session nobody answered, due to be logged automatically.</summary>
public sealed record DueFocusAutoLog(MemberRef Member, long SessionId);

/// <summary>Focus sessions as stored. Every member call is scoped to the community named in the <see cref="MemberRef"/>.</summary>
public interface IFocusStore
{
    /// <summary>The member's running session, their latest ended one waiting for an answer, and their settings.</summary>
    Task<FocusMemberState> LoadAsync(MemberRef member, DateOnly today, CancellationToken cancellationToken);

    /// <summary>One of the member's sessions, or null when they have none by that id.</summary>
    Task<FocusSession?> FindAsync(MemberRef member, long sessionId, CancellationToken cancellationToken);

    /// <summary>The member's minutes logged from focus sessions on <paramref name="today"/> and since <paramref name="weekStart"/>.</summary>
    Task<FocusTotals> TotalsAsync(MemberRef member, DateOnly today, DateOnly weekStart, CancellationToken cancellationToken);

    /// <summary>The member's focus minutes logged from <paramref name="from"/> to <paramref name="until"/> (local dates), for their own line on the focus board.</summary>
    Task<int> MinutesSinceAsync(MemberRef member, DateOnly from, DateOnly until, CancellationToken cancellationToken);

    /// <summary>Running sessions (and breaks) whose end has come.</summary>
    Task<IReadOnlyList<DueFocusEnd>> DueEndsAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: ends the session if it still runs as it did (same extensions), and writes its message (once per
    /// key). Returns false, writing nothing, when it no longer runs so (stopped, extended, ended by another instance).
    /// </summary>
    Task<bool> EndAsync(long sessionId, int extensions, FocusState to, DateTime notifyAtUtc, OutboxMessage? message, CancellationToken cancellationToken);

    /// <summary>Ended sessions of members with autolog on, whose message was due before <paramref name="answeredByUtc"/>.</summary>
    Task<IReadOnlyList<DueFocusAutoLog>> DueAutoLogsAsync(DateTime answeredByUtc, int limit, CancellationToken cancellationToken);
}

/// <summary>The rules of focus sessions and breaks.</summary>
public static class FocusRules
{
    /// <summary>The outbox kind of the end-of-session (and end-of-break) message.</summary>
    public const string OutboxKind = "focus-end";

    public const int DefaultMinutes = 25;

    public const int MinMinutes = 5;

    public const int MaxMinutes = 180;

    public const int ExtendMinutes = 5;

    public const int ShortBreak = 5;

    public const int LongBreak = 15;

    /// <summary>Unanswered this long after its message, an ended session is logged (when the member lets it).</summary>
    public static readonly TimeSpan AutoLogAfter = TimeSpan.FromHours(1);

    /// <summary>A break after the member's 4th, 8th, ... focus session of the day is a long one.</summary>
    public static int BreakMinutes(int endedToday) => endedToday > 0 && endedToday % 4 == 0 ? LongBreak : ShortBreak;

    /// <summary>The end message's key: one per session and extension, so a restart or a second instance never sends it twice.</summary>
    public static string EndKey(string platform, string communityExternalId, long sessionId, int extensions) =>
        $"focus-end:{platform}:{communityExternalId}:{sessionId}:{extensions}";

    public static string Left(TimeSpan left)
    {
        var minutes = (int)Math.Ceiling(left.TotalMinutes);
        return minutes <= 1 ? "less than a minute" : Format.Minutes(minutes);
    }
}
