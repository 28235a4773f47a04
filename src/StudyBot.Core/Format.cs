using System.Globalization;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core;

/// <summary>How StudyBot writes numbers, durations and items in replies, in one place.</summary>
public static class Format
{
    public static string Minutes(long minutes)
    {
        if (minutes < 60)
        {
            return $"{minutes} min";
        }

        var h = minutes / 60;
        var m = minutes % 60;
        return m == 0 ? $"{h}h" : $"{h}h {m:00}m";
    }

    public static string Hours(double hours) => hours.ToString(hours < 10 && hours != Math.Floor(hours) ? "0.#" : "0", CultureInfo.InvariantCulture);

    public static string Item(RoadmapItem item) => $"{item.DisplayTitle} (`{item.Id}`)";

    public static string Icon(ItemState state) => state.Status switch
    {
        ItemStatus.Done => "✅",
        ItemStatus.InProgress => "🔄",
        ItemStatus.Skipped when state.Reason == SkipReason.AlreadyKnown => "☑️",
        ItemStatus.Skipped when state.Reason == SkipReason.Later => "⏳",
        ItemStatus.Skipped => "➖",
        _ => "⬜",
    };

    public static string PhaseName(Phase phase) => $"Phase {phase.Number}: {phase.Title}";

    public static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    public static string MonthYear(DateOnly date) => date.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    public static string Plural(long n, string one, string many) => n == 1 ? $"{n} {one}" : $"{n:N0} {many}";

    /// <summary>
    /// A limit, told the same way everywhere: <c>AtMost("A note", 200, "character", "characters", "yours has 250")</c>
    /// is "A note can be at most 200 characters: yours has 250."
    /// </summary>
    public static string AtMost(string what, long max, string one, string many, string? detail = null) =>
        $"{what} can be at most {Plural(max, one, many)}{(string.IsNullOrEmpty(detail) ? "" : ": " + detail)}.";

    /// <summary>"1 point", "12 points".</summary>
    public static string Points(long points) => Math.Abs(points) == 1 ? $"{points} point" : $"{points:N0} points";

    /// <summary>An amount toward a goal: "2.5h" of hours, "1 item" or "3 items".</summary>
    public static string GoalAmount(double amount, GoalUnit unit) =>
        unit == GoalUnit.Hours ? $"{Hours(amount)}h" : amount == 1 ? "1 item" : $"{Hours(amount)} items";

    public static string Pace(Roadmap roadmap, MemberProfile member) => member.Pace switch
    {
        PaceKind.FullTime => $"full-time ({roadmap.TimeEstimates.FullTime.MinHoursPerWeek}-{roadmap.TimeEstimates.FullTime.MaxHoursPerWeek} h/week)",
        PaceKind.Custom => $"custom ({member.CustomHoursPerWeek ?? 0} h/week)",
        _ => $"part-time ({roadmap.TimeEstimates.PartTime.MinHoursPerWeek}-{roadmap.TimeEstimates.PartTime.MaxHoursPerWeek} h/week)",
    };

    public static string PathName(PathKind path) => path == PathKind.Accelerated ? "accelerated" : "standard";

    // In the member's culture. English output is the same as the overloads above; other languages read their own way
    // ("2 Std. 5 Min.", "7.12.2026", "1.234 Punkte").

    private static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName != "de";

    /// <summary>A duration: "45 min", "2h 05m" in English; "45 Min.", "2 Std. 5 Min." in German.</summary>
    public static string Minutes(long minutes, CultureInfo culture)
    {
        if (IsEnglish(culture))
        {
            return Minutes(minutes);
        }

        if (minutes < 60)
        {
            return $"{minutes.ToString(culture)} Min.";
        }

        var h = (minutes / 60).ToString("N0", culture);
        var m = minutes % 60;
        return m == 0 ? $"{h} Std." : $"{h} Std. {m.ToString(culture)} Min.";
    }

    public static string Hours(double hours, CultureInfo culture) =>
        IsEnglish(culture) ? Hours(hours) : hours.ToString(hours < 10 && hours != Math.Floor(hours) ? "0.#" : "0", culture);

    /// <summary>A whole number with the culture's group separator: "1,234" or "1.234".</summary>
    public static string Number(long n, CultureInfo culture) => n.ToString("N0", IsEnglish(culture) ? CultureInfo.InvariantCulture : culture);

    public static string Date(DateOnly date, CultureInfo culture) =>
        IsEnglish(culture) ? Date(date) : date.ToString("d.M.yyyy", culture);

    public static string MonthYear(DateOnly date, CultureInfo culture) =>
        IsEnglish(culture) ? MonthYear(date) : date.ToString("MMMM yyyy", culture);

    public static string Plural(long n, string one, string many, CultureInfo culture) =>
        n == 1 ? $"{n} {one}" : $"{Number(n, culture)} {many}";

    /// <summary>"1 point", "12 points"; "1 Punkt", "12 Punkte".</summary>
    public static string Points(long points, CultureInfo culture) =>
        IsEnglish(culture) ? Points(points) : Math.Abs(points) == 1 ? $"{points} Punkt" : $"{Number(points, culture)} Punkte";

    public static string PhaseName(Phase phase, CultureInfo culture) =>
        IsEnglish(culture) ? PhaseName(phase) : $"Phase {phase.Number}: {phase.Title}";
}
