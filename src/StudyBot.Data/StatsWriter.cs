using Microsoft.Data.Sqlite;
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

        var sql = new System.Text.StringBuilder();
        var parameters = new List<SqliteParameter>
        {
            new("$m", memberId),
            new("$c", communityId),
        };
        for (var i = 0; i < _pending.Count; i++)
        {
            var (date, points, minutes, kind, items, active) = _pending[i];
            var week = TimeZones.WeekStart(date);
            var month = TimeZones.MonthStart(date);
            var weekBit = active ? 1L << (((int)date.DayOfWeek + 6) % 7) : 0;
            var monthBit = active ? 1L << (date.Day - 1) : 0;
            parameters.AddRange(
            [
                new($"$w{i}", week.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                new($"$pw{i}", week.AddDays(-7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                new($"$mo{i}", month.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                new($"$pmo{i}", month.AddMonths(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                new($"$pts{i}", points),
                new($"$min{i}", minutes),
                new($"$it{i}", items),
                new($"$wb{i}", weekBit),
                new($"$mb{i}", monthBit),
                new($"$d{i}", date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                new($"$pm{i}", kind == StudyKind.Practice ? minutes : 0),
                new($"$lm{i}", kind == StudyKind.Learning ? minutes : 0),
                new($"$rm{i}", kind is StudyKind.Practice or StudyKind.Learning ? 0 : minutes),
            ]);
            var newDay = $"(CASE WHEN $wb{i} <> 0 AND (COALESCE((SELECT ActiveDays FROM PeriodStats WHERE MemberId = $m AND Kind = 0 AND PeriodStart = $w{i}), 0) & $wb{i}) = 0 THEN 1 ELSE 0 END)";
            sql.Append(Upsert(Month, $"$mo{i}", $"$pmo{i}", i, $"$mb{i}", newDay));
            sql.Append(Upsert(AllTime, $"'{AllTimeStart:yyyy-MM-dd}'", null, i, "0", newDay));
            sql.Append(Upsert(Week, $"$w{i}", $"$pw{i}", i, $"$wb{i}", newDay));
            sql.Append($"""
                INSERT INTO DailyTotals (MemberId, LocalDate, CommunityId, PracticeMinutes, LearningMinutes, ReviewMinutes, ItemsDone, Points)
                VALUES ($m, $d{i}, $c, $pm{i}, $lm{i}, $rm{i}, $it{i}, $pts{i})
                ON CONFLICT (MemberId, LocalDate) DO UPDATE SET
                    PracticeMinutes = PracticeMinutes + excluded.PracticeMinutes,
                    LearningMinutes = LearningMinutes + excluded.LearningMinutes,
                    ReviewMinutes = ReviewMinutes + excluded.ReviewMinutes,
                    ItemsDone = ItemsDone + excluded.ItemsDone,
                    Points = Points + excluded.Points;

                """);
        }

        _pending.Clear();
        batch.AddRaw(sql.ToString(), parameters);
    }

    private static string Upsert(int kind, string start, string? previous, int i, string bit, string newDay)
    {
        var prev = previous is null ? "0" : $"COALESCE((SELECT Points FROM PeriodStats WHERE MemberId = $m AND Kind = {kind} AND PeriodStart = {previous}), 0)";
        return $"""
            INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
            VALUES ($m, {kind}, {start}, $c, $pts{i}, $min{i}, $it{i}, {bit}, {newDay}, {prev}, $pts{i} - {prev})
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
