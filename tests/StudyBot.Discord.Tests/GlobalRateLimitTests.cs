using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Testing;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Discord's global limit as configured (<c>Discord:GlobalRateLimit</c>): Discord grants large bots more than 50 requests
/// a second, and the client uses what it is told, against the fake Discord enforcing the same limit in any sliding second.
/// </summary>
public sealed class GlobalRateLimitTests
{
    private static MessagePayload Message(string text) => new() { Content = text };

    [Fact]
    public async Task A_bot_granted_120_requests_a_second_sends_120_in_a_second_and_the_121st_only_in_the_next()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
            o.ServerOnFakeTime = true;
            o.Server.GlobalLimit = 120;
            o.Settings["Discord:GlobalRateLimit"] = "120";
        });
        var rest = harness.Get<DiscordRestClient>();
        var watch = harness.Watch!;

        // The clock stands still: whatever reaches the fake, reaches it within one second. 121 channels, one message each,
        // so no route bucket holds anything back: only the global limit decides.
        var armedBefore = watch.Armed;
        var sends = Enumerable.Range(0, 121).Select(i => rest.CreateMessageAsync(5000 + (ulong)i, Message($"m{i}"), CancellationToken.None)).ToList();

        await Bounded.UntilAsync(() => harness.Server.Requests.Count(r => r.Status == 200) >= 120, "120 messages to reach the fake Discord within its second");
        await Bounded.UntilAsync(() => watch.Armed > armedBefore && sends.Count(s => s.IsCompleted) == 120, "the 121st message to wait for the next second");
        Assert.Equal(120, harness.Server.Requests.Count);

        watch.Advance(RateLimiter.GlobalWindow + TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(Task.WhenAll(sends), "the 121st message in the next second");

        Assert.Equal(121, harness.Server.Requests.Count);
        Assert.Equal(0, harness.Server.TooManyRequests);
    }
}

/// <summary>
/// Two instances on one PostgreSQL database (two adapters in this process, each with its own REST client and limiter,
/// wired to the same database and the same fake Discord), both sending globally limited requests flat out: the one that
/// owns the Discord drain at its share, the other through the shared window counter, so together they stay within the bot
/// token's global limit. The fake Discord answers 429 to any request beyond its limit in any sliding second, so counting
/// its 429s is counting the seconds in which they together went over.
/// </summary>
public sealed class SharedGlobalRateLimitTests
{
    private const int OwnerSends = 100;
    private const int OtherSends = 20;

    private static MessagePayload Message(string text) => new() { Content = text };

    private static async Task<int> SendFlatOutAsync(bool otherAlsoOwns)
    {
        var database = await Postgres.CreateDatabaseAsync();
        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate });
        await using var owner = await AdapterHarness.StartAsync(o => Instance(o, database, "instance-a"), discord);
        await using var other = await AdapterHarness.StartAsync(o => Instance(o, database, "instance-b"), discord);

        // Instance A took the Discord drain lease (as its outbox run would); B did not, unless the test says so.
        Assert.True(owner.Get<DrainOwners>().Shared, "the instances do not share the Discord budget");
        owner.Get<DrainOwners>().Held(Platforms.Discord, TimeProvider.System.GetTimestamp(), TimeSpan.FromHours(1));
        if (otherAlsoOwns)
        {
            other.Get<DrainOwners>().Held(Platforms.Discord, TimeProvider.System.GetTimestamp(), TimeSpan.FromHours(1));
        }

        Assert.Equal(otherAlsoOwns, other.Get<DrainOwners>().Owns(Platforms.Discord));
        var a = owner.Get<DiscordRestClient>();
        var b = other.Get<DiscordRestClient>();

        // One message to each of many channels: no route bucket holds anything back, only the global limit decides.
        var sends = Enumerable.Range(0, OwnerSends).Select(i => a.CreateMessageAsync(10_000 + (ulong)i, Message($"a{i}"), CancellationToken.None))
            .Concat(Enumerable.Range(0, OtherSends).Select(i => b.CreateMessageAsync(20_000 + (ulong)i, Message($"b{i}"), CancellationToken.None)))
            .ToList();
        await Bounded.WaitAsync(Task.WhenAll(sends), "every message from both instances to be sent", TimeSpan.FromSeconds(60));

        Assert.Equal(OwnerSends + OtherSends, discord.Requests.Count(r => r.Status == 200));
        return discord.TooManyRequests;
    }

    private static void Instance(HarnessOptions o, string database, string id)
    {
        o.Start = false;
        o.RealEngine = true;
        o.Postgres = database;
        o.InstanceId = id;
        o.Settings["Discord:RequestTimeout"] = "00:00:10";
    }

    [PostgresFact]
    public async Task The_drain_owner_and_another_instance_sending_flat_out_together_stay_within_the_global_limit()
    {
        Assert.Equal(0, await SendFlatOutAsync(otherAlsoOwns: false));
    }

    [PostgresFact]
    public async Task Two_instances_that_each_took_the_owners_share_would_go_over_the_global_limit()
    {
        // The control: without the shared counter (both count as the drain's owner) the same load overruns Discord's second.
        Assert.True(await SendFlatOutAsync(otherAlsoOwns: true) > 0, "the fake Discord saw no 429: the test cannot tell a shared budget from none");
    }
}
