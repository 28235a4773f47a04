using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StudyBot.Discord.Rest;

/// <summary>
/// Discord's REST rate limits, read from the response headers rather than hard-coded:
/// routes are bucketed by <c>X-RateLimit-Bucket</c> and the top-level resource, a route not seen before lets
/// one request through until its headers arrive, resets are measured with <c>Reset-After</c> on the
/// monotonic clock of the injected <see cref="TimeProvider"/>, and a global limiter keeps the bot under its global
/// limit (<c>Discord:GlobalRateLimit</c>, 50 requests per second unless Discord granted more). With a
/// <see cref="SharedGlobalBudget"/> (instances sharing a PostgreSQL database) this process's limiter keeps to the drain
/// owner's share, and an instance that does not own the drain also takes each request from the shared window counter.
/// 429 answers feed back in by scope.
/// </summary>
internal sealed partial class RateLimiter(TimeProvider time, ILogger<RateLimiter> logger, int globalLimit = GlobalSplit.DefaultLimit, SharedGlobalBudget? shared = null)
{
    /// <summary>The bot token's global limit, requests per second (<c>Discord:GlobalRateLimit</c>).</summary>
    public int GlobalLimit { get; } = globalLimit;

    /// <summary>What this process's own sliding-window limiter lets through in any second: all of it, or the owner's share when shared.</summary>
    public int LocalLimit { get; } = shared?.Split.OwnerShare ?? globalLimit;

    /// <summary>Discord's second, plus a little slack for its clock; counted from each answer (see GlobalLimiter).</summary>
    public static readonly TimeSpan GlobalWindow = TimeSpan.FromMilliseconds(1010);

    /// <summary>A request that would queue longer than this fails with <see cref="DiscordRateLimitedException"/> instead.</summary>
    public static readonly TimeSpan MaxQueueWait = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan IdleBucketAge = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, string> _hashes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly GlobalLimiter _global = new(time, shared?.Split.OwnerShare ?? globalLimit);
    private long _lastPrune = time.GetTimestamp();

    public int BucketCount => _buckets.Count;

    /// <summary>Test seam: runs after a request looked its bucket up and before it waits on it (where a prune could cut in).</summary>
    internal Action? AfterLookup { get; set; }

    /// <summary>Waits until the route's bucket and (unless exempt) the global limit allow one more request.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(DiscordRoute route, CancellationToken cancellationToken)
    {
        PruneIfDue();
        while (true)
        {
            // Entered at lookup, atomically with the prune's check: a bucket with a request in it is never let go.
            var bucket = Enter(KeyFor(route));
            Bucket? acquired;
            try
            {
                AfterLookup?.Invoke();
                acquired = await bucket.AcquireAsync(cancellationToken);
            }
            catch
            {
                bucket.Leave();
                throw;
            }

            if (acquired is null)
            {
                // The route's discovery bucket now redirects to the shared one Discord named: look it up again.
                bucket.Leave();
                continue;
            }

            var slot = -1;
            if (route.GlobalLimited)
            {
                try
                {
                    slot = await _global.AcquireAsync(cancellationToken);

                    // Asked last, right before the request goes out, so it is counted in the window it is sent in.
                    if (shared is { IsOwner: false })
                    {
                        await shared.AcquireAsync(cancellationToken);
                    }
                }
                catch
                {
                    if (slot >= 0)
                    {
                        _global.Complete(slot);
                    }

                    bucket.Release(null, consumed: false);
                    bucket.Leave();
                    throw;
                }
            }

            return new RateLimitLease(this, route, bucket, slot);
        }
    }

    /// <summary>The key of the bucket a route uses now: the shared hash bucket once Discord named it, the route's own before.</summary>
    private string KeyFor(DiscordRoute route) =>
        _hashes.TryGetValue(route.RouteKey, out var hash)
            ? $"{hash}|{route.MajorParameter}"
            : $"route:{route.RouteKey}|{route.MajorParameter}";

    /// <summary>The bucket a route uses now (a lookup only, for tests and diagnostics).</summary>
    internal Bucket BucketFor(DiscordRoute route) => _buckets.GetOrAdd(KeyFor(route), static (_, t) => new Bucket(t), time);

