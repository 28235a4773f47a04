using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Testing;

namespace StudyBot.Benchmarks;

/// <summary>
/// Issue 13: the scheduling queries on a community of 100,000 members (the data of <see cref="NotificationBenchmarks"/>),
/// on SQLite and on PostgreSQL side by side: each round runs every query once on each database, so both see the same
/// machine. Median and p99 over the rounds; the PostgreSQL plans (EXPLAIN ANALYZE of the SQL EF sent) at the end.
/// PostgreSQL is a private server started for the run (initdb + pg_ctl, as the tests do) and stopped at the end.
/// Run: dotnet run -c Release --project benchmarks/StudyBot.Benchmarks -- queries [rounds]
/// </summary>
internal static class QueryDriver
{
    private static readonly CommunityRef Community = new(Platforms.Console, "big", "Big community");

    public static async Task RunAsync(int rounds)
    {
        var sqlitePath = Path.Combine(Path.GetTempPath(), $"studybot-bench-{Guid.NewGuid():N}.db");
        var captured = new SqlCapture();
        ServiceProvider? sqlite = null;
        ServiceProvider? postgres = null;
        try
        {
            sqlite = Services(DatabaseProvider.Sqlite, $"Data Source={sqlitePath}", null);
            postgres = Services(DatabaseProvider.PostgreSQL, await Postgres.CreateDatabaseAsync(), captured);
            foreach (var (name, services) in new[] { ("SQLite", sqlite), ("PostgreSQL", postgres) })
            {
                await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
                var watch = Stopwatch.StartNew();
                await SeedAsync(services);
                Console.WriteLine(FormattableString.Invariant($"// {name}: seeded {NotificationBenchmarks.Members:N0} members and their week in {watch.Elapsed.TotalSeconds:0.0} s"));
            }

            var queries = new (string Name, Func<IServiceProvider, Task<int>> Run)[]
            {
                ("due reminders: one batch (200) at the peak minute", DueBatch),
                ("due reminders: an ordinary minute", DueOrdinaryMinute),
                ("leaderboard: top by points (one query)", TopByPoints),
                ("weekly leaderboard post (3 rankings)", WeeklyLeaderboard),
            };
            var times = queries.ToDictionary(q => q.Name, _ => (Sqlite: new List<double>(), Postgres: new List<double>()));
            var load = new List<double>();
            for (var round = -20; round < rounds; round++)
            {
                foreach (var (name, run) in queries)
                {
                    var s = await TimeAsync(sqlite, run);
                    var p = await TimeAsync(postgres, run);
                    if (round >= 0)
                    {
                        times[name].Sqlite.Add(s);
                        times[name].Postgres.Add(p);
                    }
                }

                if (round % 50 == 0)
                {
                    load.Add(double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture));
                }
            }

            Console.WriteLine(FormattableString.Invariant($"// {rounds} rounds after 20 warm-up ones; machine load average {load.Min():0.0}-{load.Max():0.0} during the run"));
            Console.WriteLine("| Query | SQLite median | SQLite p99 | PostgreSQL median | PostgreSQL p99 | Goal |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
            foreach (var (name, _) in queries)
            {
                var (s, p) = times[name];
                var goal = name.StartsWith("due", StringComparison.Ordinal) ? "under 50 ms" : "under 100 ms";
                Console.WriteLine(FormattableString.Invariant(
                    $"| {name} | {Percentile(s, 50):0.00} ms | {Percentile(s, 99):0.00} ms | {Percentile(p, 50):0.00} ms | {Percentile(p, 99):0.00} ms | {goal} |"));
            }

            // The plans PostgreSQL chose, for the SQL EF sent (captured on the PostgreSQL context).
            captured.Enabled = true;
            captured.Commands.Clear();
            await DueBatch(postgres);
            await WeeklyLeaderboard(postgres);
            captured.Enabled = false;
            foreach (var command in captured.Commands.Where(c => c.Contains("\"NextReminderAtUtc\" <=", StringComparison.Ordinal) || c.Contains("\"PeriodStats\"", StringComparison.Ordinal)))
            {
                Console.WriteLine("// EXPLAIN ANALYZE on PostgreSQL:");
                await using var scope = postgres.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
                var connection = db.Database.GetDbConnection();
                await connection.OpenAsync();
                await using var explain = connection.CreateCommand();
                explain.CommandText = "EXPLAIN (ANALYZE, BUFFERS) " + command;
                await using var reader = await explain.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    Console.WriteLine("//   " + reader.GetString(0));
                }
            }
        }
        finally
        {
            sqlite?.Dispose();
            postgres?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(sqlitePath + suffix);
            }

