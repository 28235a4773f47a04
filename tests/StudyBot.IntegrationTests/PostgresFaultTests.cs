using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// PostgreSQL that is wrong, missing or away, with the real host process: one line naming the setting and exit code 1
/// when StudyBot cannot start (no stack trace, never the password), a bounded wait for a server that is still starting,
/// and a host that keeps answering (kindly) while its server is gone and carries on by itself when it is back.
/// Each test that stops a server owns a private cluster (<see cref="Postgres.StartPrivateClusterAsync"/>), never the
/// suite's shared one.
/// </summary>
public sealed class PostgresFaultTests : IDisposable
{
    private const string Secret = "hunter2-very-secret";

    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-pgfault-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private Task<HostProcess.Result> RunAsync(string connectionString, params (string Key, string Value)[] env) =>
        HostProcess.RunAsync(_workDir, "/progress\n", [
            ("Roadmaps__Directory", RepoPaths.Roadmaps),
            ("Database__Provider", "PostgreSQL"),
            ("Database__ConnectionString", connectionString),
            .. env]);

    private static string RefusedLine(HostProcess.Result run)
    {
        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}; stdout: {run.Stdout}");
        Assert.Equal("", run.Stdout);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, run.Stderr, StringComparison.Ordinal);
        var line = Assert.Single(run.StderrLines, l => l.StartsWith("StudyBot cannot start: ", StringComparison.Ordinal));
        Assert.Equal(line, run.StderrLines[^1]);
        return line;
    }

    [PostgresFact]
    public async Task A_server_with_nothing_listening_stops_the_host_after_a_bounded_wait_with_one_line_naming_the_setting()
    {
        var port = Postgres.UnusedPort();

        var run = await RunAsync(
            string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Database=studybot;Username=studybot;Password={Secret}"),
            ("Database__WaitAtStart", "00:00:02"));

        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"StudyBot cannot start: Database:ConnectionString: cannot connect to PostgreSQL at 127.0.0.1:{port} (Connection refused); is it running? (tried for 2 s, Database:WaitAtStart)"),
            RefusedLine(run));
        Assert.Single(run.StderrLines, l => l.Contains(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL at 127.0.0.1:{port} cannot be reached yet"), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("01:00:00", "Database:WaitAtStart '01:00:00' is out of range; use a duration from 00:00:00 (do not wait) to 00:30:00, e.g. 00:01:00.")]
    [InlineData("-00:00:05", "Database:WaitAtStart '-00:00:05' is out of range")]
    [InlineData("soon", "Database:WaitAtStart 'soon' is not a duration")]
    public async Task A_wait_at_start_that_is_not_a_sensible_duration_is_named(string value, string expected)
    {
        var run = await RunAsync($"Host=127.0.0.1;Port={Postgres.UnusedPort()};Database=studybot;Username=studybot;Password={Secret}", ("Database__WaitAtStart", value));

        Assert.Contains(expected, RefusedLine(run), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_wrong_password_stops_the_host_at_once_with_one_line_that_never_shows_a_password()
    {
        await using var cluster = await Postgres.StartPrivateClusterAsync(password: Secret + "-right");
        var right = await cluster.CreateDatabaseAsync();
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(right) { Password = Secret }.ConnectionString;

        var run = await RunAsync(wrong);

        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"StudyBot cannot start: Database:ConnectionString: PostgreSQL at 127.0.0.1:{cluster.Port} refused the login of \"postgres\" (28P01: password authentication failed for user \"postgres\"); check Username and Password."),
            RefusedLine(run));
        Assert.DoesNotContain(Secret + "-right", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be reached yet", run.Stderr, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task An_unknown_user_stops_the_host_at_once_with_one_line_naming_the_setting()
    {
        var good = new Npgsql.NpgsqlConnectionStringBuilder(await Postgres.CreateDatabaseAsync());
        var unknown = new Npgsql.NpgsqlConnectionStringBuilder(good.ConnectionString) { Username = "nobody", Password = Secret };

        var run = await RunAsync(unknown.ConnectionString);

        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"StudyBot cannot start: Database:ConnectionString: PostgreSQL at 127.0.0.1:{good.Port} refused the login of \"nobody\" (28000: role \"nobody\" does not exist); check Username and Password."),
            RefusedLine(run));
    }

    [PostgresFact]
    public async Task A_database_that_does_not_exist_stops_the_host_with_how_to_create_it()
    {
        var good = new Npgsql.NpgsqlConnectionStringBuilder(await Postgres.CreateDatabaseAsync());
        var missing = new Npgsql.NpgsqlConnectionStringBuilder(good.ConnectionString) { Database = "no_such_studybot", Password = Secret };

        var run = await RunAsync(missing.ConnectionString);

        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"StudyBot cannot start: Database:ConnectionString: the database \"no_such_studybot\" does not exist on 127.0.0.1:{good.Port}; create it first (CREATE DATABASE \"no_such_studybot\")."),
            RefusedLine(run));
    }

    [PostgresFact]
    public async Task A_server_that_is_down_at_start_is_waited_for_and_the_host_starts_when_it_comes_up()
    {
        await using var cluster = await Postgres.StartPrivateClusterAsync();
        var connection = await cluster.CreateDatabaseAsync();
        await cluster.StopAsync();

        using var host = RunningHost.Start(
            _workDir,
            ("Database__Provider", "PostgreSQL"),
            ("Database__ConnectionString", connection),
            ("Database__WaitAtStart", "00:02:00"));
        await host.LoggedAsync(string.Create(CultureInfo.InvariantCulture, $"PostgreSQL at 127.0.0.1:{cluster.Port} cannot be reached yet (Connection refused); waiting up to 120 s for it (Database:WaitAtStart)"));

        await cluster.StartAsync();

        await host.SayAsync("/progress done python-basics", "✅ Marked Python Basics (python-basics) done");
        Assert.Equal(0, await host.StopAsync());
        Assert.DoesNotContain("   at ", host.Stderr, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task A_database_a_newer_StudyBot_upgraded_is_refused_and_left_as_it_is()
    {
        var connection = await Postgres.CreateDatabaseAsync();
        await MigrateAsync(connection, target: null);
        await ExecuteAsync(connection, """INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion") VALUES ('29990101000000_FromTheFuture', '10.0.0')""");
        var before = await CountAsync(connection, """SELECT COUNT(*) FROM "__EFMigrationsHistory" """);

        var run = await RunAsync(connection);

        Assert.Equal(
            "StudyBot cannot start: Database:ConnectionString: the database has a migration this StudyBot does not know (29990101000000_FromTheFuture), "
            + "so a newer StudyBot has upgraded it; run that version or a newer one, or restore a backup taken before that upgrade (StudyBot never downgrades a database). Nothing was changed.",
            RefusedLine(run));
        Assert.Equal(before, await CountAsync(connection, """SELECT COUNT(*) FROM "__EFMigrationsHistory" """));
        Assert.Equal(0, await CountAsync(connection, """SELECT COUNT(*) FROM "Members" """));
    }

    [PostgresFact]
    public async Task A_database_one_migration_behind_is_upgraded_at_start_and_keeps_its_data()
    {
        var connection = await Postgres.CreateDatabaseAsync();
        string[] all;
        await using (var services = new ServiceCollection().AddStudyBotData(DatabaseProvider.PostgreSQL, connection).BuildServiceProvider())
        {
            await using var scope = services.CreateAsyncScope();
            all = [.. scope.ServiceProvider.GetRequiredService<StudyBotDbContext>().Database.GetMigrations()];
        }

        await MigrateAsync(connection, target: all[^2]);
        await ExecuteAsync(connection, """INSERT INTO "Communities" ("Platform", "ExternalId", "Name", "RoadmapId", "TimeZoneId", "CreatedAtUtc", "LeaderboardDay", "LeaderboardMinutes", "RemindersMaxPerWeek") VALUES ('console', 'elsewhere', 'Kept', 'ml-zero-to-hero', 'UTC', now(), 1, 540, 2)""");

        var run = await RunAsync(connection);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("> /progress", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(all.Length, await CountAsync(connection, """SELECT COUNT(*) FROM "__EFMigrationsHistory" """));
        Assert.Equal(1, await CountAsync(connection, """SELECT COUNT(*) FROM "Communities" WHERE "ExternalId" = 'elsewhere' AND "Name" = 'Kept'"""));
    }

    [PostgresFact]
    public async Task A_server_that_goes_away_mid_run_gets_a_kind_answer_one_log_line_and_the_host_carries_on_when_it_is_back()
    {
        await using var cluster = await Postgres.StartPrivateClusterAsync();
        var connection = await cluster.CreateDatabaseAsync();
        using var host = RunningHost.Start(
            _workDir,
            ("Database__Provider", "PostgreSQL"),
            ("Database__ConnectionString", connection),
            ("Scheduling__OutboxInterval", "00:00:00.5"),
            ("Scheduling__CelebrationInterval", "00:00:00.5"),
            ("Scheduling__RoleInterval", "00:00:00.5"));
        await host.SayAsync("/progress done python-basics", "✅ Marked Python Basics (python-basics) done");

        await cluster.StopAsync();

        await host.SayAsync("/progress done numpy", "I can't reach my database right now, so nothing was changed. Please try again in a minute.");
        await host.LoggedAsync("The database cannot be reached");

        // Long enough for the scheduler to try its store a good many times (jobs every half second, the cluster check-in
        // every 15 s): the outage is logged once all the same. A wait for something not to happen, not a timing check.
        await Task.Delay(TimeSpan.FromSeconds(20));
        await host.SayAsync("/progress", "I can't reach my database right now");

        await cluster.StartAsync();

        await host.SayAsync("/progress done numpy", "✅ Marked NumPy (numpy) done");
        Assert.Equal(0, await host.StopAsync());

        var stderr = host.Stderr;
        Assert.True(stderr.Split('\n').Count(l => l.Contains("The database cannot be reached", StringComparison.Ordinal)) == 1, stderr);
        Assert.False(stderr.Contains("   at ", StringComparison.Ordinal) || stderr.Contains("Quartz", StringComparison.Ordinal) || stderr.Contains("fail:", StringComparison.Ordinal), stderr);
        Assert.Equal(1, await CountAsync(connection, """SELECT COUNT(*) FROM "ItemProgress" WHERE "ItemId" = 'numpy'"""));
    }

    [PostgresFact]
    public async Task Messages_waiting_while_the_server_is_away_stay_pending_and_go_out_once_when_it_is_back()
    {
        await using var cluster = await Postgres.StartPrivateClusterAsync();
        var logs = new LogCapture();
        await using var bot = await TestBot.StartAsync(
            now: new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero),
            provider: DatabaseProvider.PostgreSQL,
            postgres: await cluster.CreateDatabaseAsync(),
            configure: s =>
            {
                s.AddLogging(b => b.AddProvider(logs).AddFilter<LogCapture>((_, level) => level >= LogLevel.Information));
                StudyBot.Host.StoreOutageLogging.Add(s);
            });
        await bot.SayAsync("Ada", "/progress skip foundation known");
        bot.Time.SetUtcNow(bot.Time.GetUtcNow().AddMinutes(1));
        await bot.Services.GetRequiredService<StudyBot.Core.Notifications.CelebrationService>().RunAsync(CancellationToken.None);
        var pending = await bot.CountAsync("""SELECT COUNT(*) FROM "Outbox" WHERE "SentAtUtc" IS NULL""");
        Assert.True(pending > 0, "completing the phase queued no celebration");

        await cluster.StopAsync();

        var reply = await bot.SayAsync("Ada", "/progress done numpy");
        Assert.Equal(StudyBot.Core.Commands.CommandExecutor.UnavailableText, reply.Text);
        for (var run = 0; run < 5; run++)
        {
            Assert.Equal(0, await bot.DrainAsync(TimeSpan.FromSeconds(5)));
        }

        Assert.Empty(bot.Notifier.Deliveries);
        Assert.Single(logs.Lines, l => l.Message.StartsWith("The database cannot be reached", StringComparison.Ordinal));
        var errors = logs.Lines.Where(l => l.Level >= LogLevel.Error).Select(l => l.Text).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));

        await cluster.StartAsync();

        // The test's own idle connections died with the server; the bot's are its own business.
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(bot.ConnectionString));
        Assert.Equal(pending, await bot.DrainAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(pending, bot.Notifier.Deliveries.Count);
        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "Outbox" WHERE "SentAtUtc" IS NULL"""));
        Assert.Equal(0, await bot.DrainAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains("Marked NumPy", ReplyText.All(await bot.SayAsync("Ada", "/progress done numpy")), StringComparison.Ordinal);
        Assert.Single(logs.Lines, l => l.Message.StartsWith("The database is reachable again", StringComparison.Ordinal));
    }

    private static async Task MigrateAsync(string connection, string? target)
    {
        await using var services = new ServiceCollection().AddStudyBotData(DatabaseProvider.PostgreSQL, connection).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        await db.GetService<IMigrator>().MigrateAsync(target);
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> CountAsync(string connection, string sql)
    {
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
