using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;

namespace StudyBot.Data;

/// <summary>
/// <see cref="ISeenDeliveries"/> on the <c>SeenKeys</c> table. One statement marks all of a delivery's keys:
/// <c>INSERT ... ON CONFLICT ("Key") DO UPDATE SET "ExpiresAtUtc" = ... WHERE "SeenKeys"."ExpiresAtUtc" &lt;= now</c> inserts
/// a key that is absent and renews one whose window has passed, and changes nothing for a key seen within its window;
/// the count of rows it changed says whether all were new (then it commits) or not (then it rolls back, marking
/// nothing). On PostgreSQL a second instance marking the same key at the same moment waits for the first's commit on
/// the key's index and then finds it live; keys are marked in order, so two deliveries sharing keys never deadlock.
/// Expired rows are deleted every <see cref="SweepEvery"/> by whichever call comes due.
/// </summary>
internal sealed class SeenDeliveryStore(IServiceScopeFactory scopes, TimeProvider time) : ISeenDeliveries
{
    public static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(10);

    private const int MaxKeyLength = 300;

    private long _nextSweepTicks;

    public async Task<bool> TryMarkAsync(IReadOnlyList<string> keys, TimeSpan window, CancellationToken cancellationToken)
    {
        var ordered = keys.Select(k => DataText.Clip(k, MaxKeyLength)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (ordered.Count == 0)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        bool fresh;
        using (await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken))
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            var batch = new SqlBatch(db.IsPostgres);
            var until = now + window;
            var rows = string.Join(", ", ordered.Select(k => $"({batch.Bind(k)}, {batch.Bind(until)})"));
            batch.Append($"""
                INSERT INTO "SeenKeys" ("Key", "ExpiresAtUtc") VALUES {rows}
                ON CONFLICT ("Key") DO UPDATE SET "ExpiresAtUtc" = excluded."ExpiresAtUtc" WHERE "SeenKeys"."ExpiresAtUtc" <= {batch.Bind(now)}
                """);
            fresh = await batch.ExecuteAsync(db, cancellationToken) == ordered.Count;
            if (fresh)
            {
                await tx.CommitAsync(cancellationToken);
            }
            else
            {
                await tx.RollbackAsync(CancellationToken.None);
            }
        }

        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.Ticks >= due && Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepEvery).Ticks, due) == due)
        {
            await SweepAsync(db, now, cancellationToken);
        }

        return fresh;
    }

    /// <summary>Deletes the keys whose window has passed.</summary>
    internal static Task<int> SweepAsync(StudyBotDbContext db, DateTime nowUtc, CancellationToken cancellationToken) =>
        db.SeenKeys.Where(k => k.ExpiresAtUtc < nowUtc).ExecuteDeleteAsync(cancellationToken);
}
