using StudyBot.Core.Progress;

namespace StudyBot.Data;

/// <summary>
/// Keeps a member's day, week, month and all-time totals in step with each change, inside its transaction.
/// Changes are collected and added to the command's <see cref="SqlBatch"/> as upserts.
/// </summary>
internal sealed class StatsWriter(long communityId, long memberId)
{
    public const int Week = 0;
    public const int Month = 1;
    public const int AllTime = 2;

    public static readonly DateOnly AllTimeStart = new(2000, 1, 1);

    private readonly List<(DateOnly Date, int Points, int Minutes, StudyKind Kind, int Items, bool Active)> _pending = [];

    /// <summary>Adds to the totals of <paramref name="date"/>; <paramref name="minutes"/> count as <paramref name="kind"/>.</summary>
    public void Add(DateOnly date, int points, int minutes, StudyKind kind, int items, bool active) => _pending.Add((date, points, minutes, kind, items, active));

    /// <summary>
    /// One upsert per period. A day counts as newly active when the week row has no bit for it yet; the month
    /// and all-time rows read that bit before the week row sets it, so the statements run in that order.
    /// </summary>
    public void AppendTo(SqlBatch batch)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var m = batch.Bind(memberId);
        var c = batch.Bind(communityId);
        foreach (var (date, points, minutes, kind, items, active) in _pending)
        {
            var week = TimeZones.WeekStart(date);
            var month = TimeZones.MonthStart(date);
            var v = new Values(
                m,
                c,
                Points: batch.Bind(points),
                Minutes: batch.Bind(minutes),
                Items: batch.Bind(items));
            var w = batch.Bind(week);
            var weekBit = batch.Bind(active ? 1L << (((int)date.DayOfWeek + 6) % 7) : 0L);
            var newDay = $"(CASE WHEN {weekBit} <> 0 AND (COALESCE((SELECT ActiveDays FROM PeriodStats WHERE MemberId = {m} AND Kind = 0 AND PeriodStart = {w}), 0) & {weekBit}) = 0 THEN 1 ELSE 0 END)";
            batch.Append(Upsert(v, Month, batch.Bind(month), batch.Bind(month.AddMonths(-1)), batch.Bind(active ? 1L << (date.Day - 1) : 0L), newDay));
            batch.Append(Upsert(v, AllTime, batch.Bind(AllTimeStart), null, "0", newDay));
            batch.Append(Upsert(v, Week, w, batch.Bind(week.AddDays(-7)), weekBit, newDay));
            batch.Append($"""
                INSERT INTO DailyTotals (MemberId, LocalDate, CommunityId, PracticeMinutes, LearningMinutes, ReviewMinutes, ItemsDone, Points)
                VALUES ({m}, {batch.Bind(date)}, {c}, {batch.Bind(kind == StudyKind.Practice ? minutes : 0)}, {batch.Bind(kind == StudyKind.Learning ? minutes : 0)},
                        {batch.Bind(kind is StudyKind.Practice or StudyKind.Learning ? 0 : minutes)}, {v.Items}, {v.Points})
                ON CONFLICT (MemberId, LocalDate) DO UPDATE SET
                    PracticeMinutes = PracticeMinutes + excluded.PracticeMinutes,
                    LearningMinutes = LearningMinutes + excluded.LearningMinutes,
                    ReviewMinutes = ReviewMinutes + excluded.ReviewMinutes,
                    ItemsDone = ItemsDone + excluded.ItemsDone,
                    Points = Points + excluded.Points;
                """);
        }

        _pending.Clear();
    }

    /// <summary>Parameter names of one change's values, shared by its period upserts.</summary>
    private sealed record Values(string Member, string Community, string Points, string Minutes, string Items);

    private static string Upsert(Values v, int kind, string start, string? previous, string bit, string newDay)
    {
        var prev = previous is null ? "0" : $"COALESCE((SELECT Points FROM PeriodStats WHERE MemberId = {v.Member} AND Kind = {kind} AND PeriodStart = {previous}), 0)";
        return $"""
            INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
            VALUES ({v.Member}, {kind}, {start}, {v.Community}, {v.Points}, {v.Minutes}, {v.Items}, {bit}, {newDay}, {prev}, {v.Points} - {prev})
            ON CONFLICT (MemberId, Kind, PeriodStart) DO UPDATE SET
                Points = Points + excluded.Points,
                Minutes = Minutes + excluded.Minutes,
                ItemsDone = ItemsDone + excluded.ItemsDone,
                ActiveDays = ActiveDays | excluded.ActiveDays,
                ActiveDayCount = ActiveDayCount + excluded.ActiveDayCount,
                Improvement = Points + excluded.Points - PrevPoints;
            """;
    }
}
