using Microsoft.Extensions.Logging;

namespace StudyBot.Discord.Rest;

/// <summary>
/// Discord bans an IP for a while after 10,000 invalid responses (401, 403, 429 except scope <c>shared</c>)
/// in 10 minutes. This counts them in a sliding 10-minute window and opens a circuit well below that
/// (<see cref="DiscordOptions.InvalidRequestBudget"/>): while it is open no request goes out. A 401 means the
/// token is wrong, so after one nothing is sent at all.
/// </summary>
internal sealed partial class InvalidRequestGuard(TimeProvider time, int budget, ILogger<InvalidRequestGuard> logger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    private const int Slots = 60;
    private static readonly TimeSpan SlotLength = Window / Slots;

    private readonly Lock _lock = new();
    private readonly int[] _counts = new int[Slots];
    private readonly long[] _slotIndex = new long[Slots];
    private bool _open;

    public bool TokenRejected { get; private set; }

    public int Budget => budget;

    /// <summary>Invalid responses counted in the last 10 minutes.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return Sum(CurrentSlot());
            }
        }
    }

    /// <summary>Throws when no request may go out now.</summary>
    public void ThrowIfOpen()
    {
        if (TokenRejected)
        {
            throw new DiscordAuthException("Discord rejected the bot token (401) earlier; no further requests are sent. Check Discord:Token.");
        }

        lock (_lock)
        {
            if (!_open)
            {
                return;
            }

            var slot = CurrentSlot();
            if (Sum(slot) < budget)
            {
                _open = false;
                LogClosed(budget);
                return;
            }

            throw new DiscordCircuitOpenException(RetryAfter(slot));
        }
    }

    /// <summary>
    /// Counts an invalid response. <paramref name="botToken"/> says whether the request carried the bot token: only then
    /// does a 401 mean the bot token is bad (an interaction webhook's 401 is about that interaction's own token).
    /// </summary>
    public void Record(int status, RateLimitScope scope, bool botToken = true)
    {
        if (status == 401 && botToken)
        {
            if (!TokenRejected)
            {
                TokenRejected = true;
                LogTokenRejected();
            }
        }
        else if (status is not (401 or 403) && (status != 429 || scope == RateLimitScope.Shared))
        {
            return;
        }

        lock (_lock)
        {
            var slot = CurrentSlot();
            var i = (int)(slot % Slots);
            if (_slotIndex[i] != slot)
            {
                _slotIndex[i] = slot;
                _counts[i] = 0;
            }

            _counts[i]++;
            var total = Sum(slot);
            if (!_open && total >= budget)
            {
                _open = true;
                LogOpened(total, budget, RetryAfter(slot).TotalSeconds);
            }
        }
    }

    private long CurrentSlot() => (long)(time.GetElapsedTime(0, time.GetTimestamp()) / SlotLength);

    private int Sum(long slot)
    {
        var total = 0;
        for (var i = 0; i < Slots; i++)
        {
            if (slot - _slotIndex[i] < Slots && _slotIndex[i] <= slot)
            {
                total += _counts[i];
            }
        }

        return total;
    }

    /// <summary>When enough of the oldest slots will have left the window to bring the count under budget.</summary>
    private TimeSpan RetryAfter(long slot)
    {
        var total = Sum(slot);
        for (var age = Slots - 1; age >= 0; age--)
        {
            var s = slot - age;
            var i = (int)(((s % Slots) + Slots) % Slots);
            if (_slotIndex[i] == s)
            {
                total -= _counts[i];
            }

            if (total < budget)
            {
                return SlotLength * (Slots - age);
            }
        }

        return Window;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Discord circuit breaker OPEN: {Count} invalid responses (401/403/429) in the last 10 minutes reached the budget of {Budget}; no REST requests for about {Seconds:0} s (Discord bans at 10,000)")]
    private partial void LogOpened(int count, int budget, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord circuit breaker closed: invalid responses are back under the budget of {Budget} per 10 minutes")]
    private partial void LogClosed(int budget);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Discord answered 401 Unauthorized: the bot token (Discord:Token) is invalid or was reset; all Discord requests stop")]
    private partial void LogTokenRejected();
}
