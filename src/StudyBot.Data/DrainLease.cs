using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Notifications;

namespace StudyBot.Data;

/// <summary>
/// <see cref="IDrainLease"/> on the <c>Leases</c> table (one row per platform, <c>outbox-drain:{platform}</c>): one
/// upsert takes the lease when it is free, expired or already this instance's (a restart under the same
/// <c>Instance:Id</c> takes it back at once), and changes nothing while another instance holds it. PostgreSQL locks the
/// row for the statement, so two instances asking at once never both get it.
/// </summary>
internal sealed class DrainLease(StudyBotDbContext db, StudyBotInstance instance) : IDrainLease
{
    public const string Prefix = "outbox-drain:";

    public async Task<bool> TryHoldAsync(string platform, DateTime nowUtc, TimeSpan length, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO "Leases" ("Name", "Holder", "ExpiresAtUtc") VALUES ({0}, {1}, {2})
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = excluded."Holder", "ExpiresAtUtc" = excluded."ExpiresAtUtc"
            WHERE "Leases"."Holder" = excluded."Holder" OR "Leases"."Holder" IS NULL OR "Leases"."ExpiresAtUtc" < {3}
            RETURNING "Holder" AS "Value"
            """;
        var held = await db.Database.SqlQueryRaw<string>(sql, Prefix + platform, instance.Id, nowUtc + length, nowUtc).ToListAsync(cancellationToken);
        return held.Count == 1;
    }
}
