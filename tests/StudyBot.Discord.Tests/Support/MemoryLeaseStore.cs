using StudyBot.Core.Coordination;

namespace StudyBot.Discord.Tests.Support;

/// <summary>The leases of one pretend database, in memory: share one between stores to play several instances.</summary>
public sealed class MemoryLeases
{
    internal Lock Gate { get; } = new();

    internal Dictionary<string, (string? Holder, DateTimeOffset Expires, string? Value)> Rows { get; } = new(StringComparer.Ordinal);

    /// <summary>A lease's value as stored, for tests.</summary>
    public string? ValueOf(string name)
    {
        lock (Gate)
        {
            return Rows.TryGetValue(name, out var row) ? row.Value : null;
        }
    }

    /// <summary>Sets a lease's value directly, as another version of StudyBot would have, for tests.</summary>
    public void SetValue(string name, string? value)
    {
        lock (Gate)
        {
            var row = Rows.GetValueOrDefault(name);
            Rows[name] = (row.Holder, row.Expires, value);
        }
    }
}

/// <summary>
/// A hand-written <see cref="ILeaseStore"/> for the adapter's tests without a database, following the same rules as
/// the real one (which the data tests check on SQLite and PostgreSQL).
/// </summary>
public sealed class MemoryLeaseStore(MemoryLeases leases, string holder, TimeProvider time) : ILeaseStore
{
    public string Holder => holder;

    public Task<bool> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        lock (leases.Gate)
        {
            var now = time.GetUtcNow();
            var found = leases.Rows.TryGetValue(name, out var row);
            if (found && row.Holder is not null && row.Holder != holder && row.Expires > now)
            {
                return Task.FromResult(false);
            }

            leases.Rows[name] = (holder, now + timeToLive, found ? row.Value : null);
            return Task.FromResult(true);
        }
    }

    public Task ReleaseAsync(string name, CancellationToken cancellationToken)
    {
        lock (leases.Gate)
        {
            if (leases.Rows.TryGetValue(name, out var row) && row.Holder == holder)
            {
                leases.Rows[name] = (null, row.Expires, row.Value);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LiveLease>> ListLiveAsync(string prefix, CancellationToken cancellationToken)
    {
        lock (leases.Gate)
        {
            var now = time.GetUtcNow();
            IReadOnlyList<LiveLease> live = leases.Rows
                .Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal) && r.Value.Holder is not null && r.Value.Expires > now)
                .Select(r => new LiveLease(r.Key, r.Value.Holder!, r.Value.Expires))
                .OrderBy(l => l.Name, StringComparer.Ordinal)
                .ToList();
            return Task.FromResult(live);
        }
    }

    public Task<string?> ReadValueAsync(string name, CancellationToken cancellationToken) => Task.FromResult(leases.ValueOf(name));

    public Task<bool> WriteValueAsync(string name, string? value, CancellationToken cancellationToken)
    {
        lock (leases.Gate)
        {
            if (!leases.Rows.TryGetValue(name, out var row) || row.Holder != holder || row.Expires <= time.GetUtcNow())
            {
                return Task.FromResult(false);
            }

            leases.Rows[name] = (row.Holder, row.Expires, value);
            return Task.FromResult(true);
        }
    }
}
