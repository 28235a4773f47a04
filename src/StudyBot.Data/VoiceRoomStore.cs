using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Voice;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

internal sealed class VoiceRoomStore(StudyBotDbContext db) : IVoiceRoomStore
{
    public async Task<IReadOnlyList<StudyRoom>> RoomsAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        if (communityId is null)
        {
            return [];
        }

        var rows = await db.StudyRooms.AsNoTracking().Where(r => r.CommunityId == communityId).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return rows.Select(r => new StudyRoom(r.ChannelId, r.Name, r.AddedAtUtc)).ToList();
    }

    public async Task<bool> AddRoomAsync(CommunityRef community, StudyRoom room, NewcomerDefaults defaults, CancellationToken cancellationToken)
    {
        var row = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId, cancellationToken);
        row ??= await ProgressStore.EnsureCommunityAsync(
            db, CommunityEntity.Create(community.Platform, community.ExternalId, community.Name, defaults.RoadmapId, defaults.TimeZoneId, room.AddedAtUtc), cancellationToken);
        if (await db.StudyRooms.AnyAsync(r => r.CommunityId == row.Id && r.ChannelId == room.ChannelId, cancellationToken))
        {
            return false;
        }

        db.StudyRooms.Add(new StudyRoomEntity { CommunityId = row.Id, ChannelId = DataText.Clip(room.ChannelId, 64), Name = DataText.Clip(room.Name, 100), AddedAtUtc = room.AddedAtUtc });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another admin added it at the same moment (the unique index).
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public async Task<bool> RemoveRoomAsync(CommunityRef community, string channelId, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        return communityId is not null
            && await db.StudyRooms.Where(r => r.CommunityId == communityId && r.ChannelId == channelId).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    public async Task<VoiceMember?> MemberAsync(CommunityRef community, string userId, CancellationToken cancellationToken)
    {
        var row = await (
                from m in db.Members.AsNoTracking()
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where c.Platform == community.Platform && c.ExternalId == community.ExternalId && m.UserId == userId && m.DeletedAtUtc == null
                select new { m.Id, m.UserId, m.StartDate, m.Onboarded, m.TimeZoneId, Ignored = db.VoiceOptOuts.Any(o => o.MemberId == m.Id) })
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new VoiceMember(row.Id, row.UserId, row.StartDate is not null || row.Onboarded, row.Ignored, row.TimeZoneId);
    }

    public async Task SetIgnoredAsync(long memberId, bool ignored, DateTime nowUtc, CancellationToken cancellationToken)
    {
        if (!ignored)
        {
            await db.VoiceOptOuts.Where(o => o.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
            return;
        }

        if (await db.VoiceOptOuts.AnyAsync(o => o.MemberId == memberId, cancellationToken))
        {
            return;
        }

        var communityId = await db.Members.Where(m => m.Id == memberId).Select(m => m.CommunityId).FirstAsync(cancellationToken);
        db.VoiceOptOuts.Add(new VoiceOptOutEntity { MemberId = memberId, CommunityId = communityId, AtUtc = nowUtc });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<VoiceInterval>> OpenAsync(CommunityRef community, string? userId, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        if (communityId is null)
        {
            return [];
        }

        var rows = await (
                from i in db.VoiceIntervals.AsNoTracking()
                join m in db.Members.AsNoTracking() on i.MemberId equals m.Id
                where i.CommunityId == communityId && i.EndedAtUtc == null && (userId == null || m.UserId == userId)
                orderby i.Id
                select new VoiceInterval(i.Id, m.UserId, i.ChannelId, i.StartedAtUtc, i.LastSeenAtUtc, i.EndedAtUtc, i.CountedMinutes))
            .ToListAsync(cancellationToken);
        return rows;
    }

    public async Task<long> OpenIntervalAsync(CommunityRef community, long memberId, string channelId, DateTime atUtc, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken) ?? throw new InvalidOperationException("unknown community");
        var row = new VoiceIntervalEntity { CommunityId = communityId, MemberId = memberId, ChannelId = DataText.Clip(channelId, 64), StartedAtUtc = atUtc, LastSeenAtUtc = atUtc };
        db.VoiceIntervals.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return row.Id;
    }

    public async Task<bool> CloseIntervalAsync(long intervalId, DateTime endedAtUtc, CancellationToken cancellationToken) =>
        await db.VoiceIntervals.Where(i => i.Id == intervalId && i.EndedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.EndedAtUtc, endedAtUtc), cancellationToken) > 0;

    public async Task TouchAsync(IReadOnlyCollection<long> intervalIds, DateTime seenAtUtc, CancellationToken cancellationToken)
    {
        var ids = intervalIds.ToList();
        await db.VoiceIntervals.Where(i => ids.Contains(i.Id) && i.EndedAtUtc == null && i.LastSeenAtUtc < seenAtUtc)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LastSeenAtUtc, seenAtUtc), cancellationToken);
    }

    public async Task<IReadOnlyList<PendingInterval>> PendingAsync(int max, CancellationToken cancellationToken)
    {
        var rows = await (
                from i in db.VoiceIntervals.AsNoTracking()
                join m in db.Members.AsNoTracking() on i.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on i.CommunityId equals c.Id
                where i.EndedAtUtc != null && i.CountedMinutes == null
                orderby i.Id
                select new { i.Id, c.Platform, c.ExternalId, c.Name, m.UserId, i.StartedAtUtc, i.EndedAtUtc })
            .Take(max)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PendingInterval(r.Id, new CommunityRef(r.Platform, r.ExternalId, r.Name), r.UserId, r.StartedAtUtc, r.EndedAtUtc!.Value)).ToList();
    }

    public async Task MarkCountedAsync(long intervalId, int minutes, CancellationToken cancellationToken) =>
        await db.VoiceIntervals.Where(i => i.Id == intervalId && i.CountedMinutes == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.CountedMinutes, minutes), cancellationToken);

    public async Task<IReadOnlyList<VoiceInterval>> IntervalsAsync(CommunityRef community, string userId, CancellationToken cancellationToken)
    {
        var communityId = await CommunityIdAsync(community, cancellationToken);
        return await (
                from i in db.VoiceIntervals.AsNoTracking()
                join m in db.Members.AsNoTracking() on i.MemberId equals m.Id
                where i.CommunityId == communityId && m.UserId == userId
                orderby i.Id
                select new VoiceInterval(i.Id, m.UserId, i.ChannelId, i.StartedAtUtc, i.LastSeenAtUtc, i.EndedAtUtc, i.CountedMinutes))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Communities that have open intervals (for closing those nobody sees any more).</summary>
    public async Task<IReadOnlyList<CommunityRef>> CommunitiesWithOpenAsync(CancellationToken cancellationToken)
    {
        var rows = await (
                from c in db.Communities.AsNoTracking()
                where db.VoiceIntervals.Any(i => i.CommunityId == c.Id && i.EndedAtUtc == null)
                select new { c.Platform, c.ExternalId, c.Name })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new CommunityRef(r.Platform, r.ExternalId, r.Name)).ToList();
    }

    private Task<long?> CommunityIdAsync(CommunityRef community, CancellationToken cancellationToken) =>
        db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
}
