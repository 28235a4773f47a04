using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace StudyBot.Data;

/// <summary>
/// The cheap start of a SQLite database that is already up to date. EF's own migrate builds the history table's model,
/// compiles its query and compares the whole model with the last migration's snapshot, every start, hundreds of
/// milliseconds before the first reply; when the history lists every migration this version knows (one plain query
/// tells), there is nothing for it to do. Anything else (a new file, a pending migration) still goes the full way.
/// </summary>
internal static class SqliteStartup
{
    /// <summary>The migrations the database lists as applied, in order; null when it has no history table yet.</summary>
    public static async Task<List<string>?> AppliedMigrationsAsync(StudyBotDbContext db, CancellationToken cancellationToken)
    {
        var table = RelationalOptionsExtension.Extract(db.GetService<IDbContextOptions>()).MigrationsHistoryTableName
            ?? HistoryRepository.DefaultTableName;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $table";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "$table";
            parameter.Value = table;
            command.Parameters.Add(parameter);
            if (await command.ExecuteScalarAsync(cancellationToken) is null)
            {
                return null;
            }

            command.Parameters.Clear();
            command.CommandText = $"SELECT \"MigrationId\" FROM \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\" ORDER BY \"MigrationId\"";
            var applied = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }

            return applied;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Applies what is pending, the full way (EF's migrate); refuses a database a newer StudyBot upgraded (a migration
    /// this version does not know) before anything is written; does nothing more when every known migration is applied.
    /// </summary>
    public static async Task MigrateAsync(StudyBotDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var applied = await AppliedMigrationsAsync(db, cancellationToken);
        RefuseNewer(known, applied ?? []);
        if (applied is not null && known.IsSubsetOf(applied))
        {
            return;
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>Refuses a database that lists a migration this version does not know: a newer StudyBot upgraded it.</summary>
    public static void RefuseNewer(HashSet<string> known, IEnumerable<string> applied)
    {
        var unknown = applied.Where(m => !known.Contains(m)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new NewerDatabaseException(unknown[^1]);
        }
    }

    /// <summary>Frees every lease another holder than <paramref name="me"/> holds: one plain UPDATE.</summary>
    public static Task<int> ReleaseOthersLeasesAsync(StudyBotDbContext db, string me, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"UPDATE \"Leases\" SET \"Holder\" = NULL WHERE \"Holder\" IS NOT NULL AND \"Holder\" <> {me}", cancellationToken);
}
