using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Progress;

public sealed record BalanceReport(int PracticeMinutes, int LearningMinutes, int ReviewMinutes, string? Nudge)
{
    public int Total => PracticeMinutes + LearningMinutes + ReviewMinutes;

    public int Share(StudyKind kind) => Total == 0
        ? 0
        : (int)Math.Round(100.0 * kind switch
        {
            StudyKind.Practice => PracticeMinutes,
            StudyKind.Learning => LearningMinutes,
            _ => ReviewMinutes,
        } / Total);

    public string Summary => Total == 0
        ? "nothing logged yet"
        : $"{Share(StudyKind.Practice)}% practice / {Share(StudyKind.Learning)}% learning / {Share(StudyKind.Review)}% review";
}

/// <summary>The 70/20/10 practice/learning/review split, with at most one gentle nudge.</summary>
public static class Balance
{
    /// <summary>Below this much logged time a split says little, so no nudge is given.</summary>
    public const int MinutesBeforeNudging = 90;

    /// <summary>Percentage points off target that are still "balanced".</summary>
    public const int Tolerance = 10;

    public static BalanceReport For(Roadmap roadmap, IEnumerable<DailyTotal> days)
    {
        int practice = 0, learning = 0, review = 0;
        foreach (var d in days)
        {
            practice += d.PracticeMinutes;
            learning += d.LearningMinutes;
            review += d.ReviewMinutes;
        }

        var report = new BalanceReport(practice, learning, review, null);
        if (report.Total < MinutesBeforeNudging)
        {
            return report;
        }

        var worst = Enum.GetValues<StudyKind>()
            .Select(k => (Kind: k, Target: TargetPercent(roadmap, k), Share: report.Share(k)))
            .Select(x => (x.Kind, x.Target, x.Share, Gap: x.Target - x.Share))
            .MaxBy(x => x.Gap);
        if (worst.Gap <= Tolerance)
        {
            return report;
        }

        var nudge = worst.Kind switch
        {
            StudyKind.Practice => $"Practice is {worst.Share}% of your time (the plan says {worst.Target}%). Next session, try a coding exercise or a small experiment.",
            StudyKind.Learning => $"Learning is {worst.Share}% of your time (the plan says {worst.Target}%). A chapter of documentation or a tutorial would round things out.",
            _ => $"Review is {worst.Share}% of your time (the plan says {worst.Target}%). Ten minutes revisiting a concept or explaining it to someone makes it stick.",
        };
        return report with { Nudge = nudge };
    }

    public static int TargetPercent(Roadmap roadmap, StudyKind kind)
    {
        var id = kind switch
        {
            StudyKind.Practice => "practice",
            StudyKind.Learning => "learning",
            _ => "review",
        };
        return roadmap.Allocation.FirstOrDefault(b => b.Id == id)?.Percent ?? kind switch
        {
            StudyKind.Practice => 70,
            StudyKind.Learning => 20,
            _ => 10,
        };
    }
}
