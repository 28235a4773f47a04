using StudyBot.Core.Chat;

namespace StudyBot.Core.Web;

/// <summary>
/// A member as the web side knows them: their community (platform, id, name), platform user id, display name, and
/// whether they could run admin commands when they asked for the link (as last known; the platform is the authority).
/// </summary>
public sealed record WebMember(CommunityRef Community, string UserId, string DisplayName, bool IsAdmin)
{
    /// <summary>The member as the engine takes them, e.g. to run a command for them through <see cref="Commands.CommandExecutor"/>.</summary>
    public MemberRef ToMemberRef() => new(Community, UserId, DisplayName) { IsAdmin = IsAdmin };
}

/// <summary>A sign-in link as stored: its hash, its times and whose it is.</summary>
public sealed record StoredWebLink(long Id, byte[] TokenHash, DateTime CreatedAtUtc, DateTime ExpiresAtUtc, DateTime? UsedAtUtc, WebMember Member);

/// <summary>A web session as stored: its hash, its times and whose it is.</summary>
public sealed record StoredWebSession(long Id, byte[] TokenHash, DateTime CreatedAtUtc, DateTime LastSeenAtUtc, DateTime ExpiresAtUtc, WebMember Member);

/// <summary>A member's share token as stored.</summary>
public sealed record StoredWebShare(byte[] TokenHash, DateTime CreatedAtUtc, WebMember Member);

/// <summary>
/// Where sign-in links, web sessions and share tokens are kept (the WebLinks, WebSessions and WebShares tables). Only
/// token hashes are stored; lookups are by hash. Members without a member row have none of them.
/// </summary>
public interface IWebAccessStore
{
    /// <summary>How many sign-in links the member asked for after <paramref name="sinceUtc"/>, and the oldest of them.</summary>
    Task<(int Count, DateTime? OldestUtc)> LinksSinceAsync(MemberRef member, DateTime sinceUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new sign-in link for the member, and deletes every link (anyone's) created before
    /// <paramref name="pruneBeforeUtc"/>: those are long expired. False when the member has no member row.
    /// </summary>
    Task<bool> AddLinkAsync(MemberRef member, byte[] tokenHash, DateTime createdUtc, DateTime expiresUtc, DateTime pruneBeforeUtc, CancellationToken cancellationToken);

    /// <summary>The link with this hash, with its member (not a deleted one), or null.</summary>
    Task<StoredWebLink?> FindLinkAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Uses the link and opens a session for its member, in one transaction: the link is marked used only when it is
    /// still unused and not expired at <paramref name="nowUtc"/> (one conditional UPDATE, so of two redeeming it at once
    /// exactly one wins). False, and nothing written, when it was used or expired meanwhile. Also deletes expired sessions.
    /// </summary>
    Task<bool> RedeemAsync(StoredWebLink link, byte[] sessionHash, DateTime nowUtc, DateTime sessionExpiresUtc, CancellationToken cancellationToken);

    /// <summary>The session with this hash, with its member (not a deleted one), or null.</summary>
    Task<StoredWebSession?> FindSessionAsync(byte[] tokenHash, CancellationToken cancellationToken);

    /// <summary>Notes that the session was used at <paramref name="nowUtc"/>.</summary>
    Task SeenAsync(long sessionId, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Ends (deletes) one session; false when there was none.</summary>
    Task<bool> EndSessionAsync(long sessionId, CancellationToken cancellationToken);

    /// <summary>Ends (deletes) all of the member's sessions in their community; returns how many were still live at <paramref name="nowUtc"/>.</summary>
    Task<int> EndSessionsAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Sets the member's share token, replacing the one they had. False when the member has no member row.</summary>
    Task<bool> SetShareAsync(MemberRef member, byte[] tokenHash, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Revokes the member's share token; false when they had none.</summary>
    Task<bool> RemoveShareAsync(MemberRef member, CancellationToken cancellationToken);

    /// <summary>The share token with this hash, with its member (not a deleted one), or null.</summary>
    Task<StoredWebShare?> FindShareAsync(byte[] tokenHash, CancellationToken cancellationToken);
}
