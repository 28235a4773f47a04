using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Telemetry;
using StudyBot.Data.Entities;
using static StudyBot.Data.DataText;

namespace StudyBot.Data;

/// <summary>EF Core implementations of the notification ports: reminders, celebrations, leaderboards and the outbox.</summary>
internal sealed class NotificationStore(StudyBotDbContext db, WriteGate gate, StudyBotInstance instance) : IReminderStore, ICelebrationStore, ILeaderboardScheduleStore, IOutboxStore, ILeaderboardStore
{
    private static readonly string[] ReminderKinds = [OutboxKinds.Reminder, OutboxKinds.FreshStart];

    // ---- reminders ----

    public async Task<IReadOnlyList<DueReminder>> DueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from m in db.Members.AsNoTracking()
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where m.NextReminderAtUtc != null && m.NextReminderAtUtc <= nowUtc
                orderby m.NextReminderAtUtc
                select new { c.Platform, c.ExternalId, c.Name, m.UserId, m.DisplayName, Due = m.NextReminderAtUtc!.Value })
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new DueReminder(new MemberRef(new CommunityRef(r.Platform, r.ExternalId, r.Name), r.UserId, r.DisplayName), r.Due)).ToList();
    }

    public async Task<int> SentSinceAsync(MemberRef member, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        var id = await MemberIdAsync(member, cancellationToken);
        return id is null ? 0 : await db.Outbox.CountAsync(x => x.MemberId == id && ReminderKinds.Contains(x.Kind) && x.CreatedAtUtc >= sinceUtc, cancellationToken);
    }

    public async Task<bool> ApplyAsync(MemberRef member, DateTime dueAtUtc, ReminderState state, OutboxMessage? message, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = await db.IdsAsync(member);
        if (ids is null)
        {
            return false;
        }

        // Only if the schedule is still the one we decided on: a snooze or a new plan in between wins.
        var updated = await db.Members
            .Where(m => m.Id == ids.Value.MemberId && m.NextReminderAtUtc == dueAtUtc)
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.NextReminderAtUtc, state.NextAtUtc)
                    .SetProperty(m => m.LastReminderAtUtc, state.LastSentAtUtc)
                    .SetProperty(m => m.UnansweredReminders, state.Unanswered)
                    .SetProperty(m => m.RemindersPaused, state.Paused)
                    .SetProperty(m => m.FreshStartPending, state.FreshStartPending)
                    .SetProperty(m => m.LastTemplate, state.LastTemplate),
                cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        // A message whose key already exists was written by an earlier run: keep it, and the new schedule.
        if (message is not null)
        {
            await TryAddOutboxAsync(ids.Value.CommunityId, ids.Value.MemberId, message, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
        return true;
    }

    // ---- celebrations ----

    public async Task<IReadOnlyList<PendingCelebration>> PendingAsync(DateTime recordedBeforeUtc, int limit, CancellationToken cancellationToken)
    {
        var rows = await (
                from e in db.CompletionEvents.AsNoTracking()
                join m in db.Members.AsNoTracking() on e.MemberId equals m.Id
                join c in db.Communities.AsNoTracking() on m.CommunityId equals c.Id
                where e.NotifiedAtUtc == null && e.AtUtc <= recordedBeforeUtc
                orderby e.Id
                select new { e.Id, e.Kind, e.TargetId, e.AtUtc, e.TraceParent, c.Platform, c.ExternalId, c.Name, m.UserId, m.DisplayName })
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new PendingCelebration(
            r.Id,
            new MemberRef(new CommunityRef(r.Platform, r.ExternalId, r.Name), r.UserId, r.DisplayName),
            new CompletionRecord((CompletionKind)r.Kind, r.TargetId),
            r.AtUtc) { TraceParent = r.TraceParent }).ToList();
    }

    public async Task ApplyAsync(long eventId, OutboxMessage? message, DateTime nowUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.CompletionEvents.AsNoTracking().Where(e => e.Id == eventId).Select(e => new { e.CommunityId, e.MemberId }).FirstOrDefaultAsync(cancellationToken);
        var updated = await db.CompletionEvents
            .Where(e => e.Id == eventId && e.NotifiedAtUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.NotifiedAtUtc, nowUtc), cancellationToken);
        if (updated == 0 || row is null)
        {
            return;
        }

        if (message is not null)
        {
            await TryAddOutboxAsync(row.CommunityId, row.MemberId, message, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<DateTime?> FirstActivityAsync(MemberRef member, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken)
    {
        var id = await MemberIdAsync(member, cancellationToken);
        return id is null
            ? null
            : await db.ItemChanges.AsNoTracking()
                .Where(x => x.MemberId == id && !x.IsUndo && itemIds.Contains(x.ItemId))
                .MinAsync(x => (DateTime?)x.AtUtc, cancellationToken);
    }

    // ---- leaderboard schedule ----

    async Task<IReadOnlyList<DueLeaderboard>> ILeaderboardScheduleStore.DueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken)
    {
        var rows = await db.Communities.AsNoTracking()
            .Where(c => c.NextLeaderboardAtUtc == null || c.NextLeaderboardAtUtc <= nowUtc)
            .OrderBy(c => c.Id)
            .Take(limit)
            .ToListAsync(cancellationToken);
        return rows.Select(c => new DueLeaderboard(new CommunityRef(c.Platform, c.ExternalId, c.Name), ProgressStore.ToModel(c), c.NextLeaderboardAtUtc ?? default)).ToList();
    }

    public async Task ApplyAsync(CommunityRef community, DateTime? nextAtUtc, OutboxMessage? message, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await using var tx = await db.Database.BeginTransactionAsync(cancellationToken);
        var row = await db.Communities.FirstOrDefaultAsync(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId, cancellationToken);
        if (row is null)
        {
            return;
        }

        row.NextLeaderboardAtUtc = nextAtUtc;
        await db.SaveChangesAsync(cancellationToken);
        if (message is not null)
        {
            await TryAddOutboxAsync(row.Id, null, message, cancellationToken);
        }

        await tx.CommitAsync(cancellationToken);
    }

    // ---- outbox ----

    public async Task<IReadOnlyList<OutboxEnvelope>> ClaimAsync(string platform, DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken)
    {
        IReadOnlyList<ClaimedRow> claimed;
        using (await gate.EnterAsync(cancellationToken))
        {
            claimed = await ClaimQueue.Outbox.ClaimMarkedAsync(
                db,
                instance.Id,
                """q."Platform" = {0} AND q."SentAtUtc" IS NULL AND q."FailedAtUtc" IS NULL AND q."NextAttemptAtUtc" <= {1}""",
                "q.\"NextAttemptAtUtc\", q.\"Id\"",
                [platform, nowUtc],
                nowUtc,
                lease,
                limit,
                cancellationToken);
        }

        if (claimed.Count == 0)
        {
            return [];
        }

        // An earlier claim that ended with no result began a lease before it was due to run out.
        var earlier = claimed.Where(c => c.Previous is not null).ToDictionary(c => c.Id, c => DateTime.SpecifyKind(c.Previous!.Value, DateTimeKind.Utc) - lease);
        var ids = claimed.Select(c => c.Id).ToList();
        var rows = await db.Outbox.AsNoTracking()
            .Where(x => ids.Contains(x.Id))
            .OrderBy(x => x.NextAttemptAtUtc)
            .ThenBy(x => x.Id)
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        // The member a message is about (a celebration's, also when it goes to a channel): its stand-in DM goes to them,
        // and a reminder's week ends at their Monday.
        var memberIds = rows.Where(r => r.MemberId is not null).Select(r => r.MemberId!.Value).Distinct().ToList();
        var members = memberIds.Count == 0
            ? []
            : await db.Members.AsNoTracking().Where(m => memberIds.Contains(m.Id) && m.DeletedAtUtc == null)
                .Select(m => new { m.Id, m.UserId, m.DisplayName, m.TimeZoneId })
                .ToDictionaryAsync(m => m.Id, cancellationToken);

        // The newest reminder of each member with a reminder in the batch: an older one is no longer worth sending.
        var reminderMembers = rows.Where(r => r.MemberId is not null && ReminderKinds.Contains(r.Kind)).Select(r => r.MemberId).Distinct().ToList();
        var newest = reminderMembers.Count == 0
            ? []
            : await db.Outbox.AsNoTracking()
                .Where(x => reminderMembers.Contains(x.MemberId) && ReminderKinds.Contains(x.Kind))
                .GroupBy(x => x.MemberId!.Value)
                .Select(g => new { MemberId = g.Key, Id = g.Max(x => x.Id) })
                .ToDictionaryAsync(x => x.MemberId, x => x.Id, cancellationToken);

        return rows.Select(r =>
        {
            var member = r.MemberId is { } id && members.TryGetValue(id, out var m) ? m : null;
            var payload = Read(r.PayloadJson);
            return new OutboxEnvelope(r.Id, new OutboxMessage(
                r.Key, r.Kind, (OutboxTarget)r.Target, r.Platform, r.CommunityExternalId, r.CommunityName, r.RecipientId, r.RecipientName,
                payload ?? new Reply(), r.DueAtUtc), r.Attempts)
            {
                Member = member is null ? null : new ChannelContact(member.UserId, member.DisplayName),
                MemberTimeZone = member?.TimeZoneId,
                Superseded = r.MemberId is { } who && newest.TryGetValue(who, out var latest) && latest > r.Id,
                Unreadable = payload is null,
                TraceParent = r.TraceParent,
                MayHaveLandedSinceUtc = earlier.TryGetValue(r.Id, out var since) ? since : null,
            };
        }).ToList();
    }

    /// <summary>The stored message, or null when the row is damaged (so one bad row never stops the others).</summary>
    private static Reply? Read(string json)
    {
        try
        {
            return ReplyJson.Deserialize(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    public async Task ReleaseClaimsAsync(CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        // The mark stays: a message this instance was sending when it stopped may be out already (Slack has no
        // idempotency key), so its next claim says so.
        await ClaimQueue.Outbox.ReleaseOwnAsync(db, instance.Id, "\"SentAtUtc\" IS NULL AND \"FailedAtUtc\" IS NULL", keepMark: true, cancellationToken);
    }

    public async Task ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        await Owned(db.Outbox.Where(x => ids.Contains(x.Id) && x.SentAtUtc == null))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ClaimedUntilUtc, (DateTime?)null).SetProperty(x => x.ClaimedBy, (string?)null), cancellationToken);
    }

    /// <summary>The rows among <paramref name="rows"/> this instance still holds: a row another instance took over is not ours to touch.</summary>
    private IQueryable<OutboxEntity> Owned(IQueryable<OutboxEntity> rows)
    {
        var me = instance.Id;
        return rows.Where(x => x.ClaimedBy == me);
    }

    // A delivered (or abandoned) message keeps its words but drops its files: a progress card is ~100 KB of base64
    // that nothing reads again, and celebrations would otherwise grow the database for ever.
    public async Task MarkSentAsync(long id, DateTime nowUtc, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        if (db.IsPostgres)
        {
            if (await Owned(db.Outbox.Where(x => x.Id == id)).ExecuteUpdateAsync(
                    s => s.SetProperty(x => x.SentAtUtc, nowUtc).SetProperty(x => x.ClaimedUntilUtc, (DateTime?)null).SetProperty(x => x.ClaimedBy, (string?)null)
                        .SetProperty(x => x.Attempts, x => x.Attempts + 1),
                    cancellationToken) > 0)
            {
                await DropAttachmentsAsync(id, cancellationToken);
            }

            return;
        }

        await db.Database.ExecuteSqlInterpolatedAsync(
            $$"""
            UPDATE "Outbox" SET "SentAtUtc" = {{nowUtc}}, "ClaimedUntilUtc" = NULL, "ClaimedBy" = NULL, "Attempts" = "Attempts" + 1,
                "PayloadJson" = CASE WHEN "PayloadJson" LIKE '%"attachments":[{%' THEN json_remove("PayloadJson", '$.attachments') ELSE "PayloadJson" END
            WHERE "Id" = {{id}} AND "ClaimedBy" = {{instance.Id}}
            """,
            cancellationToken);
    }

    /// <summary>
    /// PostgreSQL's side of SQLite's <c>json_remove</c> above: the payload without its files, when it is JSON that has
    /// some. Done here rather than with jsonb, which would reorder the keys the reader expects first.
    /// </summary>
    private async Task DropAttachmentsAsync(long id, CancellationToken cancellationToken)
    {
        var json = await db.Outbox.AsNoTracking().Where(x => x.Id == id).Select(x => x.PayloadJson).FirstOrDefaultAsync(cancellationToken);
        if (json is null || !json.Contains("\"attachments\":[{", StringComparison.Ordinal))
        {
            return;
        }

        System.Text.Json.Nodes.JsonNode? node;
        try
        {
            node = System.Text.Json.Nodes.JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }

        if (node is System.Text.Json.Nodes.JsonObject payload && payload.Remove("attachments"))
        {
            var stripped = payload.ToJsonString();
            await db.Outbox.Where(x => x.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.PayloadJson, stripped), cancellationToken);
        }
    }

    public async Task MarkRetryAsync(long id, DateTime retryAtUtc, string reason, bool countsAsFailure, CancellationToken cancellationToken)
    {
        var failed = countsAsFailure ? 1 : 0;
        using var writing = await gate.EnterAsync(cancellationToken);
        await Owned(db.Outbox.Where(x => x.Id == id)).ExecuteUpdateAsync(
            s => s.SetProperty(x => x.NextAttemptAtUtc, retryAtUtc)
                .SetProperty(x => x.ClaimedUntilUtc, (DateTime?)null)
                .SetProperty(x => x.ClaimedBy, (string?)null)
                .SetProperty(x => x.Attempts, x => x.Attempts + failed)
                .SetProperty(x => x.LastError, Clip(reason, 500)),
            cancellationToken);
    }

    public async Task MarkFailedAsync(long id, DateTime nowUtc, UndeliveredReason reason, string detail, CancellationToken cancellationToken)
    {
        using var writing = await gate.EnterAsync(cancellationToken);
        if (db.IsPostgres)
        {
            var error = Clip(detail, 500);
            var drop = (int)reason;
            if (await Owned(db.Outbox.Where(x => x.Id == id)).ExecuteUpdateAsync(
                    s => s.SetProperty(x => x.FailedAtUtc, nowUtc).SetProperty(x => x.ClaimedUntilUtc, (DateTime?)null).SetProperty(x => x.ClaimedBy, (string?)null)
                        .SetProperty(x => x.Attempts, x => x.Attempts + 1).SetProperty(x => x.LastError, error).SetProperty(x => x.DropReason, drop),
                    cancellationToken) > 0)
            {
                await DropAttachmentsAsync(id, cancellationToken);
            }

            return;
        }

        await db.Database.ExecuteSqlInterpolatedAsync(
            $$"""
            UPDATE "Outbox" SET "FailedAtUtc" = {{nowUtc}}, "ClaimedUntilUtc" = NULL, "ClaimedBy" = NULL, "Attempts" = "Attempts" + 1, "LastError" = {{Clip(detail, 500)}}, "DropReason" = {{(int)reason}},
                "PayloadJson" = CASE WHEN json_valid("PayloadJson") AND "PayloadJson" LIKE '%"attachments":[{%' THEN json_remove("PayloadJson", '$.attachments') ELSE "PayloadJson" END
            WHERE "Id" = {{id}} AND "ClaimedBy" = {{instance.Id}}
            """,
            cancellationToken);
    }

    public async Task<DeliveryReport> ReportAsync(CommunityRef community, DateTime sinceUtc, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var communityId = await db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (communityId is null)
        {
            return new DeliveryReport([], 0, null);
        }

        var undelivered = await db.Outbox.AsNoTracking()
            .Where(x => x.CommunityId == communityId && x.FailedAtUtc != null && x.FailedAtUtc >= sinceUtc && x.DropReason != null)
            .GroupBy(x => new { x.Kind, x.DropReason })
            .Select(g => new { g.Key.Kind, g.Key.DropReason, Count = g.Count() })
            .ToListAsync(cancellationToken);
        // Two plain aggregates: a GroupBy on a constant with FirstOrDefault made EF Core warn in the log at every start.
        var due = db.Outbox.AsNoTracking()
            .Where(x => x.CommunityId == communityId && x.SentAtUtc == null && x.FailedAtUtc == null && x.DueAtUtc <= nowUtc);
        var waiting = await due.CountAsync(cancellationToken);
        var oldest = waiting == 0 ? null : await due.MinAsync(x => (DateTime?)x.DueAtUtc, cancellationToken);
        return new DeliveryReport(
            undelivered.Select(u => new UndeliveredCount(u.Kind, (UndeliveredReason)u.DropReason!.Value, u.Count)).ToList(),
            waiting,
            oldest);
    }

    public async Task MarkDmClosedAsync(string platform, string communityExternalId, string userId, DateTime nowUtc, CancellationToken cancellationToken)
    {
        var communityId = await db.Communities.Where(c => c.Platform == platform && c.ExternalId == communityExternalId).Select(c => (long?)c.Id).FirstOrDefaultAsync(cancellationToken);
        await db.Members.Where(m => m.CommunityId == communityId && m.UserId == userId).ExecuteUpdateAsync(
            s => s.SetProperty(m => m.DmClosedAtUtc, nowUtc).SetProperty(m => m.DmNoticePending, true).SetProperty(m => m.NextReminderAtUtc, (DateTime?)null),
            cancellationToken);
    }

    // ---- leaderboards ----

    public async Task<IReadOnlyList<BoardEntry>> TopAsync(CommunityRef community, BoardQuery query, CancellationToken cancellationToken)
    {
        var communityId = await db.Communities.AsNoTracking()
            .Where(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId)
            .Select(c => (long?)c.Id)
            .FirstOrDefaultAsync(cancellationToken);
        if (communityId is null)
        {
            return [];
        }

        if (query.Metric == BoardMetric.Focus)
        {
            return await FocusStore.TopAsync(db, communityId.Value, query, cancellationToken);
        }

        var kind = query.Period switch
        {
            BoardPeriod.Week => StatsWriter.Week,
            BoardPeriod.Month => StatsWriter.Month,
            _ => StatsWriter.AllTime,
        };
        var start = query.Period == BoardPeriod.All ? StatsWriter.AllTimeStart : query.PeriodStart;
        const int Public = (int)PrivacyLevel.Public;
        const int Private = (int)PrivacyLevel.Private;
        var rows = db.PeriodStats.AsNoTracking()
            .Where(s => s.CommunityId == communityId && s.Kind == kind && s.PeriodStart == start)
            .Join(db.Members.AsNoTracking(), s => s.MemberId, m => m.Id, (s, m) => new { s, m })
            .Where(x => x.m.Privacy != Private)
            .Where(x => x.m.Privacy == Public || (x.m.StartDate != null && x.m.StartDate <= query.BeginnerCutoff));
        rows = query.Metric switch
        {
            BoardMetric.Minutes => rows.Where(x => x.m.Privacy == Public && x.s.Minutes > 0).OrderByDescending(x => x.s.Minutes).ThenByDescending(x => x.s.Points),
            BoardMetric.Consistency => rows.Where(x => x.s.ActiveDayCount > 0).OrderByDescending(x => x.s.ActiveDayCount).ThenByDescending(x => x.s.Points),
            BoardMetric.Improved => rows.Where(x => x.s.Improvement > 0).OrderByDescending(x => x.s.Improvement).ThenByDescending(x => x.s.Points),
            _ => rows.Where(x => x.s.Points > 0).OrderByDescending(x => x.s.Points).ThenByDescending(x => x.s.ActiveDayCount),
        };
        var top = await rows
            .Take(query.Limit)
            .Select(x => new { x.m.UserId, x.m.DisplayName, x.m.Privacy, x.s.Points, x.s.Minutes, x.s.ItemsDone, x.s.ActiveDayCount, x.s.Improvement })
            .ToListAsync(cancellationToken);
        return top.Select(x => new BoardEntry(x.UserId, x.DisplayName, (PrivacyLevel)x.Privacy, x.Points, x.Minutes, x.ItemsDone, x.ActiveDayCount, x.Improvement)).ToList();
    }

    // ---- shared ----

    /// <summary>Writes a message (once per key) in the caller's transaction.</summary>
    internal Task<bool> AddAsync(long communityId, long? memberId, OutboxMessage message, CancellationToken cancellationToken) =>
        TryAddOutboxAsync(communityId, memberId, message, cancellationToken);

    /// <summary>
    /// Writes a message once per key. A DM with no member given belongs to its recipient; the members it names
    /// (<see cref="OutboxMessage.Mentions"/>) are recorded by id, so deleting their data finds it without reading its text.
    /// </summary>
    private async Task<bool> TryAddOutboxAsync(long communityId, long? memberId, OutboxMessage message, CancellationToken cancellationToken)
    {
        var direct = message.Target == OutboxTarget.DirectMessage;
        var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "Outbox" ("CommunityId", "MemberId", "Key", "Kind", "Target", "Platform", "CommunityExternalId", "CommunityName", "RecipientId", "RecipientName", "PayloadJson", "CreatedAtUtc", "DueAtUtc", "NextAttemptAtUtc", "Attempts", "TraceParent")
            VALUES ({communityId},
                    COALESCE({memberId}, CASE WHEN {direct} THEN (SELECT "Id" FROM "Members" WHERE "CommunityId" = {communityId} AND "UserId" = {message.RecipientId}) END),
                    {message.Key}, {message.Kind}, {(int)message.Target}, {message.Platform}, {message.CommunityExternalId}, {Clip(message.CommunityName, 100)},
                    {message.RecipientId}, {Clip(message.RecipientName, 100)}, {ReplyJson.Serialize(message.Message)}, {message.DueAtUtc}, {message.DueAtUtc}, {message.DueAtUtc}, 0,
                    {StudyBotTrace.CurrentParent()})
            ON CONFLICT ("Key") DO NOTHING
            """,
            cancellationToken);
        if (inserted == 1 && message.Mentions.Count > 0)
        {
            if (db.IsPostgres)
            {
                var names = message.Mentions.ToArray();
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    INSERT INTO "OutboxMentions" ("OutboxId", "MemberId")
                    SELECT o."Id", m."Id" FROM "Outbox" o JOIN "Members" m ON m."CommunityId" = o."CommunityId"
                    WHERE o."Key" = {message.Key} AND m."UserId" = ANY({names}) AND m."Id" IS DISTINCT FROM o."MemberId"
                    ON CONFLICT DO NOTHING
                    """,
                    cancellationToken);
            }
            else
            {
                var mentioned = System.Text.Json.JsonSerializer.Serialize(message.Mentions);
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    INSERT INTO "OutboxMentions" ("OutboxId", "MemberId")
                    SELECT o."Id", m."Id" FROM "Outbox" o JOIN "Members" m ON m."CommunityId" = o."CommunityId"
                    WHERE o."Key" = {message.Key} AND m."UserId" IN (SELECT value FROM json_each({mentioned})) AND m."Id" IS NOT o."MemberId"
                    ON CONFLICT DO NOTHING
                    """,
                    cancellationToken);
            }
        }

        return inserted == 1;
    }

    private async Task<long?> MemberIdAsync(MemberRef member, CancellationToken cancellationToken) => (await db.IdsAsync(member))?.MemberId;
}
