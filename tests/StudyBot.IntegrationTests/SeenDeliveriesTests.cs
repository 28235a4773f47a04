using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The shared set of platform deliveries seen recently (<see cref="ISeenDeliveries"/> on the SeenKeys table), on both
/// providers: a delivery is new once within its window, all of its keys or none are marked, two instances marking the
/// same delivery at once agree that exactly one saw it first, and expired keys are swept.
/// </summary>
public sealed class SeenDeliveriesTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(30);

    private static Task<TestBot> StartAsync(DatabaseProvider provider, string? postgres = null, string? file = null, string? instance = null) =>
        TestBot.StartAsync(provider: provider, postgres: postgres, dbPath: file, instanceId: instance, configure: s => s.AddSharedSeenDeliveries());

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_delivery_is_new_once_within_its_window_and_a_repeat_marks_none_of_its_keys(DatabaseProvider provider)
    {
        await using var bot = await StartAsync(provider);
        var seen = bot.Services.GetRequiredService<ISeenDeliveries>();

        Assert.True(await seen.TryMarkAsync(["envelope:1", "event:E1"], Window, CancellationToken.None));
        Assert.False(await seen.TryMarkAsync(["envelope:1"], Window, CancellationToken.None));
        Assert.False(await seen.TryMarkAsync(["envelope:2", "event:E1"], Window, CancellationToken.None));
        Assert.True(await seen.TryMarkAsync(["envelope:2"], Window, CancellationToken.None));

        bot.Time.SetUtcNow(bot.Time.GetUtcNow() + Window + TimeSpan.FromSeconds(1));
        Assert.True(await seen.TryMarkAsync(["envelope:1", "event:E1"], Window, CancellationToken.None));
        Assert.False(await seen.TryMarkAsync(["event:E1"], Window, CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Two_instances_marking_the_same_deliveries_at_once_agree_that_exactly_one_saw_each_first(DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.PostgreSQL ? await Postgres.CreateDatabaseAsync() : null;
        var file = Path.Combine(Path.GetTempPath(), $"studybot-seen-{Guid.NewGuid():N}.db");
        try
        {
            await using var one = await StartAsync(provider, postgres, file, "one");
            await using var two = await StartAsync(provider, postgres, file, "two");
            var seenOne = one.Services.GetRequiredService<ISeenDeliveries>();
            var seenTwo = two.Services.GetRequiredService<ISeenDeliveries>();

            for (var i = 0; i < 20; i++)
            {
                string[] keys = [$"envelope:{i}", $"event:E{i % 5}-{i}"];
                var firsts = await Task.WhenAll(
                    Task.Run(() => seenOne.TryMarkAsync(keys, Window, CancellationToken.None)),
                    Task.Run(() => seenTwo.TryMarkAsync([.. keys.Reverse()], Window, CancellationToken.None)));
                Assert.True(firsts.Count(f => f) == 1, $"delivery {i}: {string.Join(", ", firsts)}");
            }
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(file + suffix);
            }
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Keys_whose_window_has_passed_are_swept_by_a_later_mark(DatabaseProvider provider)
    {
        await using var bot = await StartAsync(provider);
        var seen = bot.Services.GetRequiredService<ISeenDeliveries>();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await seen.TryMarkAsync([$"envelope:{i}"], TimeSpan.FromMinutes(1), CancellationToken.None));
        }

        bot.Time.SetUtcNow(bot.Time.GetUtcNow() + TimeSpan.FromMinutes(11));
        Assert.True(await seen.TryMarkAsync(["envelope:later"], Window, CancellationToken.None));

        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "SeenKeys" """));
    }

    [Fact]
    public async Task Any_sequence_of_marks_and_clock_moves_agrees_with_a_plain_model_of_the_window()
    {
        // Per step: up to three keys out of six, a window of 1 to 30 minutes, and minutes the clock moves first.
        var steps = Gen.Select(Gen.Int[0, 5].Array[1, 3], Gen.Int[1, 30], Gen.Int[0, 20]).Array[1, 30];
        await using var bot = await StartAsync(DatabaseProvider.Sqlite);
        var seen = bot.Services.GetRequiredService<ISeenDeliveries>();
        var run = 0;

        await steps.SampleAsync(
            async plan =>
            {
                // Each sample its own keys (and the clock only goes forward), so samples never see each other's.
                var prefix = $"sample{Interlocked.Increment(ref run)}:";
                var model = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
                foreach (var (keyIndexes, windowMinutes, moveMinutes) in plan)
                {
                    bot.Time.SetUtcNow(bot.Time.GetUtcNow().AddMinutes(moveMinutes));
                    var now = bot.Time.GetUtcNow();
                    var keys = keyIndexes.Select(k => prefix + k).Distinct().ToArray();
                    var expected = keys.All(k => !model.TryGetValue(k, out var until) || until <= now);
                    if (expected)
                    {
                        foreach (var k in keys)
                        {
                            model[k] = now.AddMinutes(windowMinutes);
                        }
                    }

                    Assert.Equal(expected, await seen.TryMarkAsync(keys, TimeSpan.FromMinutes(windowMinutes), CancellationToken.None));
                }
            },
            iter: 40,
            threads: 1);
    }
}
