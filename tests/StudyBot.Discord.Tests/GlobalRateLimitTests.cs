using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Coordination;
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

/// <summary>
/// The shared global budget on fake time, against the window rule kept in memory (what the database's statement does):
/// who asks the counter, waiting for the next window, the queue limit, and what an instance does when the database is away.
/// </summary>
public sealed class SharedGlobalBudgetTests
{
    private readonly WatchedTime _time = new(new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero)));
    private readonly MemoryWindows _windows;
    private readonly DrainOwners _owners;
    private readonly ListLoggerProvider _logs = new();
    private readonly RateLimiter _limiter;

    public SharedGlobalBudgetTests()
    {
        _windows = new MemoryWindows(_time);
        _owners = new DrainOwners(_time, shared: true);
        var shared = new SharedGlobalBudget(_windows, _owners, new GlobalSplit(50), _time, _logs.CreateLogger("budget"));
        _limiter = new RateLimiter(_time, NullLogger<RateLimiter>.Instance, 50, shared);
    }

    private static RateLimitHeaders Answer() => new(5, 4, TimeSpan.FromSeconds(5), "m", false, RateLimitScope.None, null);

    private async Task SendAsync(ulong channel) =>
        (await _limiter.AcquireAsync(DiscordRoute.CreateMessage(channel), CancellationToken.None)).Complete(Answer(), false);

    [Fact]
    public async Task An_instance_that_does_not_own_the_drain_sends_a_tenth_of_the_limit_per_window_and_waits_for_the_next()
    {
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(100 + (ulong)i);
        }

        var mark = _time.Armed;
        var sixth = SendAsync(200);
        await _time.ArmedAsync(mark, d => d == TimeSpan.FromSeconds(1), "the sixth request to wait for the next window");
        Assert.False(sixth.IsCompleted);
        Assert.Equal(5, _windows.Counted);

        _time.Advance(TimeSpan.FromSeconds(1));
        await Bounded.WaitAsync(sixth, "the sixth request in the next window");
        Assert.Equal(6, _windows.Counted);
        Assert.Equal(40, _limiter.LocalLimit);
    }

    [Fact]
    public async Task The_drain_owner_sends_its_share_without_asking_the_database()
    {
        _owners.Held(Platforms.Discord, _time.GetTimestamp(), TimeSpan.FromMinutes(1));
        for (var i = 0; i < 40; i++)
        {
            await SendAsync(100 + (ulong)i);
        }

        var mark = _time.Armed;
        var next = SendAsync(300);
        await _time.ArmedAsync(mark, d => d >= RateLimiter.GlobalWindow, "the 41st request to wait for the owner's second");
        Assert.False(next.IsCompleted);
        Assert.Equal(0, _windows.Asked);

        _time.Advance(RateLimiter.GlobalWindow + TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(next, "the 41st request in the owner's next second");
    }

    [Fact]
    public async Task An_owner_whose_lease_is_about_to_run_out_asks_the_database_again()
    {
        _owners.Held(Platforms.Discord, _time.GetTimestamp(), TimeSpan.FromSeconds(15));
        await SendAsync(1);
        Assert.Equal(0, _windows.Asked);

        // Another instance may take the lease once it runs out: the owner steps down a margin before that.
        _time.Advance(TimeSpan.FromSeconds(15) - DrainOwners.HandOverMargin);
        await SendAsync(2);
        Assert.Equal(1, _windows.Asked);
    }

    [Fact]
    public async Task A_full_window_beyond_the_queue_limit_fails_fast_with_a_rate_limit()
    {
        _windows.FullFor = RateLimiter.MaxQueueWait + TimeSpan.FromSeconds(1);

        var ex = await Assert.ThrowsAsync<DiscordRateLimitedException>(() => SendAsync(1));

        Assert.True(ex.RetryAfter > RateLimiter.MaxQueueWait, $"retry after {ex.RetryAfter}");
        Assert.Contains("scope Global", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_database_requests_still_go_out_at_a_cautious_local_pace_and_the_log_says_so_once()
    {
        _windows.Down = true;
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(100 + (ulong)i);
        }

        var mark = _time.Armed;
        var sixth = SendAsync(200);
        await _time.ArmedAsync(mark, d => d >= RateLimiter.GlobalWindow - TimeSpan.FromMilliseconds(1), "the sixth request to wait for the fallback's second");
        Assert.False(sixth.IsCompleted);
        _time.Advance(RateLimiter.GlobalWindow + TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(sixth, "the sixth request in the fallback's next second");
        Assert.Single(_logs.Lines, l => l.Message.Contains("cannot be reached", StringComparison.Ordinal));

        // The database is back: the next ask after the retry pause goes to it again, and the log says so.
        _windows.Down = false;
        _time.Advance(TimeSpan.FromSeconds(5));
        await SendAsync(300);
        Assert.Contains(_logs.Lines, l => l.Message.Contains("reachable again", StringComparison.Ordinal));
        Assert.Single(_logs.Lines, l => l.Message.Contains("cannot be reached", StringComparison.Ordinal));
    }

    /// <summary>The database's window rule in memory: one-second windows of the (fake) clock, at most the cap in each.</summary>
    private sealed class MemoryWindows(TimeProvider time) : IRateWindows
    {
        private readonly Dictionary<long, int> _counts = [];

        public bool Down { get; set; }

        public TimeSpan? FullFor { get; set; }

        public int Asked { get; private set; }

        public int Counted => _counts.Values.Sum();

        public Task<RateWindowTake> TryTakeAsync(string counter, int perWindow, CancellationToken cancellationToken)
        {
            Asked++;
            if (Down)
            {
                throw new TimeoutException("the database did not answer");
            }

            if (FullFor is { } full)
            {
                return Task.FromResult(new RateWindowTake(false, full));
            }

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var window = now / 1000;
            var untilNext = TimeSpan.FromMilliseconds((window + 1) * 1000 - now);
            var count = _counts.GetValueOrDefault(window);
            if (count >= perWindow)
            {
                return Task.FromResult(new RateWindowTake(false, untilNext));
            }

            _counts[window] = count + 1;
            return Task.FromResult(new RateWindowTake(true, untilNext));
        }
    }
}

/// <summary>The split of the global limit and the window rule, for any limit and any pattern of requests.</summary>
public sealed class GlobalSplitTests
{
    [Fact]
    public void Every_limit_splits_into_an_owners_share_and_a_reserve_of_two_windows_that_add_up_to_it()
    {
        Gen.Int[GlobalSplit.MinLimit, GlobalSplit.MaxLimit].Sample(limit =>
        {
            var split = new GlobalSplit(limit);
            Assert.True(split.PerWindow >= 1, $"{limit}: {split.PerWindow} per window");
            Assert.Equal(limit, split.OwnerShare + 2 * split.PerWindow);
            Assert.True(split.OwnerShare >= limit * 3 / 4, $"{limit}: the owner gets {split.OwnerShare}");
        });
        Assert.Equal((40, 5), (new GlobalSplit(50).OwnerShare, new GlobalSplit(50).PerWindow));
    }

    [Fact]
    public void The_owner_in_its_sliding_second_and_the_others_in_fixed_windows_never_together_pass_the_limit_in_any_second()
    {
        // Milliseconds on one clock: the others' requests are let through by the window rule (at most PerWindow in each
        // whole second, whoever asks), the owner's by its sliding second (at most OwnerShare in any 1,000 ms).
        var attempts = Gen.Int[0, 3999].Array[0, 400].Select(a => a.Order().ToArray());
        Gen.Select(Gen.Int[GlobalSplit.MinLimit, 150], attempts, attempts).Sample((limit, others, owner) =>
        {
            var split = new GlobalSplit(limit);
            var sent = new List<int>();
            var perWindow = new Dictionary<int, int>();
            foreach (var t in others)
            {
                var window = t / 1000;
                if (perWindow.GetValueOrDefault(window) < split.PerWindow)
                {
                    perWindow[window] = perWindow.GetValueOrDefault(window) + 1;
                    sent.Add(t);
                }
            }

            var owned = new List<int>();
            foreach (var t in owner)
            {
                if (owned.Count(o => o > t - 1000) < split.OwnerShare)
                {
                    owned.Add(t);
                }
            }

            sent.AddRange(owned);
            foreach (var start in sent)
            {
                var inSecond = sent.Count(t => t >= start && t < start + 1000);
                Assert.True(inSecond <= limit, $"limit {limit}: {inSecond} requests in the second from {start} ms");
            }
        });
    }
}
