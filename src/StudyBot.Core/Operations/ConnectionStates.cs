using System.Collections.Concurrent;

namespace StudyBot.Core.Operations;

/// <summary>Where one platform connection stands.</summary>
public enum ConnectionState
{
    /// <summary>Opening, identifying or resuming: not serving yet.</summary>
    Connecting = 0,

    /// <summary>Serving: Discord said READY or RESUMED, Slack said hello.</summary>
    Connected = 1,

    /// <summary>Lost or closed; the adapter is waiting to try again (or stopping).</summary>
    Disconnected = 2,
}

/// <summary>
/// One connection's state as read at one moment: <paramref name="Platform"/> (e.g. discord), <paramref name="Connection"/>
/// (e.g. shard 0, socket 1), since when it is in <paramref name="State"/> (UTC), how often it connected again after it had
/// been connected (<paramref name="Reconnects"/>) and how often a session was resumed rather than started afresh
/// (<paramref name="Resumes"/>).
/// </summary>
public sealed record ConnectionSnapshot(string Platform, string Connection, ConnectionState State, DateTimeOffset Since, long Reconnects, long Resumes);

/// <summary>
/// The connection-state registry: each adapter reports its connections here (connecting, connected, disconnected) and
/// health checks, metrics and an admin's status read <see cref="Snapshot"/>. No platform, no database: a few calls at the
/// points where a connection changes state.
/// </summary>
public sealed class ConnectionStates(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Platform, string Connection), Entry> _entries = new();
    private readonly ConcurrentDictionary<string, int> _planned = new(StringComparer.Ordinal);

    /// <summary>
    /// How many connections this process means to keep for <paramref name="platform"/> (its Socket Mode connections, its
    /// share of Discord's shards: 0 when other instances run them all).
    /// </summary>
    public void Plan(string platform, int connections) => _planned[platform] = connections;

    /// <summary>What <see cref="Plan"/> said last, or null while the adapter has not decided yet (it is starting).</summary>
    public int? Planned(string platform) => _planned.TryGetValue(platform, out var n) ? n : null;

    /// <summary>The connection is being opened (or re-opened, which counts as a reconnect once it had been connected).</summary>
    public void Connecting(string platform, string connection) =>
        Update(platform, connection, e =>
        {
            if (e.State != ConnectionState.Connecting && e.WasConnected)
            {
                e.Reconnects++;
            }

            Set(e, ConnectionState.Connecting);
        });

    /// <summary>The connection serves; <paramref name="resumed"/> when an earlier session was resumed.</summary>
    public void Connected(string platform, string connection, bool resumed = false) =>
        Update(platform, connection, e =>
        {
            if (resumed)
            {
                e.Resumes++;
            }

            e.WasConnected = true;
            Set(e, ConnectionState.Connected);
        });

    /// <summary>The connection was replaced by a new one without a gap (make before break): a reconnect, still connected.</summary>
    public void Refreshed(string platform, string connection)
    {
        if (_entries.TryGetValue((platform, connection), out var entry))
        {
            lock (entry)
            {
                entry.Reconnects++;
            }
        }
    }

    /// <summary>The connection was lost or closed.</summary>
    public void Disconnected(string platform, string connection) =>
        Update(platform, connection, e => Set(e, ConnectionState.Disconnected));

    /// <summary>The connection is no longer this process's to keep (a shard given back, an adapter stopped).</summary>
    public void Remove(string platform, string connection) => _entries.TryRemove((platform, connection), out _);

    /// <summary>Every connection's state now, by platform then connection.</summary>
    public IReadOnlyList<ConnectionSnapshot> Snapshot() =>
        _entries.Select(kv =>
        {
            lock (kv.Value)
            {
                return new ConnectionSnapshot(kv.Key.Platform, kv.Key.Connection, kv.Value.State, kv.Value.Since, kv.Value.Reconnects, kv.Value.Resumes);
            }
        })
        .OrderBy(s => s.Platform, StringComparer.Ordinal)
        .ThenBy(s => s.Connection, StringComparer.Ordinal)
        .ToList();

    private void Update(string platform, string connection, Action<Entry> change)
    {
        var entry = _entries.GetOrAdd((platform, connection), _ => new Entry { Since = time.GetUtcNow() });
        lock (entry)
        {
            change(entry);
        }
    }

    private void Set(Entry entry, ConnectionState state)
    {
        if (entry.State != state || !entry.Seen)
        {
            entry.State = state;
            entry.Since = time.GetUtcNow();
            entry.Seen = true;
        }
    }

    private sealed class Entry
    {
        public ConnectionState State;
        public DateTimeOffset Since;
        public long Reconnects;
        public long Resumes;
        public bool WasConnected;
        public bool Seen;
    }
}
