using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roles;
using StudyBot.Data.Entities;
using static StudyBot.Data.DataText;

namespace StudyBot.Data;

/// <summary>EF Core implementation of <see cref="IRoleStore"/>: phase-role mappings, grants and reported problems.</summary>
internal sealed class RoleStore(StudyBotDbContext db, NotificationStore outbox, WriteGate gate, StudyBotInstance instance) : IRoleStore
{
    private const int Pending = (int)RoleGrantState.Pending;
    private const int Failed = (int)RoleGrantState.Failed;

    public async Task<IReadOnlyList<PhaseRoleMapping>> MappingsAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var id = await CommunityIdAsync(community, cancellationToken);
        return id is null
            ? []
            : await db.PhaseRoles.AsNoTracking().Where(r => r.CommunityId == id).OrderBy(r => r.Id)
                .Select(r => new PhaseRoleMapping(r.PhaseId, r.RoleId, r.RoleName, r.ReportChannelId, r.CreatedAtUtc))
                .ToListAsync(cancellationToken);
    }

    public async Task SaveMappingAsync(Community community, PhaseRoleMapping mapping, DateTime nowUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Communities.FirstOrDefaultAsync(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId, cancellationToken);
        // Another instance may be making the community's row at this moment: insert it unless it exists.
        row ??= await ProgressStore.EnsureCommunityAsync(
            db, CommunityEntity.Create(community.Platform, community.ExternalId, community.Name, community.RoadmapId, community.TimeZoneId, nowUtc), cancellationToken);

        var existing = await db.PhaseRoles.FirstOrDefaultAsync(r => r.CommunityId == row.Id && r.PhaseId == mapping.PhaseId, cancellationToken);
        if (existing is null)
        {
            db.PhaseRoles.Add(new PhaseRoleEntity
            {
                CommunityId = row.Id,
                PhaseId = mapping.PhaseId,
                RoleId = mapping.RoleId,
                RoleName = Clip(mapping.RoleName, 100),
                ReportChannelId = mapping.ReportChannelId,
                CreatedAtUtc = mapping.CreatedAtUtc,
            });
        }
        else
        {
            // Completions count from when the phase got this role; mapping the same role again keeps that moment.
            if (existing.RoleId != mapping.RoleId)
            {
                existing.CreatedAtUtc = mapping.CreatedAtUtc;
            }

            existing.RoleId = mapping.RoleId;
            existing.RoleName = Clip(mapping.RoleName, 100);
            existing.ReportChannelId = mapping.ReportChannelId ?? existing.ReportChannelId;
        }

        await db.SaveChangesAsync(cancellationToken);
        var communityId = row.Id;

        // Grants of another role for this phase that have not happened yet are dropped; stopped ones of this role are retried.
        await db.RoleGrants.Where(g => g.CommunityId == communityId && g.PhaseId == mapping.PhaseId && g.RoleId != mapping.RoleId && (g.State == Pending || g.State == Failed))
            .ExecuteDeleteAsync(cancellationToken);
        await db.RoleGrants.Where(g => g.CommunityId == communityId && g.PhaseId == mapping.PhaseId && g.RoleId == mapping.RoleId && g.State == Failed)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.State, Pending).SetProperty(g => g.NextAttemptAtUtc, nowUtc).SetProperty(g => g.LastProblem, (string?)null), cancellationToken);
        await db.RoleProblems.Where(p => p.CommunityId == communityId && p.RoleId == mapping.RoleId).ExecuteDeleteAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
    }

    public async Task<PhaseRoleMapping?> RemoveMappingAsync(CommunityRef community, string phaseId, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var id = await CommunityIdAsync(community, cancellationToken);
        var row = id is null ? null : await db.PhaseRoles.FirstOrDefaultAsync(r => r.CommunityId == id && r.PhaseId == phaseId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        db.PhaseRoles.Remove(row);
        await db.SaveChangesAsync(cancellationToken);
        await db.RoleGrants.Where(g => g.CommunityId == id && g.PhaseId == phaseId && (g.State == Pending || g.State == Failed)).ExecuteDeleteAsync(cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return new PhaseRoleMapping(row.PhaseId, row.RoleId, row.RoleName, row.ReportChannelId, row.CreatedAtUtc);
    }

    public async Task<int> QueueAsync(CommunityRef? community, DateTime recordedBeforeUtc, bool includePast, DateTime nowUtc, CancellationToken cancellationToken)
    {
        long scope = -1;
        if (community is not null)
        {
            if (await CommunityIdAsync(community, cancellationToken) is not { } id)
            {
                return 0;
            }

            scope = id;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var past = includePast ? 1 : 0;
        const int Phase = (int)CompletionKind.Phase;

        // One statement: the unique (member, phase, role) key makes a second queueing of the same grant a no-op.
        var queued = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "RoleGrants" ("CommunityId", "MemberId", "PhaseId", "RoleId", "State", "Attempts", "NextAttemptAtUtc", "CreatedAtUtc")
            SELECT e."CommunityId", e."MemberId", e."TargetId", r."RoleId", {Pending}, 0, {nowUtc}, {nowUtc}
            FROM "CompletionEvents" e
            JOIN "PhaseRoles" r ON r."CommunityId" = e."CommunityId" AND r."PhaseId" = e."TargetId"
            JOIN "Members" m ON m."Id" = e."MemberId"
            WHERE e."Kind" = {Phase} AND e."AtUtc" <= {recordedBeforeUtc} AND m."DeletedAtUtc" IS NULL
              AND ({past} = 1 OR e."AtUtc" >= r."CreatedAtUtc")
              AND ({scope} = -1 OR e."CommunityId" = {scope})
            ON CONFLICT ("MemberId", "PhaseId", "RoleId") DO NOTHING
            """,
            cancellationToken);
        if (includePast)
        {
            // A sync tries again what stopped, and what waits for a retry goes now.
            queued += await db.RoleGrants.Where(g => (scope == -1 || g.CommunityId == scope) && g.State == Failed)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.State, Pending).SetProperty(g => g.NextAttemptAtUtc, nowUtc).SetProperty(g => g.LastProblem, (string?)null), cancellationToken);
            await db.RoleGrants.Where(g => (scope == -1 || g.CommunityId == scope) && g.State == Pending && g.NextAttemptAtUtc > nowUtc)
                .ExecuteUpdateAsync(s => s.SetProperty(g => g.NextAttemptAtUtc, nowUtc), cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return queued;
    }

    public async Task<IReadOnlyList<PendingRoleGrant>> ClaimAsync(CommunityRef? community, DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        long scope = -1;
        if (community is not null)
        {
            if (await CommunityIdAsync(community, cancellationToken) is not { } id)
            {
                return [];
            }

            scope = id;
        }

        IReadOnlyList<long> ids;
        using (await gate.EnterAsync(cancellationToken))
        {
            // Only grants whose mapping still exists, of members still there.
            ids = await ClaimQueue.RoleGrants.ClaimAsync(
                db,
                instance.Id,
                """
                q."State" = {0} AND q."NextAttemptAtUtc" <= {1} AND ({2} = -1 OR q."CommunityId" = {2})
                AND EXISTS (SELECT 1 FROM "PhaseRoles" r WHERE r."CommunityId" = q."CommunityId" AND r."PhaseId" = q."PhaseId" AND r."RoleId" = q."RoleId")
                AND EXISTS (SELECT 1 FROM "Members" m WHERE m."Id" = q."MemberId")
                """,
                "q.\"Id\"",
                [Pending, nowUtc, scope],
                nowUtc,
                lease,
                limit,
                cancellationToken);
        }

        if (ids.Count == 0)
        {
            return [];
        }

        var rows = await (
                from g in db.RoleGrants.AsNoTracking()
                join m in db.Members.AsNoTracking() on g.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on g.CommunityId equals c.Id
                join r in db.PhaseRoles.AsNoTracking() on new { g.CommunityId, g.PhaseId, g.RoleId } equals new { r.CommunityId, r.PhaseId, r.RoleId }
                where ids.Contains(g.Id)
                orderby g.Id
                select new { g.Id, g.PhaseId, g.RoleId, g.Attempts, r.RoleName, r.ReportChannelId, c.CelebrationChannel, c.Platform, c.ExternalId, c.Name, m.UserId, m.DisplayName, c.Language })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PendingRoleGrant(
            r.Id,
            new MemberRef(new CommunityRef(r.Platform, r.ExternalId, r.Name), r.UserId, r.DisplayName),
            r.PhaseId,
            r.RoleId,
            r.RoleName,
            r.ReportChannelId,
            r.CelebrationChannel,
            r.Attempts)
        {
            Language = Core.Localization.Languages.Resolve(null, null, r.Language),
        }).ToList();
    }

    public async Task ReleaseClaimsAsync(CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await ClaimQueue.RoleGrants.ReleaseOwnAsync(db, instance.Id, $"\"State\" = {Pending}", keepMark: false, cancellationToken);
    }

    public async Task MarkAsync(long grantId, RoleGrantState state, string? problem, DateTime? retryAtUtc, DateTime nowUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        var done = state == RoleGrantState.Pending ? (DateTime?)null : nowUtc;
        var attempted = state != RoleGrantState.Pending || problem is not null ? 1 : 0;
        var me = instance.Id;

        // Only while this instance holds the claim: once another took the grant over, its result is the one that counts.
        await db.RoleGrants.Where(g => g.Id == grantId && g.ClaimedBy == me).ExecuteUpdateAsync(
            s => s.SetProperty(g => g.State, (int)state)
                .SetProperty(g => g.LastProblem, problem)
                .SetProperty(g => g.Attempts, g => g.Attempts + attempted)
                .SetProperty(g => g.NextAttemptAtUtc, g => retryAtUtc ?? g.NextAttemptAtUtc)
                .SetProperty(g => g.ClaimedUntilUtc, (DateTime?)null)
                .SetProperty(g => g.ClaimedBy, (string?)null)
                .SetProperty(g => g.DoneAtUtc, done),
            cancellationToken);
    }

    public async Task<bool> ReportProblemAsync(CommunityRef community, RoleProblem problem, OutboxMessage? notice, CancellationToken cancellationToken)
    {
        if (await CommunityIdAsync(community, cancellationToken) is not { } communityId)
        {
            return false;
        }

        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "RoleProblems" ("CommunityId", "RoleId", "RoleName", "Problem", "ReportedAtUtc")
            VALUES ({communityId}, {problem.RoleId}, {Clip(problem.RoleName, 100)}, {(int)problem.Problem}, {problem.ReportedAtUtc})
            ON CONFLICT ("CommunityId", "RoleId", "Problem") DO NOTHING
            """,
            cancellationToken);
        if (inserted == 0)
        {
            return false;
        }

        if (notice is not null)
        {
            await outbox.AddAsync(communityId, null, notice, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task ClearProblemsAsync(CommunityRef community, string roleId, CancellationToken cancellationToken)
    {
        if (await CommunityIdAsync(community, cancellationToken) is not { } communityId)
        {
            return;
        }

        if (await db.RoleProblems.AnyAsync(p => p.CommunityId == communityId && p.RoleId == roleId, cancellationToken))
        {
            using var writing = await gate.EnterAsync(cancellationToken);
            await db.RoleProblems.Where(p => p.CommunityId == communityId && p.RoleId == roleId).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<RoleProblem>> ProblemsAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var id = await CommunityIdAsync(community, cancellationToken);
        return id is null
            ? []
            : await db.RoleProblems.AsNoTracking().Where(p => p.CommunityId == id).OrderBy(p => p.Id)
                .Select(p => new RoleProblem(p.RoleId, p.RoleName, (RoleGrantOutcome)p.Problem, p.ReportedAtUtc))
                .ToListAsync(cancellationToken);
    }

    public async Task<RoleGrantTotals> TotalsAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var id = await CommunityIdAsync(community, cancellationToken);
        if (id is null)
        {
            return new RoleGrantTotals(0, 0, 0, 0);
        }

        var counts = await db.RoleGrants.AsNoTracking().Where(g => g.CommunityId == id).GroupBy(g => g.State)
            .Select(g => new { State = g.Key, Count = g.Count() })
            .ToDictionaryAsync(x => x.State, x => x.Count, cancellationToken);
        return new RoleGrantTotals(
            counts.GetValueOrDefault((int)RoleGrantState.Pending),
            counts.GetValueOrDefault((int)RoleGrantState.Granted),
            counts.GetValueOrDefault((int)RoleGrantState.AlreadyHad),
            counts.GetValueOrDefault((int)RoleGrantState.Failed));
    }

    private Task<long?> CommunityIdAsync(CommunityRef community, CancellationToken cancellationToken) =>
        db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
}
