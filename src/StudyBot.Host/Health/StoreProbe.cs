using StudyBot.Core.Chat;
using StudyBot.Data;

namespace StudyBot.Host.Health;

/// <summary>One visit to the database for the readiness checks: what it said, or why it did not answer.</summary>
internal sealed record StoreProbeResult(DatabaseProbe? Probe, string? Problem, DateTimeOffset At);

/// <summary>
/// Asks the database for the readiness checks at most once a second, one question at a time: however many probes arrive
/// (a flood, or several orchestrators), they share the answer being awaited or the last one, so they never pile queries
/// up on the database. Each probe waits at most <see cref="Timeout"/> for it.
/// </summary>
internal sealed class StoreProbe(IServiceProvider services, IEnumerable<INotifier> notifiers, TimeProvider time)
{
    /// <summary>How long a probe waits for the database's answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>How long an answer is reused.</summary>
    public static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);

    private readonly string[] _platforms = notifiers.Select(n => n.Platform).Distinct(StringComparer.Ordinal).ToArray();
    private readonly Lock _lock = new();
    private Task<StoreProbeResult>? _current;
    private long _startedAt;

    public async Task<StoreProbeResult> GetAsync(CancellationToken cancellationToken)
    {
        Task<StoreProbeResult> current;
        lock (_lock)
        {
            // Real time: freshness and the timeout are about the machine, not about the bot's (maybe simulated) calendar.
            if (_current is null || (_current.IsCompleted && TimeProvider.System.GetElapsedTime(_startedAt) >= Fresh))
            {
                _startedAt = TimeProvider.System.GetTimestamp();
                _current = Task.Run(AskAsync, CancellationToken.None);
            }

            current = _current;
        }

        try
        {
            return await current.WaitAsync(Timeout, TimeProvider.System, cancellationToken);
        }
        catch (TimeoutException)
        {
            return new StoreProbeResult(null, $"no answer within {Timeout.TotalSeconds:0} s", time.GetUtcNow());
        }
    }

    private async Task<StoreProbeResult> AskAsync()
    {
        var now = time.GetUtcNow();

        // A question the database does not answer is given up a little after the probes stopped waiting for it, so the
        // next one can be asked.
        using var giveUp = new CancellationTokenSource(Timeout * 2, TimeProvider.System);
        try
        {
            var probe = await HealthProbe.ProbeAsync(services, _platforms, now.UtcDateTime, giveUp.Token);
            return new StoreProbeResult(probe, null, now);
        }
        catch (OperationCanceledException)
        {
            return new StoreProbeResult(null, $"no answer within {Timeout.TotalSeconds:0} s", now);
        }
        catch (Exception ex)
        {
            // The exception's name only: its message may name the server, and a probe's answer is for anyone who can reach it.
            return new StoreProbeResult(null, ex.GetType().Name, now);
        }
    }
}
