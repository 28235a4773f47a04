using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The start's database check on SQLite (issue 14): an up-to-date database is recognised by one query of its migration
/// history, but every other case still goes the full way: a pending migration is applied, a database a newer
/// StudyBot upgraded is refused, and a new file is created and migrated.
/// </summary>
public sealed class StartupDatabaseTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"studybot-startup-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_database_missing_its_last_migration_gets_it_at_start()
    {
        IReadOnlyList<string> known;
        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
            known = db.Database.GetMigrations().ToList();

            // Back to the one before the last, as a database the previous version left.
            await db.GetService<IMigrator>().MigrateAsync(known[^2]);
            Assert.Equal(known.Count - 1, await CountAsync("SELECT COUNT(*) FROM __EFMigrationsHistory"));
        }

        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync());
        }
    }

    [Fact]
    public async Task A_database_a_newer_StudyBot_upgraded_is_refused_and_left_as_it_is()
    {
        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        await ExecuteAsync("INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('29990101000000_FromTheFuture', '10.0.0')");
        var before = await CountAsync("SELECT COUNT(*) FROM __EFMigrationsHistory");

        await using (var services = Services())
        {
            var refused = await Assert.ThrowsAsync<NewerDatabaseException>(() => StudyBotDatabase.MigrateAsync(services, CancellationToken.None));
            Assert.Equal("29990101000000_FromTheFuture", refused.Migration);
        }

        Assert.Equal(before, await CountAsync("SELECT COUNT(*) FROM __EFMigrationsHistory"));
    }

    [Fact]
    public async Task Starting_again_on_an_up_to_date_database_changes_nothing_and_keeps_the_data()
    {
        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        await ExecuteAsync("""
            INSERT INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, LeaderboardDay, LeaderboardMinutes, RemindersMaxPerWeek)
            VALUES ('console', 'local', 'Local study group', 'ml-zero-to-hero', 'UTC', '2026-11-01 00:00:00', 1, 540, 3)
            """);
        var history = await CountAsync("SELECT COUNT(*) FROM __EFMigrationsHistory");

        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
            await using var scope = services.CreateAsyncScope();
            Assert.Empty(await scope.ServiceProvider.GetRequiredService<StudyBotDbContext>().Database.GetPendingMigrationsAsync());
        }

        Assert.Equal(history, await CountAsync("SELECT COUNT(*) FROM __EFMigrationsHistory"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM Communities"));
    }

    [Fact]
    public async Task Leases_another_holder_left_behind_are_freed_at_start_and_this_instances_are_kept()
    {
        await using var services = Services();
        await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        var me = services.GetRequiredService<StudyBotInstance>().Id;
        await ExecuteAsync($"""
            INSERT INTO Leases (Name, Holder, ExpiresAtUtc, Value) VALUES ('crashed', 'gone-instance', '2999-01-01 00:00:00', 'x');
            INSERT INTO Leases (Name, Holder, ExpiresAtUtc, Value) VALUES ('mine', '{me}', '2999-01-01 00:00:00', 'y');
            INSERT INTO Leases (Name, Holder, ExpiresAtUtc, Value) VALUES ('free', NULL, '2000-01-01 00:00:00', 'z');
            """);

        var freed = await StudyBotDatabase.ReleaseOthersLeasesAsync(services, CancellationToken.None);

        Assert.Equal(1, freed);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM Leases WHERE Name = 'crashed' AND Holder IS NOT NULL"));
        Assert.Equal(1, await CountAsync($"SELECT COUNT(*) FROM Leases WHERE Name = 'mine' AND Holder = '{me}'"));
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM Leases"));
    }

    [Fact]
    public async Task Starting_on_an_up_to_date_database_checks_it_without_starting_EF_Core_and_still_frees_crashed_leases()
    {
        var first = new LogCapture();
        await using (var services = Services(first))
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        // A new file is created the full way: EF Core starts.
        Assert.Contains(first.Lines, l => l.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        await ExecuteAsync("INSERT INTO Leases (Name, Holder, ExpiresAtUtc, Value) VALUES ('crashed', 'gone-instance', '2999-01-01 00:00:00', 'x')");

        // An up-to-date one is checked with one plain query, and EF Core is left for the first command that needs it.
        var again = new LogCapture();
        await using (var services = Services(again))
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
            Assert.Equal(1, await StudyBotDatabase.ReleaseOthersLeasesAsync(services, CancellationToken.None));
        }

        Assert.DoesNotContain(again.Lines, l => l.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM Leases WHERE Holder IS NOT NULL"));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task The_migrations_the_quick_check_knows_are_the_ones_EF_Core_applies()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();

        Assert.Equal(db.Database.GetMigrations().Order(StringComparer.Ordinal), SqliteStartup.KnownMigrations.Order(StringComparer.Ordinal));
    }

    private ServiceProvider Services(LogCapture? logs = null)
    {
        var services = new ServiceCollection();
        if (logs is not null)
        {
            services.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        }

        return services.AddStudyBotData($"Data Source={_path};Pooling=False").BuildServiceProvider();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }


    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
