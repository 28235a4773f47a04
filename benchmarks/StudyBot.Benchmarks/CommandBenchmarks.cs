using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.Benchmarks;

/// <summary>
/// Handling <c>/progress</c> and <c>/progress done</c> for one member of a community of 10,000 members with
/// 300,000 progress rows. One invocation per iteration, so the percentiles are per-command latencies.
/// </summary>
[Config(typeof(LatencyConfig))]
public class CommandBenchmarks
{
    public const int Members = 10_000;
    public const int ItemsPerMember = 30;

    private ServiceProvider _services = null!;

    /// <summary>The container, for variants that add to it (<see cref="MetricsCostBenchmarks"/>).</summary>
    protected IServiceProvider Services => _services;
    private CommandExecutor _executor = null!;
    private string _dbPath = null!;
    private MemberRef _member = null!;
    private string[] _items = null!;
    private int _counter;

    [GlobalSetup]
    public virtual void Setup()
    {
        var roadmaps = new RoadmapCatalog(RoadmapLoader.LoadDirectory(Paths.Roadmaps), "ml-zero-to-hero");
        _items = roadmaps.Default.Items.Where(i => i.Kind != ItemKind.Project).Select(i => i.Id).ToArray();
        _dbPath = Path.Combine(Path.GetTempPath(), $"studybot-bench-{Guid.NewGuid():N}.db");
        _services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Critical))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new CoreSettings())
            .AddSingleton(roadmaps)
            .AddStudyBotCore()
            .AddStudyBotData($"Data Source={_dbPath}")
            .BuildServiceProvider();
        StudyBotDatabase.MigrateAsync(_services, CancellationToken.None).GetAwaiter().GetResult();
        var seeded = Seeder.Seed(_dbPath, _items, Members, ItemsPerMember);
        Console.WriteLine($"// seeded {seeded.Members:N0} members, {seeded.Progress:N0} progress rows, {seeded.Changes:N0} changes, {seeded.Logs:N0} logs");
        _executor = _services.GetRequiredService<CommandExecutor>();
        _member = new MemberRef(Seeder.Community, "user-5000", "Member 5000");
    }

    [GlobalCleanup]
    public virtual void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_dbPath + suffix);
        }
    }

    [Benchmark(Description = "/progress")]
    public Task<Reply> Overview() => _executor.RunTextAsync(_member, "/progress", CancellationToken.None);

    /// <summary>Every invocation writes: it alternates done and doing over the roadmap's items.</summary>
    [Benchmark(Description = "/progress done")]
    public Task<Reply> Done()
    {
        var n = _counter++;
        var verb = (n / _items.Length) % 2 == 0 ? "done" : "doing";
        return _executor.RunTextAsync(_member, $"/progress {verb} {_items[n % _items.Length]}", CancellationToken.None);
    }
}

internal sealed class LatencyConfig : ManualConfig
{
    public LatencyConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(500)
            .WithIterationCount(2000)
            .WithLaunchCount(1));
        AddColumn(StatisticColumn.Median, new PercentileColumn(99), StatisticColumn.P95, StatisticColumn.Max);
        HideColumns(Column.Error, Column.StdDev);
    }
}

/// <summary>The 99th percentile of the measured iterations (BenchmarkDotNet ships up to P95).</summary>
internal sealed class PercentileColumn(int percentile) : IColumn
{
    public string Id => $"P{percentile}";

    public string ColumnName => $"P{percentile}";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => $"{percentile}th percentile of single-command latency";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        return stats is null ? "NA" : $"{stats.Percentiles.Percentile(percentile) / 1_000_000:0.000} ms";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}

internal static class Paths
{
    public static string Roadmaps
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StudyBot.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? Environment.CurrentDirectory, "roadmap");
        }
    }
}

/// <summary>Fills a database quickly with raw prepared inserts in one transaction.</summary>
internal static class Seeder
{
    public static readonly CommunityRef Community = new(Platforms.Console, "bench", "Benchmark community");

