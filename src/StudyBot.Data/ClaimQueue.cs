using Microsoft.EntityFrameworkCore;

namespace StudyBot.Data;

/// <summary>
/// This process's name among the StudyBots that share a database (<c>Instance:Id</c>): the owner written on every row
/// it claims. Configure a stable one (a StatefulSet pod or systemd unit name) so that a restarted instance frees its
/// own claims at once; the default (host name, process id and a random suffix) is new at every start, so what a dead
/// instance held is taken over when its lease runs out.
/// </summary>
public sealed record StudyBotInstance
{
    public StudyBotInstance(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (id.Length > ClaimLimits.MaxOwnerLength)
        {
            throw new ArgumentException($"an instance id is at most {ClaimLimits.MaxOwnerLength} characters", nameof(id));
        }

        Id = id;
    }

    public string Id { get; }

    /// <summary>Host name, process id and a random suffix: unique among live processes, new at every start.</summary>
    public static StudyBotInstance Generate()
    {
        var host = Environment.MachineName;
        var suffix = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        var tail = $"-{Environment.ProcessId}-{suffix}";
        return new StudyBotInstance((host.Length + tail.Length > ClaimLimits.MaxOwnerLength ? host[..(ClaimLimits.MaxOwnerLength - tail.Length)] : host) + tail);
    }
}

public static class ClaimLimits
{
    /// <summary>Longest instance id (the <c>ClaimedBy</c> column's length).</summary>
    public const int MaxOwnerLength = 100;
}

/// <summary>
/// The one claim mechanism of the work queues (the outbox and the role grants): a row is due work while its
/// <c>ClaimedUntilUtc</c> is empty or past; claiming it writes this instance as <c>ClaimedBy</c> and a lease. On
/// PostgreSQL the claim is one atomic statement whose candidates are locked with <c>FOR UPDATE SKIP LOCKED</c>, so
/// instances claiming at once never get the same row; on SQLite (one process per file, writers queued by the
/// <see cref="WriteGate"/>) the same statement runs without the lock clause. Marking, retrying and releasing touch only
/// rows this instance still owns: once its lease ran out and another instance took a row over, its late result is
/// dropped instead of overwriting the new owner's.
/// </summary>
internal sealed class ClaimQueue
{
    public static readonly ClaimQueue Outbox = new("Outbox");

    public static readonly ClaimQueue RoleGrants = new("RoleGrants");

    private ClaimQueue(string table) => Table = table;

    /// <summary>The table, unquoted; statements quote it.</summary>
    public string Table { get; }

    /// <summary>
    /// Claims up to <paramref name="limit"/> rows of the table (aliased <c>q</c>) that match <paramref name="filter"/>
    /// and are unclaimed, released or whose lease has run out, in <paramref name="order"/>; returns their ids. The filter
    /// and order are SQL with <c>{0}</c>, <c>{1}</c>, ... placeholders for <paramref name="arguments"/>.
    /// </summary>
    public async Task<IReadOnlyList<long>> ClaimAsync(
        StudyBotDbContext db,
        string owner,
        string filter,
        string order,
        IReadOnlyList<object> arguments,
        DateTime nowUtc,
        TimeSpan lease,
        int limit,
        CancellationToken cancellationToken) =>
        [.. (await ClaimMarkedAsync(db, owner, filter, order, arguments, nowUtc, lease, limit, cancellationToken)).Select(c => c.Id)];

    /// <summary>
    /// As <see cref="ClaimAsync"/>, with each row's <c>ClaimedUntilUtc</c> from before this claim: set when an earlier
    /// claim ended with no result (its instance died, or restarted and released it with <see cref="ReleaseOwnAsync"/>
    /// keeping the mark), so the work may have been half done. On PostgreSQL one statement returns it (the candidates,
    /// locked, carry it into the update); on SQLite, behind the write gate, it is read just before the update.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedRow>> ClaimMarkedAsync(
        StudyBotDbContext db,
        string owner,
        string filter,
        string order,
        IReadOnlyList<object> arguments,
        DateTime nowUtc,
        TimeSpan lease,
        int limit,
        CancellationToken cancellationToken)
    {
        // The filter and order are the stores' own constants; every value goes in as a parameter.
        var n = arguments.Count;
        var candidates = $$"""
            SELECT q."Id", q."ClaimedUntilUtc" AS "Previous" FROM "{{Table}}" q
            WHERE ({{filter}}) AND (q."ClaimedUntilUtc" IS NULL OR q."ClaimedUntilUtc" < {{{n + 2}}} OR q."ClaimedBy" IS NULL)
            ORDER BY {{order}}
            LIMIT {{{n + 3}}}
            """;
        object[] parameters = [.. arguments, owner, nowUtc + lease, nowUtc, limit];
        if (db.IsPostgres)
        {
            var sql = $$"""
                WITH c AS ({{candidates}} FOR UPDATE SKIP LOCKED)
                UPDATE "{{Table}}" t SET "ClaimedBy" = {{{n}}}, "ClaimedUntilUtc" = {{{n + 1}}}
                FROM c WHERE t."Id" = c."Id"
                RETURNING t."Id", c."Previous"
                """;
            return await db.Database.SqlQueryRaw<ClaimedRow>(sql, parameters).ToListAsync(cancellationToken);
        }

        // SQLite: one process per file, and the caller holds the write gate, so nothing moves between the two.
        var rows = await db.Database.SqlQueryRaw<ClaimedRow>(candidates, parameters).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return rows;
        }

        var ids = rows.Select(r => r.Id).ToList();
        var placeholders = string.Join(", ", ids.Select((_, i) => "{" + (i + 2).ToString(System.Globalization.CultureInfo.InvariantCulture) + "}"));
        var update = $$"""UPDATE "{{Table}}" SET "ClaimedBy" = {0}, "ClaimedUntilUtc" = {1} WHERE "Id" IN ({{placeholders}})""";
        await db.Database.ExecuteSqlRawAsync(update, [owner, nowUtc + lease, .. ids.Cast<object>()], cancellationToken);
        return rows;
    }

    /// <summary>
    /// Frees this instance's claims left from an earlier run under the same id (and any claim without an owner, which
    /// only a version before owners could leave). Other instances' claims stay until their lease runs out.
    /// </summary>
    /// <param name="keepMark">
    /// Leave <c>ClaimedUntilUtc</c> as it was (only the owner goes), so the next claim learns the work may have been
    /// half done (<see cref="ClaimMarkedAsync"/>); a row without an owner is free to claim either way.
    /// </param>
    public Task<int> ReleaseOwnAsync(StudyBotDbContext db, string owner, string unfinished, bool keepMark, CancellationToken cancellationToken)
    {
        // The table and the condition are the stores' own constants; the owner goes in as a parameter.
        var sql = $$"""
            UPDATE "{{Table}}" SET "ClaimedBy" = NULL{{(keepMark ? "" : ", \"ClaimedUntilUtc\" = NULL")}}
            WHERE "ClaimedUntilUtc" IS NOT NULL AND ("ClaimedBy" = {0}{{(keepMark ? "" : " OR \"ClaimedBy\" IS NULL")}}) AND ({{unfinished}})
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [owner], cancellationToken);
    }
}

/// <summary>A claimed row's id and its <c>ClaimedUntilUtc</c> from before the claim (null when it had none).</summary>
internal sealed class ClaimedRow
{
    public long Id { get; set; }

    public DateTime? Previous { get; set; }
}
