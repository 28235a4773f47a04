using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Notes;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

/// <summary>Members' notes and links on roadmap items (issue 20), behind Core's <see cref="IItemNoteStore"/>.</summary>
internal sealed class ItemNoteStore(StudyBotDbContext db) : IItemNoteStore
{
    public async Task<ItemNote?> GetAsync(MemberRef member, string roadmapId, string itemId, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return null;
        }

        var row = await db.ItemNotes.AsNoTracking()
            .FirstOrDefaultAsync(n => n.MemberId == ids.Value.MemberId && n.RoadmapId == roadmapId && n.ItemId == itemId, cancellationToken);
        return row is null ? null : ItemNoteRows.ToNote(row);
    }

    public async Task<IReadOnlyList<ItemNote>> ListAsync(MemberRef member, string roadmapId, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return [];
        }

        var rows = await db.ItemNotes.AsNoTracking()
            .Where(n => n.MemberId == ids.Value.MemberId && n.RoadmapId == roadmapId)
            .OrderBy(n => n.ItemId)
            .ToListAsync(cancellationToken);
        return rows.Select(ItemNoteRows.ToNote).ToList();
    }

    public async Task<bool> SaveAsync(MemberRef member, ItemNote note, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return false;
        }

        var (communityId, memberId) = ids.Value;
        var row = await db.ItemNotes.FirstOrDefaultAsync(n => n.MemberId == memberId && n.RoadmapId == note.RoadmapId && n.ItemId == note.ItemId, cancellationToken);
        if (note.IsEmpty)
        {
            if (row is not null)
            {
                db.ItemNotes.Remove(row);
            }
        }
        else if (row is null)
        {
            db.ItemNotes.Add(new ItemNoteEntity
            {
                CommunityId = communityId,
                MemberId = memberId,
                RoadmapId = note.RoadmapId,
                ItemId = note.ItemId,
                Text = note.Text,
                LinksJson = JsonSerializer.Serialize(note.Links),
                UpdatedAtUtc = note.UpdatedAtUtc,
            });
        }
        else
        {
            row.Text = note.Text;
            row.LinksJson = JsonSerializer.Serialize(note.Links);
            row.UpdatedAtUtc = note.UpdatedAtUtc;
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}

/// <summary>Notes in a member's export, their erasure, and their move when a roadmap version renames or merges items.</summary>
internal static class ItemNoteRows
{
    public static ItemNote ToNote(ItemNoteEntity row) =>
        new(row.RoadmapId, row.ItemId, row.Text, Links(row.LinksJson), row.UpdatedAtUtc);

    private static List<string> Links(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    public static async Task<(object Document, int Records)> ExportAsync(StudyBotDbContext db, long memberId, CancellationToken ct)
    {
        var rows = await db.ItemNotes.AsNoTracking().Where(n => n.MemberId == memberId).OrderBy(n => n.RoadmapId).ThenBy(n => n.ItemId).ToListAsync(ct);
        return (rows.Select(n => new { roadmap = n.RoadmapId, n.ItemId, note = n.Text, links = Links(n.LinksJson), n.UpdatedAtUtc }).ToList(), rows.Count);
    }

    public static Task EraseAsync(StudyBotDbContext db, long memberId, CancellationToken ct) =>
        db.ItemNotes.Where(n => n.MemberId == memberId).ExecuteDeleteAsync(ct);

    /// <summary>
    /// A new roadmap version's renames and merges, for one community: a note follows its item's new id; notes merged into
    /// one item are joined (the target's own note first, then the others in the order the version names them), links
    /// too without repeats. Notes on retired items stay where they are.
    /// </summary>
    public static async Task MoveAsync(StudyBotDbContext db, long communityId, string roadmapId, IReadOnlyDictionary<string, string> moves, CancellationToken ct)
    {
        if (moves.Count == 0)
        {
            return;
        }

        var touched = moves.Keys.Concat(moves.Values).Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.ItemNotes.Where(n => n.CommunityId == communityId && n.RoadmapId == roadmapId && touched.Contains(n.ItemId)).ToListAsync(ct);
        foreach (var group in rows.GroupBy(r => (r.MemberId, Target: moves.GetValueOrDefault(r.ItemId, r.ItemId))))
        {
            if (!group.Any(r => moves.ContainsKey(r.ItemId)))
            {
                continue;
            }

            var ordered = group.OrderBy(r => r.ItemId == group.Key.Target ? 0 : 1).ThenBy(r => r.ItemId, StringComparer.Ordinal).ToList();
            var keep = ordered[0];
            var texts = ordered.Select(r => r.Text).Where(t => !string.IsNullOrEmpty(t)).ToList();
            var links = new List<string>();
            foreach (var link in ordered.SelectMany(r => Links(r.LinksJson)))
            {
                links = NoteInput.WithLink(links, link).Links.ToList();
            }

            keep.ItemId = group.Key.Target;
            keep.Text = texts.Count == 0 ? null : string.Join("\n\n", texts);
            keep.LinksJson = JsonSerializer.Serialize(links);
            keep.UpdatedAtUtc = ordered.Max(r => r.UpdatedAtUtc);
            db.ItemNotes.RemoveRange(ordered.Skip(1));
        }

        await db.SaveChangesAsync(ct);
    }
}
