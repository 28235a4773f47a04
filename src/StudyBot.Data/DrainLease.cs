using StudyBot.Core.Notifications;

namespace StudyBot.Data;

/// <summary>
/// <see cref="IDrainLease"/> on the <c>Leases</c> table (one row per platform, <c>outbox-drain:{platform}</c>), with
/// <see cref="LeaseStore"/>'s statement on the dispatcher's clock: one upsert takes the lease when it is free, expired or
/// already this instance's (a restart under the same
/// <c>Instance:Id</c> takes it back at once), and changes nothing while another instance holds it. PostgreSQL locks the
/// row for the statement, so two instances asking at once never both get it.
/// </summary>
internal sealed class DrainLease(StudyBotDbContext db, StudyBotInstance instance) : IDrainLease
{
    public const string Prefix = "outbox-drain:";

    public Task<bool> TryHoldAsync(string platform, DateTime nowUtc, TimeSpan length, CancellationToken cancellationToken) =>
        LeaseStore.TakeAsync(db, Prefix + platform, instance.Id, nowUtc, length, cancellationToken);
}
