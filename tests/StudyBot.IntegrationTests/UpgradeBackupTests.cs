using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Safe upgrades (issue 15): before a start applies migrations to a SQLite database that already holds data, StudyBot
/// saves a copy of it beside the file and says where in one line, so the upgrade can be undone; a new or up-to-date
/// database gets no copy (the quick start stays quick), and a database a newer StudyBot upgraded is refused untouched.
/// </summary>
public sealed class UpgradeBackupTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 0, 30, 0, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("studybot-upgrade-").FullName;

    private string Database => Path.Combine(_folder, "studybot.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Creates the database at every migration, then takes it back to the one before the last; returns them all.</summary>
    private async Task<IReadOnlyList<string>> OneMigrationBehindAsync()
    {
        await using var services = Services();
        await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var known = db.Database.GetMigrations().ToList();
        await db.GetService<IMigrator>().MigrateAsync(known[^2]);
        return known;
    }

    [Fact]
    public async Task Upgrading_a_database_with_data_first_saves_a_copy_at_the_old_migration_and_says_where()
    {
        // As the previous version left it: one migration behind, with a community in it.
        var known = await OneMigrationBehindAsync();
        await ExecuteAsync(Database, """
            INSERT INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, LeaderboardDay, LeaderboardMinutes, RemindersMaxPerWeek)
            VALUES ('console', 'local', 'Local study group', 'ml-zero-to-hero', 'UTC', '2026-11-01 00:00:00', 1, 540, 3)
            """);
        SqliteConnection.ClearAllPools();

        var logs = new LogCapture();
        await using (var services = Services(logs))
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        var copy = $"{Database}.before-{known[^1]}-20261207003000.bak";
        Assert.True(File.Exists(copy), $"no copy {copy}; the folder holds {string.Join(", ", Directory.GetFiles(_folder).Select(Path.GetFileName))}");
        Assert.Equal("ok", await ScalarAsync(copy, "PRAGMA integrity_check"));
        Assert.Equal(known.Count - 1, Convert.ToInt32(await ScalarAsync(copy, "SELECT COUNT(*) FROM __EFMigrationsHistory")));
        Assert.Null(await ScalarAsync(copy, $"SELECT MigrationId FROM __EFMigrationsHistory WHERE MigrationId = '{known[^1]}'"));
        Assert.Equal("Local study group", await ScalarAsync(copy, "SELECT Name FROM Communities"));
        Assert.Equal(known.Count, Convert.ToInt32(await ScalarAsync(Database, "SELECT COUNT(*) FROM __EFMigrationsHistory")));

        var said = Assert.Single(logs.Lines, l => l.Message.Contains(copy, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, said.Level);
        Assert.Equal(
            $"Upgrading the database to {known[^1]}; a copy of it as it was is saved as {copy} (to go back: stop StudyBot, run 'studybot db restore' with that file, then start the older version)",
            said.Message);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(copy));
        }
    }

    [Fact]
    public async Task StudyBot_starting_on_an_older_database_says_where_it_saved_the_copy()
    {
        var known = await OneMigrationBehindAsync();
        SqliteConnection.ClearAllPools();
        var run = await HostProcess.RunAsync(_folder, "/progress\n", [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Database__ConnectionString", $"Data Source={Database}")]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        var copy = Assert.Single(Directory.GetFiles(_folder, $"studybot.db.before-{known[^1]}-*.bak"));
        var said = Assert.Single(run.StderrLines, l => l.Contains(copy, StringComparison.Ordinal));
        Assert.Contains($"Upgrading the database to {known[^1]}; a copy of it as it was is saved as {copy} (to go back:", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_database_and_an_up_to_date_one_get_no_copy()
    {
        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        Assert.Empty(Directory.GetFiles(_folder, "*.bak"));
    }

    [Fact]
    public async Task A_database_a_newer_StudyBot_upgraded_is_refused_without_a_copy_or_a_change()
    {
        await using (var services = Services())
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        }

        await ExecuteAsync(Database, "INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('29990101000000_FromTheFuture', '10.0.0')");
        SqliteConnection.ClearAllPools();
        var before = await File.ReadAllBytesAsync(Database);

        await using (var services = Services())
        {
            var refused = await Assert.ThrowsAsync<NewerDatabaseException>(() => StudyBotDatabase.MigrateAsync(services, CancellationToken.None));
            Assert.StartsWith(
                "the database has a migration this StudyBot does not know (29990101000000_FromTheFuture), so a newer StudyBot has upgraded it; run that version or a newer one, or restore a backup taken before that upgrade",
                refused.Message,
                StringComparison.Ordinal);
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(before, await File.ReadAllBytesAsync(Database));
        Assert.Empty(Directory.GetFiles(_folder, "*.bak"));
    }

    private ServiceProvider Services(LogCapture? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            if (logs is not null)
            {
                b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            }
        });
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        return services.AddStudyBotData($"Data Source={Database};Pooling=False").BuildServiceProvider();
    }

    private static async Task ExecuteAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(string file, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
