using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

/// <summary>A roadmap file this database cannot move to (an older version, a changed version, dropped ids, a failed community).</summary>
public sealed class RoadmapVersionException(string message) : Exception(message);

/// <summary>What the start-up step did for one roadmap.</summary>
public sealed record RoadmapVersionOutcome(string RoadmapId, int Version, int? FromVersion, int CommunitiesMigrated, int CommunitiesAlreadyDone);

/// <summary>
/// Versions of roadmap files across starts (issue 17). At every start, for each loaded roadmap: a version never seen is
/// stored and nothing migrates; the version seen last changes nothing (unless its ids changed without a new number:
/// refused); an older file is refused; a newer one migrates every community, one transaction per community, and is
/// stored once all of them are done, so a start that stops halfway is taken up again by the next.
/// </summary>
public static partial class RoadmapVersions
{
    /// <summary>Runs the step for every roadmap; throws <see cref="RoadmapVersionException"/> with the reason when the start must stop.</summary>
    public static async Task<IReadOnlyList<RoadmapVersionOutcome>> UpgradeAsync(IServiceProvider services, IEnumerable<Roadmap> roadmaps, CancellationToken cancellationToken)
    {
        var outcomes = new List<RoadmapVersionOutcome>();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("StudyBot.Roadmaps");
        foreach (var roadmap in roadmaps.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            outcomes.Add(await UpgradeAsync(services, roadmap, logger, cancellationToken));
        }

        return outcomes;
    }

