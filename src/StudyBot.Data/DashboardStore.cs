using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Core.Dashboard;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Data;

/// <summary>
/// The organisers' dashboard's reads (issue 20): a handful of aggregate queries, grouped in the database, each reached
/// from the community's members through an index on the member id, so the cost grows with the community, not with the
/// database. Counted members: started, not left, data not deleted. Runs on SQLite and PostgreSQL.
/// </summary>
internal sealed class DashboardStore(StudyBotDbContext db) : IDashboardStore
{
    private const int Done = (int)ItemStatus.Done;
    private const int Skipped = (int)ItemStatus.Skipped;
    private const int Known = (int)SkipReason.AlreadyKnown;
    private const int NotRelevant = (int)SkipReason.NotRelevant;

    /// <summary>The members counted, as a SQL condition on alias m.</summary>
    private const string Counted = """m."CommunityId" = @c AND m."Onboarded" AND m."LeftAtUtc" IS NULL AND m."DeletedAtUtc" IS NULL""";

    public async Task<Community?> FindAsync(CommunityRef community, CancellationToken cancellationToken)
    {
        var entity = await db.Communities.AsNoTracking()
            .FirstOrDefaultAsync(c => c.Platform == community.Platform && c.ExternalId == community.ExternalId, cancellationToken);
        return entity is null ? null : ProgressStore.ToModel(entity);
    }

