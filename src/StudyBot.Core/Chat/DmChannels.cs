namespace StudyBot.Core.Chat;

/// <summary>
/// The direct-message channel between the bot and each platform user, kept in the database and shared by every
/// StudyBot instance on it: a platform that needs a DM channel opened before a DM (Discord) opens it once per user, not
/// once per process and restart. A DM channel belongs to the user and the bot, not to a community. Adapters keep their
/// own in-memory copy in front of it and treat it as a cache: when it cannot be read or written they open the channel
/// on the platform instead.
/// </summary>
public interface IDmChannelStore
{
    /// <summary>The channel id remembered for the user on the platform, or null.</summary>
    Task<string?> FindAsync(string platform, string userId, CancellationToken cancellationToken);

    /// <summary>Remembers (or replaces) the user's channel id, in one statement, whoever else remembers it at the same time.</summary>
    Task RememberAsync(string platform, string userId, string channelId, CancellationToken cancellationToken);

    /// <summary>Forgets the user's channel id when it is still <paramref name="channelId"/> (the platform no longer knows it).</summary>
    Task ForgetAsync(string platform, string userId, string channelId, CancellationToken cancellationToken);
}
