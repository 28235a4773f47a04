using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Progress;

/// <summary>
/// Points reward learning actions only: finishing items and logged study time, with diminishing returns
/// past four hours in a local day so that grinding does not beat steady study. Chat volume earns nothing.
/// </summary>
public static class Points
{
    public const int FullRateMinutesPerDay = 240;

    public static int ForItemDone(ItemKind kind) => kind switch
    {
        ItemKind.Module => 10,
        ItemKind.MilestoneItem => 5,
        _ => 20,
    };

    /// <summary>Points for adding <paramref name="minutes"/> to a day that already has <paramref name="minutesBefore"/>.</summary>
    public static int ForMinutes(int minutesBefore, int minutes) =>
        ForDayTotal(minutesBefore + minutes) - ForDayTotal(minutesBefore);

    /// <summary>One point per 10 minutes up to four hours, then one per 30 minutes.</summary>
    public static int ForDayTotal(int minutes)
    {
        var full = Math.Min(minutes, FullRateMinutesPerDay);
        var reduced = Math.Max(0, minutes - FullRateMinutesPerDay);
        return (full / 10) + (reduced / 30);
    }
}
