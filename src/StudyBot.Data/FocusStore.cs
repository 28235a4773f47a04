using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Focus;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Data.Entities;
using static StudyBot.Data.DataText;

namespace StudyBot.Data;

/// <summary>EF Core implementation of <see cref="IFocusStore"/>; a command's focus writes go through <see cref="FocusWrites"/> in its commit.</summary>
internal sealed class FocusStore(StudyBotDbContext db, WriteGate gate, NotificationStore outbox) : IFocusStore
{
    private const int Running = (int)FocusState.Running;

    private const int Ended = (int)FocusState.Ended;

    private const int Logged = (int)FocusState.Logged;

    public async Task<FocusMemberState> LoadAsync(MemberRef member, DateOnly today, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return FocusMemberState.None;
        }

        var memberId = ids.MemberId;
        var open = await db.FocusSessions.AsNoTracking()
            .Where(x => x.MemberId == memberId && (x.State == Running || (x.State == Ended && !x.IsBreak)))
            .OrderByDescending(x => x.Id)
            .Take(10)
            .ToListAsync(cancellationToken);
        var endedToday = await db.FocusSessions.AsNoTracking()
            .CountAsync(x => x.MemberId == memberId && !x.IsBreak && x.LocalDate == today && (x.State == Ended || x.State == Logged), cancellationToken);
        var autoLog = await db.FocusSettings.AsNoTracking().Where(x => x.MemberId == memberId).Select(x => (bool?)x.AutoLog).FirstOrDefaultAsync(cancellationToken) ?? true;
        var running = open.FirstOrDefault(x => x.State == Running);
        var ended = open.FirstOrDefault(x => x.State == Ended);
        return new FocusMemberState(running is null ? null : ToModel(running), ended is null ? null : ToModel(ended), endedToday, autoLog);
    }

    public async Task<FocusSession?> FindAsync(MemberRef member, long sessionId, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return null;
        }

        var row = await db.FocusSessions.AsNoTracking().FirstOrDefaultAsync(x => x.Id == sessionId && x.MemberId == ids.MemberId && x.CommunityId == ids.CommunityId, cancellationToken);
        return row is null ? null : ToModel(row);
    }

    public async Task<FocusTotals> TotalsAsync(MemberRef member, DateOnly today, DateOnly weekStart, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return new FocusTotals(0, 0);
        }

        var from = weekStart < today ? weekStart : today;
        var days = await db.StudyLogs.AsNoTracking()
            .Where(x => x.MemberId == ids.MemberId && x.Source == (int)StudySource.Focus && x.RetractedAtUtc == null && x.LocalDate >= from && x.LocalDate <= today)
            .GroupBy(x => x.LocalDate)
            .Select(g => new { Date = g.Key, Minutes = g.Sum(x => x.Minutes) })
            .ToListAsync(cancellationToken);
        return new FocusTotals(days.Where(d => d.Date == today).Sum(d => d.Minutes), days.Where(d => d.Date >= weekStart).Sum(d => d.Minutes));
    }

    public async Task<int> MinutesSinceAsync(MemberRef member, DateOnly from, DateOnly until, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return 0;
        }

        return await db.StudyLogs.AsNoTracking()
            .Where(x => x.MemberId == ids.MemberId && x.Source == (int)StudySource.Focus && x.RetractedAtUtc == null && x.LocalDate >= from && x.LocalDate <= until)
            .SumAsync(x => x.Minutes, cancellationToken);
    }

    /// <summary>
    /// The focus board: minutes logged from focus sessions since <see cref="BoardQuery.PeriodStart"/>, summed from the study
    /// log (focus minutes have no running totals), for public members only, as the minutes board.
    /// </summary>
    internal static async Task<IReadOnlyList<BoardEntry>> TopAsync(StudyBotDbContext db, long communityId, BoardQuery query, CancellationToken ct)
    {
        const int Public = (int)PrivacyLevel.Public;
        var from = query.Period == BoardPeriod.All ? DateOnly.MinValue : query.PeriodStart;
        var top = await db.StudyLogs.AsNoTracking()
            .Where(l => l.CommunityId == communityId && l.Source == (int)StudySource.Focus && l.RetractedAtUtc == null && l.LocalDate >= from)
            .GroupBy(l => l.MemberId)
            .Select(g => new { MemberId = g.Key, Minutes = g.Sum(l => l.Minutes), Points = g.Sum(l => l.Points) })
            .Join(db.Members.AsNoTracking(), t => t.MemberId, m => m.Id, (t, m) => new { t, m })
            .Where(x => x.m.Privacy == Public && x.m.DeletedAtUtc == null && x.t.Minutes > 0)
            .OrderByDescending(x => x.t.Minutes).ThenBy(x => x.m.Id)
            .Take(query.Limit)
            .Select(x => new { x.m.UserId, x.m.DisplayName, x.m.Privacy, x.t.Minutes, x.t.Points })
            .ToListAsync(ct);
        return top.Select(x => new BoardEntry(x.UserId, x.DisplayName, (PrivacyLevel)x.Privacy, x.Points, x.Minutes, 0, 0, 0)).ToList();
    }

    public async Task<IReadOnlyList<DueFocusEnd>> DueEndsAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from f in db.FocusSessions.AsNoTracking()
                join m in db.Members.AsNoTracking() on f.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                from s in db.FocusSettings.AsNoTracking().Where(s => s.MemberId == m.Id).DefaultIfEmpty()
                where f.State == Running && f.EndsAtUtc <= nowUtc && m.DeletedAtUtc == null
                orderby f.EndsAtUtc
                select new { f, c.Platform, c.ExternalId, c.Name, c.RoadmapId, m.UserId, m.DisplayName, m.TimeZoneId, m.QuietStart, m.QuietEnd, AutoLog = (bool?)s!.AutoLog, m.Language, m.PlatformLocale, CommunityLanguage = c.Language })
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new DueFocusEnd(
            new MemberRef(new CommunityRef(r.Platform, r.ExternalId, r.Name), r.UserId, r.DisplayName),
            ToModel(r.f),
            r.RoadmapId,
            r.TimeZoneId,
            r.QuietStart is { } qs && r.QuietEnd is { } qe ? new QuietHours(qs, qe) : null,
            r.AutoLog ?? true,
            StudyBot.Core.Localization.Languages.Resolve(r.Language, r.PlatformLocale, r.CommunityLanguage))).ToList();
    }

    public async Task<bool> EndAsync(long sessionId, int extensions, FocusState to, DateTime notifyAtUtc, OutboxMessage? message, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.FocusSessions.AsNoTracking().Where(x => x.Id == sessionId).Select(x => new { x.CommunityId, x.MemberId, x.EndsAtUtc }).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return false;
        }

        // Only if it still runs as it did when found: a stop, a +5 or another instance's job in between wins.
        var updated = await db.FocusSessions
            .Where(x => x.Id == sessionId && x.State == Running && x.Extensions == extensions)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.State, (int)to).SetProperty(x => x.EndedAtUtc, row.EndsAtUtc).SetProperty(x => x.NotifyAtUtc, notifyAtUtc),
                cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        if (message is not null)
        {
            await outbox.AddAsync(row.CommunityId, row.MemberId, message, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<DueFocusAutoLog>> DueAutoLogsAsync(DateTime answeredByUtc, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from f in db.FocusSessions.AsNoTracking()
                join m in db.Members.AsNoTracking() on f.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                from s in db.FocusSettings.AsNoTracking().Where(s => s.MemberId == m.Id).DefaultIfEmpty()
                where f.State == Ended && !f.IsBreak && f.NotifyAtUtc != null && f.NotifyAtUtc <= answeredByUtc && m.DeletedAtUtc == null
                    && (s == null || s.AutoLog)
                orderby f.NotifyAtUtc
                select new { f.Id, c.Platform, c.ExternalId, c.Name, m.UserId, m.DisplayName })
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new DueFocusAutoLog(new MemberRef(new CommunityRef(r.Platform, r.ExternalId, r.Name), r.UserId, r.DisplayName), r.Id)).ToList();
    }

    internal static FocusSession ToModel(FocusSessionEntity x) =>
        new(x.Id, x.StartedAtUtc, x.EndsAtUtc, x.Minutes, x.ItemId, (StudyKind)x.Kind, (FocusState)x.State, x.IsBreak, x.LocalDate, x.Extensions, x.EndedAtUtc);
}

