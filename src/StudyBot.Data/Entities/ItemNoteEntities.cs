namespace StudyBot.Data.Entities;

/// <summary>A member's private note and links on one roadmap item (issue 20); one row per member, roadmap and item.</summary>
internal sealed class ItemNoteEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public required string RoadmapId { get; set; }

    public required string ItemId { get; set; }

    /// <summary>The note as the member wrote it; null when the row holds links only.</summary>
    public string? Text { get; set; }

    /// <summary>The links, a JSON array of strings in the order they were added.</summary>
    public string LinksJson { get; set; } = "[]";

    public DateTime UpdatedAtUtc { get; set; }
}
