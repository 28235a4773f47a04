using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// The limiter on fake time: a request that must wait does not complete until the clock moves. A waiting request
/// arms a timer when it parks; that is the signal a test waits for before checking it has not gone through.
/// </summary>
public sealed class RateLimiterTests
{
    private readonly WatchedTime _time = new(new FakeTimeProvider());
    private readonly RateLimiter _limiter;

    public RateLimiterTests()
    {
        _limiter = new RateLimiter(_time, NullLogger<RateLimiter>.Instance);
    }

    private static RateLimitHeaders Bucket(int limit, int remaining, double resetAfter, string hash = "h1") =>
        new(limit, remaining, TimeSpan.FromSeconds(resetAfter), hash, false, RateLimitScope.None, null);

    [Fact]
    public async Task An_unknown_route_lets_one_request_through_until_its_headers_arrive()
    {
        var route = DiscordRoute.CreateMessage(1);
        var first = await _limiter.AcquireAsync(route, CancellationToken.None);

        var second = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the second request to wait for the first one's headers");
        Assert.False(second.IsCompleted);

        first.Complete(Bucket(5, 4, 5), is429: false);
        var lease = await Bounded.WaitAsync(second, "the second request's permit once the headers came", TimeSpan.FromSeconds(5));
        lease.Complete(Bucket(5, 3, 5), false);
    }

