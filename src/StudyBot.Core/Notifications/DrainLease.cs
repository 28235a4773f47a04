namespace StudyBot.Core.Notifications;

/// <summary>
/// Which instance drains a platform's outbox, when several share one database. A platform's limits (Discord's 50
/// requests a second per bot token and its per-route buckets, Slack's per-method tiers) count every instance together,
/// but each instance paces and learns those limits only for itself; so one instance at a time owns a platform's drain,
/// and a new owner takes over only once the old one has been quiet for the lease's length, when whatever it learned
/// no longer binds. Not registered (one process on one SQLite file), every instance drains every platform.
/// </summary>
public interface IDrainLease
{
    /// <summary>
    /// Takes or renews this instance's lease on draining <paramref name="platform"/> until
    /// <paramref name="nowUtc"/> + <paramref name="length"/>; false (changing nothing) while another instance holds it.
    /// </summary>
    Task<bool> TryHoldAsync(string platform, DateTime nowUtc, TimeSpan length, CancellationToken cancellationToken);
}
