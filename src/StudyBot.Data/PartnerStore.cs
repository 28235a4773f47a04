using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

internal sealed class PartnerStore(StudyBotDbContext db, NotificationStore outbox) : IPartnerStore
{
    public async Task<bool> JoinPoolAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null || await db.PartnerPool.AnyAsync(p => p.MemberId == ids.Value.MemberId, cancellationToken))
        {
            return false;
        }

        db.PartnerPool.Add(new PartnerPoolEntity { MemberId = ids.Value.MemberId, CommunityId = ids.Value.CommunityId, JoinedAtUtc = nowUtc });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<bool> InPoolAsync(MemberRef member, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        return ids is not null && await db.PartnerPool.AnyAsync(p => p.MemberId == ids.Value.MemberId, cancellationToken);
    }

    public async Task<bool> LeavePoolAsync(MemberRef member, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        return ids is not null
            && await db.PartnerPool.Where(p => p.MemberId == ids.Value.MemberId && p.CommunityId == ids.Value.CommunityId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<IReadOnlyList<PoolEntry>> PoolAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var rows = await (
                from p in db.PartnerPool.AsNoTracking()
                join m in db.Members.AsNoTracking() on p.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where c.Platform == community.Platform && c.ExternalId == community.ExternalId && m.DeletedAtUtc == null
                orderby p.JoinedAtUtc
                select new { m.Id, m.UserId, m.DisplayName, p.JoinedAtUtc, c.Name })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PoolEntry(r.Id, new MemberRef(community with { Name = r.Name }, r.UserId, r.DisplayName), r.JoinedAtUtc)).ToList();
    }

    public async Task<IReadOnlySet<(long, long)>> RecentPairsAsync(CommunityRef community, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        var rows = await (
                from p in db.Partnerships.AsNoTracking()
                join pm in db.PartnershipMembers.AsNoTracking() on p.Id equals pm.PartnershipId
                where p.CommunityId == communityId && p.CreatedAtUtc >= sinceUtc
                select new { p.Id, pm.MemberId })
            .ToListAsync(cancellationToken);
        var pairs = new HashSet<(long, long)>();
        foreach (var group in rows.GroupBy(r => r.Id))
        {
            var members = group.Select(g => g.MemberId).ToList();
            foreach (var a in members)
            {
                foreach (var b in members.Where(b => b > a))
                {
                    pairs.Add(PartnerMatching.Key(a, b));
                }
            }
        }

        return pairs;
    }

    public async Task CreateAsync(CommunityRef community, IReadOnlyList<NewPartnership> groups, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken) ?? throw new InvalidOperationException("unknown community");
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var group in groups)
        {
            var partnership = new PartnershipEntity { CommunityId = communityId, CreatedAtUtc = nowUtc };
            db.Partnerships.Add(partnership);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var memberId in group.MemberIds)
            {
                db.PartnershipMembers.Add(new PartnershipMemberEntity { PartnershipId = partnership.Id, MemberId = memberId, CommunityId = communityId });
            }

            var ids = group.MemberIds.ToList();
            await db.PartnerPool.Where(p => ids.Contains(p.MemberId)).ExecuteDeleteAsync(cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            for (var i = 0; i < group.Introductions.Count; i++)
            {
                await outbox.AddAsync(communityId, group.MemberIds[Math.Min(i, group.MemberIds.Count - 1)], group.Introductions[i], cancellationToken);
            }
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<Partnership?> CurrentAsync(MemberRef member, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return null;
        }

        var mine = await (
                from pm in db.PartnershipMembers.AsNoTracking()
                join p in db.Partnerships.AsNoTracking() on pm.PartnershipId equals p.Id
                where pm.MemberId == ids.Value.MemberId && pm.LeftAtUtc == null && p.EndedAtUtc == null
                orderby p.CreatedAtUtc descending
                select new { p.Id, p.CreatedAtUtc, pm.LastNudgeAtUtc })
            .FirstOrDefaultAsync(cancellationToken);
        if (mine is null)
        {
            return null;
        }

        var partners = await (
                from pm in db.PartnershipMembers.AsNoTracking()
                join m in db.Members.AsNoTracking() on pm.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where pm.PartnershipId == mine.Id && pm.MemberId != ids.Value.MemberId && pm.LeftAtUtc == null && m.DeletedAtUtc == null
                select new { m.UserId, m.DisplayName, m.Language, m.PlatformLocale, Community = c.Language })
            .ToListAsync(cancellationToken);
        return new Partnership(mine.Id, mine.CreatedAtUtc, partners.Select(p => new MemberRef(member.Community, p.UserId, p.DisplayName)).ToList(), mine.LastNudgeAtUtc)
        {
            PartnerLanguages = partners.ToDictionary(p => p.UserId, p => Languages.Resolve(p.Language, p.PlatformLocale, p.Community), StringComparer.Ordinal),
        };
    }

    public async Task<bool> NudgeAsync(MemberRef member, DateTime nowUtc, DateTime notBeforeUtc, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return false;
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.PartnershipMembers
            .Where(pm => pm.MemberId == ids.Value.MemberId && pm.LeftAtUtc == null && (pm.LastNudgeAtUtc == null || pm.LastNudgeAtUtc < notBeforeUtc))
            .Where(pm => db.Partnerships.Any(p => p.Id == pm.PartnershipId && p.EndedAtUtc == null))
            .ExecuteUpdateAsync(s => s.SetProperty(pm => pm.LastNudgeAtUtc, nowUtc), cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        foreach (var message in messages)
        {
            await outbox.AddAsync(ids.Value.CommunityId, null, message, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> LeaveAsync(MemberRef member, DateTime nowUtc, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(member);
        var current = await CurrentAsync(member, cancellationToken);
        if (ids is null || current is null)
        {
            return false;
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.PartnershipMembers.Where(pm => pm.PartnershipId == current.Id && pm.MemberId == ids.Value.MemberId)
            .ExecuteUpdateAsync(s => s.SetProperty(pm => pm.LeftAtUtc, nowUtc), cancellationToken);
        var remaining = await db.PartnershipMembers.CountAsync(pm => pm.PartnershipId == current.Id && pm.LeftAtUtc == null, cancellationToken);
        if (remaining < 2)
        {
            await db.Partnerships.Where(p => p.Id == current.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.EndedAtUtc, nowUtc), cancellationToken);
        }

        foreach (var message in messages)
        {
            await outbox.AddAsync(ids.Value.CommunityId, null, message, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<QuietPartner>> QuietPartnersAsync(DateTime inactiveSinceUtc, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from offer in db.PartnershipMembers.AsNoTracking()
                join quiet in db.PartnershipMembers.AsNoTracking() on offer.PartnershipId equals quiet.PartnershipId
                join p in db.Partnerships.AsNoTracking() on offer.PartnershipId equals p.Id
                join om in db.Members.AsNoTracking() on offer.MemberId equals om.Id
                join qm in db.Members.AsNoTracking() on quiet.MemberId equals qm.Id
                join c in db.Communities.AsNoTracking() on p.CommunityId equals c.Id
                where p.EndedAtUtc == null && offer.MemberId != quiet.MemberId && offer.LeftAtUtc == null && quiet.LeftAtUtc == null
                      && offer.RematchOfferedAtUtc == null && p.CreatedAtUtc < inactiveSinceUtc
                      && (qm.LastActivityAtUtc == null || qm.LastActivityAtUtc < inactiveSinceUtc)
                      && om.LastActivityAtUtc != null && om.LastActivityAtUtc >= inactiveSinceUtc
                orderby p.Id, offer.MemberId
                select new { p.Id, c.Platform, c.ExternalId, c.Name, OfferId = om.UserId, OfferName = om.DisplayName, QuietId = qm.UserId, QuietName = qm.DisplayName, om.Language, om.PlatformLocale, Community = c.Language })
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows
            .GroupBy(r => (r.Id, r.OfferId))
            .Select(g => g.First())
            .Select(r =>
            {
                var community = new CommunityRef(r.Platform, r.ExternalId, r.Name);
                return new QuietPartner(r.Id, new MemberRef(community, r.OfferId, r.OfferName), new MemberRef(community, r.QuietId, r.QuietName), Languages.Resolve(r.Language, r.PlatformLocale, r.Community));
            })
            .ToList();
    }

    public async Task OfferRematchAsync(QuietPartner quiet, OutboxMessage message, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var ids = await db.IdsAsync(quiet.OfferTo);
        if (ids is null)
        {
            return;
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.PartnershipMembers
            .Where(pm => pm.PartnershipId == quiet.PartnershipId && pm.MemberId == ids.Value.MemberId && pm.RematchOfferedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(pm => pm.RematchOfferedAtUtc, nowUtc), cancellationToken);
        if (updated == 1)
        {
            await outbox.AddAsync(ids.Value.CommunityId, ids.Value.MemberId, message, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<DueMatching>> DueMatchingAsync(DateTime nowUtc, CancellationToken cancellationToken)
    {
        var rows = await db.Communities.AsNoTracking()
            .Where(c => c.PartnersDay != null && (c.NextPartnerMatchAtUtc == null || c.NextPartnerMatchAtUtc <= nowUtc))
            .ToListAsync(cancellationToken);
        return rows.Select(c => new DueMatching(new CommunityRef(c.Platform, c.ExternalId, c.Name), ProgressStore.ToModel(c), c.NextPartnerMatchAtUtc is not null)).ToList();
    }

    public Task SetNextMatchAsync(CommunityRef community, DateTime? nextUtc, CancellationToken cancellationToken) =>
        db.Communities.Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextPartnerMatchAtUtc, nextUtc), cancellationToken);

    public async Task<IReadOnlyList<IReadOnlyList<MemberRef>>> ActiveAsync(CommunityRef community, int limit, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        var rows = await (
                from p in db.Partnerships.AsNoTracking()
                join pm in db.PartnershipMembers.AsNoTracking() on p.Id equals pm.PartnershipId
                join m in db.Members.AsNoTracking() on pm.MemberId equals m.Id
                where p.CommunityId == communityId && p.EndedAtUtc == null && pm.LeftAtUtc == null && m.DeletedAtUtc == null
                orderby p.CreatedAtUtc
                select new { p.Id, m.UserId, m.DisplayName })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.Id)
            .Take(limit)
            .Select(g => (IReadOnlyList<MemberRef>)g.Select(r => new MemberRef(community, r.UserId, r.DisplayName)).ToList())
            .ToList();
    }

    private Task<long?> CommunityIdAsync(CommunityRef community, CancellationToken cancellationToken) =>
        db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);

}
