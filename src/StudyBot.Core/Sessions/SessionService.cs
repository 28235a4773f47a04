using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Sessions;

/// <summary>The outbox kinds of group study sessions.</summary>
public static class SessionKinds
{
    public const string Planned = "session-planned";
    public const string Reminder = "session-reminder";
    public const string Start = "session-start";
    public const string Summary = "session-summary";
    public const string Cancelled = "session-cancelled";
}

/// <summary>
/// The periodic work of group study sessions: for each occurrence, the reminder DM to each member going (10 minutes
/// before), the post in the channel at the start (with a Check in button) and the summary after the end. Every message
/// is keyed by its occurrence (and member), so a run repeated, or two instances running at once, write each once.
/// </summary>
public sealed partial class SessionService(IServiceScopeFactory scopes, RoadmapCatalog roadmaps, TimeProvider time, ILogger<SessionService> logger, MemberText? memberText = null)
{
    private readonly MemberText _names = memberText ?? MemberText.None;

    /// <summary>The job's name, in its log lines.</summary>
    public const string JobName = "sessions";

    /// <summary>A start post or summary later than this after its time is not written (the bot was down): it would only confuse.</summary>
    public static readonly TimeSpan Stale = TimeSpan.FromHours(12);

    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<StudySession> sessions;
        await using (var scope = scopes.CreateAsyncScope())
        {
            sessions = await scope.ServiceProvider.GetRequiredService<ISessionStore>().ScheduledAsync(1000, cancellationToken);
        }

        var written = 0;
        foreach (var session in sessions)
        {
            try
            {
                written += await RunAsync(session, now, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogSessionFailed(ex, JobName, session.Id);
            }
        }

        return written;
    }

    /// <summary>
    /// The voice seam: the session whose check-in is open now in the channel (a Discord voice channel chosen as the
    /// session's channel), or null. The voice adapter then runs <c>progress session checkin &lt;id&gt;</c> for the member who joined.
    /// </summary>
    public async Task<StudySession?> OpenInChannelAsync(CommunityRef community, string channelId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var sessions = await scope.ServiceProvider.GetRequiredService<ISessionStore>().ActiveAsync(community, cancellationToken);
        return sessions.FirstOrDefault(s => s.ChannelId == channelId && SessionSchedule.OpenForCheckIn(s, now) is not null);
    }

    private async Task<int> RunAsync(StudySession session, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<ISessionStore>();
        var name = _names.For(session.Community.Platform);
        var messages = new List<OutboxMessage>();
        long? done = null;
        foreach (var occurrence in SessionSchedule.Recent(session, now))
        {
            if (now >= occurrence.CheckInOpens && now < occurrence.Start)
            {
                var going = (await store.RsvpsAsync(session, occurrence.Date, cancellationToken)).Where(r => r.Response == Rsvp.Going);
                messages.AddRange(going.Select(r => Direct(SessionKinds.Reminder, r.Member, occurrence, ReminderText(occurrence, r.TimeZoneId, now, Localization.Languages.Culture(r.Language)), now)));
            }

            if (now >= occurrence.Start && now < occurrence.End && now - occurrence.Start < Stale)
            {
                messages.Add(Post(SessionKinds.Start, occurrence, StartText(occurrence), now));
            }

            if (now >= occurrence.End)
            {
                if (now - occurrence.End < Stale)
                {
                    messages.Add(Post(SessionKinds.Summary, occurrence, await SummaryAsync(store, occurrence, now, name, cancellationToken), now));
                }

                if (!session.Weekly)
                {
                    done = session.Id;
                }
            }
        }

        if (messages.Count > 0 || done is not null)
        {
            await store.WriteAsync(session.Community, messages, done, now.UtcDateTime, cancellationToken);
        }

        return messages.Count;
    }

    private async Task<Reply> SummaryAsync(ISessionStore store, SessionOccurrence occurrence, DateTimeOffset now, Func<string, string> name, CancellationToken cancellationToken)
    {
        var session = occurrence.Session;
        var attendance = await store.AttendanceAsync(session, occurrence.Date, cancellationToken);
        var dayStart = ReminderSchedule.ToInstant(occurrence.Date, 0, session.TimeZoneId);
        var dayEnd = ReminderSchedule.ToInstant(occurrence.Date.AddDays(1), 0, session.TimeZoneId);
        var completions = await store.CompletionsAsync(session.Community, attendance.Select(a => a.MemberId).ToList(), dayStart.UtcDateTime, dayEnd.UtcDateTime, cancellationToken);
        var roadmap = roadmaps.Get(session.RoadmapId);

        // A post in the session's channel: in the community's language.
        var culture = session.Culture;
        string T(string key, params object?[] args) => Localization.Text.Get(culture, key, args);
        var lines = new List<string>
        {
            attendance.Count == 0
                ? T("Sessions.NobodyCame")
                : T(attendance.Count == 1 ? "Sessions.CameOne" : "Sessions.Came", Format.Plural(attendance.Count, T("Sessions.Member"), T("Sessions.Members"), culture), Format.Minutes(attendance.Sum(a => a.Minutes), culture)),
        };
        if (completions.Count > 0)
        {
            var named = completions.Where(c => !c.Private).Select(c => T("Sessions.Completed", name(c.Member.DisplayName), TargetName(roadmaps.Holding(c.TargetId, roadmap).In(culture), c, culture))).ToList();
            lines.Add(T("Sessions.Reached", Format.Plural(completions.Count, T("Sessions.Milestone"), T("Sessions.Milestones"), culture)));
            lines.AddRange(named);
        }

        var next = session.Weekly ? SessionSchedule.Current(session, now) : null;
        if (next is not null)
        {
            lines.Add(T("Sessions.Next", When(next, session.TimeZoneId, culture), session.TimeZoneId));
        }

        return new Reply
        {
            Title = T("Sessions.SummaryTitle", session.TitleIn(culture)),
            Text = string.Join('\n', lines),
            Visibility = Visibility.Public,
            Buttons = next is null ? [] : RsvpButtons(session.Id, culture),
        };
    }

