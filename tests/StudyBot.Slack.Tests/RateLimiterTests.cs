using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Slack.Api;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class RateLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("apps.connections.open", 20)]
    [InlineData("conversations.open", 50)]
    [InlineData("users.info", 100)]
    [InlineData("chat.postMessage", 300)]
    public void Under_any_demand_no_sliding_minute_ever_exceeds_the_documented_limit(string method, int limit)
    {
        var limiter = Limiter();
        Assert.Equal(limit, limiter.LimitPerMinute(method));
        var starts = new List<DateTimeOffset>();
        DateTimeOffset Start() => _time.GetUtcNow() + limiter.Reserve(method, null);

        // Everyone asks at once, then more arrive in bursts: the worst case for a strict window.
        for (var i = 0; i < limit * 5; i++)
        {
            starts.Add(Start());
        }

        _time.Advance(TimeSpan.FromMinutes(7));
        for (var i = 0; i < limit * 3; i++)
        {
            starts.Add(Start());
            if (i % 7 == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(2));
            }
        }

        Assert.True(MaxInWindow(starts, TimeSpan.FromMinutes(1)) <= limit, $"{MaxInWindow(starts, TimeSpan.FromMinutes(1))} > {limit}");

        // And the budget is used: over the first five minutes the rate is within a few percent of the limit.
        var first = starts.Take(limit * 5).ToList();
        var perMinute = (first.Count - 1) / (first[^1] - first[0]).TotalMinutes;
        Assert.InRange(perMinute, limit * 0.94, limit * 1.0);
    }

    [Fact]
    public void A_post_to_a_channel_waits_a_second_from_when_the_previous_post_there_was_answered_not_from_when_it_left()
    {
        // Slack counts a channel's posts as they arrive. A post that took 400 ms to be answered may have arrived at any
        // moment of those 400 ms; the next one to the channel must still arrive a second after it.
        var limiter = Limiter();
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(SlackRateLimiter.PostMessage, "C1"));
        _time.Advance(TimeSpan.FromMilliseconds(400));
        limiter.Answered(SlackRateLimiter.PostMessage, "C1");

        var wait = limiter.Reserve(SlackRateLimiter.PostMessage, "C1");
        Assert.InRange(wait.TotalSeconds, 1.0, 1.1);

        // Other channels and other methods are not held up by it.
        Assert.Equal(TimeSpan.Zero, limiter.Reserve(SlackRateLimiter.PostMessage, "C2"));
        limiter.Answered("users.info", null);
        Assert.Equal(TimeSpan.Zero, limiter.Reserve("users.info", null));
    }

    [Fact]
    public void Posts_to_one_channel_are_spaced_about_a_second_apart_while_other_channels_are_not_held_up()
    {
        var limiter = Limiter();
        var a1 = limiter.Reserve(SlackRateLimiter.PostMessage, "C1");
        var a2 = limiter.Reserve(SlackRateLimiter.PostMessage, "C1");
        var b1 = limiter.Reserve(SlackRateLimiter.PostMessage, "C2");

        Assert.InRange((a2 - a1).TotalSeconds, 1.0, 1.1);
        Assert.Equal(TimeSpan.Zero, b1);
    }

    [Fact]
    public async Task A_caller_waits_exactly_until_its_slot()
    {
        var limiter = Limiter();
        await limiter.AcquireAsync("conversations.open", null, CancellationToken.None);
        var second = limiter.AcquireAsync("conversations.open", null, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromSeconds(1.2));
        await Task.Yield();
        Assert.False(second.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.1));
        await Bounded.WaitAsync(second, "the second caller's slot", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_429_pauses_only_that_method_for_Retry_After()
    {
        var limiter = Limiter();
        limiter.Pause(SlackRateLimiter.PostMessage, TimeSpan.FromSeconds(30));

        var post = limiter.AcquireAsync(SlackRateLimiter.PostMessage, "C1", CancellationToken.None).AsTask();
        var lookup = limiter.AcquireAsync("users.info", null, CancellationToken.None).AsTask();

        await Bounded.WaitAsync(lookup, "the users.info slot while chat.postMessage is paused", TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(29));
        await Task.Yield();
        Assert.False(post.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Bounded.WaitAsync(post, "the chat.postMessage slot after the pause", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_pause_that_arrives_while_a_caller_waits_moves_it_behind_the_pause()
    {
        var limiter = Limiter();
        await limiter.AcquireAsync("conversations.open", null, CancellationToken.None);
        var waiting = limiter.AcquireAsync("conversations.open", null, CancellationToken.None).AsTask();

        var paused = _time.GetUtcNow();
        limiter.Pause("conversations.open", TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(2));
        await Task.Yield();
        Assert.False(waiting.IsCompleted);

        // The waiter wakes at its old slot on a thread of its own and books a new one from the clock it reads then:
        // fake time moves in small steps, so a jump made before it re-arms cannot leave it waiting past the end.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!waiting.IsCompleted)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "Timed out after 10 s pumping fake time waiting for the waiting caller's slot after the pause");
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }

        await waiting;
        Assert.InRange(_time.GetUtcNow() - paused, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12));
        Assert.Null(limiter.PausedFor("conversations.open"));
    }

    [Fact]
    public void Configured_budgets_override_the_tier_defaults()
    {
        var limiter = new SlackRateLimiter(_time, Options.Create(new SlackOptions { MethodLimits = new() { ["users.info"] = 7 }, PostMessagePerMinute = 120 }));

        Assert.Equal(7, limiter.LimitPerMinute("users.info"));
        Assert.Equal(120, limiter.LimitPerMinute(SlackRateLimiter.PostMessage));
        Assert.Equal(20, limiter.LimitPerMinute("some.unknown.method"));
    }

    [Fact]
    public void After_thirty_days_of_posts_to_thousands_of_channels_only_the_channels_posted_to_lately_are_held()
    {
        var limiter = Limiter();
        var channels = 0;
        for (var hour = 0; hour < 30 * 24; hour++)
        {
            // A few posts an hour, each to a channel never posted to before: celebrations and boards across many groups.
            for (var i = 0; i < 7; i++)
            {
                limiter.Reserve(SlackRateLimiter.PostMessage, $"C{channels++:D8}");
                _time.Advance(TimeSpan.FromSeconds(2));
            }

            _time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(14));
        }

        Assert.Equal(5040, channels);
        Assert.InRange(limiter.Held, 1, 20);
    }

    private SlackRateLimiter Limiter() => new(_time, Options.Create(new SlackOptions()));

    private static int MaxInWindow(List<DateTimeOffset> starts, TimeSpan window)
    {
        var sorted = starts.Order().ToList();
        var max = 0;
        var left = 0;
        for (var right = 0; right < sorted.Count; right++)
        {
            while (sorted[right] - sorted[left] >= window)
            {
                left++;
            }

            max = Math.Max(max, right - left + 1);
        }

        return max;
    }
}
