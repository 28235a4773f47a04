using System.Globalization;

namespace StudyBot.Core.Operations;

/// <summary>Refusals held back from the log: how many, for which reasons, over which span.</summary>
/// <param name="Reasons">"invalid signature: 1,200, stale timestamp: 34", most frequent first.</param>
public sealed record HeldRefusals(int Count, string Reasons, DateTimeOffset FirstUtc, DateTimeOffset LastUtc);

/// <summary>
/// Keeps a flood of refused requests (forged signatures, replays, stale timestamps) from flooding the log: the first
/// refusal after a quiet minute is logged at once, the rest of that minute are only counted, and the next refusal
/// after the minute logs itself together with one line for those held back. Every refusal is either logged or
/// counted in a later line; none is lost, and an attacker cannot make the log grow faster than two lines a minute.
/// </summary>
public sealed class RefusalLog(TimeProvider time)
{
    /// <summary>At most one refusal a window is logged on its own.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private DateTimeOffset _windowEnds = DateTimeOffset.MinValue;
    private int _heldCount;
    private DateTimeOffset _firstHeld;
    private DateTimeOffset _lastHeld;

    /// <summary>
    /// A request was refused for <paramref name="reason"/> (a short fixed phrase, never request data). True when
    /// the caller should log this refusal now, and then also <paramref name="held"/> when some were held back before it.
    /// </summary>
    public bool Admit(string reason, out HeldRefusals? held)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (now < _windowEnds)
            {
                _held[reason] = _held.TryGetValue(reason, out var n) ? n + 1 : 1;
                _firstHeld = _heldCount == 0 ? now : _firstHeld;
                _lastHeld = now;
                _heldCount++;
                held = null;
                return false;
            }

            held = _heldCount == 0
                ? null
                : new HeldRefusals(
                    _heldCount,
                    string.Join(", ", _held.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal).Select(x => x.Key + ": " + x.Value.ToString("N0", CultureInfo.InvariantCulture))),
                    _firstHeld,
                    _lastHeld);
            _held.Clear();
            _heldCount = 0;
            _windowEnds = now + Window;
            return true;
        }
    }
}
