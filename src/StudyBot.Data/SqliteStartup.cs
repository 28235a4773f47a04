using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Logging;

namespace StudyBot.Data;

/// <summary>
/// The cheap start of a SQLite database that is already up to date. EF's own migrate builds the history table's model,
/// compiles its query and compares the whole model with the last migration's snapshot, every start, hundreds of
/// milliseconds before the first reply; when the history lists every migration this version knows (one plain query
/// tells), there is nothing for it to do. Anything else (a new file, a pending migration) still goes the full way.
/// </summary>
/// <summary>The SQLite database <see cref="DataServiceCollectionExtensions.AddStudyBotData(Microsoft.Extensions.DependencyInjection.IServiceCollection, DatabaseProvider, string)"/> was given.</summary>
internal sealed record SqliteDatabase(string ConnectionString)
{
    /// <summary>A database in a file (an in-memory one lives in its connections: only EF's own pool reaches it).</summary>
    public bool InFile => SqliteFile.PathOf(ConnectionString) is not null;
}

internal static partial class SqliteStartup
{
    /// <summary>
    /// The migrations of <see cref="StudyBotDbContext"/> in this assembly, found as EF Core finds them (a constructible
    /// <see cref="Migration"/> for this context, by its <see cref="MigrationAttribute"/> id), without starting EF Core.
    /// </summary>
    public static IReadOnlyCollection<string> KnownMigrations => Known.Value;

    private static readonly Lazy<HashSet<string>> Known = new(() => typeof(StudyBotDbContext).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && t.IsSubclassOf(typeof(Migration))
            && t.GetCustomAttribute<DbContextAttribute>()?.ContextType == typeof(StudyBotDbContext))
        .Select(t => t.GetCustomAttribute<MigrationAttribute>()?.Id)
        .OfType<string>()
        .ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// The start of a SQLite database every known migration is applied to, on a plain connection: the history read,
    /// the refusal of a newer database, WAL and the planner's statistics. EF Core, its service provider and its model
    /// are left for the first command that needs them (a help or a ping needs none). False, having written nothing,
    /// when the database is new or has a migration pending: then the full way (<see cref="MigrateAsync"/>) follows.
    /// </summary>
    public static async Task<bool> TryStartUpToDateAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var applied = await AppliedMigrationsAsync(connection, HistoryRepository.DefaultTableName, cancellationToken);
        RefuseNewer(Known.Value, applied ?? []);
        if (applied is null || !Known.Value.IsSubsetOf(applied))
        {
            return false;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        await command.ExecuteNonQueryAsync(cancellationToken);

        // Gives the query planner fresh statistics where they matter; cheap, and recommended at start-up.
        command.CommandText = "PRAGMA optimize=0x10002;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    /// <summary>Frees every lease another holder than <paramref name="me"/> holds, on a plain connection: one UPDATE.</summary>
    public static async Task<int> ReleaseOthersLeasesAsync(string connectionString, string me, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE \"Leases\" SET \"Holder\" = NULL WHERE \"Holder\" IS NOT NULL AND \"Holder\" <> $me";
        command.Parameters.AddWithValue("$me", me);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The migrations the database lists as applied, in order; null when it has no history table yet.</summary>
    public static async Task<List<string>?> AppliedMigrationsAsync(StudyBotDbContext db, CancellationToken cancellationToken)
    {
        var table = RelationalOptionsExtension.Extract(db.GetService<IDbContextOptions>()).MigrationsHistoryTableName
            ?? HistoryRepository.DefaultTableName;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            return await AppliedMigrationsAsync(db.Database.GetDbConnection(), table, cancellationToken);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    internal static async Task<List<string>?> AppliedMigrationsAsync(System.Data.Common.DbConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
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

    /// <summary>
    /// Applies what is pending, the full way (EF's migrate); refuses a database a newer StudyBot upgraded (a migration
    /// this version does not know) before anything is written; does nothing more when every known migration is applied.
    /// A database in a file that already holds a migration is first copied beside itself
    /// (<c>&lt;name&gt;.before-&lt;first pending migration&gt;-&lt;yyyyMMddHHmmss&gt;.bak</c>, logged in one line), so an upgrade
    /// can be undone by restoring that copy and running the older version; a copy that cannot be made stops the upgrade.
    /// </summary>
    public static async Task MigrateAsync(StudyBotDbContext db, ILogger logger, TimeProvider time, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var applied = await AppliedMigrationsAsync(db, cancellationToken);
        RefuseNewer(known, applied ?? []);
        if (applied is not null && known.IsSubsetOf(applied))
        {
            return;
        }

        if (applied is { Count: > 0 } && db.Database.GetConnectionString() is { } connection && SqliteFile.PathOf(connection) is { } file)
        {
            var next = known.Except(applied).Order(StringComparer.Ordinal).First();
            var copy = SqliteBackup.Unused($"{file}.before-{next}-{SqliteBackup.Stamp(time)}", ".bak");
            try
            {
                await SqliteBackup.SaveCopyAsync(file, copy, cancellationToken);
            }
            catch (SqliteBackupException ex)
            {
                throw new IOException($"before upgrading, StudyBot saves a copy of the database, and it could not ({ex.Message}); the database was not changed");
            }

            LogCopiedBeforeUpgrade(logger, known.Max(StringComparer.Ordinal)!, copy);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Upgrading the database to {Migration}; a copy of it as it was is saved as {Copy} (to go back: stop StudyBot, run 'studybot db restore' with that file, then start the older version)")]
    private static partial void LogCopiedBeforeUpgrade(ILogger logger, string migration, string copy);

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