    /// <summary>
    /// The bucket for the key, entered (counted as in use until <see cref="Bucket.Leave"/>). A bucket a prune retired
    /// between the lookup and the entry is taken out of the map here and a fresh one is used.
    /// </summary>
    private Bucket Enter(string key)
    {
        while (true)
        {
            var bucket = _buckets.GetOrAdd(key, static (_, t) => new Bucket(t), time);
            if (bucket.TryEnter())
            {
                return bucket;
            }

            _buckets.TryRemove(KeyValuePair.Create(key, bucket));
        }
    }

    internal void Complete(DiscordRoute route, Bucket bucket, RateLimitHeaders headers, bool is429)
    {
        if (headers.Bucket is { } hash)
        {
            _hashes[route.RouteKey] = hash;
            var target = Enter($"{hash}|{route.MajorParameter}");
            try
            {
                if (!ReferenceEquals(target, bucket))
                {
                    // Requests already queued on the route's discovery bucket move over to the shared one.
                    bucket.Release(null, consumed: true);
                    bucket.RedirectTo(target);
                    target.Observe(headers, is429);
                    return;
                }
            }
            finally
            {
                target.Leave();
            }
        }

        bucket.Release(headers, consumed: true, is429);
    }

    internal void CompleteGlobal(int slot)
    {
        if (slot >= 0)
        {
            _global.Complete(slot);
        }
    }

    /// <summary>A 429 with scope <c>global</c>: nothing that counts against the global limit goes out until it passes.</summary>
    public void BlockGlobal(TimeSpan retryAfter)
    {
        _global.Block(retryAfter);
        LogGlobalBlocked(retryAfter.TotalSeconds);
    }

    /// <summary>A 429 with scope <c>user</c> or <c>shared</c> for this route's resource.</summary>
    public void BlockRoute(DiscordRoute route, TimeSpan retryAfter)
    {
        var bucket = Enter(KeyFor(route));
        bucket.Block(retryAfter);
        bucket.Leave();
    }

    /// <summary>Whether the lease's bucket is the one the limiter keeps for its route now (not one a prune let go).</summary>
    internal bool Tracks(RateLimitLease lease) => _buckets.Values.Any(b => ReferenceEquals(b, lease.Bucket));

    private void PruneIfDue()
    {
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref _lastPrune);
        if (time.GetElapsedTime(last, now) < PruneEvery || Interlocked.CompareExchange(ref _lastPrune, now, last) != last)
        {
            return;
        }

