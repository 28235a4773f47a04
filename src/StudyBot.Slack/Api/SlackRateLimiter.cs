using Microsoft.Extensions.Options;

namespace StudyBot.Slack.Api;

/// <summary>
/// Paces Web API calls so Slack never has to say 429: a budget per method (Slack's tiers, "per method per
/// workspace per app"), chat.postMessage additionally about one message a second per channel, and a pause
/// per method after a 429 for as long as Retry-After says. Each call reserves the next free slot (GCRA), so
/// a fan-out of thousands of DMs goes out evenly instead of in bursts.
/// </summary>
internal sealed class SlackRateLimiter
{
    /// <summary>StudyBot paces itself this much below each documented limit, so clock jitter never tips a window over.</summary>
    public const double Headroom = 0.05;

    public const string PostMessage = "chat.postMessage";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _pausedUntil = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly SlackOptions _options;

    public SlackRateLimiter(TimeProvider time, IOptions<SlackOptions> options)
    {
        _time = time;
        _options = options.Value;
    }

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
            var wait = Reserve(method, channel) - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }

            lock (_lock)
            {
                // A 429 that arrived while we waited moves everyone behind the pause.
                if (!_pausedUntil.TryGetValue(method, out var paused) || paused <= _time.GetUtcNow())
                {
                    return;
                }
            }
        }
    }

    /// <summary>Books the next free slot for a call and returns when it may start.</summary>
    internal DateTimeOffset Reserve(string method, string? channel)
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
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
            return start;
        }
    }

    /// <summary>Slack said 429 for this method: nobody calls it again before Retry-After has passed.</summary>
    public void Pause(string method, TimeSpan retryAfter)
    {
        lock (_lock)
        {
            var until = _time.GetUtcNow() + retryAfter;
            if (!_pausedUntil.TryGetValue(method, out var current) || current < until)
            {
                _pausedUntil[method] = until;
            }
        }
    }

    public DateTimeOffset? PausedUntil(string method)
    {
        lock (_lock)
        {
            return _pausedUntil.TryGetValue(method, out var until) && until > _time.GetUtcNow() ? until : null;
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

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    /// <summary>
    /// Generic cell rate algorithm: spacing T = one minute / (limit less headroom), and a burst of
    /// 3% of the limit (at least one call). In any sliding minute that admits at most the burst plus
    /// 95% of the limit, so a strict per-minute window never overflows.
    /// </summary>
    private sealed class Bucket
    {
        private readonly TimeSpan _interval;
        private readonly TimeSpan _tolerance;
        private DateTimeOffset _theoreticalArrival = DateTimeOffset.MinValue;

        public Bucket(int perMinute)
        {
            PerMinute = perMinute;
            _interval = TimeSpan.FromMinutes(1) / (perMinute * (1 - Headroom));
            var burst = Math.Max(1, (int)Math.Floor(perMinute * 0.03));
            _tolerance = _interval * (burst - 1);
        }

        public int PerMinute { get; }

        public DateTimeOffset EarliestStart(DateTimeOffset now)
        {
            if (_theoreticalArrival == DateTimeOffset.MinValue)
            {
                return now;
            }

            var earliest = _theoreticalArrival - _tolerance;
            return earliest > now ? earliest : now;
        }

        public void Reserve(DateTimeOffset start)
        {
            var basis = _theoreticalArrival > start ? _theoreticalArrival : start;
            _theoreticalArrival = basis + _interval;
        }
    }
}
