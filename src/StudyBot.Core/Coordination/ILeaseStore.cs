namespace StudyBot.Core.Coordination;

/// <summary>A lease someone holds now: its name, its holder (an instance id) and when it runs out unless renewed.</summary>
public sealed record LiveLease(string Name, string Holder, DateTimeOffset ExpiresAt);

/// <summary>
/// Named leases shared by the StudyBot instances on one database: at most one instance holds a live lease at a time,
/// the holder keeps it while it renews it within its time-to-live, and anyone may take one that has run out or was
/// released. Each lease also carries a small value that outlives its holders (the hash of the registered Discord
/// commands, say). The holder is always this instance (<see cref="Holder"/>); time is the implementation's clock.
/// </summary>
public interface ILeaseStore
{
    /// <summary>This instance's id: the holder written on every lease it takes.</summary>
    string Holder { get; }

    /// <summary>
    /// Takes the lease when it is free, run out or already this instance's, and sets it to run out after
    /// <paramref name="timeToLive"/> from now; true when this instance holds it afterwards. One atomic step: two
    /// instances asking at once never both get it.
    /// </summary>
    Task<bool> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Gives the lease up if this instance holds it (its value stays); anyone may take it at once.</summary>
    Task ReleaseAsync(string name, CancellationToken cancellationToken);

    /// <summary>The live leases whose names start with <paramref name="prefix"/>, by name.</summary>
    Task<IReadOnlyList<LiveLease>> ListLiveAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>The lease's value, held or not; null when there is none.</summary>
    Task<string?> ReadValueAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the lease's value, only while this instance holds the lease (live); false, and nothing written, otherwise.
    /// At most <see cref="LeaseLimits.MaxValueLength"/> characters.
    /// </summary>
    Task<bool> WriteValueAsync(string name, string? value, CancellationToken cancellationToken);
}

public static class LeaseLimits
{
    /// <summary>The longest lease name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest value a lease carries.</summary>
    public const int MaxValueLength = 4000;
}