    private static string TargetName(Roadmap roadmap, AttendeeCompletion c, CultureInfo culture) => c.Kind == CompletionKind.Milestone
        ? roadmap.Milestones.FirstOrDefault(m => m.Id == c.TargetId)?.Title ?? c.TargetId
        : roadmap.Phases.FirstOrDefault(p => p.Id == c.TargetId) is { } phase ? Format.PhaseName(phase, culture) : c.TargetId;

    /// <summary>The reminder says the minutes really left: a session planned (or a Going said) inside the last ten has fewer.</summary>
    /// <summary>The reminder DM, in the member's language (<paramref name="culture"/>).</summary>
    private static Reply ReminderText(SessionOccurrence occurrence, string zone, DateTimeOffset now, CultureInfo culture) => new()
    {
        Title = Localization.Text.Get(culture, "Sessions.ReminderTitle", occurrence.Session.TitleIn(culture), Format.Minutes(Math.Max(1, (int)Math.Ceiling((occurrence.Start - now).TotalMinutes)), culture)),
        Text = Localization.Text.Get(culture, "Sessions.ReminderText", When(occurrence, zone, culture), Format.Minutes(occurrence.Session.Minutes, culture), occurrence.Session.ChannelName),
        Buttons = [new ReplyButton(Localization.Text.Get(culture, "Sessions.CheckIn"), $"progress session checkin {occurrence.Session.Id}", ButtonStyle.Primary)],
    };

    /// <summary>The post at the start, in the community's language.</summary>
    private static Reply StartText(SessionOccurrence occurrence)
    {
        var culture = occurrence.Session.Culture;
        return new()
        {
            Title = Localization.Text.Get(culture, "Sessions.StartTitle", occurrence.Session.TitleIn(culture)),
            Text = Localization.Text.Get(culture, "Sessions.StartText", Format.Minutes(occurrence.Session.Minutes, culture), Clock.Format(EndMinutes(occurrence)), occurrence.Session.TimeZoneId),
            Visibility = Visibility.Public,
            Buttons = [new ReplyButton(Localization.Text.Get(culture, "Sessions.CheckIn"), $"progress session checkin {occurrence.Session.Id}", ButtonStyle.Primary)],
        };
    }

    private static int EndMinutes(SessionOccurrence occurrence)
    {
        var local = TimeZones.ToLocal(occurrence.End, occurrence.Session.TimeZoneId);
        return (local.Hour * 60) + local.Minute;
    }

    /// <summary>"Mon 7 Dec 19:00-20:00", in the zone given.</summary>
    public static string When(SessionOccurrence occurrence, string zone) => When(occurrence, zone, Localization.Languages.Default);

    /// <summary>"Mon 7 Dec 19:00-20:00", "Mo. 7. Dez. 19:00-20:00": in the zone and culture given.</summary>
    public static string When(SessionOccurrence occurrence, string zone, CultureInfo culture)
    {
        var start = TimeZones.ToLocal(occurrence.Start, zone);
        var end = TimeZones.ToLocal(occurrence.End, zone);
        var day = culture.TwoLetterISOLanguageName == Localization.Languages.German
            ? start.ToString("ddd d. MMMM", culture)
            : start.ToString("ddd d MMM", CultureInfo.InvariantCulture);
        return $"{day} {start.ToString("HH:mm", CultureInfo.InvariantCulture)}-{end.ToString("HH:mm", CultureInfo.InvariantCulture)}";
    }

    public static IReadOnlyList<ReplyButton> RsvpButtons(long sessionId) => RsvpButtons(sessionId, Localization.Languages.Default);

    public static IReadOnlyList<ReplyButton> RsvpButtons(long sessionId, CultureInfo culture) =>
    [
        new ReplyButton(Localization.Text.Get(culture, "Sessions.ButtonGoing"), $"progress session going {sessionId}", ButtonStyle.Primary),
        new ReplyButton(Localization.Text.Get(culture, "Sessions.ButtonMaybe"), $"progress session maybe {sessionId}"),
        new ReplyButton(Localization.Text.Get(culture, "Sessions.ButtonCant"), $"progress session cant {sessionId}"),
    ];

    public static string Discriminator(SessionOccurrence occurrence) => $"{occurrence.Session.Id}:{occurrence.Date:yyyyMMdd}";

    public static OutboxMessage Post(string kind, SessionOccurrence occurrence, Reply reply, DateTimeOffset now) => Post(kind, occurrence.Session, Discriminator(occurrence), reply, now);

    public static OutboxMessage Post(string kind, StudySession session, string discriminator, Reply reply, DateTimeOffset now) => new(
        $"{kind}:{session.Community.Platform}:{session.Community.ExternalId}:{discriminator}",
        kind,
        OutboxTarget.Channel,
        session.Community.Platform,
        session.Community.ExternalId,
        session.Community.Name,
        session.ChannelId,
        session.ChannelId,
        reply,
        now.UtcDateTime);

    public static OutboxMessage Direct(string kind, MemberRef to, SessionOccurrence occurrence, Reply reply, DateTimeOffset now) =>
        OutboxMessage.DirectTo($"{kind}:{to.Community.Platform}:{to.Community.ExternalId}:{Discriminator(occurrence)}:{to.UserId}", kind, to, reply, now.UtcDateTime);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job}: study session {SessionId} failed; it is tried again at the next run, the others go on")]
    private partial void LogSessionFailed(Exception ex, string job, long sessionId);
}
