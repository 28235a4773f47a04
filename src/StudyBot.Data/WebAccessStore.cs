using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Web;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

/// <summary>
/// EF Core implementation of <see cref="IWebAccessStore"/>: the WebLinks, WebSessions and WebShares tables, each row a
/// member's, found by its token's SHA-256 hash (never the token itself).
/// </summary>
internal sealed class WebAccessStore(StudyBotDbContext db, WriteGate gate) : IWebAccessStore
{
    public async Task<(int Count, DateTime? OldestUtc)> LinksSinceAsync(MemberRef member, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return (0, null);
        }

        var times = await db.WebLinks.AsNoTracking()
            .Where(l => l.MemberId == ids.MemberId && l.CreatedAtUtc > sinceUtc)
            .Select(l => l.CreatedAtUtc)
            .ToListAsync(cancellationToken);
        return (times.Count, times.Count == 0 ? null : times.Min());
    }

    public async Task<bool> AddLinkAsync(MemberRef member, byte[] tokenHash, DateTime createdUtc, DateTime expiresUtc, DateTime pruneBeforeUtc, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return false;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);

        // Links live minutes; the rate limit looks back LinkWindow. Older rows serve nothing any more.
        await db.WebLinks.Where(l => l.CreatedAtUtc < pruneBeforeUtc).ExecuteDeleteAsync(cancellationToken);
        db.WebLinks.Add(new WebLinkEntity
        {
            CommunityId = ids.CommunityId,
            MemberId = ids.MemberId,
            TokenHash = tokenHash,
            IsAdmin = member.IsAdmin,
            CreatedAtUtc = createdUtc,
            ExpiresAtUtc = expiresUtc,
        });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task<StoredWebLink?> FindLinkAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        var row = await (
                from l in db.WebLinks.AsNoTracking()
                where l.TokenHash == tokenHash
                join m in db.Members.AsNoTracking() on l.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where m.DeletedAtUtc == null
                select new { l.Id, l.TokenHash, l.CreatedAtUtc, l.ExpiresAtUtc, l.UsedAtUtc, l.IsAdmin, c.Platform, c.ExternalId, Community = c.Name, m.UserId, m.DisplayName })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new StoredWebLink(row.Id, row.TokenHash, row.CreatedAtUtc, row.ExpiresAtUtc, row.UsedAtUtc, new WebMember(new CommunityRef(row.Platform, row.ExternalId, row.Community), row.UserId, row.DisplayName, row.IsAdmin));
    }

    public async Task<bool> RedeemAsync(StoredWebLink link, byte[] sessionHash, DateTime nowUtc, DateTime sessionExpiresUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);

        // The single use: one conditional UPDATE. Of two requests redeeming the link at once, the second finds it used
        // (PostgreSQL re-checks the condition after the first's row lock is released; SQLite has one writer at a time).
        var used = await db.WebLinks
            .Where(l => l.Id == link.Id && l.UsedAtUtc == null && l.ExpiresAtUtc > nowUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAtUtc, nowUtc), cancellationToken);
        if (used != 1)
        {
            return false;
        }

        var owner = await db.WebLinks.AsNoTracking().Where(l => l.Id == link.Id).Select(l => new { l.MemberId, l.CommunityId, l.IsAdmin }).FirstAsync(cancellationToken);
        await db.WebSessions.Where(s => s.ExpiresAtUtc <= nowUtc).ExecuteDeleteAsync(cancellationToken);
        db.WebSessions.Add(new WebSessionEntity
        {
            CommunityId = owner.CommunityId,
            MemberId = owner.MemberId,
            TokenHash = sessionHash,
            IsAdmin = owner.IsAdmin,
            CreatedAtUtc = nowUtc,
            LastSeenAtUtc = nowUtc,
            ExpiresAtUtc = sessionExpiresUtc,
        });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task<StoredWebSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        var row = await (
                from s in db.WebSessions.AsNoTracking()
                where s.TokenHash == tokenHash
                join m in db.Members.AsNoTracking() on s.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where m.DeletedAtUtc == null
                select new { s.Id, s.TokenHash, s.CreatedAtUtc, s.LastSeenAtUtc, s.ExpiresAtUtc, s.IsAdmin, c.Platform, c.ExternalId, Community = c.Name, m.UserId, m.DisplayName })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new StoredWebSession(row.Id, row.TokenHash, row.CreatedAtUtc, row.LastSeenAtUtc, row.ExpiresAtUtc, new WebMember(new CommunityRef(row.Platform, row.ExternalId, row.Community), row.UserId, row.DisplayName, row.IsAdmin));
    }

    public async Task SeenAsync(long sessionId, DateTime nowUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await db.WebSessions.Where(s => s.Id == sessionId && s.LastSeenAtUtc < nowUtc)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenAtUtc, nowUtc), cancellationToken);
    }

    public async Task<bool> EndSessionAsync(long sessionId, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        return await db.WebSessions.Where(s => s.Id == sessionId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<int> EndSessionsAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return 0;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var live = await db.WebSessions.CountAsync(s => s.MemberId == ids.MemberId && s.ExpiresAtUtc > nowUtc, cancellationToken);
        await db.WebSessions.Where(s => s.MemberId == ids.MemberId).ExecuteDeleteAsync(cancellationToken);

        // Links not used yet would open new sessions: they end too.
        await db.WebLinks.Where(l => l.MemberId == ids.MemberId && l.UsedAtUtc == null)
            .ExecuteUpdateAsync(u => u.SetProperty(l => l.UsedAtUtc, nowUtc), cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return live;
    }

    public async Task<bool> SetShareAsync(MemberRef member, byte[] tokenHash, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return false;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.WebShares.Where(s => s.MemberId == ids.MemberId).ExecuteDeleteAsync(cancellationToken);
        db.WebShares.Add(new WebShareEntity { MemberId = ids.MemberId, CommunityId = ids.CommunityId, TokenHash = tokenHash, CreatedAtUtc = nowUtc });
        await db.SaveChangesAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task<bool> RemoveShareAsync(MemberRef member, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return false;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        return await db.WebShares.Where(s => s.MemberId == ids.MemberId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<StoredWebShare?> FindShareAsync(byte[] tokenHash, CancellationToken cancellationToken)
    {
        var row = await (
                from s in db.WebShares.AsNoTracking()
                where s.TokenHash == tokenHash
                join m in db.Members.AsNoTracking() on s.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where m.DeletedAtUtc == null
                select new { s.TokenHash, s.CreatedAtUtc, c.Platform, c.ExternalId, Community = c.Name, m.UserId, m.DisplayName })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null
            ? null
            : new StoredWebShare(row.TokenHash, row.CreatedAtUtc, new WebMember(new CommunityRef(row.Platform, row.ExternalId, row.Community), row.UserId, row.DisplayName, IsAdmin: false));
    }
}

/// <summary>A member's web data in their export, and its erasure with them (see <see cref="MemberDataStore"/>).</summary>
internal static class WebAccessMemberData
{
    /// <summary>The member's web sessions (times only, never token hashes) and whether they share their card.</summary>
    public static async Task<(object Document, int Records)> ExportAsync(StudyBotDbContext db, long memberId, CancellationToken ct)
    {
        var sessions = await db.WebSessions.AsNoTracking().Where(s => s.MemberId == memberId).OrderBy(s => s.Id)
            .Select(s => new { s.CreatedAtUtc, s.LastSeenAtUtc, s.ExpiresAtUtc })
            .ToListAsync(ct);
        var sharedSince = await db.WebShares.AsNoTracking().Where(s => s.MemberId == memberId).Select(s => (DateTime?)s.CreatedAtUtc).FirstOrDefaultAsync(ct);
        return (new { sessions, shareCard = new { on = sharedSince is not null, sinceUtc = sharedSince } }, sessions.Count + (sharedSince is null ? 0 : 1));
    }

    /// <summary>Deletes the member's sign-in links, web sessions and share token.</summary>
    public static async Task EraseAsync(StudyBotDbContext db, long memberId, CancellationToken ct)
    {
        await db.WebLinks.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.WebSessions.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.WebShares.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
    }
}
