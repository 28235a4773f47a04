namespace StudyBot.Data;

/// <summary>
/// Serialises this process's write transactions. SQLite allows one writer at a time; queueing writers here
/// costs a few milliseconds, whereas letting them collide inside SQLite means busy retries with sleeps that
/// blow a command's latency up to hundreds of milliseconds under load.
/// </summary>
public sealed class WriteGate
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        return new Release(_gate);
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
