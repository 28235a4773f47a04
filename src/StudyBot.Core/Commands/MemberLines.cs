namespace StudyBot.Core.Commands;

/// <summary>
/// One line per member (platform, community, user): their commands run one at a time, in the order they
/// arrived, while other members' lines run side by side. A line exists only while commands are in it, so
/// memory stays bounded by the commands in flight; the lock guards the dictionary only, never a command.
/// </summary>
public sealed class MemberLines
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Platform, string Community, string User), Line> _lines = [];

    /// <summary>Lines with a command in them (for tests: idle members take no memory).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _lines.Count;
            }
        }
    }

    /// <summary>
    /// Takes the next place in the member's line. Call it where the command arrives, before anything slow
    /// (a platform lookup, a thread hop), so the line keeps the order of arrival.
    /// </summary>
    /// <param name="community">
    /// The community as the platform names it on arrival (a Discord guild id, a Slack team id); for a Discord
    /// direct message, which belongs to a community only once it is looked up, any stable value such as "dm".
    /// </param>
    /// <param name="deliveryId">The platform's id for this delivery (interaction id, trigger_id), or null.</param>
    public CommandArrival Join(string platform, string community, string userId, string? deliveryId)
    {
        var key = (platform, community, userId);
        lock (_lock)
        {
            if (!_lines.TryGetValue(key, out var line))
            {
                line = new Line();
                _lines.Add(key, line);
            }

            var arrival = new CommandArrival(this, key, line.Tail, deliveryId);
            line.Tail = arrival.Finished;
            line.Waiting++;
            return arrival;
        }
    }

    internal void Leave((string, string, string) key)
    {
        lock (_lock)
        {
            if (_lines.TryGetValue(key, out var line) && --line.Waiting == 0)
            {
                _lines.Remove(key);
            }
        }
    }

    private sealed class Line
    {
        public Task Tail { get; set; } = Task.CompletedTask;

        public int Waiting { get; set; }
    }
}

/// <summary>
/// A command's place in its member's line, taken when it arrived. The executor waits for its turn, runs the
/// command and disposes it, which lets the next one go; an adapter disposes it too (harmless twice) on any
/// path that never reaches the executor, so a failure cannot hold the member's line.
/// </summary>
public sealed class CommandArrival : IDisposable
{
    private readonly MemberLines _lines;
    private readonly (string, string, string) _key;
    private readonly Task _before;
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _left;

    internal CommandArrival(MemberLines lines, (string, string, string) key, Task before, string? deliveryId)
    {
        _lines = lines;
        _key = key;
        _before = before;
        DeliveryId = string.IsNullOrWhiteSpace(deliveryId) ? null : deliveryId;
    }

    /// <summary>A rehearsal (<see cref="CommandExecutor.WarmUpAsync"/>): the command runs to the end and its commit is rolled back.</summary>
    internal bool Rehearsal { get; set; }

    /// <summary>The platform's id for this delivery: a repeat of it is answered from the command's receipt.</summary>
    public string? DeliveryId { get; }

    internal Task Finished => _finished.Task;

    /// <summary>Waits until every command of the member that arrived earlier is done; false when that takes longer than <paramref name="patience"/>.</summary>
    internal async Task<bool> WaitTurnAsync(TimeSpan patience, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_before.IsCompleted)
        {
            return true;
        }

        try
        {
            await _before.WaitAsync(patience, time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _left, 1) != 0)
        {
            return;
        }

        // The next command may start only when every earlier one is done, even if this one gave up waiting.
        _before.ContinueWith(_ => _finished.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _lines.Leave(_key);
    }
}
