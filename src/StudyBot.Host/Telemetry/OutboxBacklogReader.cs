using StudyBot.Core.Chat;
using StudyBot.Core.Telemetry;
using StudyBot.Data;

namespace StudyBot.Host.Telemetry;

/// <summary>
/// Feeds the outbox gauges without making a scrape wait on the database: a collection gets the last reading at once,
/// and starts a fresh one (one at a time) when that reading is older than <see cref="MaxAge"/>. A failed read keeps the
/// last values; the dispatcher and the health checks report database trouble. Nothing is read before the host has
/// started (the database is migrated then); the first reading is taken at once when it has.
/// </summary>
internal sealed partial class OutboxBacklogReader(IServiceScopeFactory scopes, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<OutboxBacklogReader> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(10);

    private static readonly string[] KnownPlatforms = [Platforms.Console, Platforms.Discord, Platforms.Slack];

    private IReadOnlyList<OutboxBacklog> _last = [];
    private long _readAt = long.MinValue;
    private int _reading;
    private bool _failedOnce;

    /// <summary>The last reading, every platform with a notifier shown (0 when nothing waits).</summary>
    public IReadOnlyList<OutboxBacklog> Current()
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return [];
        }

        var readAt = Interlocked.Read(ref _readAt);
        if ((readAt == long.MinValue || time.GetElapsedTime(readAt) >= MaxAge) && Interlocked.Exchange(ref _reading, 1) == 0)
        {
            _ = Task.Run(RefreshAsync);
        }

        return Volatile.Read(ref _last);
    }

    /// <summary>Takes the first reading once the host has started.</summary>
    public void StartWhenHostStarts() => lifetime.ApplicationStarted.Register(() => Current());

    /// <summary>Reads now; a collection meanwhile gets the last reading.</summary>
    private async Task RefreshAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var rows = await OutboxBacklogQuery.ReadAsync(scope.ServiceProvider, time.GetUtcNow().UtcDateTime, CancellationToken.None);
            var all = KnownPlatforms.Select(p => rows.FirstOrDefault(r => r.Platform == p) is { Platform: not null } found ? found : new OutboxBacklog(p, 0, TimeSpan.Zero)).ToList();
            Volatile.Write(ref _last, all);
            _failedOnce = false;
        }
        catch (Exception ex)
        {
            if (!_failedOnce)
            {
                _failedOnce = true;
                LogReadFailed(ex.GetType().Name);
            }
        }
        finally
        {
            Interlocked.Exchange(ref _readAt, time.GetTimestamp());
            Volatile.Write(ref _reading, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox gauges could not read the outbox ({Error}); they show the last values until it works again")]
    private partial void LogReadFailed(string error);
}
