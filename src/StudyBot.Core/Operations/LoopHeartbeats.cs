using System.Collections.Concurrent;

namespace StudyBot.Core.Operations;

/// <summary>One loop's heartbeat as read at one moment: when it last beat and by when it promised to beat again (UTC).</summary>
public sealed record LoopSnapshot(string Loop, DateTimeOffset LastBeat, DateTimeOffset Deadline)
{
    /// <summary>Whether the loop missed its own deadline at <paramref name="now"/>: it is wedged.</summary>
    public bool OverdueAt(DateTimeOffset now) => now > Deadline;
}

/// <summary>
/// Heartbeats of the long-running loops (a gateway connection's receive loop, an outbox drain): while a loop works it
/// beats, each time saying how soon it will beat again; a loop that lets that deadline pass is wedged, and liveness says
/// so. A loop that waits on purpose (a backoff, nothing to do) rests, and is not expected to beat until it works again.
/// </summary>
public sealed class LoopHeartbeats(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, LoopSnapshot> _loops = new(StringComparer.Ordinal);

    /// <summary>The loop is alive and beats again within <paramref name="within"/>.</summary>
    public void Beat(string loop, TimeSpan within)
    {
        var now = time.GetUtcNow();
        _loops[loop] = new LoopSnapshot(loop, now, now + within);
    }

    /// <summary>The loop is waiting on purpose or has ended: no beat is due from it.</summary>
    public void Rest(string loop) => _loops.TryRemove(loop, out _);

    /// <summary>The loops expected to beat, by name.</summary>
    public IReadOnlyList<LoopSnapshot> Snapshot() => _loops.Values.OrderBy(l => l.Loop, StringComparer.Ordinal).ToList();
}
