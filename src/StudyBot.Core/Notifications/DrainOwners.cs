using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace StudyBot.Core.Notifications;

/// <summary>
/// Whether this instance owns a platform's outbox drain (<see cref="IDrainLease"/>) right now, for the adapters: the
/// owner may use the larger part of a platform budget that all instances share (Discord's global requests a second), the
/// others only the rest. <see cref="OutboxDispatcher"/> records each time it takes or renews the lease. Without an
/// <see cref="IDrainLease"/> (one process on one SQLite file) this instance always owns every drain.
/// </summary>
public sealed class DrainOwners(TimeProvider time, bool shared)
{
    /// <summary>
    /// An owner stops counting itself as one this long before its lease can run out. Another instance can take the lease
    /// only once it has run out by its own clock, which may be ahead of the owner's by a few seconds (LeaseStore asks
    /// that NTP keeps them within that): the margin covers that and Discord's second, so whatever the old owner sent
    /// under the owner's share is out of every sliding second before the new owner sends under it.
    /// </summary>
    public static readonly TimeSpan HandOverMargin = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, long> _until = new(StringComparer.Ordinal);

    /// <summary>Whether instances share the drains (an <see cref="IDrainLease"/> decides who owns each).</summary>
    public bool Shared => shared;

    /// <summary>Whether this instance owns <paramref name="platform"/>'s drain now (always, when nothing is shared).</summary>
    public bool Owns(string platform) =>
        !shared || (_until.TryGetValue(platform, out var until) && time.GetTimestamp() < until);

    /// <summary>
    /// The lease on <paramref name="platform"/>'s drain was taken or renewed for <paramref name="length"/>, asked for at
    /// <paramref name="askedAt"/> (a <see cref="TimeProvider.GetTimestamp"/>, taken before the lease's own clock was read).
    /// </summary>
    public void Held(string platform, long askedAt, TimeSpan length)
    {
        var until = askedAt + (long)((length - HandOverMargin).TotalSeconds * time.TimestampFrequency);
        _until.AddOrUpdate(platform, until, (_, old) => Math.Max(old, until));
    }

    /// <summary>Taking or renewing the lease failed (another instance holds it, or the database did not answer).</summary>
    public void Lost(string platform) => _until.TryRemove(platform, out _);

    /// <summary>
    /// Registers the one <see cref="DrainOwners"/> (the outbox and the adapters call this; the first wins): shared when an
    /// <see cref="IDrainLease"/> is registered.
    /// </summary>
    public static void Register(IServiceCollection services) =>
        services.TryAddSingleton(sp => new DrainOwners(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IServiceProviderIsService>()?.IsService(typeof(IDrainLease)) == true));
}
