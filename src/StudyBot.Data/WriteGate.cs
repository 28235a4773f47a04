using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StudyBot.Data;

/// <summary>
/// Serialises this process's write transactions. SQLite allows one writer at a time; queueing writers here
/// costs a few milliseconds, whereas letting them collide inside SQLite means busy retries with sleeps that
/// blow a command's latency up to hundreds of milliseconds under load.
/// <para>
/// It also moves WAL checkpoints off the commands. SQLite's automatic checkpoint runs inside the commit that
/// crosses 1,000 WAL pages and syncs the database file there, which put one command in a hundred 10 ms or more
/// behind. Connections turn it off (<see cref="SqlitePragmas"/>); instead, every <see cref="CheckpointEvery"/>
/// write transactions a passive checkpoint runs on its own connection in the background, which never blocks
/// readers or the next writer. SQLite still checkpoints when the last connection closes.
/// </para>
/// </summary>
public sealed partial class WriteGate(string? connectionString = null, ILogger<WriteGate>? logger = null)
{
    public const int CheckpointEvery = 200;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger = logger ?? NullLogger<WriteGate>.Instance;
    private int _writes;
    private int _checkpointing;

    /// <summary>Background checkpoints completed (for tests).</summary>
    public int Checkpoints { get; private set; }

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Release(this);
    }

    private void Exit()
    {
        _gate.Release();
        if (connectionString is not null && Interlocked.Increment(ref _writes) % CheckpointEvery == 0 && Interlocked.Exchange(ref _checkpointing, 1) == 0)
        {
            _ = Task.Run(CheckpointAsync);
        }
    }

    private async Task CheckpointAsync()
    {
        try
        {
            await using var connection = new SqliteConnection(connectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA busy_timeout=5000; PRAGMA wal_checkpoint(PASSIVE);";
            await command.ExecuteNonQueryAsync();
            Checkpoints++;
        }
        catch (SqliteException ex)
        {
            // A checkpoint that cannot run now runs next time; the WAL only grows a little meanwhile.
            LogCheckpointFailed(ex.Message);
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite WAL checkpoint failed ({Reason}); it is tried again after the next writes")]
    private partial void LogCheckpointFailed(string reason);

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
