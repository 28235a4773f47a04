namespace StudyBot.Discord.Gateway;

/// <summary>
/// Discord allows <c>max_concurrency</c> IDENTIFYs per 5 seconds: shards identify in buckets
/// <c>shard_id % max_concurrency</c>, one per bucket every 5 s. Shared by every shard in the process.
/// </summary>
internal sealed class IdentifyLimiter(TimeProvider time)
{
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(5);

    private readonly Lock _lock = new();
    private readonly Dictionary<int, (SemaphoreSlim Gate, long? Last)> _buckets = [];

    public async Task WaitAsync(int shardId, int maxConcurrency, CancellationToken cancellationToken)
    {
        var key = shardId % Math.Max(1, maxConcurrency);
        SemaphoreSlim gate;
        lock (_lock)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                bucket = (new SemaphoreSlim(1, 1), null);
                _buckets[key] = bucket;
            }

            gate = bucket.Gate;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            long? last;
            lock (_lock)
            {
                last = _buckets[key].Last;
            }

            if (last is { } l)
            {
                var wait = Spacing - time.GetElapsedTime(l);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }
            }

            lock (_lock)
            {
                _buckets[key] = (gate, time.GetTimestamp());
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
