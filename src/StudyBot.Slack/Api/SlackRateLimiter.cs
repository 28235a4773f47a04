using Microsoft.Extensions.Options;

namespace StudyBot.Slack.Api;

/// <summary>
/// Paces Web API calls so Slack never has to say 429: a budget per method (Slack's tiers, "per method per
/// workspace per app"), chat.postMessage additionally about one message a second per channel, and a pause
/// per method after a 429 for as long as Retry-After says. Each call reserves the next free slot (GCRA), so
/// a fan-out of thousands of DMs goes out evenly instead of in bursts. Time is measured on the monotonic
/// clock, so a wall clock that is set back (NTP, a restored VM) never parks a call; buckets that have gone idle
/// (a channel posted to once) are dropped, so memory stays bounded however many channels are posted to.
/// </summary>
internal sealed class SlackRateLimiter
{
    /// <summary>StudyBot paces itself this much below each documented limit, so clock jitter never tips a window over.</summary>
    public const double Headroom = 0.05;

    public const string PostMessage = "chat.postMessage";

    /// <summary>Idle buckets and ended pauses are dropped this often (an idle bucket holds nothing a new one would not).</summary>
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _pausedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SlackOptions _options;
    private readonly long _origin;
    private TimeSpan _nextSweep;

    public SlackRateLimiter(TimeProvider time, IOptions<SlackOptions> options)
    {
        _time = time;
        _options = options.Value;
        _origin = time.GetTimestamp();
    }

    /// <summary>Buckets and pauses held in memory right now.</summary>
    public int Held
    {
        get
        {
            lock (_lock)
            {
                return _buckets.Count + _pausedUntil.Count;
            }
        }
    }

    /// <summary>Time on the monotonic clock since this limiter was made: what every slot and pause is measured in.</summary>
    private TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>Calls per minute Slack documents for a method (the "+" minimum of its tier, or the special limit).</summary>
    public int LimitPerMinute(string method)
    {
        if (_options.MethodLimits.TryGetValue(method, out var configured))
        {
            return configured;
        }

        return method switch
        {
            PostMessage => _options.PostMessagePerMinute,
            "users.info" or "chat.postEphemeral" or "views.publish" or "views.open" or "views.update" or "auth.test" => 100,
            "files.getUploadURLExternal" or "files.completeUploadExternal" => 100,
            "conversations.open" or "conversations.history" or "conversations.info" or "chat.update" or "chat.delete" => 50,
            "apps.connections.open" => 20,
            _ => 20,
        };
    }

    /// <summary>Waits for this call's slot. <paramref name="channel"/> adds chat.postMessage's per-channel pacing.</summary>
    public async ValueTask AcquireAsync(string method, string? channel, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = Reserve(method, channel);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                // A 429 that arrived while we waited moves everyone behind the pause.
                if (!_pausedUntil.TryGetValue(method, out var paused) || paused <= Now)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Books the next free slot for a call and returns how long to wait for it.</summary>
    internal TimeSpan Reserve(string method, string? channel)
    {
        lock (_lock)
        {
            var now = Now;
            Sweep(now);
            var bucket = BucketFor(method, LimitPerMinute(method));
            var start = Max(now, bucket.EarliestStart(now));
            if (_pausedUntil.TryGetValue(method, out var paused) && paused > start)
            {
                start = paused;
            }

            Bucket? perChannel = null;
            if (channel is not null && method == PostMessage)
            {
                perChannel = BucketFor($"{PostMessage}#{channel}", _options.ChannelPostsPerMinute);
                start = Max(start, perChannel.EarliestStart(now));
            }

            bucket.Reserve(start);
            perChannel?.Reserve(start);
            return start - now;
        }
    }

    /// <summary>
    /// A call has been answered. Slack counts a channel's posts as they arrive, which may be any moment until the answer:
    /// the next post to the channel starts a full spacing after the answer, so two posts never arrive closer than that
    /// however long the first one took on the way (a busy machine, a slow network).
    /// </summary>
    public void Answered(string method, string? channel)
    {
        if (channel is null || method != PostMessage)
        {
            return;
        }

        lock (_lock)
        {
            BucketFor($"{PostMessage}#{channel}", _options.ChannelPostsPerMinute).NotBefore(Now);
        }
    }

    /// <summary>Slack said 429 for this method: nobody calls it again before Retry-After has passed.</summary>
    public void Pause(string method, TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var until = Now + retryAfter;
            if (!_pausedUntil.TryGetValue(method, out var current) || current < until)
            {
                _pausedUntil[method] = until;
            }
        }
    }

    /// <summary>How much longer the method is paused after a 429; null when it is not.</summary>
    public TimeSpan? PausedFor(string method)
    {
        lock (_lock)
        {
            var now = Now;
            return _pausedUntil.TryGetValue(method, out var until) && until > now ? until - now : null;
        }
    }

    private void Sweep(TimeSpan now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + SweepInterval;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.IsIdle(now))
            {
                _buckets.Remove(key);
            }
        }

        foreach (var (method, until) in _pausedUntil)
        {
            if (until <= now)
            {
                _pausedUntil.Remove(method);
            }
        }
    }

    private Bucket BucketFor(string key, int perMinute)
    {
        if (!_buckets.TryGetValue(key, out var bucket) || bucket.PerMinute != perMinute)
        {
            bucket = new Bucket(perMinute);
            _buckets[key] = bucket;
        }

        return bucket;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// Generic cell rate algorithm: spacing T = one minute / (limit less headroom), and a burst of
    /// 3% of the limit (at least one call). In any sliding minute that admits at most the burst plus
    /// 95% of the limit, so a strict per-minute window never overflows.
    /// </summary>
    private sealed class Bucket
    {
        private readonly TimeSpan _interval;
        private readonly TimeSpan _tolerance;
        private TimeSpan? _theoreticalArrival;

        public Bucket(int perMinute)
        {
            PerMinute = perMinute;
            _interval = TimeSpan.FromMinutes(1) / (perMinute * (1 - Headroom));
            var burst = Math.Max(1, (int)Math.Floor(perMinute * 0.03));
            _tolerance = _interval * (burst - 1);
        }

        public int PerMinute { get; }

        /// <summary>Nothing booked ahead of now: the bucket behaves exactly like a new one, so it can be dropped.</summary>
        public bool IsIdle(TimeSpan now) => _theoreticalArrival is not { } tat || tat <= now;

        public TimeSpan EarliestStart(TimeSpan now)
        {
            if (_theoreticalArrival is not { } tat)
            {
                return now;
            }

            var earliest = tat - _tolerance;
            return earliest > now ? earliest : now;
        }

        /// <summary>The next call starts no earlier than a full spacing after <paramref name="at"/>.</summary>
        public void NotBefore(TimeSpan at)
        {
            var earliest = at + _interval + _tolerance;
            if (_theoreticalArrival is not { } tat || tat < earliest)
            {
                _theoreticalArrival = earliest;
            }
        }

        public void Reserve(TimeSpan start)
        {
            var basis = _theoreticalArrival is { } tat && tat > start ? tat : start;
            _theoreticalArrival = basis + _interval;
        }
    }
}
