namespace StudyBot.Discord.Interactions;

/// <summary>
/// Interaction ids seen in the last <see cref="Retention"/>: the gateway may deliver an event more than once
/// and a replayed HTTP request carries an old id, so each interaction is claimed once.
/// </summary>
internal sealed class RecentIds(TimeProvider time)
{
    /// <summary>An interaction token lives 15 minutes; after that a duplicate cannot be answered anyway.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    private readonly Lock _lock = new();
    private readonly HashSet<ulong> _ids = [];
    private readonly Queue<(long At, ulong Id)> _order = new();

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>True the first time an id is seen.</summary>
    public bool TryClaim(ulong id)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            while (_order.Count > 0 && time.GetElapsedTime(_order.Peek().At, now) > Retention)
            {
                _ids.Remove(_order.Dequeue().Id);
            }

            if (!_ids.Add(id))
            {
                return false;
            }

            _order.Enqueue((now, id));
            return true;
        }
    }
}
