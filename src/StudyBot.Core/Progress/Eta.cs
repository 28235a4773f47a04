using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Progress;

public sealed record PhaseEta(Phase Phase, double PlannedWeeks, double RemainingWeeks, DateOnly FinishDate);

public sealed record EtaReport(
    IReadOnlyList<PhaseEta> Phases,
    double RemainingWeeks,
    DateOnly FinishDate,
    double PlannedHoursPerWeek,
    double PaceHoursPerWeek,
    bool BasedOnLoggedPace);

/// <summary>
/// When a member will finish each phase and the roadmap. Each phase's effort comes from the guide's
/// time-estimate rows (not the stated totals), the remaining share of that effort from the member's
/// progress, and the speed from their logged hours over the last four weeks, or their plan before they
/// have logged anything.
/// </summary>
public static class Eta
{
    public const double WeeksPerMonth = 365.25 / 12 / 7;

    public const int PaceWindowDays = 28;

    public static double PlannedHoursPerWeek(Roadmap roadmap, MemberProfile member) => member.Pace switch
    {
        PaceKind.FullTime => roadmap.TimeEstimates.FullTime.MidHoursPerWeek,
        PaceKind.Custom when member.CustomHoursPerWeek is > 0 => member.CustomHoursPerWeek.Value,
        _ => roadmap.TimeEstimates.PartTime.MidHoursPerWeek,
    };

    /// <summary>Study hours a phase takes on the member's path and pace.</summary>
    public static double EffortHours(Roadmap roadmap, MemberProfile member, Phase phase)
    {
        var fullTimeHours = roadmap.TimeEstimates.FullTime.MidHoursPerWeek;
        if (member.Path == PathKind.Accelerated && roadmap.AcceleratedPath is { } path)
        {
            var stepWeeks = path.Steps.Where(s => s.PhaseIds.Contains(phase.Id)).Sum(s => s.Weeks);
            if (stepWeeks > 0)
            {
                return stepWeeks * fullTimeHours;
            }
        }

        var row = roadmap.EstimateFor(phase.Id);
        if (row is null)
        {
            return 0;
        }

        return member.Pace == PaceKind.PartTime
            ? row.PartTime.Mid * WeeksPerMonth * roadmap.TimeEstimates.PartTime.MidHoursPerWeek
            : row.FullTime.Mid * WeeksPerMonth * fullTimeHours;
    }

    /// <summary>
    /// Hours a week the member studied over the last four weeks, or null when nothing was logged in that window.
    /// </summary>
    public static double? LoggedHoursPerWeek(IReadOnlyList<DailyTotal> days, DateOnly today)
    {
        var windowStart = today.AddDays(-(PaceWindowDays - 1));
        var minutes = days.Where(d => d.Date >= windowStart && d.Date <= today).Sum(d => d.TotalMinutes);
        return minutes == 0 ? null : minutes / 60.0 / (PaceWindowDays / 7.0);
    }

    /// <summary>
    /// The pace an ETA uses: the logged pace of the last four weeks, weighted in as the member's log history
    /// grows (one day of logging says little about a month), and the plan before there is any log.
    /// </summary>
    public static (double HoursPerWeek, bool FromLogs) EffectivePace(double planned, IReadOnlyList<DailyTotal> days, DateOnly today)
    {
        var logged = LoggedHoursPerWeek(days, today);
        var first = days.Where(d => d.TotalMinutes > 0).Select(d => (DateOnly?)d.Date).Min();
        if (logged is null || first is null)
        {
            return (planned, false);
        }

        var span = Math.Clamp(today.DayNumber - first.Value.DayNumber + 1, 1, PaceWindowDays);
        var weight = span / (double)PaceWindowDays;

        // Before four weeks have passed, the window holds fewer days of study than it spans; scale up to what was seen.
        var observed = logged.Value * PaceWindowDays / span;
        return ((weight * observed) + ((1 - weight) * planned), true);
    }

    public static EtaReport Compute(Roadmap roadmap, MemberProfile member, IReadOnlyList<PhaseProgress> progress, IReadOnlyList<DailyTotal> days, DateOnly today)
    {
        var planned = PlannedHoursPerWeek(roadmap, member);
        var (pace, fromLogs) = EffectivePace(planned, days, today);
        pace = Math.Max(pace, 0.5);
        var phases = new List<PhaseEta>();
        double cumulative = 0;
        foreach (var p in progress)
        {
            var effort = EffortHours(roadmap, member, p.Phase);
            var plannedWeeks = effort / planned;
            var remainingShare = p.Complete ? 0 : 1 - (p.Percent / 100.0);
            var remainingWeeks = effort * remainingShare / pace;
            cumulative += remainingWeeks;
            phases.Add(new PhaseEta(p.Phase, plannedWeeks, remainingWeeks, today.AddDays((int)Math.Ceiling(Math.Min(cumulative, 52 * 50) * 7))));
        }

        return new EtaReport(phases, cumulative, today.AddDays((int)Math.Ceiling(Math.Min(cumulative, 52 * 50) * 7)), planned, pace, fromLogs);
    }

    public static string DescribeWeeks(double weeks) => weeks switch
    {
        <= 0 => "done",
        < 1 => "under a week",
        < 1.5 => "about a week",
        < 9 => $"about {Math.Round(weeks)} weeks",
        _ => $"about {Math.Round(weeks / WeeksPerMonth)} months",
    };
}
