namespace StudyBot.Slack.Inbound;

/// <summary>
/// A seen-set with expiry, for deduplicating deliveries Slack may repeat (Events API retries come up to
/// about 5 minutes after the first attempt, so the window is much longer than that). Keys are marked on
/// receipt, before any work, so a concurrent duplicate on another socket loses the race. Expiry runs on the
/// monotonic clock: a wall clock that jumps ahead does not let a repeat through, one set back does not keep
/// keys for longer. Expired keys are dropped as new ones come, and never more than the capacity is held.
/// </summary>
internal sealed class RecentKeys(TimeProvider time, TimeSpan ttl, int capacity = 100_000)
{
    private readonly Lock _lock = new();
    private readonly long _origin = time.GetTimestamp();
    private readonly Dictionary<string, TimeSpan> _expiry = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, TimeSpan Expires)> _order = new();

    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(30);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                Purge(Now);
                return _expiry.Count;
            }
        }
    }

    private TimeSpan Now => time.GetElapsedTime(_origin);

    /// <summary>Marks every key; true when none of them was seen within the window.</summary>
    public bool TryMark(params ReadOnlySpan<string> keys)
    {
        lock (_lock)
        {
            var now = Now;
            Purge(now);
            foreach (var key in keys)
            {
                if (_expiry.TryGetValue(key, out var expires) && expires > now)
                {
                    return false;
                }
            }

            var until = now + ttl;
            foreach (var key in keys)
            {
                _expiry[key] = until;
                _order.Enqueue((key, until));
            }

            while (_expiry.Count > capacity && _order.TryDequeue(out var oldest))
            {
                if (_expiry.TryGetValue(oldest.Key, out var e) && e == oldest.Expires)
                {
                    _expiry.Remove(oldest.Key);
                }
            }

            return true;
        }
    }

    public bool Contains(string key)
    {
        lock (_lock)
        {
            return _expiry.TryGetValue(key, out var expires) && expires > Now;
        }
    }

    private void Purge(TimeSpan now)
    {
        while (_order.TryPeek(out var head) && head.Expires <= now)
        {
            _order.Dequeue();
            if (_expiry.TryGetValue(head.Key, out var e) && e == head.Expires)
            {
                _expiry.Remove(head.Key);
            }
        }
    }
}
