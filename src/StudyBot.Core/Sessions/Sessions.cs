using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Sessions;

/// <summary>A member's answer to a session's invitation.</summary>
public enum Rsvp
{
    Going = 0,
    Maybe = 1,
    Cant = 2,
}

/// <summary>
/// A group study session of a community. Its occurrences fall on <see cref="FirstDate"/> (and, when weekly, every 7 days
/// after) at <see cref="MinutesOfDay"/> local time in <see cref="TimeZoneId"/>, so a weekly session keeps its local
/// time across daylight-saving changes.
/// </summary>
public sealed record StudySession(
    long Id,
    CommunityRef Community,
    string RoadmapId,
    string TimeZoneId,
    DateOnly FirstDate,
    int MinutesOfDay,
    int Minutes,
    bool Weekly,
    string ChannelId,
    string ChannelName,
    string? Topic,
    string? PlannedByName,
    bool Cancelled)
{
    public string Title => Topic is { Length: > 0 } topic ? $"Session #{Id}: {topic}" : $"Session #{Id}";

    /// <summary>The community's language ("en", "de"; from the store): what the session's channel posts are written in.</summary>
    public string? Language { get; init; }

    /// <summary>The culture of <see cref="Language"/>: the session's channel posts.</summary>
    public System.Globalization.CultureInfo Culture => Localization.Languages.Culture(Language);

    /// <summary>"Session #3: linear algebra" in <paramref name="culture"/> ("Lernsession #3: linear algebra").</summary>
    public string TitleIn(System.Globalization.CultureInfo culture) => Topic is { Length: > 0 } topic
        ? Localization.Text.Get(culture, "Sessions.TitleTopic", Id, topic)
        : Localization.Text.Get(culture, "Sessions.Title", Id);
}

/// <summary>One occurrence of a session: its local date (its key) and its UTC start and end.</summary>
public sealed record SessionOccurrence(StudySession Session, DateOnly Date, DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Check-in opens this long before the start, and the reminder DM goes then.</summary>
    public static readonly TimeSpan Early = TimeSpan.FromMinutes(10);

    public DateTimeOffset CheckInOpens => Start - Early;

    public bool CheckInOpen(DateTimeOffset now) => now >= CheckInOpens && now < End;
}

/// <summary>A session to create; the store gives it its id.</summary>
public sealed record NewStudySession(MemberRef PlannedBy, string TimeZoneId, DateOnly FirstDate, int MinutesOfDay, int Minutes, bool Weekly, string ChannelId, string ChannelName, string? Topic);

/// <summary>A member's RSVP for an occurrence, with their zone (times in DMs are shown in it).</summary>
public sealed record SessionRsvpEntry(MemberRef Member, Rsvp Response, string TimeZoneId)
{
    /// <summary>The member's language ("en", "de"; from the store): their choice, their platform's locale, the community's.</summary>
    public string? Language { get; init; }
}

/// <summary>A member checked in to an occurrence, with the minutes it logged.</summary>
public sealed record SessionAttendance(long MemberId, MemberRef Member, int Minutes, bool Private);

/// <summary>A milestone or phase an attendee completed, for the summary.</summary>
public sealed record AttendeeCompletion(MemberRef Member, bool Private, CompletionKind Kind, string TargetId);

/// <summary>
/// What an RSVP or a check-in writes besides the member's study log, in the same commit (<see cref="ChangeSet.Session"/>):
/// the RSVP replaces the member's earlier answer; the check-in is recorded once per member and occurrence, and a
/// second one makes the whole commit a conflict, so its minutes are never logged twice.
/// </summary>
public sealed record SessionChange(long SessionId, DateOnly OccurrenceDate, Rsvp? Response, int? CheckInMinutes);

public interface ISessionStore
{
    /// <summary>
    /// Creates the session and writes its announcement (made from the saved session, which has its id) in one transaction.
    /// Null when the community is not known yet.
    /// </summary>
    Task<StudySession?> PlanAsync(NewStudySession session, Func<StudySession, OutboxMessage> announcement, DateTime nowUtc, CancellationToken cancellationToken);

    Task<StudySession?> FindAsync(CommunityRef community, long id, CancellationToken cancellationToken);

    /// <summary>The community's sessions that are not cancelled (one-offs whose summary is written are left out).</summary>
    Task<IReadOnlyList<StudySession>> ActiveAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>Every community's sessions the job still has work for: not cancelled, and not a one-off that is done.</summary>
    Task<IReadOnlyList<StudySession>> ScheduledAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Cancels the session and writes the notices in one transaction; false when it was cancelled already.</summary>
    Task<bool> CancelAsync(StudySession session, IReadOnlyList<OutboxMessage> notices, DateTime nowUtc, CancellationToken cancellationToken);

