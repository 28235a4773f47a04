using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Progress;

namespace StudyBot.Data;

/// <summary>Keeps a member's week, month and all-time totals in step with each change, inside its transaction.</summary>
internal sealed class StatsWriter(StudyBotDbContext db, long communityId, long memberId)
{
    public const int Week = 0;
    public const int Month = 1;
    public const int AllTime = 2;

    public static readonly DateOnly AllTimeStart = new(2000, 1, 1);

    public async Task AddAsync(DateOnly date, int points, int minutes, int items, bool active, CancellationToken ct)
    {
        var week = TimeZones.WeekStart(date);
        var month = TimeZones.MonthStart(date);
        var weekBit = 1L << (((int)date.DayOfWeek + 6) % 7);
        var newDay = 0;
        if (active)
        {
            var mask = await db.PeriodStats.AsNoTracking()
                .Where(x => x.MemberId == memberId && x.Kind == Week && x.PeriodStart == week)
                .Select(x => (long?)x.ActiveDays)
                .FirstOrDefaultAsync(ct) ?? 0;
            newDay = (mask & weekBit) == 0 ? 1 : 0;
        }

        await UpsertAsync(Week, week, week.AddDays(-7), points, minutes, items, active ? weekBit : 0, newDay, ct);
        await UpsertAsync(Month, month, month.AddMonths(-1), points, minutes, items, active ? 1L << (date.Day - 1) : 0, newDay, ct);
        await UpsertAsync(AllTime, AllTimeStart, AllTimeStart, points, minutes, items, 0, newDay, ct);
    }

    private Task<int> UpsertAsync(int kind, DateOnly start, DateOnly previous, int points, int minutes, int items, long bit, int newDay, CancellationToken ct) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
            VALUES ({memberId}, {kind}, {start}, {communityId}, {points}, {minutes}, {items}, {bit}, {newDay},
                    COALESCE((SELECT p.Points FROM PeriodStats p WHERE p.MemberId = {memberId} AND p.Kind = {kind} AND p.PeriodStart = {previous} AND {kind} <> 2), 0),
                    {points} - COALESCE((SELECT p.Points FROM PeriodStats p WHERE p.MemberId = {memberId} AND p.Kind = {kind} AND p.PeriodStart = {previous} AND {kind} <> 2), 0))
            ON CONFLICT (MemberId, Kind, PeriodStart) DO UPDATE SET
                Points = Points + excluded.Points,
                Minutes = Minutes + excluded.Minutes,
                ItemsDone = ItemsDone + excluded.ItemsDone,
                ActiveDays = ActiveDays | excluded.ActiveDays,
                ActiveDayCount = ActiveDayCount + excluded.ActiveDayCount,
                Improvement = Points + excluded.Points - PrevPoints
            """,
            ct);
}
