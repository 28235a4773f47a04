using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Sessions;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

/// <summary>Group study sessions: the sessions, their RSVPs and check-ins, and the messages about them.</summary>
internal sealed class SessionStore(StudyBotDbContext db, NotificationStore outbox, WriteGate gate) : ISessionStore
{
    public async Task<StudySession?> PlanAsync(NewStudySession session, Func<StudySession, OutboxMessage> announcement, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(session.PlannedBy.Community, cancellationToken);
        if (communityId is null)
        {
            return null;
        }

        var planner = await db.IdsAsync(session.PlannedBy);
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var entity = new StudySessionEntity
        {
            CommunityId = communityId.Value,
            PlannedByMemberId = planner?.MemberId,
            TimeZoneId = session.TimeZoneId,
            FirstDate = session.FirstDate,
            MinutesOfDay = session.MinutesOfDay,
            Minutes = session.Minutes,
            Weekly = session.Weekly,
            ChannelId = session.ChannelId,
            ChannelName = session.ChannelName,
            Topic = session.Topic,
            CreatedAtUtc = nowUtc,
        };
        db.StudySessions.Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        var saved = await FindAsync(session.PlannedBy.Community, entity.Id, cancellationToken) ?? throw new InvalidOperationException("the session just saved is not there");
        await outbox.AddAsync(communityId.Value, null, announcement(saved), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return saved;
    }

    public async Task<StudySession?> FindAsync(CommunityRef community, long id, CancellationToken cancellationToken) =>
        (await Query(community, db.StudySessions.AsNoTracking().Where(s => s.Id == id)).ToListAsync(cancellationToken)).Select(ToModel).FirstOrDefault();

    public async Task<IReadOnlyList<StudySession>> ActiveAsync(CommunityRef community, CancellationToken cancellationToken) =>
        (await Query(community, db.StudySessions.AsNoTracking().Where(s => s.CancelledAtUtc == null && s.DoneAtUtc == null).OrderBy(s => s.Id)).ToListAsync(cancellationToken))
            .Select(ToModel).OrderBy(s => s.Id).ToList();

    public async Task<IReadOnlyList<StudySession>> ScheduledAsync(int limit, CancellationToken cancellationToken) =>
        (await Query(null, db.StudySessions.AsNoTracking().Where(s => s.CancelledAtUtc == null && s.DoneAtUtc == null).OrderBy(s => s.Id).Take(limit)).ToListAsync(cancellationToken))
            .Select(ToModel).OrderBy(s => s.Id).ToList();

    public async Task<bool> CancelAsync(StudySession session, IReadOnlyList<OutboxMessage> notices, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(session.Community, cancellationToken);
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.StudySessions.Where(s => s.Id == session.Id && s.CommunityId == communityId && s.CancelledAtUtc == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.CancelledAtUtc, nowUtc), cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        foreach (var notice in notices)
        {
            await outbox.AddAsync(communityId!.Value, null, notice, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<SessionRsvpEntry>> RsvpsAsync(StudySession session, DateOnly date, CancellationToken cancellationToken)
    {
        var rows = await (
                from r in db.SessionRsvps.AsNoTracking()
                join m in db.Members.AsNoTracking() on r.MemberId equals m.Id
                where r.SessionId == session.Id && r.OccurrenceDate == date && m.DeletedAtUtc == null
                orderby r.UpdatedAtUtc
                select new { m.UserId, m.DisplayName, m.TimeZoneId, r.Response, m.Language, m.PlatformLocale })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new SessionRsvpEntry(new MemberRef(session.Community, r.UserId, r.DisplayName), (Rsvp)r.Response, r.TimeZoneId)
        {
            Language = Core.Localization.Languages.Resolve(r.Language, r.PlatformLocale, session.Language),
        }).ToList();
    }

    public async Task<IReadOnlyList<SessionAttendance>> AttendanceAsync(StudySession session, DateOnly date, CancellationToken cancellationToken)
    {
        var rows = await (
                from c in db.SessionCheckIns.AsNoTracking()
                join m in db.Members.AsNoTracking() on c.MemberId equals m.Id
                where c.SessionId == session.Id && c.OccurrenceDate == date && m.DeletedAtUtc == null
                orderby c.AtUtc
                select new { m.Id, m.UserId, m.DisplayName, m.Privacy, c.Minutes })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new SessionAttendance(r.Id, new MemberRef(session.Community, r.UserId, r.DisplayName), r.Minutes, r.Privacy == (int)PrivacyLevel.Private)).ToList();
    }

    public async Task<Rsvp?> RsvpOfAsync(MemberRef member, StudySession session, DateOnly date, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return null;
        }

        var response = await db.SessionRsvps.AsNoTracking()
            .Where(r => r.SessionId == session.Id && r.OccurrenceDate == date && r.MemberId == ids.Value.MemberId)
            .Select(r => (int?)r.Response)
            .FirstOrDefaultAsync(cancellationToken);
        return response is { } r ? (Rsvp)r : null;
    }

    public async Task<IReadOnlySet<DateOnly>> AttendedAsync(MemberRef member, long sessionId, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return new HashSet<DateOnly>();
        }

        var dates = await db.SessionCheckIns.AsNoTracking()
            .Where(c => c.SessionId == sessionId && c.MemberId == ids.Value.MemberId)
            .Select(c => c.OccurrenceDate)
            .ToListAsync(cancellationToken);
        return dates.ToHashSet();
    }

