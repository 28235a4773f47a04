using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

public sealed class GuardTests
{
    [Fact]
    public void The_circuit_opens_at_the_budget_and_closes_when_the_window_moves_on()
    {
        var time = new FakeTimeProvider();
        var logs = new ListLoggerProvider();
        var guard = new InvalidRequestGuard(time, 5, new Microsoft.Extensions.Logging.Logger<InvalidRequestGuard>(new Microsoft.Extensions.Logging.LoggerFactory([logs])));

        for (var i = 0; i < 4; i++)
        {
            guard.Record(403, RateLimitScope.None);
        }

        guard.Record(429, RateLimitScope.Shared);
        guard.ThrowIfOpen();
        guard.Record(429, RateLimitScope.User);

        var open = Assert.Throws<DiscordCircuitOpenException>(guard.ThrowIfOpen);
        Assert.True(open.RetryAfter <= InvalidRequestGuard.Window);
        Assert.True(logs.Contains("circuit breaker OPEN"));

        time.Advance(InvalidRequestGuard.Window + TimeSpan.FromSeconds(10));
        guard.ThrowIfOpen();
        Assert.True(logs.Contains("circuit breaker closed"));
        Assert.Equal(0, guard.Count);
    }

    [Fact]
    public void After_a_401_nothing_is_sent_at_all()
    {
        var guard = new InvalidRequestGuard(new FakeTimeProvider(), 1000, NullLogger<InvalidRequestGuard>.Instance);

        guard.Record(401, RateLimitScope.None);

        Assert.True(guard.TokenRejected);
        Assert.Throws<DiscordAuthException>(guard.ThrowIfOpen);
    }
}

public sealed class GatewaySenderTests
{
    [Fact]
    public async Task Sends_stay_under_120_per_minute_with_room_kept_for_heartbeats()
    {
        var time = new WatchedTime();
        var sent = new List<string>();
        var sender = new GatewaySender((bytes, _) => { lock (sent) { sent.Add(System.Text.Encoding.UTF8.GetString(bytes.Span)); } return ValueTask.CompletedTask; }, time);
        using var stop = new CancellationTokenSource();
        var run = sender.RunAsync(stop.Token);

        var normal = Enumerable.Range(0, 125).Select(i => sender.EnqueueAsync(System.Text.Encoding.UTF8.GetBytes($"n{i}"), heartbeat: false)).ToList();
        await Wait.UntilAsync(() => sender.Total == GatewaySender.WindowLimit - GatewaySender.HeartbeatReserve, "117 normal sends");
        await time.ParkedAsync(1, "the sender to wait for the window with the heartbeat reserve left");
        Assert.Equal(117, sender.Total);

        var beats = Enumerable.Range(0, 3).Select(i => sender.EnqueueAsync(System.Text.Encoding.UTF8.GetBytes($"h{i}"), heartbeat: true)).ToList();
        await Bounded.WaitAsync(Task.WhenAll(beats), "the three heartbeats sent from the reserve", TimeSpan.FromSeconds(5));
        Assert.Equal(120, sender.Total);

        var fourth = sender.EnqueueAsync(System.Text.Encoding.UTF8.GetBytes("h3"), heartbeat: true);
        await time.ParkedAsync(3, "the fourth heartbeat to wait for the window");
        Assert.False(fourth.IsCompleted);

        time.Advance(GatewaySender.Window);
        await Bounded.WaitAsync(Task.WhenAll(normal), "the normal sends in the next window", TimeSpan.FromSeconds(5));
        await Bounded.WaitAsync(fourth, "the fourth heartbeat in the next window", TimeSpan.FromSeconds(5));
        lock (sent)
        {
            Assert.Equal("h3", sent[120]);
        }

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public void A_payload_over_4096_bytes_is_refused_before_it_is_sent()
    {
        var sender = new GatewaySender((_, _) => ValueTask.CompletedTask, new FakeTimeProvider());

        var ex = Record.Exception(() => { _ = sender.EnqueueAsync(new byte[4097], heartbeat: false); });
        Assert.IsType<ArgumentException>(ex);
        _ = sender.EnqueueAsync(new byte[4096], heartbeat: false);
    }
}

public sealed class IdentifyLimiterTests
{
    [Fact]
    public async Task Shards_in_one_concurrency_bucket_identify_five_seconds_apart()
    {
        var time = new WatchedTime();
        var limiter = new IdentifyLimiter(time);

        await limiter.WaitAsync(0, 1, CancellationToken.None);
        var second = limiter.WaitAsync(1, 1, CancellationToken.None);
        await time.ParkedAsync(1, "shard 1 to wait its turn to identify");
        Assert.Equal(TimeSpan.FromSeconds(5), time.LastDue);
        Assert.False(second.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(5));
        await Bounded.WaitAsync(second, "shard 1 to be let identify five seconds later", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task With_max_concurrency_two_two_shards_identify_together_and_the_third_waits()
    {
        var time = new WatchedTime();
        var limiter = new IdentifyLimiter(time);

        await Bounded.WaitAsync(limiter.WaitAsync(0, 2, CancellationToken.None), "shard 0 to be let identify", TimeSpan.FromSeconds(5));
        await Bounded.WaitAsync(limiter.WaitAsync(1, 2, CancellationToken.None), "shard 1 to be let identify", TimeSpan.FromSeconds(5));
        var third = limiter.WaitAsync(2, 2, CancellationToken.None);
        await time.ParkedAsync(1, "shard 2 to wait behind shard 0");
        Assert.False(third.IsCompleted);

        time.Advance(IdentifyLimiter.Spacing);
        await Bounded.WaitAsync(third, "shard 2 to be let identify after the spacing", TimeSpan.FromSeconds(5));
    }
}
