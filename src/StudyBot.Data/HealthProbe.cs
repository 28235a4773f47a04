using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace StudyBot.Data;

/// <summary>What a readiness probe learns from the database in one visit.</summary>
/// <param name="PendingMigrations">Migrations this version knows that the database has not applied.</param>
/// <param name="OldestDueUtc">The due time of the oldest outbox row that is due and neither sent nor given up, or null.</param>
public sealed record DatabaseProbe(int PendingMigrations, DateTime? OldestDueUtc);

/// <summary>The database side of the health checks: two small reads, the same EF queries on SQLite and PostgreSQL.</summary>
public static class HealthProbe
{
    /// <summary>
    /// Asks the database whether its migrations are applied and how old the oldest due, unsent outbox row of
    /// <paramref name="platforms"/> is (the platforms this process delivers to: rows for a platform that is switched off
    /// wait for it to come back and do not make this process look behind). Throws when the database does not answer.
    /// </summary>
    public static async Task<DatabaseProbe> ProbeAsync(IServiceProvider services, IReadOnlyCollection<string> platforms, DateTime nowUtc, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).Count();
        // The outbox gauges' query (one grouped read per platform), so "due and waiting" means the same everywhere.
        var backlog = await OutboxBacklogQuery.ReadAsync(scope.ServiceProvider, nowUtc, cancellationToken);
        var oldest = backlog
            .Where(b => platforms.Contains(b.Platform, StringComparer.Ordinal))
            .Select(b => (DateTime?)DateTime.SpecifyKind(nowUtc - b.OldestDueAge, DateTimeKind.Utc))
            .Min();
        return new DatabaseProbe(pending, oldest);
    }
}