            Postgres.Stop();
        }
    }

    private static ServiceProvider Services(DatabaseProvider provider, string connectionString, SqlCapture? capture)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Critical))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new CoreSettings())
            .AddSingleton(new RoadmapCatalog(RoadmapLoader.LoadDirectory(Paths.Roadmaps), "ml-zero-to-hero"))
            .AddStudyBotCore()
            .AddStudyBotData(provider, connectionString);
        if (capture is not null)
        {
            services.ConfigureDbContext<StudyBotDbContext>(o => o.AddInterceptors(capture));
        }

        return services.BuildServiceProvider();
    }

    private static async Task<double> TimeAsync(IServiceProvider services, Func<IServiceProvider, Task<int>> run)
    {
        var start = Stopwatch.GetTimestamp();
        await run(services);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static async Task<int> DueBatch(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IReminderStore>();
        return (await store.DueAsync(NotificationBenchmarks.PeakMinute, ReminderService.BatchSize, CancellationToken.None)).Count;
    }

    private static async Task<int> DueOrdinaryMinute(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IReminderStore>();
        return (await store.DueAsync(NotificationBenchmarks.PeakMinute.AddHours(-30), ReminderService.BatchSize, CancellationToken.None)).Count;
    }

    private static async Task<int> TopByPoints(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var boards = scope.ServiceProvider.GetRequiredService<ILeaderboardStore>();
        var week = NotificationBenchmarks.Week;
        var cutoff = Leaderboards.BeginnerCutoff(week.AddDays(6));
        return (await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Points, week, cutoff, Leaderboards.PostSize), CancellationToken.None)).Count;
    }

    private static async Task<int> WeeklyLeaderboard(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var boards = scope.ServiceProvider.GetRequiredService<ILeaderboardStore>();
        var week = NotificationBenchmarks.Week;
        var cutoff = Leaderboards.BeginnerCutoff(week.AddDays(6));
        var top = await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Points, week, cutoff, Leaderboards.PostSize), CancellationToken.None);
        var consistent = await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Consistency, week, cutoff, 3), CancellationToken.None);
        var improved = await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Improved, week, cutoff, 3), CancellationToken.None);
        return Leaderboards.WeeklyPost(Community.Name, week, top, consistent, improved).Fields.Count;
    }

    /// <summary>
    /// The data of <see cref="NotificationBenchmarks.Seed"/> (same random sequence), written through the context's own
    /// connection in multi-row INSERTs that both databases read alike, then the planner's statistics refreshed.
    /// </summary>
    private static async Task SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, tx, """
            INSERT INTO "Communities" ("Platform", "ExternalId", "Name", "RoadmapId", "TimeZoneId", "CreatedAtUtc", "RemindersMaxPerWeek", "LeaderboardDay", "LeaderboardMinutes")
            VALUES ('console', 'big', 'Big community', 'ml-zero-to-hero', 'UTC', '2026-01-01 00:00:00', 2, 1, 540)
            """);
        var random = new Random(42);
        var week = NotificationBenchmarks.Week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        const int Batch = 1000;
        for (var from = 1; from <= NotificationBenchmarks.Members; from += Batch)
        {
            var members = new StringBuilder("""
                INSERT INTO "Members" ("CommunityId", "UserId", "DisplayName", "TimeZoneId", "Path", "Pace", "StartDate", "Onboarded", "CreatedAtUtc", "UpdatedAtUtc",
                                     "Privacy", "Celebrate", "RemindersOn", "PlanDays", "PlanMinutes", "PlanFrequency", "NextReminderAtUtc",
                                     "UnansweredReminders", "RemindersPaused", "FreshStartPending", "DmNoticePending", "LastTemplate") VALUES
                """);
            var stats = new StringBuilder("""
                INSERT INTO "PeriodStats" ("MemberId", "Kind", "PeriodStart", "CommunityId", "Points", "Minutes", "ItemsDone", "ActiveDays", "ActiveDayCount", "PrevPoints", "Improvement") VALUES
                """);
            for (var i = from; i < from + Batch && i <= NotificationBenchmarks.Members; i++)
            {
                var start = random.Next(10) == 0 ? "2026-11-10" : "2026-03-01";
                var privacy = random.Next(10) switch { 0 => 2, < 4 => 1, _ => 0 };
                var at = random.Next(10) == 0 ? NotificationBenchmarks.PeakMinute : NotificationBenchmarks.PeakMinute.AddDays(-3).AddMinutes(random.Next(7 * 24 * 60));
                var due = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                members.Append(CultureInfo.InvariantCulture, $"{(i == from ? "" : ",")}\n(1, 'user-{i}', 'user-{i}', 'UTC', 0, 0, '{start}', TRUE, '2026-01-01 00:00:00', '2026-01-01 00:00:00', {privacy}, 0, TRUE, 1, 1140, 0, '{due}', 0, FALSE, FALSE, FALSE, -1)");
                var mins = random.Next(0, 900);
                var points = (mins / 10) + (random.Next(4) * 10);
                var items = random.Next(4);
                var mask = random.Next(128);
                var prev = random.Next(0, 100);
                stats.Append(CultureInfo.InvariantCulture, $"{(i == from ? "" : ",")}\n({i}, 0, '{week}', 1, {points}, {mins}, {items}, {mask}, {System.Numerics.BitOperations.PopCount((uint)mask)}, {prev}, {points - prev})");
            }

            await ExecuteAsync(connection, tx, members.ToString());
            await ExecuteAsync(connection, tx, stats.ToString());
        }

        await tx.CommitAsync();
        await ExecuteAsync(connection, null, db.IsPostgres ? "ANALYZE" : "PRAGMA optimize=0x10002");
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? tx, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Keeps the SQL (with its parameters inlined as literals) of the commands run while enabled.</summary>
    private sealed class SqlCapture : DbCommandInterceptor
    {
        public bool Enabled { get; set; }

        public List<string> Commands { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Enabled)
            {
                var sql = command.CommandText;
                foreach (var parameter in command.Parameters.Cast<DbParameter>().OrderByDescending(p => p.ParameterName.Length))
                {
                    var value = parameter.Value switch
                    {
                        DateTime t => $"'{t:yyyy-MM-dd HH:mm:ss}'::timestamptz",
                        DateOnly d => $"'{d:yyyy-MM-dd}'::date",
                        string s => $"'{s.Replace("'", "''", StringComparison.Ordinal)}'",
                        null or DBNull => "NULL",
                        var v => Convert.ToString(v, CultureInfo.InvariantCulture)!,
                    };
                    sql = sql.Replace(parameter.ParameterName.StartsWith('@') ? parameter.ParameterName : "@" + parameter.ParameterName, value, StringComparison.Ordinal);
                }

                Commands.Add(sql);
            }

            return ValueTask.FromResult(result);
        }
    }
}
