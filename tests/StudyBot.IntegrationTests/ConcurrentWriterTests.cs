using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Roadmaps;
using StudyBot.Core.Progress;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Two engines (two processes' worth: their own service providers, write gates and member lines) on one SQLite file,
/// logging for the same member at once. Points and the 16-hour day are decided with the write that earns them.
/// </summary>
public sealed class ConcurrentWriterTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_engines_logging_for_one_member_at_once_award_exact_points_and_totals()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-concurrent-{Guid.NewGuid():N}.db");
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        try
        {
            await using var one = await TestBot.StartAsync(now: now, dbPath: path);
            await using var two = await TestBot.StartAsync(now: now, dbPath: path);
            await one.SayAsync("Ada", "/progress start programmer part-time");

            // 2 x 12 logs of 50 minutes = 20 hours asked for: the day takes 16 at most, whoever comes first.
            const int PerEngine = 12;
            const int Minutes = 50;
            async Task<List<string>> LogAsync(TestBot bot)
            {
                await Task.Yield();
                var replies = new List<string>();
                for (var i = 0; i < PerEngine; i++)
                {
                    replies.Add((await bot.SayAsync("Ada", $"/progress log {Minutes} practice")).Text ?? "");
                }

                return replies;
            }

            var both = Task.WhenAll(Task.Run(() => LogAsync(one)), Task.Run(() => LogAsync(two)));
            Assert.True(await Task.WhenAny(both, Task.Delay(Bound)) == both, "the two engines' logs did not finish within 60 s");
            var replies = (await both).SelectMany(r => r).ToList();

            var logged = replies.Count(r => r.StartsWith("📝 Logged 50 min", StringComparison.Ordinal));
            var refused = replies.Count(r => r.Contains("at most 16 hours a day", StringComparison.Ordinal));
            Assert.True(logged + refused == replies.Count, "every log was either saved or refused for the daily cap:\n" + string.Join('\n', replies.Where(r => !r.StartsWith("📝", StringComparison.Ordinal))));
            Assert.Equal(LogHandler.MaxMinutesPerDay / Minutes, logged);

            var minutes = logged * Minutes;
            var points = Points.ForDayTotal(minutes);
            Assert.Equal(points, replies.Where(r => r.StartsWith("📝", StringComparison.Ordinal)).Sum(PointsIn));
            Assert.Equal($"{minutes}|{points}|{Environment.NewLine}", await one.QueryAsync("SELECT PracticeMinutes, Points FROM DailyTotals"));
            Assert.Equal($"{minutes}|{points}|{Environment.NewLine}", await one.QueryAsync("SELECT SUM(Minutes), SUM(Points) FROM StudyLogs"));
            Assert.Equal($"0|{minutes}|{points}|\n1|{minutes}|{points}|\n2|{minutes}|{points}|\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal),
                await one.QueryAsync("SELECT Kind, Minutes, Points FROM PeriodStats ORDER BY Kind"));
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task Two_engines_finishing_the_same_items_at_once_count_each_item_and_its_points_once()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-concurrent-{Guid.NewGuid():N}.db");
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        try
        {
            await using var one = await TestBot.StartAsync(now: now, dbPath: path);
            await using var two = await TestBot.StartAsync(now: now, dbPath: path);
            await one.SayAsync("Ada", "/progress start programmer part-time");
            var roadmap = one.Services.GetRequiredService<RoadmapCatalog>().Default;
            var items = roadmap.Phases.Take(2).SelectMany(p => roadmap.PhaseItems(p.Id)).Take(12).ToList();

            async Task<List<string>> FinishAsync(TestBot bot)
            {
                await Task.Yield();
                var replies = new List<string>();
                foreach (var item in items)
                {
                    replies.Add((await bot.SayAsync("Ada", $"/progress done {item.Id}")).Text ?? "");
                }

                return replies;
            }

            var both = Task.WhenAll(Task.Run(() => FinishAsync(one)), Task.Run(() => FinishAsync(two)));
            Assert.True(await Task.WhenAny(both, Task.Delay(Bound)) == both, "the two engines' items did not finish within 60 s");
            var replies = (await both).SelectMany(r => r).ToList();

            Assert.Equal(items.Count, replies.Count(r => r.StartsWith("✅ Marked", StringComparison.Ordinal)));
            Assert.Equal(items.Count, replies.Count(r => r.Contains("is already done. Nothing changed.", StringComparison.Ordinal)));
            var points = items.Sum(i => Points.ForItemDone(i.Kind));
            Assert.Equal($"{items.Count}|{points}|{Environment.NewLine}", await one.QueryAsync("SELECT ItemsDone, Points FROM DailyTotals"));
            Assert.Equal($"{items.Count}|{Environment.NewLine}", await one.QueryAsync("SELECT COUNT(*) FROM ItemChanges"));
            Assert.Equal($"{points}|{items.Count}|{Environment.NewLine}", await one.QueryAsync("SELECT Points, ItemsDone FROM PeriodStats WHERE Kind = 2"));
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    /// <summary>"📝 Logged 50 min of practice (+5 points)." gives 5.</summary>
    private static int PointsIn(string reply)
    {
        var start = reply.IndexOf("(+", StringComparison.Ordinal) + 2;
        var end = reply.IndexOf(' ', start);
        return int.Parse(reply[start..end], System.Globalization.CultureInfo.InvariantCulture);
    }
}
