namespace StudyBot.Slack.Inbound;

/// <summary>
/// A small in-memory map whose entries live for a fixed time from when they were added, measured on the monotonic
/// clock. Expired entries are dropped now and then as the map is used, so it holds what the last
/// <c>ttl</c> brought and never grows with the months.
/// </summary>
internal sealed class ExpiringMap<TValue>(TimeProvider time, TimeSpan ttl)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (TValue Value, long Added)> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _sweepInterval = ttl < TimeSpan.FromMinutes(4) ? ttl / 4 : TimeSpan.FromMinutes(1);
    private long _lastSweep = time.GetTimestamp();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                Sweep();
                return _entries.Count;
            }
        }
    }

    public bool TryGet(string key, out TValue value)
    {
        lock (_lock)
        {
            Sweep();
            if (_entries.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.Added) < ttl)
            {
                value = entry.Value;
                return true;
            }

            value = default!;
            return false;
        }
    }

    /// <summary>Sets the value; a key already present keeps the time it was first added (its life is not extended).</summary>
    public void Set(string key, TValue value)
    {
        lock (_lock)
        {
            Sweep();
            _entries[key] = _entries.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.Added) < ttl
                ? (value, entry.Added)
                : (value, time.GetTimestamp());
        }
    }

    /// <summary>Changes the value under the lock: <paramref name="update"/> gets the current value (or <paramref name="seed"/> for a new or expired key) and returns the new one and a result.</summary>
    public TResult Update<TResult>(string key, TValue seed, Func<TValue, (TValue Value, TResult Result)> update)
    {
        lock (_lock)
        {
            Sweep();
            var fresh = _entries.TryGetValue(key, out var entry) && time.GetElapsedTime(entry.Added) < ttl;
            var (value, result) = update(fresh ? entry.Value : seed);
            _entries[key] = (value, fresh ? entry.Added : time.GetTimestamp());
            return result;
        }
    }

    private void Sweep()
    {
        if (time.GetElapsedTime(_lastSweep) < _sweepInterval)
        {
            return;
        }

        _lastSweep = time.GetTimestamp();
        foreach (var (key, entry) in _entries)
        {
            if (time.GetElapsedTime(entry.Added) >= ttl)
            {
                _entries.Remove(key);
            }
        }
    }
}
