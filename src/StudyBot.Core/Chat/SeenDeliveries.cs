namespace StudyBot.Core.Chat;

/// <summary>
/// Platform deliveries seen recently, shared by every StudyBot instance on one database: a Slack envelope or event
/// redelivered to another instance's Socket Mode connection, a Discord interaction replayed to another instance
/// behind a load balancer, is recognised there too. Adapters keep their own in-memory set in front of it (a repeat on
/// the same instance costs no database round trip); the host registers this only where several instances may share
/// the data (PostgreSQL). Commands themselves are applied once by their receipts either way.
/// </summary>
public interface ISeenDeliveries
{
    /// <summary>
    /// Marks every key as seen for <paramref name="window"/>, atomically across instances: true when none of them was
    /// seen within its window (the delivery is new and this caller handles it), false when any was (nothing is marked).
    /// </summary>
    Task<bool> TryMarkAsync(IReadOnlyList<string> keys, TimeSpan window, CancellationToken cancellationToken);
}
