using StudyBot.Core.Progress;

namespace StudyBot.Data;

/// <summary>
/// Keeps a member's day, week, month and all-time totals in step with each change, inside its transaction.
/// Changes are collected and added to the command's <see cref="SqlBatch"/> as upserts.
/// <para>
/// A day counts as studied (an active day: a bit in the week and month rows, one in each period's count) while its
/// daily total has logged minutes or a finished item. That is read back from the day's row after each change, so a
/// change that empties the day (an undone log, an undone item) takes the day back, and one that fills it adds it once.
/// </para>
/// </summary>
internal sealed class StatsWriter(long communityId, long memberId)
{
    public const int Week = 0;
    public const int Month = 1;
    public const int AllTime = 2;

    public static readonly DateOnly AllTimeStart = new(2000, 1, 1);

    private readonly List<(DateOnly Date, int Points, int Minutes, StudyKind Kind, int Items)> _pending = [];

    /// <summary>Adds to the totals of <paramref name="date"/>; <paramref name="minutes"/> count as <paramref name="kind"/>.</summary>
    public void Add(DateOnly date, int points, int minutes, StudyKind kind, int items) => _pending.Add((date, points, minutes, kind, items));

    /// <summary>
    /// The day's upsert first, then one upsert per period. Whether the day was active before is the week row's bit
    /// for it; the month and all-time rows read that bit before the week row changes it, so they run in that order.
    /// </summary>
    public void AppendTo(SqlBatch batch)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var m = batch.Bind(memberId);
        var c = batch.Bind(communityId);
        foreach (var (date, points, minutes, kind, items) in _pending)
        {
            var week = TimeZones.WeekStart(date);
            var month = TimeZones.MonthStart(date);
            var v = new Values(
                m,
                c,
                Points: batch.Bind(points),
                Minutes: batch.Bind(minutes),
                Items: batch.Bind(items));
            var d = batch.Bind(date);
            batch.Append($"""
                INSERT INTO "DailyTotals" ("MemberId", "LocalDate", "CommunityId", "PracticeMinutes", "LearningMinutes", "ReviewMinutes", "ItemsDone", "Points")
                VALUES ({m}, {d}, {c}, {batch.Bind(kind == StudyKind.Practice ? minutes : 0)}, {batch.Bind(kind == StudyKind.Learning ? minutes : 0)},
                        {batch.Bind(kind is StudyKind.Practice or StudyKind.Learning ? 0 : minutes)}, {v.Items}, {v.Points})
                ON CONFLICT ("MemberId", "LocalDate") DO UPDATE SET
                    "PracticeMinutes" = "DailyTotals"."PracticeMinutes" + excluded."PracticeMinutes",
                    "LearningMinutes" = "DailyTotals"."LearningMinutes" + excluded."LearningMinutes",
                    "ReviewMinutes" = "DailyTotals"."ReviewMinutes" + excluded."ReviewMinutes",
                    "ItemsDone" = "DailyTotals"."ItemsDone" + excluded."ItemsDone",
                    "Points" = "DailyTotals"."Points" + excluded."Points";
                """);

            var w = batch.Bind(week);
            var weekBit = batch.Bind(1L << (((int)date.DayOfWeek + 6) % 7));
            var monthBit = batch.Bind(1L << (date.Day - 1));
            var day = new Day(
                IsActive: $"(SELECT CASE WHEN \"PracticeMinutes\" + \"LearningMinutes\" + \"ReviewMinutes\" > 0 OR \"ItemsDone\" > 0 THEN 1 ELSE 0 END FROM \"DailyTotals\" WHERE \"MemberId\" = {m} AND \"LocalDate\" = {d})",
                WasActive: $"(CASE WHEN (COALESCE((SELECT \"ActiveDays\" FROM \"PeriodStats\" WHERE \"MemberId\" = {m} AND \"Kind\" = {Week} AND \"PeriodStart\" = {w}), 0) & {weekBit}) <> 0 THEN 1 ELSE 0 END)");
            batch.Append(Upsert(v, day, Month, batch.Bind(month), batch.Bind(month.AddMonths(-1)), monthBit));
            batch.Append(Upsert(v, day, AllTime, batch.Bind(AllTimeStart), null, null));
            batch.Append(Upsert(v, day, Week, w, batch.Bind(week.AddDays(-7)), weekBit));
        }

        _pending.Clear();
    }

    /// <summary>Parameter names of one change's values, shared by its period upserts.</summary>
    private sealed record Values(string Member, string Community, string Points, string Minutes, string Items);

    /// <summary>Whether the day is active after the change (from its daily row) and was before (the week row's bit), as SQL 1 or 0.</summary>
    private sealed record Day(string IsActive, string WasActive);

    private static string Upsert(Values v, Day day, int kind, string start, string? previous, string? bit)
    {
        var prev = previous is null ? "0" : $"COALESCE((SELECT \"Points\" FROM \"PeriodStats\" WHERE \"MemberId\" = {v.Member} AND \"Kind\" = {kind} AND \"PeriodStart\" = {previous}), 0)";
        var bits = bit is null ? "0" : $"({day.IsActive} * {bit})";
        var keepOthers = bit is null ? "\"PeriodStats\".\"ActiveDays\"" : $"(\"PeriodStats\".\"ActiveDays\" & ~{bit})";
        return $"""
            INSERT INTO "PeriodStats" ("MemberId", "Kind", "PeriodStart", "CommunityId", "Points", "Minutes", "ItemsDone", "ActiveDays", "ActiveDayCount", "PrevPoints", "Improvement")
            VALUES ({v.Member}, {kind}, {start}, {v.Community}, {v.Points}, {v.Minutes}, {v.Items}, {bits}, {day.IsActive} - {day.WasActive}, {prev}, {v.Points} - {prev})
            ON CONFLICT ("MemberId", "Kind", "PeriodStart") DO UPDATE SET
                "Points" = "PeriodStats"."Points" + excluded."Points",
                "Minutes" = "PeriodStats"."Minutes" + excluded."Minutes",
                "ItemsDone" = "PeriodStats"."ItemsDone" + excluded."ItemsDone",
                "ActiveDays" = {keepOthers} | excluded."ActiveDays",
                "ActiveDayCount" = "PeriodStats"."ActiveDayCount" + excluded."ActiveDayCount",
                "Improvement" = "PeriodStats"."Points" + excluded."Points" - "PeriodStats"."PrevPoints";
            """;
    }
}
