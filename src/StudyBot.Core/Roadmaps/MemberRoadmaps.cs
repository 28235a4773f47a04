using System.Collections.Immutable;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Roadmaps;

/// <summary>
/// Several roadmaps per community (issue 17): which roadmap a member follows, resolved in this one place. A member follows
/// the roadmap they chose (<see cref="MemberProfile.RoadmapId"/>); without a choice (rows from before, newcomers), the
/// community's default (<see cref="Community.RoadmapId"/>); a file that is gone from the folder falls back to the
/// community's default, then to the host's. Progress rows are keyed by item id alone (ids are unique across files), so
/// nothing here ever touches them: switching, or a file coming back, finds everything where it was.
/// </summary>
public static class MemberRoadmaps
{
    /// <summary>The roadmap the member follows.</summary>
    public static Roadmap ForMember(this RoadmapCatalog roadmaps, MemberSnapshot snapshot) =>
        roadmaps.ForMember(snapshot.Member.RoadmapId, snapshot.Community.RoadmapId);

    /// <summary>The roadmap a member with this choice follows in a community with this default.</summary>
    public static Roadmap ForMember(this RoadmapCatalog roadmaps, string? memberChoice, string? communityDefault) =>
        memberChoice is not null && roadmaps.Contains(memberChoice) ? roadmaps.Get(memberChoice) : roadmaps.Get(communityDefault);

    /// <summary>
    /// The roadmap a phase, milestone or item id belongs to (ids are unique across files), or <paramref name="fallback"/>:
    /// a celebration is about the roadmap its phase is in, even when the member has switched since.
    /// </summary>
    public static Roadmap Holding(this RoadmapCatalog roadmaps, string id, Roadmap fallback)
    {
        if (Has(fallback, id))
        {
            return fallback;
        }

        return roadmaps.All.FirstOrDefault(r => Has(r, id)) ?? fallback;
    }

    private static bool Has(Roadmap roadmap, string id) =>
        roadmap.FindPhaseById(id) is not null || roadmap.Milestones.Any(m => m.Id == id) || roadmap.FindItem(id) is not null;
}

/// <summary>Enable (<see cref="Enabled"/> true) or disable a roadmap in a community; saved with a command's <see cref="ChangeSet"/>.</summary>
public sealed record CommunityRoadmapChange(string RoadmapId, bool Enabled);

/// <summary>How many of a community's started members chose a roadmap (<see cref="RoadmapId"/> null: no choice stored).</summary>
public sealed record RoadmapFollowers(string? RoadmapId, int Members);

/// <summary>A community's roadmap rows as stored: the ids enabled explicitly, and the members per stored choice.</summary>
public sealed record CommunityRoadmapRows(IReadOnlyList<string> Enabled, IReadOnlyList<RoadmapFollowers> Followers)
{
    public static readonly CommunityRoadmapRows None = new([], []);
}

/// <summary>Reads which roadmaps a community enabled and who follows which; writes go through <see cref="ChangeSet.RoadmapSettings"/>.</summary>
public interface ICommunityRoadmapStore
{
    Task<CommunityRoadmapRows> LoadAsync(CommunityRef community, CancellationToken cancellationToken);
}

/// <summary>Why a roadmap setting was refused.</summary>
public enum RoadmapRefusal
{
    None = 0,
    Unknown = 1,
    AlreadyEnabled = 2,
    NotEnabled = 3,
    IsDefault = 4,
}

/// <summary>
/// A community's roadmap settings and their rules, without storage: the default for newcomers is always enabled; disabling
/// the default is refused; a new default must be enabled first. No rule touches a member's choice.
/// </summary>
public sealed record CommunityRoadmapSettings(string Default, ImmutableSortedSet<string> Enabled)
{
    public static CommunityRoadmapSettings From(RoadmapCatalog roadmaps, string communityDefault, IEnumerable<string> enabledRows)
    {
        var fallback = roadmaps.Get(communityDefault).Id;
        return new(fallback, enabledRows.Where(roadmaps.Contains).Append(fallback).ToImmutableSortedSet(StringComparer.Ordinal));
    }

    public bool IsEnabled(string id) => Enabled.Contains(id);

    public (CommunityRoadmapSettings Settings, RoadmapRefusal Refusal) Enable(RoadmapCatalog roadmaps, string id) =>
        !roadmaps.Contains(id) ? (this, RoadmapRefusal.Unknown)
        : IsEnabled(id) ? (this, RoadmapRefusal.AlreadyEnabled)
        : (this with { Enabled = Enabled.Add(id) }, RoadmapRefusal.None);

    public (CommunityRoadmapSettings Settings, RoadmapRefusal Refusal) Disable(RoadmapCatalog roadmaps, string id) =>
        !roadmaps.Contains(id) ? (this, RoadmapRefusal.Unknown)
        : id == Default ? (this, RoadmapRefusal.IsDefault)
        : !IsEnabled(id) ? (this, RoadmapRefusal.NotEnabled)
        : (this with { Enabled = Enabled.Remove(id) }, RoadmapRefusal.None);

    public (CommunityRoadmapSettings Settings, RoadmapRefusal Refusal) WithDefault(RoadmapCatalog roadmaps, string id) =>
        !roadmaps.Contains(id) ? (this, RoadmapRefusal.Unknown)
        : !IsEnabled(id) ? (this, RoadmapRefusal.NotEnabled)
        : (this with { Default = id }, RoadmapRefusal.None);

    /// <summary>
    /// How many started members follow <paramref name="id"/>: those who chose it, and for the default those without a
    /// choice or whose choice's file is gone (they follow the default meanwhile).
    /// </summary>
    public int FollowersOf(RoadmapCatalog roadmaps, IReadOnlyList<RoadmapFollowers> followers, string id) =>
        followers.Where(f => roadmaps.ForMember(f.RoadmapId, Default).Id == id).Sum(f => f.Members);
}
