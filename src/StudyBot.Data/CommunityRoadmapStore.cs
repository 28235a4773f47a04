using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Roadmaps;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

/// <summary>
/// Several roadmaps per community (issue 17): which roadmaps a community enabled (<c>CommunityRoadmaps</c>) and how many
/// of its members follow each (<see cref="MemberEntity.RoadmapId"/>). Writes come with a command's change set
/// (<see cref="ProgressStore"/> calls <see cref="ApplyAsync"/> and <see cref="MoveDefaultAsync"/> in its transaction).
/// </summary>
internal sealed class CommunityRoadmapStore(StudyBotDbContext db) : ICommunityRoadmapStore
{
    public async Task<CommunityRoadmapRows> LoadAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var communityId = await db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (communityId is not { } id)
        {
            return CommunityRoadmapRows.None;
        }

        var enabled = await db.CommunityRoadmaps.AsNoTracking().Where(r => r.CommunityId == id).OrderBy(r => r.RoadmapId).Select(r => r.RoadmapId).ToListAsync(cancellationToken);
        var followers = await db.Members.AsNoTracking()
            .Where(m => m.CommunityId == id && m.Onboarded && m.DeletedAtUtc == null && m.LeftAtUtc == null)
            .GroupBy(m => m.RoadmapId)
            .Select(g => new { RoadmapId = g.Key, Members = g.Count() })
            .ToListAsync(cancellationToken);
        return new CommunityRoadmapRows(enabled, [.. followers.Select(f => new RoadmapFollowers(f.RoadmapId, f.Members))]);
    }

    /// <summary>Enables (a row, if absent) or disables (no row) each roadmap, in the command's transaction.</summary>
    internal static async Task ApplyAsync(StudyBotDbContext db, long communityId, IReadOnlyList<CommunityRoadmapChange> changes, DateTime nowUtc, CancellationToken ct)
    {
        foreach (var change in changes)
        {
            if (change.Enabled)
            {
                var row = new CommunityRoadmapEntity { CommunityId = communityId, RoadmapId = DataText.Clip(change.RoadmapId, 64), EnabledAtUtc = nowUtc };
                await InsertIfAbsent.RunAsync(db, row, [nameof(CommunityRoadmapEntity.CommunityId), nameof(CommunityRoadmapEntity.RoadmapId)], ct);
            }
            else
            {
                await db.CommunityRoadmaps.Where(r => r.CommunityId == communityId && r.RoadmapId == change.RoadmapId).ExecuteDeleteAsync(ct);
            }
        }
    }

    /// <summary>
    /// A new default for newcomers. Started members who never chose (rows from before) followed the old default: their
    /// choice is written down first, so changing the default never moves a member to another roadmap.
    /// </summary>
    internal static async Task MoveDefaultAsync(StudyBotDbContext db, CommunityEntity community, string roadmapId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(roadmapId) || community.RoadmapId == roadmapId)
        {
            return;
        }

        var old = community.RoadmapId;
        await db.Members.Where(m => m.CommunityId == community.Id && m.RoadmapId == null && m.Onboarded && m.DeletedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.RoadmapId, old), ct);
        community.RoadmapId = roadmapId;
    }
}