        Prune();
    }

    /// <summary>Lets go of buckets idle for <see cref="IdleBucketAge"/>; returns how many.</summary>
    internal int Prune()
    {
        var pruned = 0;
        foreach (var (key, bucket) in _buckets)
        {
            // Retired under the bucket's lock, so no request can enter it after the check; removed only if still mapped.
            if (bucket.TryRetire(IdleBucketAge) && _buckets.TryRemove(KeyValuePair.Create(key, bucket)))
            {
                pruned++;
            }
        }

        return pruned;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord answered 429 with scope global; holding every request for {Seconds:0.###} s")]
    private partial void LogGlobalBlocked(double seconds);

    /// <summary>One rate-limit bucket for one top-level resource.</summary>
    internal sealed class Bucket(TimeProvider time)
    {
        // A route with unknown limits lets one request through; its response tells us the rest.
        private static readonly TimeSpan FallbackWait = TimeSpan.FromMilliseconds(750);
        private static readonly TimeSpan NewWindowTolerance = TimeSpan.FromMilliseconds(100);

        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Lock _lock = new();
        private bool _known;
        private bool _unlimited;
        private int _limit = 1;
        private int _remaining = 1;
        private int _inflight;
        private long? _resetAt;
        private long _lastUsed = time.GetTimestamp();
        private int _users;
        private bool _retired;
        private Bucket? _redirect;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Remaining
        {
            get
            {
                lock (_lock)
                {
                    return _remaining;
                }
            }
        }

        public bool Known => _known;

        /// <summary>Counts a request in (from its lookup until it is done with the bucket); false once the bucket was retired.</summary>
        public bool TryEnter()
        {
            lock (_lock)
            {
                if (_retired)
                {
                    return false;
                }

                _users++;
                _lastUsed = time.GetTimestamp();
                return true;
            }
        }

        public void Leave()
        {
            lock (_lock)
            {
                _users = Math.Max(0, _users - 1);
                _lastUsed = time.GetTimestamp();
            }
        }

        /// <summary>Retires the bucket when nobody is in it and it was idle for <paramref name="age"/>: no request enters it again.</summary>
        public bool TryRetire(TimeSpan age)
        {
            lock (_lock)
            {
                if (_retired || _users > 0 || !IsIdleLocked(age))
                {
                    return _retired;
                }

                _retired = true;
                return true;
            }
        }

        /// <summary>Waits for a permit; null when the bucket now redirects to the shared one (look the route up again).</summary>
        public async ValueTask<Bucket?> AcquireAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                while (true)
                {
                    Task changed;
                    TimeSpan wait;
                    Bucket? redirect;
                    lock (_lock)
                    {
                        redirect = _redirect;
                    }

                    if (redirect is not null)
                    {
                        return null;
                    }

                    lock (_lock)
                    {

                        var now = time.GetTimestamp();
                        _lastUsed = now;
                        if (_unlimited)
                        {
                            _inflight++;
                            return this;
                        }

                        if (_known && _resetAt is { } reset && now >= reset)
                        {
                            // Requests still in flight may land in the new window on Discord's side: count them there.
                            _remaining = Math.Max(0, _limit - _inflight);
                            _resetAt = null;
                        }

                        if (_remaining == 0 && _resetAt is null && _inflight == 0)
                        {
                            // Nothing in flight will bring headers and no reset is known (the last request ended
                            // without an answer): let one request through to learn the limits again.
                            _remaining = 1;
                        }

                        if (_remaining > 0)
                        {
                            _remaining--;
                            _inflight++;
                            return this;
                        }

                        wait = _resetAt is { } until ? time.GetElapsedTime(now, until) : FallbackWait;
                        if (wait > FallbackWait && _resetAt is null)
                        {
                            wait = FallbackWait;
                        }

                        if (_resetAt is not null && wait > MaxQueueWait)
                        {
                            throw new DiscordRateLimitedException(wait, RateLimitScope.User);
                        }

                        changed = _changed.Task;
                    }

                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    var delay = Task.Delay(wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : wait, time, cts.Token);
                    await Task.WhenAny(delay, changed);
                    await cts.CancelAsync();
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        public void RedirectTo(Bucket target)
        {
            lock (_lock)
            {
                _redirect = target;
                Signal();
            }
        }

        /// <summary>A request holding a permit finished: with headers when Discord answered, without when it never got there.</summary>
        public void Release(RateLimitHeaders? headers, bool consumed, bool is429 = false)
        {
            lock (_lock)
            {
                _inflight = Math.Max(0, _inflight - 1);
                if (!consumed)
                {
                    _remaining++;
                }
                else if (headers is not null)
                {
                    ApplyHeaders(headers, is429);
                }
                else if (!_known && !_unlimited)
                {
                    _remaining = Math.Max(_remaining, 1);
                }

                Signal();
            }
        }

        /// <summary>Headers from a request another bucket sent for this resource (the discovery request).</summary>
        public void Observe(RateLimitHeaders headers, bool is429)
        {
            lock (_lock)
            {
                ApplyHeaders(headers, is429);
                Signal();
            }
        }

        public void Block(TimeSpan retryAfter)
        {
            lock (_lock)
            {
                var until = time.GetTimestamp() + ToTicks(retryAfter);
                _remaining = 0;
                _resetAt = _resetAt is { } r && r > until ? r : until;
                _known = true;
                _unlimited = false;
                Signal();
            }
        }

        private bool IsIdleLocked(TimeSpan age)
        {
            var now = time.GetTimestamp();
            return _inflight == 0 && _gate.CurrentCount == 1
                && time.GetElapsedTime(_lastUsed, now) > age
                && (_resetAt is null || now >= _resetAt);
        }

        private void ApplyHeaders(RateLimitHeaders headers, bool is429)
        {
            if (!headers.HasBucketInfo)
            {
                if (!_known && !is429)
                {
                    // Discord sent no limits for this route: nothing to pace.
                    _unlimited = true;
                }
                else if (!_known)
                {
                    // A global 429 says nothing about this route: the discovery permit comes back.
                    _remaining = Math.Max(_remaining, 1);
                }

                return;
            }

            var now = time.GetTimestamp();
            var reset = now + ToTicks(headers.ResetAfter!.Value);
            var estimate = Math.Max(0, headers.Remaining!.Value - _inflight);
            _limit = Math.Max(1, headers.Limit!.Value);
            _unlimited = false;
            if (!_known)
            {
                _known = true;
                _remaining = estimate;
                _resetAt = reset;
                return;
            }

            var newWindow = _resetAt is { } current && (now >= current || reset > current + ToTicks(NewWindowTolerance));
            if (newWindow)
            {
                _remaining = estimate;
                _resetAt = reset;
            }
            else
            {
                // Responses can overtake each other; within a window the lowest count is the true one.
                _remaining = Math.Min(_remaining, estimate);
                _resetAt = _resetAt is { } r ? Math.Max(r, reset) : reset;
            }
        }

        private void Signal()
        {
            var old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            old.TrySetResult();
        }

        private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>
    /// At most <paramref name="limit"/> requests per second as Discord counts them, plus global 429 holds.
    /// Discord stamps a request somewhere between our send and its answer, so the limit-th request back is counted
    /// from when its answer arrived: request n goes out only a window after request n-limit was answered. Delays on
    /// the way (a slow network, a pause on either side) then cannot squeeze one more into Discord's second.
    /// </summary>
    internal sealed class GlobalLimiter(TimeProvider time, int limit)
    {
        // A request still unanswered after this long counts as answered, so one hung request cannot stall all.
        private static readonly TimeSpan InFlightCap = TimeSpan.FromSeconds(2);

        private readonly SemaphoreSlim _gate = new(1, 1);
        private readonly Lock _lock = new();
        private readonly long[] _acquired = new long[limit];
        private readonly long[] _answered = new long[limit];
        private int _next;
        private int _count;
        private long _blockedUntil;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask<int> AcquireAsync(CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                while (true)
                {
                    TimeSpan wait;
                    Task changed;
                    lock (_lock)
                    {
                        var now = time.GetTimestamp();
                        var blocked = _blockedUntil;
                        changed = _changed.Task;
                        if (now < blocked)
                        {
                            wait = time.GetElapsedTime(now, blocked);
                            if (wait > MaxQueueWait)
                            {
                                throw new DiscordRateLimitedException(wait, RateLimitScope.Global);
                            }
                        }
                        else if (_count < limit)
                        {
                            _count++;
                            return Take(now);
                        }
                        else
                        {
                            var slot = _next;
                            var counted = _answered[slot] != 0 ? _answered[slot] : _acquired[slot] + Ticks(InFlightCap);
                            var free = counted + Ticks(GlobalWindow);
                            if (now >= free)
                            {
                                return Take(now);
                            }

                            wait = time.GetElapsedTime(now, free);
                        }
                    }

                    // An answer arriving early can free the slot sooner than the computed wait.
                    using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    await Task.WhenAny(Task.Delay(wait, time, cts.Token), changed);
                    await cts.CancelAsync();
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        /// <summary>The request holding <paramref name="slot"/> was answered (or given up on).</summary>
        public void Complete(int slot)
        {
            lock (_lock)
            {
                _answered[slot] = Math.Max(time.GetTimestamp(), _acquired[slot] + 1);
                var old = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                old.TrySetResult();
            }
        }

        public void Block(TimeSpan retryAfter)
        {
            lock (_lock)
            {
                var until = time.GetTimestamp() + Ticks(retryAfter);
                _blockedUntil = Math.Max(_blockedUntil, until);
            }
        }

        private int Take(long now)
        {
            var slot = _next;
            _acquired[slot] = now;
            _answered[slot] = 0;
            _next = (_next + 1) % limit;
            return slot;
        }

        private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * time.TimestampFrequency);
    }
}

/// <summary>A permit for one request; report the response (or that there was none) exactly once.</summary>
internal sealed class RateLimitLease(RateLimiter limiter, DiscordRoute route, RateLimiter.Bucket bucket, int globalSlot)
{
    private int _done;

    internal RateLimiter.Bucket Bucket => bucket;

    public void Complete(RateLimitHeaders headers, bool is429)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            limiter.CompleteGlobal(globalSlot);
            limiter.Complete(route, bucket, headers, is429);
            bucket.Leave();
        }
    }

    /// <summary>The request ended without an answer; <paramref name="mayHaveReachedDiscord"/> keeps its permit spent.</summary>
    public void Abandon(bool mayHaveReachedDiscord)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            limiter.CompleteGlobal(globalSlot);
            bucket.Release(null, consumed: mayHaveReachedDiscord);
            bucket.Leave();
        }
    }
}
