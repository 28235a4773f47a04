namespace StudyBot.Data.Entities;

/// <summary>
/// A roadmap a community enabled for its members to follow (<c>/studybot roadmap enable</c>). The community's default
/// (<see cref="CommunityEntity.RoadmapId"/>) is enabled whether or not it has a row here.
/// </summary>
internal sealed class CommunityRoadmapEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string RoadmapId { get; set; }

    public DateTime EnabledAtUtc { get; set; }
}
