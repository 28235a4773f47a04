using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Privacy;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

internal sealed class MemberDataStore(StudyBotDbContext db) : IMemberDataStore
{
    public const string DeletedName = "Deleted member";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<DataExport?> ExportMemberAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var (community, entity) = await FindAsync(member, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        var document = await MemberDocumentAsync(entity, community!.Platform, cancellationToken);
        var export = new
        {
            exportedAtUtc = nowUtc,
            community = new { community!.Platform, community.Name },
            member = document,
        };
        return new DataExport($"studybot-{Safe(member.UserId)}-{nowUtc:yyyyMMdd}.json", JsonSerializer.Serialize(export, Json), document.Records);
    }

    public async Task<DataExport> ExportCommunityAsync(CommunityRef community, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var row = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId, cancellationToken);
        var members = row is null ? [] : await db.Members.AsNoTracking().Where(m => m.CommunityId == row.Id && m.DeletedAtUtc == null).OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var phaseRoles = row is null ? [] : await db.PhaseRoles.AsNoTracking().Where(r => r.CommunityId == row.Id).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var studyRooms = row is null ? [] : await db.StudyRooms.AsNoTracking().Where(r => r.CommunityId == row.Id).OrderBy(r => r.Id).ToListAsync(cancellationToken);
        var enabledRoadmaps = row is null ? [] : await db.CommunityRoadmaps.AsNoTracking().Where(r => r.CommunityId == row.Id).OrderBy(r => r.RoadmapId).Select(r => new { r.RoadmapId, r.EnabledAtUtc }).ToListAsync(cancellationToken);
        var documents = new List<MemberDocument>();
        foreach (var member in members)
        {
            // Without their DM channel with the bot: that is between the member and the bot, not the community's.
            documents.Add(await MemberDocumentAsync(member, dmPlatform: null, cancellationToken));
        }

