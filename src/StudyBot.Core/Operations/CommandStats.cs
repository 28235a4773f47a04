using System.Collections.Concurrent;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Operations;

/// <summary>How many commands a community got answered since a moment, and how fast 95 % of them were.</summary>
/// <param name="P95">The time within which 95 % were answered (the upper edge of its histogram bin), or null when none were.</param>
public sealed record CommandTotals(int Count, TimeSpan? P95);

/// <summary>
/// What <c>/studybot status</c> says about commands: each community's answered commands of the last day, in 15-minute
/// slots of a small latency histogram, kept in memory by this process (a restart starts again; with several instances
/// each counts its own). 15 minutes because every time zone's midnight falls on a quarter hour, so "today" is exact.
/// Recording is a lock-free-enough lock of one community's slots: a few increments, no allocation after the first.
/// </summary>
public sealed class CommandStats
{
    /// <summary>The latency bins' upper edges grow by this factor from <see cref="FirstEdge"/>.</summary>
    public const double Growth = 1.25;

    public static readonly TimeSpan FirstEdge = TimeSpan.FromMilliseconds(1);

    /// <summary>Bins 0..Bins-2 are bounded (1 ms × 1.25^k, up to about 6.0 s); the last takes everything slower.</summary>
    public const int Bins = 41;

    private const long SlotTicks = 15 * TimeSpan.TicksPerMinute;

    /// <summary>A little over a day, so "today" in any zone (up to 24 h back) is still held.</summary>
    private const int Slots = 100;

    private static readonly double[] EdgesMs = BuildEdges();

    private readonly ConcurrentDictionary<(string Platform, string Community), Tally> _tallies = new();

    private long _startedTicks;

    /// <summary>
    /// When this process began counting (its first command answered or first question asked): counts cover no earlier
    /// time. Read from the times given, not from a clock at construction, so building the engine never reads the clock.
    /// </summary>
    public DateTime? StartedUtc => Interlocked.Read(ref _startedTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    /// <summary>The upper edge of bin <paramref name="bin"/> (the slowest time it holds).</summary>
    public static TimeSpan Edge(int bin) => bin >= Bins - 1 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(EdgesMs[bin]);

    /// <summary>The bin an answer time falls in.</summary>
    public static int BinOf(TimeSpan elapsed)
    {
        var ms = elapsed.TotalMilliseconds;
        if (ms <= EdgesMs[0])
        {
            return 0;
        }

        var bin = (int)Math.Ceiling(Math.Log(ms / EdgesMs[0]) / Math.Log(Growth));
        // Rounding of the logarithm: settle on the first edge at or above ms.
        while (bin > 0 && bin < Bins - 1 && EdgesMs[bin - 1] >= ms)
        {
            bin--;
        }

        while (bin < Bins - 1 && EdgesMs[bin] < ms)
        {
            bin++;
        }

        return Math.Min(bin, Bins - 1);
    }

    public void Record(CommunityRef community, TimeSpan elapsed, DateTime nowUtc)
    {
        Start(nowUtc);
        var tally = _tallies.GetOrAdd((community.Platform, community.ExternalId), static _ => new Tally());
        tally.Add(nowUtc.Ticks / SlotTicks, BinOf(elapsed));
    }

    /// <summary>The community's commands answered at or after <paramref name="sinceUtc"/> (to the quarter hour), up to now.</summary>
    public CommandTotals Since(CommunityRef community, DateTime sinceUtc, DateTime nowUtc)
    {
        Start(nowUtc);
        if (!_tallies.TryGetValue((community.Platform, community.ExternalId), out var tally))
        {
            return new CommandTotals(0, null);
        }

        var first = Math.Max(sinceUtc.Ticks / SlotTicks, nowUtc.Ticks / SlotTicks - (Slots - 1));
        var counts = tally.Sum(first, nowUtc.Ticks / SlotTicks);
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return new CommandTotals(0, null);
        }

        // The smallest bin below which at least 95 % of the answers fall.
        var target = (long)Math.Ceiling(total * 0.95);
        long seen = 0;
        for (var bin = 0; bin < Bins; bin++)
        {
            seen += counts[bin];
            if (seen >= target)
            {
                return new CommandTotals((int)Math.Min(total, int.MaxValue), Edge(bin));
            }
        }

        return new CommandTotals((int)Math.Min(total, int.MaxValue), Edge(Bins - 1));
    }

    private void Start(DateTime nowUtc) => Interlocked.CompareExchange(ref _startedTicks, nowUtc.Ticks, 0);

    private static double[] BuildEdges()
    {
        var edges = new double[Bins - 1];
        var edge = FirstEdge.TotalMilliseconds;
        for (var i = 0; i < edges.Length; i++)
        {
            edges[i] = edge;
            edge *= Growth;
        }

        return edges;
    }

    private sealed class Tally
    {
        private readonly long[] _slotOf = new long[Slots];
        private readonly int[,] _counts = new int[Slots, Bins];
        private readonly Lock _lock = new();

        public Tally()
        {
            Array.Fill(_slotOf, -1);
        }

        public void Add(long slot, int bin)
        {
            var i = (int)(slot % Slots);
            lock (_lock)
            {
                if (_slotOf[i] != slot)
                {
                    if (_slotOf[i] > slot)
                    {
                        return; // older than what the ring holds now (a clock that went back a day)
                    }

                    _slotOf[i] = slot;
                    for (var b = 0; b < Bins; b++)
                    {
                        _counts[i, b] = 0;
                    }
                }

                _counts[i, bin]++;
            }
        }

        public long[] Sum(long fromSlot, long toSlot)
        {
            var sums = new long[Bins];
            lock (_lock)
            {
                for (var i = 0; i < Slots; i++)
                {
                    if (_slotOf[i] >= fromSlot && _slotOf[i] <= toSlot)
                    {
                        for (var b = 0; b < Bins; b++)
                        {
                            sums[b] += _counts[i, b];
                        }
                    }
                }
            }

            return sums;
        }
    }
}
