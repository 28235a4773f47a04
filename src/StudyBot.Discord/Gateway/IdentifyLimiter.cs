using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StudyBot.Core.Coordination;

namespace StudyBot.Discord.Gateway;

/// <summary>
/// Discord allows <c>max_concurrency</c> IDENTIFYs per 5 seconds: shards identify in buckets
/// <c>shard_id % max_concurrency</c>, one per bucket every 5 s. Shared by every shard in the process; across the
/// instances on one database each identify also takes the bucket's lease (<c>discord:identify:{bucket}</c>) for 5 s,
/// so instances identifying at once take turns too.
/// </summary>
internal sealed partial class IdentifyLimiter(TimeProvider time, ILeaseStore? leases = null, ILogger<IdentifyLimiter>? logger = null)
{
    public static readonly TimeSpan Spacing = TimeSpan.FromSeconds(5);

    public const string LeasePrefix = "discord:identify:";

    private static readonly TimeSpan LeastWait = TimeSpan.FromMilliseconds(100);

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

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

            if (leases is not null)
            {
                await TakeBucketLeaseAsync(key, cancellationToken);
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

    /// <summary>Waits until this instance holds the bucket's lease: no other instance identified in it within 5 s.</summary>
    private async Task TakeBucketLeaseAsync(int key, CancellationToken cancellationToken)
    {
        var name = LeasePrefix + key.ToString(CultureInfo.InvariantCulture);
        while (true)
        {
            TimeSpan wait;
            try
            {
                if (await leases!.TryAcquireAsync(name, Spacing, cancellationToken))
                {
                    return;
                }

                var held = (await leases.ListLiveAsync(name, cancellationToken)).FirstOrDefault(l => l.Name == name);
                wait = held is null ? LeastWait : held.ExpiresAt - time.GetUtcNow();
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogLeaseFailed(key, ex.GetType().Name);
                wait = Spacing;
            }

            await Task.Delay(wait < LeastWait ? LeastWait : wait > Spacing ? Spacing : wait, time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord identify bucket {Bucket}: its lease could not be taken ({Error}); trying again in 5 s")]
    private partial void LogLeaseFailed(int bucket, string error);
}
