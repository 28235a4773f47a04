using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.Benchmarks;

/// <summary>
/// A community of 100,000 members: selecting the reminders due in one minute, and computing the weekly
/// leaderboard post. Reminder times spread over the week with a peak: a tenth of members at Monday 19:00.
/// </summary>
[Config(typeof(QueryConfig))]
public class NotificationBenchmarks
{
    public const int Members = 100_000;

    public static readonly DateTime PeakMinute = new(2026, 11, 23, 19, 0, 0, DateTimeKind.Utc);
    public static readonly DateOnly Week = new(2026, 11, 16);
    private static readonly CommunityRef Community = new(Platforms.Console, "big", "Big community");

    private ServiceProvider _services = null!;
    private string _dbPath = null!;

    [GlobalSetup]
    public void Setup()
    {
        (_services, _dbPath) = BenchDatabase.Create();
        Seed(_dbPath);
    }

    [GlobalCleanup]
    public void Cleanup() => BenchDatabase.Delete(_services, _dbPath);

    /// <summary>One batch of due reminders, as the reminder job takes them.</summary>
    [Benchmark(Description = "due reminders: one batch (200) at the peak minute")]
    public async Task<int> DueBatch()
    {
        await using var scope = _services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IReminderStore>();
        return (await store.DueAsync(PeakMinute, ReminderService.BatchSize, CancellationToken.None)).Count;
    }

    /// <summary>Every reminder due in an ordinary minute (about ten).</summary>
    [Benchmark(Description = "due reminders: an ordinary minute")]
    public async Task<int> DueOrdinaryMinute()
    {
        await using var scope = _services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IReminderStore>();
        return (await store.DueAsync(PeakMinute.AddHours(-30), ReminderService.BatchSize, CancellationToken.None)).Count;
    }

    /// <summary>The three rankings of the weekly post: top by points, most consistent, most improved.</summary>
    [Benchmark(Description = "weekly leaderboard post (3 rankings)")]
    public async Task<int> WeeklyLeaderboard()
    {
        await using var scope = _services.CreateAsyncScope();
        var boards = scope.ServiceProvider.GetRequiredService<ILeaderboardStore>();
        var cutoff = Leaderboards.BeginnerCutoff(Week.AddDays(6));
        var top = await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Points, Week, cutoff, Leaderboards.PostSize), CancellationToken.None);
        var consistent = await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Consistency, Week, cutoff, 3), CancellationToken.None);
        var improved = await boards.TopAsync(Community, new BoardQuery(BoardPeriod.Week, BoardMetric.Improved, Week, cutoff, 3), CancellationToken.None);
        return Leaderboards.WeeklyPost(Community.Name, Week, top, consistent, improved).Fields.Count;
    }

    internal static void Seed(string dbPath)
    {
        var watch = Stopwatch.StartNew();
        using var connection = new SqliteConnection($"Data Source={dbPath}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using (var c = connection.CreateCommand())
        {
            c.Transaction = tx;
            c.CommandText = "INSERT INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, RemindersMaxPerWeek, LeaderboardDay, LeaderboardMinutes) VALUES ('console', 'big', 'Big community', 'ml-zero-to-hero', 'UTC', '2026-01-01 00:00:00', 2, 1, 540)";
            c.ExecuteNonQuery();
        }

        using var member = connection.CreateCommand();
        member.Transaction = tx;
        member.CommandText = """
            INSERT INTO Members (CommunityId, UserId, DisplayName, TimeZoneId, Path, Pace, StartDate, Onboarded, CreatedAtUtc, UpdatedAtUtc,
                                 Privacy, Celebrate, RemindersOn, PlanDays, PlanMinutes, PlanFrequency, NextReminderAtUtc,
                                 UnansweredReminders, RemindersPaused, FreshStartPending, DmNoticePending, LastTemplate)
            VALUES (1, $u, $u, 'UTC', 0, 0, $start, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', $privacy, 0, 1, 1, 1140, 0, $due, 0, 0, 0, 0, -1)
            """;
        var u = member.Parameters.Add("$u", SqliteType.Text);
        var start = member.Parameters.Add("$start", SqliteType.Text);
        var privacy = member.Parameters.Add("$privacy", SqliteType.Integer);
        var due = member.Parameters.Add("$due", SqliteType.Text);
        member.Prepare();

        using var stats = connection.CreateCommand();
        stats.Transaction = tx;
        stats.CommandText = """
            INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
            VALUES ($m, 0, $week, 1, $points, $minutes, $items, $days, $count, $prev, $points - $prev)
            """;
        var m = stats.Parameters.Add("$m", SqliteType.Integer);
        stats.Parameters.AddWithValue("$week", Week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var points = stats.Parameters.Add("$points", SqliteType.Integer);
        var minutes = stats.Parameters.Add("$minutes", SqliteType.Integer);
        var items = stats.Parameters.Add("$items", SqliteType.Integer);
        var days = stats.Parameters.Add("$days", SqliteType.Integer);
        var count = stats.Parameters.Add("$count", SqliteType.Integer);
        var prev = stats.Parameters.Add("$prev", SqliteType.Integer);
        stats.Prepare();

        var random = new Random(42);
        for (var i = 1; i <= Members; i++)
        {
            u.Value = $"user-{i}";
            start.Value = random.Next(10) == 0 ? "2026-11-10" : "2026-03-01";
            privacy.Value = random.Next(10) switch { 0 => 2, < 4 => 1, _ => 0 };

            // A tenth at the Monday 19:00 peak; the rest spread over the week's minutes.
            var at = random.Next(10) == 0 ? PeakMinute : PeakMinute.AddDays(-3).AddMinutes(random.Next(7 * 24 * 60));
            due.Value = at.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            member.ExecuteNonQuery();

            m.Value = i;
            var mins = random.Next(0, 900);
            points.Value = (mins / 10) + (random.Next(4) * 10);
            minutes.Value = mins;
            items.Value = random.Next(4);
            var mask = random.Next(128);
            days.Value = mask;
            count.Value = System.Numerics.BitOperations.PopCount((uint)mask);
            prev.Value = random.Next(0, 100);
            stats.ExecuteNonQuery();
        }

        tx.Commit();
        using var analyze = connection.CreateCommand();
        analyze.CommandText = "PRAGMA optimize=0x10002;";
        analyze.ExecuteNonQuery();
        Console.WriteLine($"// seeded {Members:N0} members and their week in {watch.Elapsed.TotalSeconds:0.0} s");
    }
}

internal sealed class QueryConfig : ManualConfig
{
    public QueryConfig()
    {
        AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(20).WithLaunchCount(1));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max);
    }
}

/// <summary>A migrated SQLite file with the real engine and stores around it.</summary>
internal static class BenchDatabase
{
    public static (ServiceProvider Services, string Path) Create(TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"studybot-bench-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Critical))
            .AddSingleton(time ?? TimeProvider.System)
            .AddSingleton(new CoreSettings())
            .AddSingleton(new RoadmapCatalog(RoadmapLoader.LoadDirectory(Paths.Roadmaps), "ml-zero-to-hero"))
            .AddStudyBotCore()
            .AddStudyBotData($"Data Source={path}");
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        StudyBotDatabase.MigrateAsync(provider, CancellationToken.None).GetAwaiter().GetResult();
        return (provider, path);
    }

    public static void Delete(ServiceProvider services, string path)
    {
        services.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(path + suffix);
        }
    }
}