        var export = new
        {
            exportedAtUtc = nowUtc,
            community = row is null ? null : new
            {
                row.Platform,
                row.ExternalId,
                row.Name,
                row.RoadmapId,
                row.TimeZoneId,
                row.Language,
                row.CelebrationChannel,
                row.LeaderboardChannel,
                leaderboardDay = (DayOfWeek)row.LeaderboardDay,
                row.LeaderboardMinutes,
                row.RemindersMaxPerWeek,
                phaseRoles = phaseRoles.Select(r => new { phase = r.PhaseId, r.RoleId, r.RoleName, r.CreatedAtUtc }),
                studyRooms = studyRooms.Select(r => new { r.ChannelId, r.Name, r.AddedAtUtc }),
                enabledRoadmaps,
            },
            members = documents,
        };
        return new DataExport($"studybot-community-{Safe(community.ExternalId)}-{nowUtc:yyyyMMdd}.json", JsonSerializer.Serialize(export, Json), documents.Sum(d => d.Records));
    }

    public async Task<bool> DeleteMemberAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var (_, entity) = await FindAsync(member, cancellationToken);
        if (entity is null)
        {
            return false;
        }

        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        await EraseAsync(entity.Id, entity.UserId, nowUtc, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return true;
    }

    public async Task MarkLeftAsync(CommunityRef community, string? userId, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var row = await db.Communities.FirstOrDefaultAsync(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId, cancellationToken);
        if (row is null)
        {
            return;
        }

        if (userId is null)
        {
            row.LeftAtUtc ??= nowUtc;
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        await db.Members.Where(m => m.CommunityId == row.Id && m.UserId == userId && m.LeftAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeftAtUtc, nowUtc), cancellationToken);
    }

    public async Task<int> PurgeLeftAsync(DateTime cutoffUtc, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var gone = await (
                from m in db.Members.AsNoTracking()
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where m.DeletedAtUtc == null && ((m.LeftAtUtc != null && m.LeftAtUtc < cutoffUtc) || (c.LeftAtUtc != null && c.LeftAtUtc < cutoffUtc))
                orderby m.Id
                select new { m.Id, m.UserId })
            .Take(500)
            .ToListAsync(cancellationToken);
        foreach (var member in gone)
        {
            await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
            await EraseAsync(member.Id, member.UserId, nowUtc, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        return gone.Count;
    }

    /// <summary>Deletes every personal row and anonymises the member row, which keeps only anonymous totals.</summary>
    private async Task EraseAsync(long memberId, string userId, DateTime nowUtc, CancellationToken ct)
    {
        await db.ItemProgress.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.ItemChanges.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.StudyLogs.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.DailyTotals.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.Goals.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.RestPeriods.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.CompletionEvents.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.PartnerPool.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.RoleGrants.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.VoiceIntervals.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.VoiceOptOuts.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.FocusSessions.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await db.FocusSettings.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        await ItemNoteRows.EraseAsync(db, memberId, ct);
        await SessionMemberData.EraseAsync(db, memberId, ct);
        await WebAccessMemberData.EraseAsync(db, memberId, ct);
        await db.RoadmapNoticesSeen.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);

        // Partnerships the member was in: their partner keeps going alone (the partnership ends).
        var partnerships = await db.PartnershipMembers.Where(x => x.MemberId == memberId).Select(x => x.PartnershipId).ToListAsync(ct);
        await db.PartnershipMembers.Where(x => x.MemberId == memberId).ExecuteDeleteAsync(ct);
        foreach (var id in partnerships)
        {
            if (await db.PartnershipMembers.CountAsync(x => x.PartnershipId == id && x.LeftAtUtc == null, ct) < 2)
            {
                await db.Partnerships.Where(p => p.Id == id && p.EndedAtUtc == null).ExecuteUpdateAsync(s => s.SetProperty(p => p.EndedAtUtc, nowUtc), ct);
            }
        }

        var communityId = await db.Members.Where(m => m.Id == memberId).Select(m => m.CommunityId).FirstAsync(ct);

        // No longer the one told about channel problems: the next admin to choose a channel is.
        await db.Communities.Where(c => c.Id == communityId && c.ChannelsSetBy == userId).ExecuteUpdateAsync(s => s.SetProperty(c => c.ChannelsSetBy, (string?)null), ct);

        // Messages to or about the member (a reminder, a celebration), DMs to them, and messages that name them (a
        // partner's introduction or nudge, a leaderboard post), all found by the member's id, never by their name:
        // a name like "e" is in everybody's messages.
        const int Direct = (int)OutboxTarget.DirectMessage;
        await db.Outbox
            .Where(x => x.CommunityId == communityId
                && (x.MemberId == memberId
                    || (x.Target == Direct && x.RecipientId == userId)
                    || db.OutboxMentions.Any(n => n.OutboxId == x.Id && n.MemberId == memberId)))
            .ExecuteDeleteAsync(ct);

        // Receipts of the member's commands (their answers). Receipts of others' commands are theirs; an answer there
        // that named the member goes with its receipt within a day (CommandReceipts.Retention).
        var community = await db.Communities.Where(c => c.Id == communityId).Select(c => new { c.Platform, c.ExternalId }).FirstAsync(ct);
        await db.CommandReceipts
            .Where(x => x.Platform == community.Platform && x.CommunityExternalId == community.ExternalId && x.UserId == userId)
            .ExecuteDeleteAsync(ct);

        // Their DM channel with the bot is theirs on the platform, not this community's: it goes unless another of their
        // memberships there (not deleted, left or not) still needs it.
        var elsewhere = await db.Members.AnyAsync(
            m => m.Id != memberId && m.UserId == userId && m.DeletedAtUtc == null
                && db.Communities.Any(c => c.Id == m.CommunityId && c.Platform == community.Platform),
            ct);
        if (!elsewhere)
        {
            await db.DmChannels.Where(x => x.Platform == community.Platform && x.UserId == userId).ExecuteDeleteAsync(ct);
        }

        await db.Members.Where(m => m.Id == memberId).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.UserId, $"deleted:{Guid.NewGuid():N}")
                .SetProperty(m => m.DisplayName, DeletedName)
                .SetProperty(m => m.TimeZoneId, "UTC")
                .SetProperty(m => m.LearnerProfileId, (string?)null)
                .SetProperty(m => m.RoadmapId, (string?)null)
                .SetProperty(m => m.Language, (string?)null)
                .SetProperty(m => m.PlatformLocale, (string?)null)
                .SetProperty(m => m.StartDate, (DateOnly?)null)
                .SetProperty(m => m.CustomHoursPerWeek, (int?)null)
                .SetProperty(m => m.Privacy, (int)PrivacyLevel.Private)
                .SetProperty(m => m.Celebrate, (int)CelebrationChoice.None)
                .SetProperty(m => m.RemindersOn, false)
                .SetProperty(m => m.PlanDays, 0)
                .SetProperty(m => m.PlanMinutes, (int?)null)
                .SetProperty(m => m.PlanPlace, (string?)null)
                .SetProperty(m => m.QuietStart, (int?)null)
                .SetProperty(m => m.QuietEnd, (int?)null)
                .SetProperty(m => m.SnoozedUntilUtc, (DateTime?)null)
                .SetProperty(m => m.NextReminderAtUtc, (DateTime?)null)
                .SetProperty(m => m.LastReminderAtUtc, (DateTime?)null)
                .SetProperty(m => m.LastActivityAtUtc, (DateTime?)null)
                .SetProperty(m => m.DmClosedAtUtc, (DateTime?)null)
                .SetProperty(m => m.DmNoticePending, false)
                .SetProperty(m => m.CreatedAtUtc, nowUtc)
                .SetProperty(m => m.UpdatedAtUtc, nowUtc)
                .SetProperty(m => m.LeftAtUtc, (DateTime?)null)
                .SetProperty(m => m.DeletedAtUtc, nowUtc),
            ct);
    }

    private sealed record MemberDocument(object Profile, object Items, object History, object StudyLog, object Goals, object Rest, object Completions, object Partnerships, object RoleGrants, object Totals, object Messages, object VoiceRooms, object Focus, int Records)
    {
        public object? Sessions { get; init; }

        /// <summary>The roadmap updates the member was told about (roadmap, version, when).</summary>
        public object? RoadmapNotices { get; init; }

        /// <summary>The member's web sessions (times only) and whether they share their progress card.</summary>
        public object? Web { get; init; }

        /// <summary>The member's private notes and links on roadmap items (issue 20).</summary>
        public object? Notes { get; init; }
    }

    /// <summary>The member's data; with <paramref name="dmPlatform"/>, also their DM channel with the bot on that platform.</summary>
    private async Task<MemberDocument> MemberDocumentAsync(MemberEntity m, string? dmPlatform, CancellationToken ct)
    {
        var items = await db.ItemProgress.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.ItemId)
            .Select(x => new { x.ItemId, status = ((StudyBot.Core.Progress.ItemStatus)x.Status).ToString(), reason = ((StudyBot.Core.Progress.SkipReason)x.Reason).ToString(), x.UpdatedAtUtc }).ToListAsync(ct);
        var history = await db.ItemChanges.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id)
            .Select(x => new { x.ItemId, from = ((StudyBot.Core.Progress.ItemStatus)x.FromStatus).ToString(), to = ((StudyBot.Core.Progress.ItemStatus)x.ToStatus).ToString(), x.Points, x.AtUtc, x.LocalDate, x.IsUndo, x.UndoneAtUtc }).ToListAsync(ct);
        var logs = await db.StudyLogs.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id)
            .Select(x => new { x.Minutes, kind = ((StudyBot.Core.Progress.StudyKind)x.Kind).ToString(), source = ((StudyBot.Core.Progress.StudySource)x.Source).ToString(), x.ItemId, x.Note, x.Points, x.AtUtc, x.LocalDate, x.RetractedAtUtc }).ToListAsync(ct);
        var goals = await db.Goals.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id)
            .Select(x => new { period = ((StudyBot.Core.Progress.GoalPeriod)x.Period).ToString(), unit = ((StudyBot.Core.Progress.GoalUnit)x.Unit).ToString(), x.Target, x.EffectiveFrom, x.CreatedAtUtc }).ToListAsync(ct);
        var rest = await db.RestPeriods.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id).Select(x => new { x.From, x.Until }).ToListAsync(ct);
        var completions = await db.CompletionEvents.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id)
            .Select(x => new { kind = ((StudyBot.Core.Progress.CompletionKind)x.Kind).ToString(), x.TargetId, x.AtUtc, x.NotifiedAtUtc }).ToListAsync(ct);
        var partnerships = await (
                from pm in db.PartnershipMembers.AsNoTracking()
                join p in db.Partnerships.AsNoTracking() on pm.PartnershipId equals p.Id
                where pm.MemberId == m.Id
                orderby p.CreatedAtUtc
                select new { p.CreatedAtUtc, p.EndedAtUtc, pm.LeftAtUtc, pm.LastNudgeAtUtc })
            .ToListAsync(ct);
        var roleGrants = await (
                from g in db.RoleGrants.AsNoTracking()
                where g.MemberId == m.Id
                orderby g.Id
                select new
                {
                    phase = g.PhaseId,
                    g.RoleId,
                    roleName = db.PhaseRoles.Where(r => r.CommunityId == g.CommunityId && r.RoleId == g.RoleId).Select(r => r.RoleName).FirstOrDefault(),
                    state = ((StudyBot.Core.Roles.RoleGrantState)g.State).ToString(),
                    g.LastProblem,
                    g.CreatedAtUtc,
                    g.DoneAtUtc,
                })
            .ToListAsync(ct);
        var totals = await db.PeriodStats.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Kind).ThenBy(x => x.PeriodStart)
            .Select(x => new { period = x.Kind == 0 ? "week" : x.Kind == 1 ? "month" : "all", x.PeriodStart, x.Points, x.Minutes, x.ItemsDone, x.ActiveDayCount }).ToListAsync(ct);
        var days = await db.DailyTotals.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.LocalDate)
            .Select(x => new { period = "day", PeriodStart = x.LocalDate, x.Points, Minutes = x.PracticeMinutes + x.LearningMinutes + x.ReviewMinutes, x.PracticeMinutes, x.LearningMinutes, x.ReviewMinutes, x.ItemsDone })
            .ToListAsync(ct);
        var messages = await db.Outbox.AsNoTracking().Where(x => x.MemberId == m.Id && x.Target == (int)OutboxTarget.DirectMessage).OrderBy(x => x.Id)
            .Select(x => new { x.Kind, x.CreatedAtUtc, x.SentAtUtc, x.FailedAtUtc }).ToListAsync(ct);
        var voiceIntervals = await db.VoiceIntervals.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id)
            .Select(x => new { x.ChannelId, x.StartedAtUtc, x.LastSeenAtUtc, x.EndedAtUtc, x.CountedMinutes }).ToListAsync(ct);
        var voiceIgnored = await db.VoiceOptOuts.AsNoTracking().Where(x => x.MemberId == m.Id).Select(x => (DateTime?)x.AtUtc).FirstOrDefaultAsync(ct);
        var dmChannel = dmPlatform is null
            ? null
            : await db.DmChannels.AsNoTracking().Where(x => x.Platform == dmPlatform && x.UserId == m.UserId)
                .Select(x => new { x.ChannelId, x.LearnedAtUtc }).FirstOrDefaultAsync(ct);
        var profile = new
        {
            m.UserId,
            m.DisplayName,
            m.TimeZoneId,
            m.Language,
            m.PlatformLocale,
            m.LearnerProfileId,
            roadmap = m.RoadmapId,
            path = ((StudyBot.Core.Progress.PathKind)m.Path).ToString(),
            pace = ((StudyBot.Core.Progress.PaceKind)m.Pace).ToString(),
            m.CustomHoursPerWeek,
            m.StartDate,
            privacy = ((PrivacyLevel)m.Privacy).ToString(),
            celebrate = ((CelebrationChoice)m.Celebrate).ToString(),
            reminders = new
            {
                on = m.RemindersOn,
                days = ((StudyDays)m.PlanDays).ToString(),
                time = m.PlanMinutes is { } t ? Clock.Format(t) : null,
                frequency = ((ReminderFrequency)m.PlanFrequency).ToString(),
                place = m.PlanPlace,
                quiet = m.QuietStart is { } qs && m.QuietEnd is { } qe ? $"{Clock.Format(qs)}-{Clock.Format(qe)}" : null,
                m.NextReminderAtUtc,
            },
            m.CreatedAtUtc,
            m.LastActivityAtUtc,
            directMessageChannel = dmChannel,
        };
        var focusSessions = await db.FocusSessions.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.Id)
            .Select(x => new { x.StartedAtUtc, x.EndsAtUtc, x.Minutes, x.ItemId, kind = ((StudyBot.Core.Progress.StudyKind)x.Kind).ToString(), state = ((StudyBot.Core.Focus.FocusState)x.State).ToString(), isBreak = x.IsBreak, x.LocalDate, x.EndedAtUtc })
            .ToListAsync(ct);
        var focusAutoLog = await db.FocusSettings.AsNoTracking().Where(x => x.MemberId == m.Id).Select(x => (bool?)x.AutoLog).FirstOrDefaultAsync(ct);
        var records = 1 + (dmChannel is null ? 0 : 1) + items.Count + history.Count + logs.Count + goals.Count + rest.Count + completions.Count + partnerships.Count + roleGrants.Count + days.Count + totals.Count + messages.Count + voiceIntervals.Count + (voiceIgnored is null ? 0 : 1) + focusSessions.Count + (focusAutoLog is null ? 0 : 1);
        var sessions = await SessionMemberData.ExportAsync(db, m.Id, ct);
        var roadmapNotices = await db.RoadmapNoticesSeen.AsNoTracking().Where(x => x.MemberId == m.Id).OrderBy(x => x.SeenAtUtc).Select(x => new { roadmap = x.RoadmapId, x.Version, x.SeenAtUtc }).ToListAsync(ct);
        // Like the DM channel, the member's web sign-ins are between them and the bot: in their own export only.
        (object? Document, int Records) web = dmPlatform is null ? (null, 0) : await WebAccessMemberData.ExportAsync(db, m.Id, ct);
        var notes = await ItemNoteRows.ExportAsync(db, m.Id, ct);
        return new MemberDocument(profile, items, history, logs, goals, rest, completions, partnerships, roleGrants, new { days, periods = totals }, messages, new { ignoredSinceUtc = voiceIgnored, intervals = voiceIntervals }, new { autoLog = focusAutoLog ?? true, sessions = focusSessions }, records + sessions.Records + roadmapNotices.Count + web.Records + notes.Records) { Sessions = sessions.Document, RoadmapNotices = roadmapNotices, Web = web.Document, Notes = notes.Document };
    }

    private async Task<(CommunityEntity? Community, MemberEntity? Member)> FindAsync(MemberRef member, CancellationToken ct)
    {
        var c = member.Community;
        var community = await db.Communities.AsNoTracking().FirstOrDefaultAsync(x => x.Platform == c.Platform && x.ExternalId == c.ExternalId, ct);
        var entity = community is null
            ? null
            : await db.Members.AsNoTracking().FirstOrDefaultAsync(x => x.CommunityId == community.Id && x.UserId == member.UserId && x.DeletedAtUtc == null, ct);
        return (community, entity);
    }

    private static string Safe(string text) => new(text.Select(ch => char.IsLetterOrDigit(ch) || ch is '-' or '_' ? ch : '-').Take(40).ToArray());
}