    [Fact]
    public async Task An_exhausted_bucket_waits_for_Reset_After_on_the_monotonic_clock()
    {
        var route = DiscordRoute.CreateMessage(1);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(2, 1, 2.5), false);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(2, 0, 2.4), false);

        var third = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the third request to wait for the bucket's reset");
        Assert.InRange(_time.LastDue, TimeSpan.FromSeconds(2.4), TimeSpan.FromSeconds(2.5));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(third.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(0.6));
        (await Bounded.WaitAsync(third, "the third request's permit after Reset-After", TimeSpan.FromSeconds(5))).Complete(Bucket(2, 1, 2.5), false);
    }

    [Fact]
    public async Task Each_top_level_resource_has_its_own_bucket_under_the_same_hash()
    {
        (await _limiter.AcquireAsync(DiscordRoute.CreateMessage(1), CancellationToken.None)).Complete(Bucket(1, 0, 10), false);

        var sameChannel = _limiter.AcquireAsync(DiscordRoute.CreateMessage(1), CancellationToken.None).AsTask();
        var otherChannel = _limiter.AcquireAsync(DiscordRoute.CreateMessage(2), CancellationToken.None).AsTask();

        await Bounded.WaitAsync(otherChannel, "the other channel's permit", TimeSpan.FromSeconds(5));
        await _time.ParkedAsync(1, "the same channel's request to wait for its bucket");
        Assert.False(sameChannel.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Bounded.WaitAsync(sameChannel, "the same channel's permit after the reset", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Routes_that_Discord_puts_in_one_bucket_share_its_limit()
    {
        var global = DiscordRoute.BulkOverwriteGlobalCommands(7);
        var guild = DiscordRoute.BulkOverwriteGuildCommands(7, 0);
        var sharedRoute = guild with { MajorParameter = "" };
        (await _limiter.AcquireAsync(global, CancellationToken.None)).Complete(Bucket(1, 0, 20, "cmd"), false);
        (await _limiter.AcquireAsync(sharedRoute, CancellationToken.None)).Complete(Bucket(1, 0, 20, "cmd"), false);

        var next = _limiter.AcquireAsync(global, CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the next registration to wait for the shared bucket");

        Assert.False(next.IsCompleted);
        Assert.Same(_limiter.BucketFor(global), _limiter.BucketFor(sharedRoute));
        _time.Advance(TimeSpan.FromSeconds(20));
        await Bounded.WaitAsync(next, "the next registration's permit after the shared reset", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_wall_clock_Reset_header_is_not_what_decides()
    {
        // Reset-After says 1 s; a skewed X-RateLimit-Reset (not parsed) could say anything.
        var route = DiscordRoute.CreateMessage(3);
        var headers = RateLimitHeaders.Parse(name => name switch
        {
            "X-RateLimit-Limit" => "1",
            "X-RateLimit-Remaining" => "0",
            "X-RateLimit-Reset" => "1000000000.000",
            "X-RateLimit-Reset-After" => "1.000",
            "X-RateLimit-Bucket" => "h3",
            _ => null,
        });
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(headers, false);

        var next = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the next request to wait for Reset-After");
        Assert.Equal(TimeSpan.FromSeconds(1), _time.LastDue);
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Bounded.WaitAsync(next, "the next request's permit after Reset-After", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_global_limit_allows_50_requests_per_second_and_exempts_interaction_routes()
    {
        var leases = new List<RateLimitLease>();
        for (var i = 0; i < _limiter.GlobalLimit; i++)
        {
            var lease = await _limiter.AcquireAsync(DiscordRoute.CreateMessage((ulong)i + 100), CancellationToken.None);
            lease.Complete(Bucket(5, 4, 5, "m"), false);
        }

        var fiftyFirst = _limiter.AcquireAsync(DiscordRoute.CreateMessage(999), CancellationToken.None).AsTask();
        var callback = _limiter.AcquireAsync(DiscordRoute.InteractionCallback(5, "t"), CancellationToken.None).AsTask();

        await Bounded.WaitAsync(callback, "the interaction callback's permit", TimeSpan.FromSeconds(5));
        await _time.ParkedAsync(1, "the 51st request to wait for the global window");
        Assert.False(fiftyFirst.IsCompleted);
        _time.Advance(RateLimiter.GlobalWindow + TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(fiftyFirst, "the 51st request's permit in the next global window", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_raised_global_limit_sizes_the_window_to_it()
    {
        var limiter = new RateLimiter(_time, NullLogger<RateLimiter>.Instance, globalLimit: 120);
        for (var i = 0; i < 120; i++)
        {
            (await limiter.AcquireAsync(DiscordRoute.CreateMessage((ulong)i + 2000), CancellationToken.None)).Complete(Bucket(5, 4, 5, "r"), false);
        }

        var next = limiter.AcquireAsync(DiscordRoute.CreateMessage(3999), CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the 121st request to wait for the global window");
        Assert.False(next.IsCompleted);
        Assert.Equal(120, limiter.LocalLimit);
        _time.Advance(RateLimiter.GlobalWindow + TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(next, "the 121st request's permit in the next global window", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_global_429_holds_every_globally_limited_route()
    {
        _limiter.BlockGlobal(TimeSpan.FromSeconds(3));

        var blocked = _limiter.AcquireAsync(DiscordRoute.CreateDm(), CancellationToken.None).AsTask();
        var exempt = _limiter.AcquireAsync(DiscordRoute.EditOriginal(1, "t"), CancellationToken.None).AsTask();

        await Bounded.WaitAsync(exempt, "the exempt route's permit", TimeSpan.FromSeconds(5));
        await _time.ParkedAsync(1, "the globally limited request to wait out the global 429");
        Assert.False(blocked.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(3));
        await Bounded.WaitAsync(blocked, "the globally limited request's permit after the global 429", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_route_429_blocks_that_resource_until_retry_after()
    {
        var route = DiscordRoute.CreateMessage(9);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(5, 4, 5, "m9"), false);
        _limiter.BlockRoute(route, TimeSpan.FromSeconds(7));

        var next = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the next request to wait out the route's 429");
        Assert.Equal(TimeSpan.FromSeconds(7), _time.LastDue);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Bounded.WaitAsync(next, "the next request's permit after Retry-After", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_wait_longer_than_the_queue_limit_fails_fast_instead_of_hanging()
    {
        var route = DiscordRoute.CreateMessage(11);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(5, 4, 5, "m11"), false);
        _limiter.BlockRoute(route, TimeSpan.FromMinutes(20));

        var ex = await Assert.ThrowsAsync<DiscordRateLimitedException>(() => _limiter.AcquireAsync(route, CancellationToken.None).AsTask());

        Assert.True(ex.RetryAfter > TimeSpan.FromMinutes(19));
    }

    [Fact]
    public async Task A_request_that_never_reached_Discord_gives_its_permit_back()
    {
        var route = DiscordRoute.CreateMessage(12);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(1, 1, 10, "m12"), false);
        var lease = await _limiter.AcquireAsync(route, CancellationToken.None);
        lease.Abandon(mayHaveReachedDiscord: false);

        var again = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();

        await Bounded.WaitAsync(again, "the permit given back", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Answers_without_bucket_headers_after_a_reset_do_not_strand_the_bucket()
    {
        // A global 429 or a proxy's 502 carries no bucket headers; the permits it used must not be lost for good.
        var route = DiscordRoute.CreateMessage(13);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(2, 0, 1, "m13"), false);
        _time.Advance(TimeSpan.FromSeconds(1));
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(RateLimitHeaders.None, is429: true);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(RateLimitHeaders.None, is429: false);

        var next = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();

        await Bounded.WaitAsync(next, "a permit from the bucket after answers without headers", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_global_window_counts_a_request_from_its_answer_so_a_slow_one_holds_its_place()
    {
        var leases = new List<RateLimitLease>();
        for (var i = 0; i < _limiter.GlobalLimit; i++)
        {
            leases.Add(await _limiter.AcquireAsync(DiscordRoute.CreateMessage((ulong)i + 500), CancellationToken.None));
        }

        foreach (var lease in leases.Skip(1))
        {
            lease.Complete(Bucket(5, 4, 5, "g"), false);
        }

        var next = _limiter.AcquireAsync(DiscordRoute.CreateMessage(999), CancellationToken.None).AsTask();
        await _time.ParkedAsync(1, "the 51st request to wait for the global window");

        // The first request is still unanswered: its slot is counted from the latest it can be answered.
        Assert.True(_time.LastDue > RateLimiter.GlobalWindow, $"the 51st request waits only {_time.LastDue}");
        _time.Advance(RateLimiter.GlobalWindow);
        Assert.False(next.IsCompleted);

        // The first request is answered only now: Discord may have counted it just now.
        leases[0].Complete(Bucket(5, 4, 5, "g"), false);
        await _time.ParkedAsync(2, "the 51st request to wait a window from the first one's answer");
        _time.Advance(RateLimiter.GlobalWindow - TimeSpan.FromMilliseconds(1));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(next, "the 51st request's permit a window after the first one's answer", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_prune_cannot_take_the_bucket_of_a_request_that_just_looked_it_up()
    {
        var route = DiscordRoute.CreateMessage(1);
        (await _limiter.AcquireAsync(route, CancellationToken.None)).Complete(Bucket(1, 1, 1), false);

        // Ten idle minutes pass and the pruner runs exactly between the lookup and the wait, where the bucket looks idle.
        _limiter.AfterLookup = () =>
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            _limiter.Prune();
        };
        var first = await _limiter.AcquireAsync(route, CancellationToken.None);
        _limiter.AfterLookup = null;

        Assert.True(_limiter.Tracks(first), "the request runs on a bucket the limiter no longer keeps");
        var second = _limiter.AcquireAsync(route, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(second.IsCompleted, "a second request ran beside the first on a bucket of limit 1");

        first.Complete(Bucket(1, 0, 1), false);
        _time.Advance(TimeSpan.FromSeconds(1.1));
        (await Bounded.WaitAsync(second, "the second caller's slot", TimeSpan.FromSeconds(5))).Complete(Bucket(1, 0, 1), false);
    }

    [Fact]
    public async Task Idle_buckets_are_pruned_so_months_of_interaction_webhooks_leave_nothing_behind()
    {
        for (var i = 0; i < 500; i++)
        {
            var lease = await _limiter.AcquireAsync(DiscordRoute.EditOriginal(1, "token-" + i), CancellationToken.None);
            lease.Complete(Bucket(5, 4, 1, "webhook-hash"), false);
        }

        Assert.True(_limiter.BucketCount >= 500, $"{_limiter.BucketCount} buckets before pruning");
        _time.Advance(TimeSpan.FromMinutes(10));
        (await _limiter.AcquireAsync(DiscordRoute.GetCurrentUser(), CancellationToken.None)).Complete(Bucket(5, 4, 1, "me"), false);

        Assert.InRange(_limiter.BucketCount, 1, 2);
    }

    [Fact]
    public async Task Requests_and_prunes_hammering_together_lose_no_request_and_never_share_a_limit_of_one()
    {
        const int Workers = 6;
        const int Rounds = 150;
        var channels = new ulong[] { 1, 2, 3 };
        var inFlight = channels.ToDictionary(c => c, _ => 0);
        var violations = 0;
        var untracked = 0;
        var done = 0;
        foreach (var channel in channels)
        {
            (await _limiter.AcquireAsync(DiscordRoute.CreateMessage(channel), CancellationToken.None)).Complete(Bucket(1, 1, 0.001), false);
        }

        using var stop = new CancellationTokenSource();
        var pruner = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                _time.Advance(TimeSpan.FromMinutes(6));
                _limiter.Prune();
                await Task.Yield();
            }
        });
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < Rounds; i++)
            {
                var channel = channels[(w + i) % channels.Length];
                var lease = await _limiter.AcquireAsync(DiscordRoute.CreateMessage(channel), CancellationToken.None);
                if (!_limiter.Tracks(lease))
                {
                    Interlocked.Increment(ref untracked);
                }

                lock (inFlight)
                {
                    if (++inFlight[channel] > 1)
                    {
                        violations++;
                    }
                }

                await Task.Yield();
                lock (inFlight)
                {
                    inFlight[channel]--;
                }

                lease.Complete(Bucket(1, 1, 0.001), false);
                Interlocked.Increment(ref done);
            }
        })).ToArray();

        var all = Task.WhenAll(workers);
        await Bounded.WaitAsync(all, "every caller to finish", TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await Bounded.WaitAsync(pruner, "the pruner to finish", TimeSpan.FromSeconds(10));

        Assert.Equal(Workers * Rounds, done);
        Assert.Equal(0, violations);
        Assert.Equal(0, untracked);
    }
}
