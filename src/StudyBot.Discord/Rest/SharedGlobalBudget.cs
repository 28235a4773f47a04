using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Coordination;
using StudyBot.Core.Notifications;

namespace StudyBot.Discord.Rest;

/// <summary>
/// The global limit shared by the instances on one database (<see cref="GlobalSplit"/>): the Discord drain's owner keeps
/// to its local limiter at the owner's share; every other instance also takes each globally limited request from the
/// database's window counter (<see cref="IRateWindows"/>, <c>discord:global:{unix second}</c>), waiting for the next
/// window when this one is full.
/// Ownership moves safely: the drain lease passes to another instance only after the old owner has been quiet for the
/// lease's 15 s, and an owner stops counting itself as one <see cref="DrainOwners.HandOverMargin"/> before its lease can
/// run out, so the old owner's full-rate second is over before the new owner's begins.
/// If the database does not answer, the instance falls back to a conservative local limit (<see cref="GlobalSplit.PerWindow"/>
/// a second) rather than failing requests, says so once, and asks the database again every few seconds.
/// </summary>
internal sealed partial class SharedGlobalBudget
{
    public const string Counter = "discord:global";

    /// <summary>A database slower than this counts as unreachable for the request that asked.</summary>
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long the local fallback holds before the database is asked again.</summary>
    private static readonly TimeSpan RetryDatabaseAfter = TimeSpan.FromSeconds(5);

    private readonly IRateWindows _windows;
    private readonly DrainOwners _owners;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly RateLimiter.GlobalLimiter _fallback;
    private volatile bool _inFallback;
    private long _fallbackSince;
    private long _askAgainAt;

    public SharedGlobalBudget(IRateWindows windows, DrainOwners owners, GlobalSplit split, TimeProvider time, ILogger logger)
    {
        _windows = windows;
        _owners = owners;
        _time = time;
        _logger = logger;
        Split = split;
        _fallback = new RateLimiter.GlobalLimiter(time, split.PerWindow);
    }

    public GlobalSplit Split { get; }

    /// <summary>Whether this instance owns the Discord drain now, and may send at the owner's share without asking.</summary>
    public bool IsOwner => _owners.Owns(Platforms.Discord);

    /// <summary>Whether the database did not answer lately, and the local fallback decides.</summary>
    public bool InFallback => _inFallback;

    /// <summary>
    /// Waits for a place in the shared window (one request of this instance asks at a time); beyond
    /// <see cref="RateLimiter.MaxQueueWait"/> it fails with <see cref="DiscordRateLimitedException"/>.
    /// </summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                if (_inFallback && _time.GetTimestamp() < _askAgainAt)
                {
                    await FallbackAsync(cancellationToken);
                    return;
                }

                RateWindowTake take;
                try
                {
                    using var timeout = new CancellationTokenSource(AskTimeout, _time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
                    take = await _windows.TryTakeAsync(Counter, Split.PerWindow, linked.Token);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    if (!_inFallback)
                    {
                        _fallbackSince = _time.GetTimestamp();
                        _inFallback = true;
                        LogFallback(ex, Split.PerWindow);
                    }

                    _askAgainAt = _time.GetTimestamp() + Ticks(RetryDatabaseAfter);
                    await FallbackAsync(cancellationToken);
                    return;
                }

                if (_inFallback)
                {
                    _inFallback = false;
                    LogRecovered(_time.GetElapsedTime(_fallbackSince).TotalSeconds);
                }

                if (take.Taken)
                {
                    return;
                }

                var wait = take.UntilNextWindow <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : take.UntilNextWindow;
                if (_time.GetElapsedTime(started) + wait > RateLimiter.MaxQueueWait)
                {
                    throw new DiscordRateLimitedException(wait, RateLimitScope.Global);
                }

                await Task.Delay(wait, _time, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The conservative local limit while the database is away, counted from when each request was let through.</summary>
    private async ValueTask FallbackAsync(CancellationToken cancellationToken)
    {
        var slot = await _fallback.AcquireAsync(cancellationToken);
        _fallback.Complete(slot);
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The shared Discord rate budget in the database cannot be reached; this instance holds itself to {PerSecond} globally limited requests a second until it can")]
    private partial void LogFallback(Exception ex, int perSecond);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "The shared Discord rate budget in the database is reachable again after {Seconds:0} s")]
    private partial void LogRecovered(double seconds);
}
