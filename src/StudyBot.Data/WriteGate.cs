using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StudyBot.Data;

/// <summary>
/// Serialises this process's write transactions. SQLite allows one writer at a time; queueing writers here
/// costs a few milliseconds, whereas letting them collide inside SQLite means busy retries with sleeps that
/// blow a command's latency up to hundreds of milliseconds under load.
/// <para>
/// It also keeps WAL checkpoints away from the commands. SQLite's automatic checkpoint runs inside the commit
/// that crosses 1,000 WAL pages and syncs the database file there, which put one command in a hundred 10 ms or
/// more behind. Connections turn it off (<see cref="SqlitePragmas"/>); the gate checkpoints instead:
/// </para>
/// <list type="bullet">
/// <item>when writing pauses (<see cref="IdleDelay"/> without a write), on its own connection: nobody waits;</item>
/// <item>when writes never pause, after <see cref="ForceAfter"/> of them, holding the gate. The checkpoint's
/// fsync takes tens of milliseconds on a virtual disk and stalls every WAL write made meanwhile; holding the
/// gate makes that one queued write wait instead of slowing a dozen in a row. Readers are never blocked.</item>
/// </list>
/// SQLite also checkpoints when the last connection closes. The idle delay is measured on the injected
/// <see cref="TimeProvider"/> (registered under <see cref="ClockKey"/>), so tests move it with fake time of its own.
/// <para>
/// On PostgreSQL there is nothing to serialise: it has row locks and many writers, and it checkpoints on its own.
/// The stores keep calling the gate, and <see cref="Open"/> lets every writer straight through.
/// </para>
/// </summary>
public sealed partial class WriteGate : IDisposable
{
    public const int ForceAfter = 500;

    public static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The service key of the clock the idle delay is measured on (real time when none is registered).</summary>
    public const string ClockKey = "StudyBot.WriteGate";

    private readonly SemaphoreSlim? _gate = new(1, 1);
    private readonly string? _connectionString;
    private readonly ILogger _logger;
    private readonly ITimer? _idle;
    private readonly StudyBot.Core.Telemetry.StudyBotMetrics? _metrics;
    private Task _lastCheckpoint = Task.CompletedTask;
    private int _pending;
    private int _checkpointing;
    private volatile bool _disposed;

    public WriteGate(string? connectionString = null, ILogger<WriteGate>? logger = null, TimeProvider? time = null, StudyBot.Core.Telemetry.StudyBotMetrics? metrics = null)
    {
        _metrics = metrics;
        _connectionString = connectionString;
        _logger = logger ?? NullLogger<WriteGate>.Instance;
        _idle = connectionString is null
            ? null
            : (time ?? TimeProvider.System).CreateTimer(_ => StartCheckpoint(gated: false), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private WriteGate(bool open)
    {
        _gate = open ? null : new SemaphoreSlim(1, 1);
        _logger = NullLogger<WriteGate>.Instance;
    }

    /// <summary>A gate that never holds anyone back and never checkpoints: the one for PostgreSQL.</summary>
    public static WriteGate Open() => new(open: true);

    /// <summary>Whether writers queue here (SQLite) or go straight through (PostgreSQL).</summary>
    public bool Serialises => _gate is not null;

    /// <summary>Background checkpoints completed (for tests).</summary>
    public int Checkpoints { get; private set; }

    /// <summary>The checkpoint running now, or the last one started; completed when none has started (for tests).</summary>
    public Task LastCheckpoint => Volatile.Read(ref _lastCheckpoint);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        if (_gate is null)
        {
            return NoRelease.Instance;
        }

        if (_metrics is null)
        {
            await _gate.WaitAsync(cancellationToken);
            return new Release(this);
        }

        // studybot.db.write_wait: how long this write queued for the single writer (on the real clock: the gate's own may be fake).
        var queued = TimeProvider.System.GetTimestamp();
        await _gate.WaitAsync(cancellationToken);
        _metrics.WriteWaited(TimeProvider.System.GetElapsedTime(queued));
        return new Release(this);
    }

    public void Dispose()
    {
        _disposed = true;
        _idle?.Dispose();
    }

    private void Exit()
    {
        _gate!.Release();
        if (_idle is null || _disposed)
        {
            return;
        }

        // Pushed back by every write: it fires once writing has paused.
        _idle.Change(IdleDelay, Timeout.InfiniteTimeSpan);
        if (Interlocked.Increment(ref _pending) >= ForceAfter)
        {
            StartCheckpoint(gated: true);
        }
    }

    private void StartCheckpoint(bool gated)
    {
        if (!_disposed && Volatile.Read(ref _pending) > 0 && Interlocked.Exchange(ref _checkpointing, 1) == 0)
        {
            Volatile.Write(ref _lastCheckpoint, Task.Run(() => CheckpointAsync(gated)));
        }
    }

    private async Task CheckpointAsync(bool gated)
    {
        if (gated)
        {
            await _gate!.WaitAsync();
        }

        try
        {
            Interlocked.Exchange(ref _pending, 0);
            await using var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=5000;";
            await command.ExecuteNonQueryAsync();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await using (var reader = await command.ExecuteReaderAsync())
            {
                // (busy, frames in the WAL, frames copied): frames a reader still needed go at the next pause.
                if (await reader.ReadAsync() && reader.GetInt64(2) < reader.GetInt64(1))
                {
                    Interlocked.Increment(ref _pending);
                }
            }

            Checkpoints++;
        }
        catch (SqliteException ex)
        {
            // A checkpoint that cannot run now runs next time; the WAL only grows a little meanwhile.
            Interlocked.Increment(ref _pending);
            LogCheckpointFailed(ex.Message);
        }
        finally
        {
            if (gated)
            {
                _gate!.Release();
            }

            Volatile.Write(ref _checkpointing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed ({Reason}); it is tried again at the next pause in writing")]
    private partial void LogCheckpointFailed(string reason);

    private sealed class NoRelease : IDisposable
    {
        public static readonly NoRelease Instance = new();

        public void Dispose()
        {
        }
    }

    private sealed class Release(WriteGate owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Exit();
            }
        }
    }
}