    Task<IReadOnlyList<SessionRsvpEntry>> RsvpsAsync(StudySession session, DateOnly date, CancellationToken cancellationToken);

    Task<IReadOnlyList<SessionAttendance>> AttendanceAsync(StudySession session, DateOnly date, CancellationToken cancellationToken);

    /// <summary>The member's answer for the occurrence, or null.</summary>
    Task<Rsvp?> RsvpOfAsync(MemberRef member, StudySession session, DateOnly date, CancellationToken cancellationToken);

    /// <summary>The local dates of the session's occurrences the member checked in to.</summary>
    Task<IReadOnlySet<DateOnly>> AttendedAsync(MemberRef member, long sessionId, CancellationToken cancellationToken);

    /// <summary>Milestones and phases the members completed between the two instants.</summary>
    Task<IReadOnlyList<AttendeeCompletion>> CompletionsAsync(CommunityRef community, IReadOnlyCollection<long> memberIds, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken);

    /// <summary>Writes the messages (each once per key) in one transaction; with <paramref name="doneSessionId"/>, marks that one-off done in it.</summary>
    Task WriteAsync(CommunityRef community, IReadOnlyList<OutboxMessage> messages, long? doneSessionId, DateTime nowUtc, CancellationToken cancellationToken);

    Task<bool> MembersMayPlanAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>False when the community is not known yet.</summary>
    Task<bool> SetMembersMayPlanAsync(CommunityRef community, bool allowed, CancellationToken cancellationToken);
}

/// <summary>When a session's occurrences fall, in UTC, computed from the local date and time in the session's zone.</summary>
public static class SessionSchedule
{
    public static SessionOccurrence At(StudySession session, DateOnly date)
    {
        var start = ReminderSchedule.ToInstant(date, session.MinutesOfDay, session.TimeZoneId);
        return new SessionOccurrence(session, date, start, start.AddMinutes(session.Minutes));
    }

    /// <summary>Whether the session has an occurrence on the local date.</summary>
    public static bool Occurs(StudySession session, DateOnly date) =>
        date == session.FirstDate || (session.Weekly && date > session.FirstDate && (date.DayNumber - session.FirstDate.DayNumber) % 7 == 0);

    /// <summary>Occurrences whose local date is within the range, in order.</summary>
    public static IEnumerable<SessionOccurrence> Between(StudySession session, DateOnly from, DateOnly to)
    {
        var date = session.FirstDate;
        if (session.Weekly && from > date)
        {
            date = date.AddDays((from.DayNumber - date.DayNumber + 6) / 7 * 7);
        }

        for (; date <= to; date = date.AddDays(7))
        {
            if (date >= from)
            {
                yield return At(session, date);
            }

            if (!session.Weekly)
            {
                yield break;
            }
        }
    }

    /// <summary>The occurrence running now, or else the next one; null when the session has none left.</summary>
    public static SessionOccurrence? Current(StudySession session, DateTimeOffset now)
    {
        var today = TimeZones.LocalDate(now, session.TimeZoneId);
        return Between(session, today.AddDays(-2), today.AddDays(9)).FirstOrDefault(o => o.End > now);
    }

    /// <summary>The occurrence whose check-in is open now (from 10 minutes before the start to the end), or null.</summary>
    public static SessionOccurrence? OpenForCheckIn(StudySession session, DateTimeOffset now)
    {
        var today = TimeZones.LocalDate(now, session.TimeZoneId);
        return Between(session, today.AddDays(-2), today.AddDays(2)).FirstOrDefault(o => o.CheckInOpen(now));
    }

    /// <summary>Occurrences a job run at <paramref name="now"/> may have work for: from a day before to a day ahead.</summary>
    public static IEnumerable<SessionOccurrence> Recent(StudySession session, DateTimeOffset now)
    {
        var today = TimeZones.LocalDate(now, session.TimeZoneId);
        return Between(session, today.AddDays(-2), today.AddDays(1));
    }

    /// <summary>
    /// Occurrences of the session attended in a row, counting back from the latest that has started; the one running
    /// now counts only once attended (until it ends, not yet attending it does not break the streak).
    /// </summary>
    public static int Streak(StudySession session, IReadOnlySet<DateOnly> attended, DateTimeOffset now)
    {
        var today = TimeZones.LocalDate(now, session.TimeZoneId);
        var started = Between(session, session.FirstDate, today.AddDays(1)).Where(o => o.Start <= now).Reverse().ToList();
        var streak = 0;
        foreach (var occurrence in started)
        {
            if (attended.Contains(occurrence.Date))
            {
                streak++;
            }
            else if (streak == 0 && occurrence.End > now)
            {
                continue;
            }
            else
            {
                break;
            }
        }

        return streak;
    }
}
