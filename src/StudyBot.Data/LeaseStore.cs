using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Coordination;

namespace StudyBot.Data;

/// <summary>
/// <see cref="ILeaseStore"/> on the <c>Leases</c> table, held by this process's <see cref="StudyBotInstance"/>. Taking or
/// renewing a lease is one statement on both providers, an insert that on a conflicting name updates the row only when
/// the lease is free, run out or already ours: PostgreSQL locks the conflicting row and checks the condition on its
/// newest version, so two instances asking at once never both get it; on SQLite the write gate queues it behind this
/// process's other writers (one process per file). Time is the injected clock's: instances' clocks must agree within
/// a few seconds, as NTP keeps them. A singleton: each call takes a pooled context in a scope of its own.
/// </summary>
internal sealed class LeaseStore(IServiceScopeFactory scopes, StudyBotInstance instance, TimeProvider time) : ILeaseStore
{
    public string Holder => instance.Id;

    public async Task<bool> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        CheckName(name);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var gate = scope.ServiceProvider.GetRequiredService<WriteGate>();
        using var writing = await gate.EnterAsync(cancellationToken);

        // Read after the gate: a lease is set to run out from the moment it is written, not from when the caller queued.
        var now = time.GetUtcNow().UtcDateTime;
        return await TakeAsync(db, name, Holder, now, timeToLive, cancellationToken);
    }

    /// <summary>
    /// The one statement that takes or renews a lease (for <paramref name="holder"/>, until <paramref name="nowUtc"/> +
    /// <paramref name="timeToLive"/>) when it is free, run out or already the holder's; true when it did.
    /// </summary>
    internal static async Task<bool> TakeAsync(StudyBotDbContext db, string name, string holder, DateTime nowUtc, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var written = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "Leases" ("Name", "Holder", "ExpiresAtUtc", "Value") VALUES ({name}, {holder}, {nowUtc + timeToLive}, NULL)
            ON CONFLICT ("Name") DO UPDATE SET "Holder" = excluded."Holder", "ExpiresAtUtc" = excluded."ExpiresAtUtc"
            WHERE "Leases"."Holder" = excluded."Holder" OR "Leases"."Holder" IS NULL OR "Leases"."ExpiresAtUtc" <= {nowUtc}
            """,
            cancellationToken);
        return written == 1;
    }

    public async Task ReleaseAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        using var writing = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);
        var holder = Holder;
        await db.Leases.Where(l => l.Name == name && l.Holder == holder)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, (string?)null), cancellationToken);
    }

    public async Task<IReadOnlyList<LiveLease>> ListLiveAsync(string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var rows = await db.Leases.AsNoTracking()
            .Where(l => l.Name.StartsWith(prefix) && l.Holder != null && l.ExpiresAtUtc > now)
            .Select(l => new { l.Name, l.Holder, l.ExpiresAtUtc })
            .ToListAsync(cancellationToken);

        // Ordered here: the providers' collations would order names differently.
        return rows
            .Select(r => new LiveLease(r.Name, r.Holder!, new DateTimeOffset(DateTime.SpecifyKind(r.ExpiresAtUtc, DateTimeKind.Utc))))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<string?> ReadValueAsync(string name, CancellationToken cancellationToken)
    {
        CheckName(name);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        return await db.Leases.AsNoTracking().Where(l => l.Name == name).Select(l => l.Value).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task<bool> WriteValueAsync(string name, string? value, CancellationToken cancellationToken)
    {
        CheckName(name);
        if (value is { Length: > LeaseLimits.MaxValueLength })
        {
            throw new ArgumentException($"a lease's value is at most {LeaseLimits.MaxValueLength} characters", nameof(value));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        using var writing = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);
        var holder = Holder;
        var now = time.GetUtcNow().UtcDateTime;
        var written = await db.Leases.Where(l => l.Name == name && l.Holder == holder && l.ExpiresAtUtc > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Value, value), cancellationToken);
        return written == 1;
    }

    private static void CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > LeaseLimits.MaxNameLength)
        {
            throw new ArgumentException($"a lease's name is at most {LeaseLimits.MaxNameLength} characters", nameof(name));
        }
    }
}
