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
    /// and are unclaimed or whose lease has run out, in <paramref name="order"/>; returns their ids. The filter and order
    /// are SQL with <c>{0}</c>, <c>{1}</c>, ... placeholders for <paramref name="arguments"/>.
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
        CancellationToken cancellationToken)
    {
        // The filter and order are the stores' own constants; every value goes in as a parameter.
        var n = arguments.Count;
        var sql = $$"""
            UPDATE "{{Table}}" SET "ClaimedBy" = {{{n}}}, "ClaimedUntilUtc" = {{{n + 1}}}
            WHERE "Id" IN (
                SELECT q."Id" FROM "{{Table}}" q
                WHERE ({{filter}}) AND (q."ClaimedUntilUtc" IS NULL OR q."ClaimedUntilUtc" < {{{n + 2}}})
                ORDER BY {{order}}
                LIMIT {{{n + 3}}}{{(db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "")}})
            RETURNING "Id" AS "Value"
            """;
        object[] parameters = [.. arguments, owner, nowUtc + lease, nowUtc, limit];
        return await db.Database.SqlQueryRaw<long>(sql, parameters).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Frees this instance's claims left from an earlier run under the same id (and any claim without an owner, which
    /// only a version before owners could leave). Other instances' claims stay until their lease runs out.
    /// </summary>
    public Task<int> ReleaseOwnAsync(StudyBotDbContext db, string owner, string unfinished, CancellationToken cancellationToken)
    {
        // The table and the condition are the stores' own constants; the owner goes in as a parameter.
        var sql = $$"""
            UPDATE "{{Table}}" SET "ClaimedBy" = NULL, "ClaimedUntilUtc" = NULL
            WHERE "ClaimedUntilUtc" IS NOT NULL AND ("ClaimedBy" = {0} OR "ClaimedBy" IS NULL) AND ({{unfinished}})
            """;
        return db.Database.ExecuteSqlRawAsync(sql, [owner], cancellationToken);
    }
}
