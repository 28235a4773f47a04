using Microsoft.Data.Sqlite;
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
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            return await SqliteStatements.RunAsync(db, sqlite, s => FindSqlite(s, platform, communityId, deliveryId, sinceUtc), cancellationToken);
        }

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
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            return await SqliteStatements.RunAsync(
                db,
                sqlite,
                s => s.Execute(
                    WriteSql,
                    ("@p", r.Platform), ("@c", Clip(r.CommunityId, 64)), ("@d", r.DeliveryId), ("@u", Clip(r.UserId, 64)), ("@f", r.Fingerprint),
                    ("@r", r.ReplyJson), ("@at", SqliteStatements.Utc(r.AtUtc)), ("@expired", SqliteStatements.Utc(expiredBefore))),
                ct) == 1;
        }

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

    /// <summary><see cref="WriteAsync"/>'s statement on SQLite, kept prepared by each connection.</summary>
    private const string WriteSql = """
        INSERT INTO "CommandReceipts" ("Platform", "CommunityExternalId", "DeliveryId", "UserId", "Fingerprint", "ReplyJson", "CreatedAtUtc")
        VALUES (@p, @c, @d, @u, @f, @r, @at)
        ON CONFLICT ("Platform", "CommunityExternalId", "DeliveryId") DO UPDATE SET
            "UserId" = excluded."UserId", "Fingerprint" = excluded."Fingerprint", "ReplyJson" = excluded."ReplyJson", "CreatedAtUtc" = excluded."CreatedAtUtc"
        WHERE "CommandReceipts"."CreatedAtUtc" < @expired
        """;

    /// <summary><see cref="FindAsync"/>'s query on SQLite (the one EF made of it), kept prepared by each connection.</summary>
    private const string FindSql = """
        SELECT "Platform", "CommunityExternalId", "DeliveryId", "UserId", "Fingerprint", "ReplyJson", "CreatedAtUtc" FROM "CommandReceipts"
        WHERE "Platform" = @p AND "CommunityExternalId" = @c AND "DeliveryId" = @d AND "CreatedAtUtc" >= @since
        LIMIT 1
        """;

    private static CommandReceipt? FindSqlite(SqliteStatements statements, string platform, string communityId, string deliveryId, DateTime sinceUtc)
    {
        using var reader = statements.Open(FindSql, ("@p", platform), ("@c", communityId), ("@d", deliveryId), ("@since", SqliteStatements.Utc(sinceUtc)));
        return reader.Read()
            ? new CommandReceipt(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetUtc(6))
            : null;
    }
}
