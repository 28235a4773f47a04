using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Notifications;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The drain lease (<see cref="IDrainLease"/> on PostgreSQL): one instance at a time drains a platform's outbox; another
/// takes over only once the holder has been quiet for the lease's length; a restart under the same instance id takes
/// it back at once; each platform has its own.
/// </summary>
public sealed class DrainLeaseTests
{
    private static readonly TimeSpan Length = OutboxDispatcher.DrainLeaseLength;
    private static readonly DateTime Start = new(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc);

    private static async Task<bool> HoldAsync(TestBot bot, string platform, DateTime now)
    {
        await using var scope = bot.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IDrainLease>().TryHoldAsync(platform, now, Length, CancellationToken.None);
    }

    [PostgresFact]
    public async Task One_instance_drains_a_platform_until_it_has_been_quiet_for_the_lease_and_a_restart_under_its_id_takes_it_back_at_once()
    {
        await using var a = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, instanceId: "studybot-a");
        await using var b = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: a.ConnectionString, instanceId: "studybot-b");

        Assert.True(await HoldAsync(a, "discord", Start));
        Assert.False(await HoldAsync(b, "discord", Start));

        // Slack's drain is another lease: b may own it while a owns Discord's.
        Assert.True(await HoldAsync(b, "slack", Start));

        // a renews as it sends; b waits as long as a keeps sending.
        Assert.True(await HoldAsync(a, "discord", Start + Length - TimeSpan.FromSeconds(1)));
        Assert.False(await HoldAsync(b, "discord", Start + Length + TimeSpan.FromSeconds(1)));

        // a went quiet (died, or Quartz runs the job elsewhere now): a lease's length after its last renewal, b takes over.
        var quiet = Start + Length - TimeSpan.FromSeconds(1) + Length + TimeSpan.FromSeconds(1);
        Assert.True(await HoldAsync(b, "discord", quiet));
        Assert.False(await HoldAsync(a, "discord", quiet));

        // b dies and comes back under the same Instance:Id: it holds its lease again at once.
        await using var restarted = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: a.ConnectionString, instanceId: "studybot-b");
        Assert.True(await HoldAsync(restarted, "discord", quiet + TimeSpan.FromSeconds(1)));
        Assert.Equal("studybot-b", (await a.QueryAsync("""SELECT "Holder" FROM "Leases" WHERE "Name" = 'outbox-drain:discord'""")).Trim().TrimEnd('|'));
    }

    [PostgresFact]
    public async Task Whatever_instances_ask_and_whenever_the_lease_has_one_holder_at_a_time_as_the_rule_says()
    {
        await using var first = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, instanceId: "node-0");
        var bots = new List<TestBot> { first };
        try
        {
            for (var i = 1; i < 3; i++)
            {
                bots.Add(await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: first.ConnectionString, instanceId: $"node-{i}"));
            }

            // Each step: which instance asks, and how many seconds after the step before.
            var steps = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 20]).Array[1, 12];
            var run = 0;
            await steps.SampleAsync(
                async plan =>
                {
                    var platform = $"p{Interlocked.Increment(ref run)}";
                    var now = Start;
                    int? holder = null;
                    var expires = DateTime.MinValue;
                    foreach (var (asker, seconds) in plan)
                    {
                        now += TimeSpan.FromSeconds(seconds);
                        // Run out at its expiry time, as every lease (LeaseStore) is.
                        var expected = holder is null || holder == asker || expires <= now;
                        Assert.Equal(expected, await HoldAsync(bots[asker], platform, now));
                        if (expected)
                        {
                            (holder, expires) = (asker, now + Length);
                        }
                    }
                },
                iter: 40);
        }
        finally
        {
            foreach (var bot in bots.Skip(1))
            {
                await bot.DisposeAsync();
            }
        }
    }
}
