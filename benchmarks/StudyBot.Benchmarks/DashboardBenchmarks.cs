using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core;
using StudyBot.Core.Commands;
using StudyBot.Core.Dashboard;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.Benchmarks;

/// <summary>
/// The organisers' dashboard (issue 20) of a community of 10,000 members with the history of
/// <see cref="CommandBenchmarks"/> (300,000 progress rows, 300,000 item changes, 200,000 study logs, their running
/// totals), a tenth of them private, plus a reminder for every member in the last four weeks (a tenth refused) and
/// 500 channel posts. One whole <see cref="OrganiserDashboard.BuildAsync"/> per iteration, CSV export included.
/// </summary>
[Config(typeof(DashboardConfig))]
public class DashboardBenchmarks
{
    /// <summary>The seeded history ends at 2026-11-01 12:00 UTC; the dashboard is built an hour later.</summary>
    private static readonly DateTimeOffset Now = new(2026, 11, 1, 13, 0, 0, TimeSpan.Zero);

    private ServiceProvider _services = null!;
    private OrganiserDashboard _dashboard = null!;
    private string _dbPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        var roadmaps = new RoadmapCatalog(RoadmapLoader.LoadDirectory(Paths.Roadmaps), "ml-zero-to-hero");
        var items = roadmaps.Default.Items.Where(i => i.Kind != ItemKind.Project).Select(i => i.Id).ToArray();
        _dbPath = Path.Combine(Path.GetTempPath(), $"studybot-bench-{Guid.NewGuid():N}.db");
        _services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Critical))
            .AddSingleton<TimeProvider>(new FixedTime(Now))
            .AddSingleton(new CoreSettings())
            .AddSingleton(roadmaps)
            .AddStudyBotCore()
            .AddStudyBotData($"Data Source={_dbPath}")
            .BuildServiceProvider();
        StudyBotDatabase.MigrateAsync(_services, CancellationToken.None).GetAwaiter().GetResult();
        var seeded = Seeder.Seed(_dbPath, items, CommandBenchmarks.Members, CommandBenchmarks.ItemsPerMember);
        SeedOutbox(_dbPath, CommandBenchmarks.Members);
        Console.WriteLine($"// seeded {seeded.Members:N0} members, {seeded.Progress:N0} progress rows, {seeded.Changes:N0} changes, {seeded.Logs:N0} logs, {seeded.Members:N0} reminders, 500 posts");
        _dashboard = _services.GetRequiredService<OrganiserDashboard>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_dbPath + suffix);
        }
    }

    [Benchmark(Description = "organisers' dashboard, 10,000 members")]
    public async Task<int> Build()
    {
        var view = await _dashboard.BuildAsync(Seeder.Community, CultureInfo.GetCultureInfo("en"), CancellationToken.None)
            ?? throw new InvalidOperationException("The benchmark community is missing.");
        return view.Members;
    }

    [Benchmark(Description = "organisers' dashboard + CSV export, 10,000 members")]
    public async Task<int> BuildAndExport()
    {
        var view = await _dashboard.BuildAsync(Seeder.Community, CultureInfo.GetCultureInfo("en"), CancellationToken.None)
            ?? throw new InvalidOperationException("The benchmark community is missing.");
        return DashboardCsv.Write(view).Length;
    }

    /// <summary>
    /// The quick run (<c>-- dashboard [iterations]</c>): seeds as the benchmark does, builds the dashboard 30 times to warm
    /// up, then times <paramref name="iterations"/> builds (CSV export included) and prints the median, p95, p99 and max.
    /// </summary>
    public static async Task TimeAsync(int iterations)
    {
        var bench = new DashboardBenchmarks();
        bench.Setup();
        try
        {
            for (var i = 0; i < 30; i++)
            {
                await bench.BuildAndExport();
            }

            var times = new List<double>(iterations);
            for (var i = 0; i < iterations; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                await bench.BuildAndExport();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"dashboard + CSV, 10,000 members, {iterations} builds: median {At(0.5):0.0} ms, p95 {At(0.95):0.0} ms, p99 {At(0.99):0.0} ms, max {times[^1]:0.0} ms"));
        }
        finally
        {
            bench.Cleanup();
        }
    }

    /// <summary>Every tenth member private; a reminder per member in the last four weeks (every tenth refused); 500 channel posts.</summary>
    private static void SeedOutbox(string dbPath, int members)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using (var privacy = connection.CreateCommand())
        {
            privacy.Transaction = tx;
            privacy.CommandText = "UPDATE Members SET Privacy = 2 WHERE Id % 10 = 0";
            privacy.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO Outbox (CommunityId, MemberId, Key, Kind, Target, Platform, CommunityExternalId, CommunityName, RecipientId, RecipientName,
                                PayloadJson, CreatedAtUtc, DueAtUtc, NextAttemptAtUtc, Attempts, SentAtUtc, FailedAtUtc, DropReason)
            VALUES (1, @m, @key, @kind, @target, 'console', 'bench', 'Benchmark community', @r, @r, @payload, @at, @at, @at, 1, @sent, @failed, @reason)
            """;
        foreach (var name in new[] { "@m", "@key", "@kind", "@target", "@r", "@payload", "@at", "@sent", "@failed", "@reason" })
        {
            insert.Parameters.Add(new SqliteParameter(name, null));
        }

        insert.Prepare();
        var end = Now.UtcDateTime.AddHours(-1);
        for (var m = 1; m <= members; m++)
        {
            var at = Text(end.AddHours(-(m % (27 * 24))));
            var refused = m % 10 == 0;
            Set(insert, m, $"reminder:{m}", "reminder", 0, $"user-{m}", """{"text":"Time for a study session?"}""", at, refused ? null : at, refused ? at : null, refused ? 1 : null);
            insert.ExecuteNonQuery();
        }

        for (var p = 0; p < 500; p++)
        {
            var at = Text(end.AddHours(-p * 3));
            Set(insert, null, $"post:{p}", p % 7 == 0 ? "leaderboard" : "celebration", 1, "wins", """{"title":"🎉 A member completed a milestone","text":"Well done!"}""", at, at, null, null);
            insert.ExecuteNonQuery();
        }

        tx.Commit();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        checkpoint.ExecuteNonQuery();
    }

    private static string Text(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

internal sealed class DashboardConfig : ManualConfig
{
    public DashboardConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(30)
            .WithIterationCount(300)
            .WithLaunchCount(1));
        AddColumn(StatisticColumn.Median, new PercentileColumn(99), StatisticColumn.P95, StatisticColumn.Max);
        HideColumns(Column.Error, Column.StdDev);
    }
}
