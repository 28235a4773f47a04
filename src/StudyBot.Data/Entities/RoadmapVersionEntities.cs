namespace StudyBot.Data.Entities;

/// <summary>
/// A version of a roadmap file this database has run with, and its item ids: the earlier version the next one is
/// migrated from. Written when a version is first seen, and after every community was migrated to it.
/// </summary>
internal sealed class RoadmapVersionEntity
{
    public long Id { get; set; }

    public required string RoadmapId { get; set; }

    public int Version { get; set; }

    /// <summary>The version's item ids, as a JSON array of strings.</summary>
    public required string ItemIdsJson { get; set; }

    public DateTime SeenAtUtc { get; set; }
}

/// <summary>
/// The version of a roadmap a community's rows were migrated to, written in the same transaction as the migration:
/// the unique key makes it run once, across restarts and across instances. Holds what changed, for the members' notice.
/// </summary>
internal sealed class CommunityRoadmapVersionEntity
{
    public long CommunityId { get; set; }

    public required string RoadmapId { get; set; }

    public int Version { get; set; }

    public int FromVersion { get; set; }

    public int Renamed { get; set; }

    public int Merged { get; set; }

    public int Retired { get; set; }

    public int Added { get; set; }

    public DateTime AppliedAtUtc { get; set; }
}

/// <summary>A member was told that their roadmap was updated to a version (once per member and version). Personal data.</summary>
internal sealed class RoadmapNoticeSeenEntity
{
    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public required string RoadmapId { get; set; }

    public int Version { get; set; }

    public DateTime SeenAtUtc { get; set; }
}