    public async Task<IReadOnlyList<AttendeeCompletion>> CompletionsAsync(CommunityRef community, IReadOnlyCollection<long> memberIds, DateTime fromUtc, DateTime toUtc, CancellationToken cancellationToken)
    {
        if (memberIds.Count == 0)
        {
            return [];
        }

        var ids = memberIds.ToList();
        var rows = await (
                from e in db.CompletionEvents.AsNoTracking()
                join m in db.Members.AsNoTracking() on e.MemberId equals m.Id
                where ids.Contains(e.MemberId) && e.AtUtc >= fromUtc && e.AtUtc < toUtc && m.DeletedAtUtc == null
                orderby e.AtUtc
                select new { m.UserId, m.DisplayName, m.Privacy, e.Kind, e.TargetId })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new AttendeeCompletion(new MemberRef(community, r.UserId, r.DisplayName), r.Privacy == (int)PrivacyLevel.Private, (CompletionKind)r.Kind, r.TargetId)).ToList();
    }

    public async Task WriteAsync(CommunityRef community, IReadOnlyList<OutboxMessage> messages, long? doneSessionId, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        if (communityId is null)
        {
            return;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var message in messages)
        {
            await outbox.AddAsync(communityId.Value, null, message, cancellationToken);
        }

        if (doneSessionId is { } done)
        {
            await db.StudySessions.Where(s => s.Id == done && s.CommunityId == communityId).ExecuteUpdateAsync(u => u.SetProperty(s => s.DoneAtUtc, nowUtc), cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<bool> MembersMayPlanAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        return communityId is not null && await db.SessionSettings.AsNoTracking().AnyAsync(s => s.CommunityId == communityId && s.MembersMayPlan, cancellationToken);
    }

    public async Task<bool> SetMembersMayPlanAsync(CommunityRef community, bool allowed, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        if (communityId is null)
        {
            return false;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "SessionSettings" ("CommunityId", "MembersMayPlan") VALUES ({communityId.Value}, {allowed})
            ON CONFLICT ("CommunityId") DO UPDATE SET "MembersMayPlan" = excluded."MembersMayPlan"
            """,
            cancellationToken);
        return true;
    }

    private IQueryable<SessionRow> Query(CommunityRef? community, IQueryable<StudySessionEntity> sessions)
    {
        var communities = db.Communities.AsNoTracking();
        if (community is not null)
        {
            communities = communities.Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId);
        }

        return from s in sessions
               join c in communities on s.CommunityId equals c.Id
               from m in db.Members.AsNoTracking().Where(m => m.Id == s.PlannedByMemberId && m.DeletedAtUtc == null).DefaultIfEmpty()
               select new SessionRow(s, c.Platform, c.ExternalId, c.Name, c.RoadmapId, m == null ? null : m.DisplayName, c.Language);
    }

    private static StudySession ToModel(SessionRow x) => new(
        x.s.Id,
        new CommunityRef(x.Platform, x.ExternalId, x.Name),
        x.RoadmapId,
        x.s.TimeZoneId,
        x.s.FirstDate,
        x.s.MinutesOfDay,
        x.s.Minutes,
        x.s.Weekly,
        x.s.ChannelId,
        x.s.ChannelName,
        x.s.Topic,
        x.PlannedBy,
        x.s.CancelledAtUtc is not null)
    {
        Language = Core.Localization.Languages.Resolve(null, null, x.Language),
    };

    private Task<long?> CommunityIdAsync(CommunityRef community, CancellationToken cancellationToken) =>
        db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);

    private sealed record SessionRow(StudySessionEntity s, string Platform, string ExternalId, string Name, string RoadmapId, string? PlannedBy, string? Language);
}

/// <summary>The session rows a member's commit writes (<see cref="ChangeSet.Session"/>), in the commit's transaction.</summary>
internal static class SessionRows
{
    /// <summary>Writes the RSVP or the check-in; false when the member had checked in to the occurrence already.</summary>
    public static async Task<bool> WriteAsync(StudyBotDbContext db, long communityId, long memberId, SessionChange change, Guid batchId, DateTime nowUtc, CancellationToken ct)
    {
        if (change.Response is { } response)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "SessionRsvps" ("SessionId", "OccurrenceDate", "MemberId", "CommunityId", "Response", "UpdatedAtUtc")
                VALUES ({change.SessionId}, {change.OccurrenceDate}, {memberId}, {communityId}, {(int)response}, {nowUtc})
                ON CONFLICT ("SessionId", "OccurrenceDate", "MemberId") DO UPDATE SET "Response" = excluded."Response", "UpdatedAtUtc" = excluded."UpdatedAtUtc"
                """,
                ct);
        }

        if (change.CheckInMinutes is { } minutes)
        {
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "SessionCheckIns" ("SessionId", "OccurrenceDate", "MemberId", "CommunityId", "Minutes", "AtUtc", "BatchId")
                VALUES ({change.SessionId}, {change.OccurrenceDate}, {memberId}, {communityId}, {minutes}, {nowUtc}, {batchId})
                ON CONFLICT ("SessionId", "OccurrenceDate", "MemberId") DO NOTHING
                """,
                ct);
            return inserted == 1;
        }

        return true;
    }
}

/// <summary>A member's group study session data, for their export and for deleting it (<see cref="MemberDataStore"/>).</summary>
internal static class SessionMemberData
{
    public static async Task<(object Document, int Records)> ExportAsync(StudyBotDbContext db, long memberId, CancellationToken ct)
    {
        var planned = await db.StudySessions.AsNoTracking().Where(s => s.PlannedByMemberId == memberId).OrderBy(s => s.Id)
            .Select(s => new { session = s.Id, s.FirstDate, time = s.MinutesOfDay, s.TimeZoneId, s.Minutes, s.Weekly, s.ChannelName, s.Topic, s.CreatedAtUtc, s.CancelledAtUtc })
            .ToListAsync(ct);
        var rsvps = await db.SessionRsvps.AsNoTracking().Where(r => r.MemberId == memberId).OrderBy(r => r.SessionId).ThenBy(r => r.OccurrenceDate)
            .Select(r => new { session = r.SessionId, r.OccurrenceDate, response = ((Rsvp)r.Response).ToString(), r.UpdatedAtUtc })
            .ToListAsync(ct);
        var checkIns = await db.SessionCheckIns.AsNoTracking().Where(c => c.MemberId == memberId).OrderBy(c => c.SessionId).ThenBy(c => c.OccurrenceDate)
            .Select(c => new { session = c.SessionId, c.OccurrenceDate, c.Minutes, c.AtUtc })
            .ToListAsync(ct);
        return (new { planned, rsvps, checkIns }, planned.Count + rsvps.Count + checkIns.Count);
    }

    /// <summary>Deletes the member's RSVPs and check-ins; sessions they planned stay the community's, no longer naming them.</summary>
    public static async Task EraseAsync(StudyBotDbContext db, long memberId, CancellationToken ct)
    {
        await db.SessionRsvps.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.SessionCheckIns.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.StudySessions.Where(x => x.PlannedByMemberId == memberId).ExecuteUpdateAsync(u => u.SetProperty(s => s.PlannedByMemberId, (long?)null), ct);
    }
}
