using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using static StudyBot.Data.DataText;

namespace StudyBot.Data;

/// <summary>
/// EF Core implementation of <see cref="ICommandReceiptStore"/>. Receipts are keyed by platform, community and
/// delivery id; the progress commit writes them through <see cref="WriteAsync"/> inside its own transaction.
/// </summary>
internal sealed class CommandReceiptStore(StudyBotDbContext db, WriteGate gate) : ICommandReceiptStore
{
    public async Task<CommandReceipt?> FindAsync(CommunityRef community, string deliveryId, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        var platform = community.Platform;
        var communityId = Clip(community.ExternalId, 64);
        return await db.CommandReceipts.AsNoTracking()
            .Where(x => x.Platform == platform && x.CommunityExternalId == communityId && x.DeliveryId == deliveryId && x.CreatedAtUtc >= sinceUtc)
            .Select(x => new CommandReceipt(x.Platform, x.CommunityExternalId, x.DeliveryId, x.UserId, x.Fingerprint, x.ReplyJson, x.CreatedAtUtc))
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<bool> AddAsync(CommandReceipt receipt, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        return await WriteAsync(db, receipt, cancellationToken);
    }

    public async Task<int> PruneAsync(DateTime beforeUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        return await db.CommandReceipts.Where(x => x.CreatedAtUtc < beforeUtc).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Inserts the receipt, or replaces an expired one for the same delivery; false (nothing written) when the
    /// delivery already has a live receipt. One statement, so it can open a commit's transaction and decide it.
    /// </summary>
    internal static async Task<bool> WriteAsync(StudyBotDbContext db, CommandReceipt r, CancellationToken ct)
    {
        var expiredBefore = r.AtUtc - CommandReceipts.Retention;
        var written = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "CommandReceipts" ("Platform", "CommunityExternalId", "DeliveryId", "UserId", "Fingerprint", "ReplyJson", "CreatedAtUtc")
            VALUES ({r.Platform}, {Clip(r.CommunityId, 64)}, {r.DeliveryId}, {Clip(r.UserId, 64)}, {r.Fingerprint}, {r.ReplyJson}, {r.AtUtc})
            ON CONFLICT ("Platform", "CommunityExternalId", "DeliveryId") DO UPDATE SET
                "UserId" = excluded."UserId", "Fingerprint" = excluded."Fingerprint", "ReplyJson" = excluded."ReplyJson", "CreatedAtUtc" = excluded."CreatedAtUtc"
            WHERE "CommandReceipts"."CreatedAtUtc" < {expiredBefore}
            """,
            ct);
        return written == 1;
    }
}