/// <summary>A command's focus writes, in its commit's transaction (<see cref="ProgressStore"/>).</summary>
internal static class FocusWrites
{
    /// <summary>Applies the change; false (write nothing, roll back) when a start finds a session running or a move finds the session moved.</summary>
    public static async Task<bool> ApplyAsync(StudyBotDbContext db, long communityId, long memberId, FocusChange change, CancellationToken ct)
    {
        if (change.Start is { } start)
        {
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "FocusSessions" ("CommunityId", "MemberId", "StartedAtUtc", "EndsAtUtc", "Minutes", "ItemId", "Kind", "State", "IsBreak", "LocalDate", "Extensions")
                SELECT {communityId}, {memberId}, {start.StartedAtUtc}, {start.EndsAtUtc}, {start.Minutes}, {(start.ItemId is null ? null : Clip(start.ItemId, 64))}, {(int)start.Kind}, {(int)FocusState.Running}, {start.IsBreak}, {start.LocalDate}, 0
                WHERE NOT EXISTS (SELECT 1 FROM "FocusSessions" WHERE "MemberId" = {memberId} AND "State" = {(int)FocusState.Running})
                """,
                ct);
            if (inserted == 0)
            {
                return false;
            }
        }

        if (change.Move is { } move)
        {
            var rows = db.FocusSessions.Where(x => x.Id == move.SessionId && x.MemberId == memberId && x.CommunityId == communityId && x.State == (int)move.From && x.Extensions == move.FromExtensions);
            var to = (int)move.To;
            var updated = move.To switch
            {
                // Ended by a stop: an hour from now, autolog. Running again (+5): no message is due until it ends.
                FocusState.Ended or FocusState.Running => await rows.ExecuteUpdateAsync(
                    s => s.SetProperty(x => x.State, to).SetProperty(x => x.Minutes, move.Minutes).SetProperty(x => x.EndsAtUtc, move.EndsAtUtc)
                        .SetProperty(x => x.Extensions, move.Extensions).SetProperty(x => x.EndedAtUtc, move.EndedAtUtc).SetProperty(x => x.NotifyAtUtc, move.EndedAtUtc),
                    ct),
                _ => await rows.ExecuteUpdateAsync(
                    s => s.SetProperty(x => x.State, to).SetProperty(x => x.Minutes, move.Minutes).SetProperty(x => x.EndedAtUtc, move.EndedAtUtc),
                    ct),
            };
            if (updated == 0)
            {
                return false;
            }
        }

        if (change.AutoLog is { } autoLog)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "FocusSettings" ("MemberId", "CommunityId", "AutoLog") VALUES ({memberId}, {communityId}, {autoLog})
                ON CONFLICT ("MemberId") DO UPDATE SET "AutoLog" = excluded."AutoLog"
                """,
                ct);
        }

        return true;
    }
}
