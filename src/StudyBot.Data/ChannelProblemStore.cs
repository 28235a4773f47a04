using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Data;

/// <summary>
/// EF Core implementation of <see cref="IChannelProblemStore"/>. Once-only the way phase-role problems are: the unique
/// (community, channel, problem) key decides, and the admins' notice is written in the same transaction as the record.
/// </summary>
internal sealed class ChannelProblemStore(StudyBotDbContext db, NotificationStore outbox, WriteGate gate) : IChannelProblemStore
{
    public async Task<ChannelContact?> ContactAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var row = await db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => new { c.Id, c.ChannelsSetBy, c.Language })
            .FirstOrDefaultAsync(cancellationToken);
        if (row?.ChannelsSetBy is not { } userId)
        {
            return null;
        }

        var admin = await db.Members.AsNoTracking().Where(m => m.CommunityId == row.Id && m.UserId == userId).Select(m => new { m.DisplayName, m.Language, m.PlatformLocale }).FirstOrDefaultAsync(cancellationToken);
        return new ChannelContact(userId, admin?.DisplayName ?? userId) { Language = Core.Localization.Languages.Resolve(admin?.Language, admin?.PlatformLocale, row.Language) };
    }

    public async Task<bool> ReportAsync(CommunityRef community, ChannelProblemRecord problem, OutboxMessage? notice, OutboxMessage? replacement, string? replacementMemberId, CancellationToken cancellationToken)
    {
        if (await CommunityIdAsync(community, cancellationToken) is not { } communityId)
        {
            return false;
        }

        long? memberId = replacementMemberId is null
            ? null
            : await db.Members.AsNoTracking().Where(m => m.CommunityId == communityId && m.UserId == replacementMemberId).Select(m => (long?)m.Id).FirstOrDefaultAsync(cancellationToken);
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "ChannelProblems" ("CommunityId", "ChannelId", "Problem", "ReportedAtUtc")
            VALUES ({communityId}, {problem.ChannelId}, {(int)problem.Problem}, {problem.ReportedAtUtc})
            ON CONFLICT ("CommunityId", "ChannelId", "Problem") DO NOTHING
            """,
            cancellationToken);
        if (inserted == 1 && notice is not null)
        {
            await outbox.AddAsync(communityId, null, notice, cancellationToken);
        }

        if (replacement is not null)
        {
            await outbox.AddAsync(communityId, memberId, replacement, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return inserted == 1;
    }

    public async Task ClearAsync(CommunityRef community, string channelId, CancellationToken cancellationToken)
    {
        if (await CommunityIdAsync(community, cancellationToken) is not { } communityId)
        {
            return;
        }

        // Read first: a working channel is the common case, and it should not queue on the write gate.
        if (await db.ChannelProblems.AnyAsync(p => p.CommunityId == communityId && p.ChannelId == channelId, cancellationToken))
        {
            using var writing = await gate.EnterAsync(cancellationToken);
            await db.ChannelProblems.Where(p => p.CommunityId == communityId && p.ChannelId == channelId).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<ChannelProblemRecord>> ProblemsAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var id = await CommunityIdAsync(community, cancellationToken);
        return id is null
            ? []
            : await db.ChannelProblems.AsNoTracking().Where(p => p.CommunityId == id).OrderBy(p => p.Id)
                .Select(p => new ChannelProblemRecord(p.ChannelId, (ChannelProblem)p.Problem, p.ReportedAtUtc))
                .ToListAsync(cancellationToken);
    }

    private Task<long?> CommunityIdAsync(CommunityRef community, CancellationToken cancellationToken) =>
        db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
}
