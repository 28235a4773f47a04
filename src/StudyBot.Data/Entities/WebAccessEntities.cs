namespace StudyBot.Data.Entities;

/// <summary>A single-use sign-in link for the web side (issue 20): only the SHA-256 hash of its token is kept.</summary>
internal sealed class WebLinkEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public required byte[] TokenHash { get; set; }

    /// <summary>Whether the member could run admin commands when they asked for the link (as the platform said then).</summary>
    public bool IsAdmin { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }

    public DateTime? UsedAtUtc { get; set; }
}

/// <summary>A signed-in web session (its cookie's token hashed); signing out deletes it.</summary>
internal sealed class WebSessionEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public required byte[] TokenHash { get; set; }

    /// <summary>Copied from the link the session was opened with.</summary>
    public bool IsAdmin { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime LastSeenAtUtc { get; set; }

    public DateTime ExpiresAtUtc { get; set; }
}

/// <summary>A member's share token for their progress card (at most one; revoking deletes it).</summary>
internal sealed class WebShareEntity
{
    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public required byte[] TokenHash { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}