    public async Task<DashboardData> LoadAsync(Community community, DashboardQuery query, CancellationToken cancellationToken)
    {
        var id = community.Id;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var members = await MembersAsync(id, cancellationToken);
            var buckets = await BucketsAsync(id, query.ItemBuckets, cancellationToken);
            var weekly = await WeeklyActiveAsync(id, query.WeekStarts, cancellationToken);

            var itemsDone = await db.PeriodStats.AsNoTracking()
                .Where(s => s.CommunityId == id && s.Kind == StatsWriter.Month && s.PeriodStart == query.MonthStart)
                .SumAsync(s => (int?)s.ItemsDone, cancellationToken) ?? 0;
            var completions = await (
                    from m in db.Members.AsNoTracking()
                    where m.CommunityId == id && m.DeletedAtUtc == null
                    join e in db.CompletionEvents.AsNoTracking() on m.Id equals e.MemberId
                    where e.AtUtc >= query.MonthStartUtc
                    group e by e.Kind into g
                    select new { Kind = g.Key, Count = g.Count() })
                .ToListAsync(cancellationToken);
            var reminders = await RemindersAsync(id, query.RemindersSinceUtc, cancellationToken);
            var posts = await PostsAsync(id, query.ActivityLimit, cancellationToken);

            return new DashboardData(
                community,
                members,
                buckets,
                weekly,
                Math.Max(0, itemsDone),
                completions.Where(c => c.Kind == (int)CompletionKind.Milestone).Sum(c => c.Count),
                completions.Where(c => c.Kind == (int)CompletionKind.Phase).Sum(c => c.Count),
                reminders,
                posts);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<IReadOnlyList<DashboardMember>> MembersAsync(long id, CancellationToken ct)
    {
        // The last local date of an item change and of a (kept) study log: each a MAX over the member's (MemberId, LocalDate) index.
        var rows = await db.Members.AsNoTracking()
            .Where(m => m.CommunityId == id && m.Onboarded && m.LeftAtUtc == null && m.DeletedAtUtc == null)
            .Select(m => new
            {
                m.Id,
                m.UserId,
                m.DisplayName,
                m.Privacy,
                m.RoadmapId,
                m.TimeZoneId,
                m.StartDate,
                m.CreatedAtUtc,
                LastChange = db.ItemChanges.Where(c => c.MemberId == m.Id).Max(c => (DateOnly?)c.LocalDate),
                LastLog = db.StudyLogs.Where(l => l.MemberId == m.Id && l.RetractedAtUtc == null).Max(l => (DateOnly?)l.LocalDate),
            })
            .ToListAsync(ct);
        return rows.Select(m => new DashboardMember(
                m.Id,
                m.UserId,
                m.DisplayName,
                (PrivacyLevel)m.Privacy,
                m.RoadmapId,
                m.TimeZoneId,
                m.StartDate ?? DateOnly.FromDateTime(m.CreatedAtUtc),
                m.LastChange,
                m.LastLog))
            .ToList();
    }

    /// <summary>Per member and bucket (Core numbers the items): items learned and items left out, grouped in the database.</summary>
    private async Task<IReadOnlyList<BucketCount>> BucketsAsync(long id, IReadOnlyDictionary<string, int> items, CancellationToken ct)
    {
        if (items.Count == 0)
        {
            return [];
        }

        var ordered = items.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
        var sql = new StringBuilder("SELECT p.\"MemberId\", CASE p.\"ItemId\"");
        for (var i = 0; i < ordered.Count; i++)
        {
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" WHEN @i{i} THEN {ordered[i].Value}");
        }

        sql.Append($"""
             END AS b,
                SUM(CASE WHEN p."Status" = {Done} OR p."Reason" = {Known} THEN 1 ELSE 0 END) AS learned,
                SUM(CASE WHEN p."Status" = {Skipped} AND p."Reason" = {NotRelevant} THEN 1 ELSE 0 END) AS excluded
            FROM "Members" m JOIN "ItemProgress" p ON p."MemberId" = m."Id"
            WHERE {Counted} AND (p."Status" = {Done} OR (p."Status" = {Skipped} AND p."Reason" IN ({Known}, {NotRelevant})))
            GROUP BY p."MemberId", b
            """);
        await using var command = Command(sql.ToString(), id);
        for (var i = 0; i < ordered.Count; i++)
        {
            Add(command, $"@i{i}", ordered[i].Key);
        }

        var result = new List<BucketCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(1))
            {
                result.Add(new BucketCount(reader.GetInt64(0), Convert.ToInt32(reader.GetValue(1)), Convert.ToInt32(reader.GetValue(2)), Convert.ToInt32(reader.GetValue(3))));
            }
        }

        return result;
    }

    /// <summary>Distinct members with an item change or a kept study log per week, by the local date they were made on.</summary>
    private async Task<IReadOnlyList<int>> WeeklyActiveAsync(long id, IReadOnlyList<DateOnly> weeks, CancellationToken ct)
    {
        var bucket = new StringBuilder("CASE");
        for (var i = weeks.Count - 1; i > 0; i--)
        {
            bucket.Append($" WHEN x.\"LocalDate\" >= @w{i} THEN {i}");
        }

        bucket.Append(" ELSE 0 END");
        var sql = $"""
            SELECT {bucket} AS b, COUNT(DISTINCT x."MemberId")
            FROM (
                SELECT c."MemberId", c."LocalDate" FROM "Members" m JOIN "ItemChanges" c ON c."MemberId" = m."Id"
                WHERE {Counted} AND c."LocalDate" >= @w0
                UNION ALL
                SELECT l."MemberId", l."LocalDate" FROM "Members" m JOIN "StudyLogs" l ON l."MemberId" = m."Id"
                WHERE {Counted} AND l."LocalDate" >= @w0 AND l."RetractedAtUtc" IS NULL
            ) x
            GROUP BY b
            """;
        await using var command = Command(sql, id);
        for (var i = 0; i < weeks.Count; i++)
        {
            Add(command, $"@w{i}", weeks[i]);
        }

        var counts = new int[weeks.Count];
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var b = Convert.ToInt32(reader.GetValue(0));
            if (b >= 0 && b < counts.Length)
            {
                counts[b] = Convert.ToInt32(reader.GetValue(1));
            }
        }

        return counts;
    }

    /// <summary>
    /// Reminders and fresh starts sent or given up since the instant: sent, failed (refused, too old, unreadable), the
    /// members reminded, and those of them who changed an item or logged time within 48 hours after one.
    /// </summary>
    private async Task<ReminderCounts> RemindersAsync(long id, DateTime sinceUtc, CancellationToken ct)
    {
        var until = db.IsPostgres
            ? "o.\"SentAtUtc\" + INTERVAL '48 hours'"
            : "strftime('%Y-%m-%d %H:%M:%f', o.\"SentAtUtc\", '+2 days')";
        var sql = $"""
            SELECT
                COALESCE(SUM(CASE WHEN o."SentAtUtc" >= @since THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN o."FailedAtUtc" >= @since AND o."DropReason" IN ({(int)UndeliveredReason.Refused}, {(int)UndeliveredReason.TooOld}, {(int)UndeliveredReason.Unreadable}) THEN 1 ELSE 0 END), 0),
                COUNT(DISTINCT CASE WHEN o."SentAtUtc" >= @since THEN o."MemberId" END),
                COUNT(DISTINCT CASE WHEN o."SentAtUtc" >= @since AND (
                    EXISTS (SELECT 1 FROM "ItemChanges" c WHERE c."MemberId" = o."MemberId" AND c."LocalDate" >= @sinceDate AND c."AtUtc" > o."SentAtUtc" AND c."AtUtc" <= {until})
                    OR EXISTS (SELECT 1 FROM "StudyLogs" l WHERE l."MemberId" = o."MemberId" AND l."LocalDate" >= @sinceDate AND l."AtUtc" > o."SentAtUtc" AND l."AtUtc" <= {until}))
                    THEN o."MemberId" END)
            FROM "Outbox" o
            WHERE o."CommunityId" = @c AND o."Target" = {(int)OutboxTarget.DirectMessage} AND o."Kind" IN ('{OutboxKinds.Reminder}', '{OutboxKinds.FreshStart}') AND o."MemberId" IS NOT NULL
              AND o."CreatedAtUtc" >= @created AND (o."SentAtUtc" >= @since OR o."FailedAtUtc" >= @since)
            """;
        await using var command = Command(sql, id);
        Add(command, "@since", sinceUtc);
        // A reminder is written shortly before it is due and given up within OutboxRetry.MaxAge; the creation bound only narrows the scan.
        Add(command, "@created", sinceUtc - OutboxRetry.MaxAge - TimeSpan.FromDays(7));
        Add(command, "@sinceDate", DateOnly.FromDateTime(sinceUtc).AddDays(-1));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new ReminderCounts(
            Convert.ToInt32(reader.GetValue(0)),
            Convert.ToInt32(reader.GetValue(1)),
            Convert.ToInt32(reader.GetValue(2)),
            Convert.ToInt32(reader.GetValue(3)));
    }

    /// <summary>The newest channel posts (never DMs), newest first.</summary>
    private async Task<IReadOnlyList<StoredPost>> PostsAsync(long id, int limit, CancellationToken ct)
    {
        const int Channel = (int)OutboxTarget.Channel;
        var rows = await db.Outbox.AsNoTracking()
            .Where(o => o.CommunityId == id && o.Target == Channel)
            .OrderByDescending(o => o.CreatedAtUtc).ThenByDescending(o => o.Id)
            .Take(limit)
            .Select(o => new { o.Kind, o.DueAtUtc, o.SentAtUtc, o.FailedAtUtc, o.PayloadJson })
            .ToListAsync(ct);
        return rows.Select(o => new StoredPost(
                o.SentAtUtc ?? o.FailedAtUtc ?? o.DueAtUtc,
                o.Kind,
                o.SentAtUtc is not null ? PostState.Sent : o.FailedAtUtc is not null ? PostState.Failed : PostState.Waiting,
                Read(o.PayloadJson)))
            .ToList();
    }

    private static Reply Read(string json)
    {
        try
        {
            return ReplyJson.Deserialize(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return new Reply();
        }
    }

    private DbCommand Command(string sql, long communityId)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        Add(command, "@c", communityId);
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