    private static async Task<RoadmapVersionOutcome> UpgradeAsync(IServiceProvider services, Roadmap roadmap, ILogger? logger, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var time = scope.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var ids = roadmap.Items.Select(i => i.Id).ToList();
        var latest = await db.RoadmapVersions.AsNoTracking()
            .Where(v => v.RoadmapId == roadmap.Id)
            .OrderByDescending(v => v.Version)
            .FirstOrDefaultAsync(ct);
        if (latest is null)
        {
            await RecordSeenAsync(db, roadmap, ids, time, ct);
            return new RoadmapVersionOutcome(roadmap.Id, roadmap.Version, null, 0, 0);
        }

        var file = Path.GetFileName(roadmap.SourceFile);
        if (roadmap.Version < latest.Version)
        {
            throw new RoadmapVersionException(
                $"{file} is version {roadmap.Version} of {roadmap.Id}, but this database already runs version {latest.Version}; "
                + $"use the file of version {latest.Version} or newer (progress is never moved back to an older version).");
        }

        var latestIds = JsonSerializer.Deserialize<List<string>>(latest.ItemIdsJson) ?? [];
        if (roadmap.Version == latest.Version)
        {
            var added = ids.Except(latestIds, StringComparer.Ordinal).ToList();
            var removed = latestIds.Except(ids, StringComparer.Ordinal).ToList();
            if (added.Count > 0 || removed.Count > 0)
            {
                throw new RoadmapVersionException(
                    $"version {roadmap.Version} of {roadmap.Id} ({file}) changed without a new version number"
                    + (added.Count > 0 ? $"; new ids: {string.Join(", ", added)}" : "")
                    + (removed.Count > 0 ? $"; ids gone: {string.Join(", ", removed)}" : "")
                    + $". Give the file `version: {roadmap.Version + 1}` (with `replaces:` and `retired:` for the ids that went), or put the ids back.");
            }

            return new RoadmapVersionOutcome(roadmap.Id, roadmap.Version, null, 0, 0);
        }

        var plan = RoadmapUpgrade.Plan(latestIds, latest.Version, roadmap);
        if (plan.Dropped.Count > 0)
        {
            throw new RoadmapVersionException(
                $"version {roadmap.Version} of {roadmap.Id} ({file}) drops {plan.Dropped.Count} {(plan.Dropped.Count == 1 ? "id" : "ids")} of version {latest.Version} "
                + $"without saying where their progress goes: {string.Join(", ", plan.Dropped)}. "
                + "Add them to `retired:` or to an item's `replaces:`; nothing was migrated.");
        }

        var communities = await db.Communities.AsNoTracking().OrderBy(c => c.Id).Select(c => new { c.Id, c.Name }).ToListAsync(ct);
        int migrated = 0, done = 0;
        foreach (var community in communities)
        {
            try
            {
                if (await MigrateCommunityAsync(scope.ServiceProvider, community.Id, plan, roadmap, time, ct))
                {
                    migrated++;
                }
                else
                {
                    done++;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new RoadmapVersionException(
                    $"moving community {community.Id} to version {roadmap.Version} of {roadmap.Id} failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()}); "
                    + $"nothing of that community changed ({migrated} other communities were moved), and the next start tries again.");
            }
        }

        await RecordSeenAsync(db, roadmap, ids, time, ct);
        if (logger is not null)
        {
            LogUpgraded(logger, roadmap.Id, latest.Version, roadmap.Version, plan.Summary(), migrated, done);
        }

        return new RoadmapVersionOutcome(roadmap.Id, roadmap.Version, latest.Version, migrated, done);
    }

    private static Task RecordSeenAsync(StudyBotDbContext db, Roadmap roadmap, IReadOnlyList<string> ids, TimeProvider time, CancellationToken ct) =>
        InsertIfAbsent.RunAsync(
            db,
            new RoadmapVersionEntity { RoadmapId = roadmap.Id, Version = roadmap.Version, ItemIdsJson = JsonSerializer.Serialize(ids), SeenAtUtc = time.GetUtcNow().UtcDateTime },
            [nameof(RoadmapVersionEntity.RoadmapId), nameof(RoadmapVersionEntity.Version)],
            ct);

    /// <summary>
    /// One community, in one transaction: first its version row (inserted, or moved up from an older version), which
    /// another instance doing the same waits on and then finds done (false), then its rows. Anything failing rolls the
    /// whole community back.
    /// </summary>
    internal static async Task<bool> MigrateCommunityAsync(IServiceProvider scoped, long communityId, RoadmapUpgrade plan, Roadmap roadmap, TimeProvider time, CancellationToken ct)
    {
        var db = scoped.GetRequiredService<StudyBotDbContext>();
        var gate = scoped.GetRequiredService<WriteGate>();
        using var writing = await gate.EnterAsync(ct);
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var claimed = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "CommunityRoadmapVersions" ("CommunityId", "RoadmapId", "Version", "FromVersion", "Renamed", "Merged", "Retired", "Added", "AppliedAtUtc")
            VALUES ({communityId}, {plan.RoadmapId}, {plan.ToVersion}, {plan.FromVersion}, {plan.Renamed.Count}, {plan.Merged.Count}, {plan.Retired.Count}, {plan.Added.Count}, {now})
            ON CONFLICT ("CommunityId", "RoadmapId") DO UPDATE SET "Version" = excluded."Version", "FromVersion" = excluded."FromVersion",
                "Renamed" = excluded."Renamed", "Merged" = excluded."Merged", "Retired" = excluded."Retired", "Added" = excluded."Added", "AppliedAtUtc" = excluded."AppliedAtUtc"
            WHERE "CommunityRoadmapVersions"."Version" < excluded."Version"
            """,
            ct);
        if (claimed == 0)
        {
            await tx.RollbackAsync(CancellationToken.None);
            return false;
        }

        await MoveIdsAsync(db, communityId, plan.Moves, ct);
        await ItemNoteRows.MoveAsync(db, communityId, plan.RoadmapId, plan.Moves, ct);
        await RecordCompletionsQuietlyAsync(db, communityId, roadmap, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Renamed and merged ids in every row that stores an item id. A member's state on a merged item is the most
    /// advanced of its parts (<see cref="RoadmapUpgrade.Rank"/>). The history (item changes, study logs, focus sessions)
    /// keeps every row under the new id. Running totals (points, minutes, items done per day and period) stay as they
    /// are: they count what the member did on the day they did it, and points are never taken away; a merge makes
    /// two items that were done one item now, which percentages show, not last week's count.
    /// Retired ids are not touched: their rows, history and points stay, and percentages leave them out because they
    /// count only the roadmap's items.
    /// </summary>
    private static async Task MoveIdsAsync(StudyBotDbContext db, long communityId, IReadOnlyDictionary<string, string> moves, CancellationToken ct)
    {
        if (moves.Count == 0)
        {
            return;
        }

        var touched = moves.Keys.Concat(moves.Values).Distinct(StringComparer.Ordinal).ToList();
        var rows = await db.ItemProgress.Where(p => p.CommunityId == communityId && touched.Contains(p.ItemId)).ToListAsync(ct);
        foreach (var group in rows.GroupBy(r => (r.MemberId, Target: moves.GetValueOrDefault(r.ItemId, r.ItemId))))
        {
            if (!group.Any(r => moves.ContainsKey(r.ItemId)))
            {
                continue;
            }

            // The most advanced part; of equals the latest change.
            var best = group.OrderByDescending(r => RoadmapUpgrade.Rank(new ItemState((ItemStatus)r.Status, (SkipReason)r.Reason))).ThenByDescending(r => r.UpdatedAtUtc).First();
            var target = group.FirstOrDefault(r => r.ItemId == group.Key.Target);
            if (target is null)
            {
                db.ItemProgress.Add(new ItemProgressEntity
                {
                    CommunityId = communityId,
                    MemberId = group.Key.MemberId,
                    ItemId = group.Key.Target,
                    Status = best.Status,
                    Reason = best.Reason,
                    UpdatedAtUtc = best.UpdatedAtUtc,
                });
            }
            else
            {
                target.Status = best.Status;
                target.Reason = best.Reason;
                target.UpdatedAtUtc = best.UpdatedAtUtc;
            }

            db.ItemProgress.RemoveRange(group.Where(r => r.ItemId != group.Key.Target));
        }

        await db.SaveChangesAsync(ct);
        foreach (var (from, to) in moves)
        {
            await db.ItemChanges.Where(x => x.CommunityId == communityId && x.ItemId == from).ExecuteUpdateAsync(s => s.SetProperty(x => x.ItemId, to), ct);
            await db.StudyLogs.Where(x => x.CommunityId == communityId && x.ItemId == from).ExecuteUpdateAsync(s => s.SetProperty(x => x.ItemId, to), ct);
            await db.FocusSessions.Where(x => x.CommunityId == communityId && x.ItemId == from).ExecuteUpdateAsync(s => s.SetProperty(x => x.ItemId, to), ct);
        }
    }

    /// <summary>
    /// Milestones and phases members complete under the new version and had not completed before are recorded as
    /// already told (<see cref="CompletionEventEntity.NotifiedAtUtc"/> set): the celebration job only looks at rows not
    /// yet told, so nothing is posted, and the completion still counts (sessions, roles). Completions recorded before
    /// are left alone, so nothing is celebrated twice.
    /// </summary>
    private static async Task RecordCompletionsQuietlyAsync(StudyBotDbContext db, long communityId, Roadmap roadmap, DateTime now, CancellationToken ct)
    {
        var itemIds = roadmap.Items.Select(i => i.Id).ToList();
        var rows = await (
                from p in db.ItemProgress.AsNoTracking()
                join m in db.Members.AsNoTracking() on p.MemberId equals m.Id
                where p.CommunityId == communityId && m.DeletedAtUtc == null && itemIds.Contains(p.ItemId)
                select new { p.MemberId, p.ItemId, p.Status, p.Reason })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return;
        }

        var recorded = (await db.CompletionEvents.AsNoTracking().Where(e => e.CommunityId == communityId).Select(e => new { e.MemberId, e.Kind, e.TargetId }).ToListAsync(ct))
            .Select(e => (e.MemberId, new CompletionRecord((CompletionKind)e.Kind, e.TargetId).Key))
            .ToHashSet();
        var batch = Guid.NewGuid();
        foreach (var member in rows.GroupBy(r => r.MemberId))
        {
            var states = member.ToDictionary(r => r.ItemId, r => new ItemState((ItemStatus)r.Status, (SkipReason)r.Reason), StringComparer.Ordinal);
            foreach (var completion in ProgressMath.Completions(roadmap, id => states.GetValueOrDefault(id, ItemState.NotStarted)))
            {
                if (recorded.Contains((member.Key, completion.Key)))
                {
                    continue;
                }

                db.CompletionEvents.Add(new CompletionEventEntity
                {
                    CommunityId = communityId,
                    MemberId = member.Key,
                    Kind = (int)completion.Kind,
                    TargetId = completion.TargetId,
                    BatchId = batch,
                    AtUtc = now,
                    NotifiedAtUtc = now,
                });
            }
        }

        await db.SaveChangesAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Roadmap {RoadmapId} moved from version {From} to {To} ({Summary}): {Migrated} communities migrated, {Done} already done by another instance")]
    private static partial void LogUpgraded(ILogger logger, string roadmapId, int from, int to, string summary, int migrated, int done);
}

/// <summary>The "roadmap was updated" line, once per member and version, for members who were there before the update.</summary>
internal sealed class RoadmapNoticeStore(StudyBotDbContext db, TimeProvider time, WriteGate gate) : IRoadmapNoticeStore
{
    public async Task<RoadmapUpdateNotice?> TakeAsync(MemberRef member, Roadmap roadmap, CancellationToken cancellationToken)
    {
        if (await db.IdsAsync(member) is not { } ids)
        {
            return null;
        }

        var update = await db.CommunityRoadmapVersions.AsNoTracking()
            .Where(v => v.CommunityId == ids.CommunityId && v.RoadmapId == roadmap.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (update is null
            || await db.Members.AsNoTracking().Where(m => m.Id == ids.MemberId).Select(m => m.CreatedAtUtc).FirstOrDefaultAsync(cancellationToken) >= update.AppliedAtUtc
            || await db.RoadmapNoticesSeen.AsNoTracking().AnyAsync(s => s.MemberId == ids.MemberId && s.RoadmapId == roadmap.Id && s.Version == update.Version, cancellationToken))
        {
            return null;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "RoadmapNoticesSeen" ("MemberId", "CommunityId", "RoadmapId", "Version", "SeenAtUtc") VALUES ({ids.MemberId}, {ids.CommunityId}, {roadmap.Id}, {update.Version}, {now})
            ON CONFLICT ("MemberId", "RoadmapId", "Version") DO NOTHING
            """,
            cancellationToken);
        return inserted == 1 ? new RoadmapUpdateNotice(roadmap.Title, update.Version, update.Renamed, update.Merged, update.Retired, update.Added) : null;
    }
}