    public static (int Members, int Progress, int Changes, int Logs) Seed(string dbPath, string[] items, int members, int itemsPerMember)
    {
        var watch = Stopwatch.StartNew();
        using var connection = new SqliteConnection($"Data Source={dbPath}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        var now = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
        Exec(connection, tx, "INSERT INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc) VALUES ('console', 'bench', 'Benchmark community', 'ml-zero-to-hero', 'UTC', @now)", ("@now", now));

        using var member = Prepare(connection, tx, "INSERT INTO Members (CommunityId, UserId, DisplayName, TimeZoneId, Path, Pace, StartDate, Onboarded, CreatedAtUtc, UpdatedAtUtc) VALUES (1, @u, @n, 'UTC', 0, 0, '2026-06-01', 1, @now, @now)", "@u", "@n", "@now");
        using var progress = Prepare(connection, tx, "INSERT INTO ItemProgress (CommunityId, MemberId, ItemId, Status, Reason, UpdatedAtUtc) VALUES (1, @m, @i, @s, 0, @now)", "@m", "@i", "@s", "@now");
        using var change = Prepare(connection, tx, "INSERT INTO ItemChanges (CommunityId, MemberId, BatchId, ItemId, FromStatus, FromReason, ToStatus, ToReason, Points, AtUtc, LocalDate, ActorId, IsUndo) VALUES (1, @m, @b, @i, 0, 0, @s, 0, 10, @at, @d, @u, 0)", "@m", "@b", "@i", "@s", "@at", "@d", "@u");
        using var log = Prepare(connection, tx, "INSERT INTO StudyLogs (CommunityId, MemberId, BatchId, Minutes, Kind, Points, AtUtc, LocalDate, ActorId) VALUES (1, @m, @b, 45, @k, 4, @at, @d, @u)", "@m", "@b", "@k", "@at", "@d", "@u");
        int p = 0, c = 0, l = 0;
        for (var m = 1; m <= members; m++)
        {
            var user = $"user-{m}";
            Run(member, user, $"Member {m}", now);
            for (var i = 0; i < itemsPerMember; i++)
            {
                var status = i % 5 == 4 ? 1 : 2;
                Run(progress, m, items[i], status, now);
                var at = now.AddDays(-((m + i) % 150));
                Run(change, m, Guid.NewGuid(), items[i], status, at, DateOnly.FromDateTime(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), user);
                p++;
                c++;
            }

            for (var k = 0; k < 20; k++)
            {
                var at = now.AddDays(-(k * 7 % 150));
                Run(log, m, Guid.NewGuid(), k % 3, at, DateOnly.FromDateTime(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), user);
                l++;
            }
        }

        // The running totals a real database of this history would hold (days, and week/month/all-time rows
        // with their leaderboard indexes), so the benchmark's writes update tables of a realistic size.
        Exec(connection, tx, StudyBotDatabase.RebuildDailyTotalsSql);
        Exec(connection, tx, """
            INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
            SELECT MemberId, Kind, PeriodStart, MIN(CommunityId), SUM(Points), SUM(Minutes), SUM(ItemsDone), 0, COUNT(*), 0, SUM(Points)
            FROM (
                SELECT MemberId, 0 AS Kind, date(LocalDate, '-6 days', 'weekday 1') AS PeriodStart, CommunityId, Points,
                       PracticeMinutes + LearningMinutes + ReviewMinutes AS Minutes, ItemsDone FROM DailyTotals
                UNION ALL
                SELECT MemberId, 1, strftime('%Y-%m-01', LocalDate), CommunityId, Points, PracticeMinutes + LearningMinutes + ReviewMinutes, ItemsDone FROM DailyTotals
                UNION ALL
                SELECT MemberId, 2, '2000-01-01', CommunityId, Points, PracticeMinutes + LearningMinutes + ReviewMinutes, ItemsDone FROM DailyTotals
            )
            GROUP BY MemberId, Kind, PeriodStart
            """);
        tx.Commit();

        // A database at rest has its WAL copied back (SQLite does it when the last connection closes): start the
        // measurement from there, not with the seed's few hundred MB still waiting in the WAL.
        using (var checkpoint = connection.CreateCommand())
        {
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }

        Console.WriteLine($"// seeding took {watch.Elapsed.TotalSeconds:0.0} s");
        return (members, p, c, l);
    }

    private static void Exec(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object Value)[] args)
    {
        using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var (name, value) in args)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction tx, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] is DateTime dt ? dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture) : values[i] is Guid g ? g.ToString().ToUpperInvariant() : values[i];
        }

        command.ExecuteNonQuery();
    }
}
