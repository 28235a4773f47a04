using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Progress;

public sealed record PhaseProgress(Phase Phase, int Learned, int Total, bool MilestoneComplete, bool Complete)
{
    /// <summary>Rounded down, so 100% means every counted item is learned.</summary>
    public int Percent => Total == 0 ? 100 : Learned * 100 / Total;
}

/// <summary>Percentages, completion and what comes next, from a roadmap and a member's item states.</summary>
public static class ProgressMath
{
    public static IReadOnlyList<PhaseProgress> Phases(Roadmap roadmap, Func<string, ItemState> state) =>
        roadmap.Phases.Select(phase => PhaseOf(roadmap, phase, state)).ToList();

    public static PhaseProgress PhaseOf(Roadmap roadmap, Phase phase, Func<string, ItemState> state)
    {
        var learned = 0;
        var total = 0;
        foreach (var item in roadmap.PhaseItems(phase.Id))
        {
            var s = state(item.Id);
            if (s.IsExcluded)
            {
                continue;
            }

            total++;
            if (s.IsLearned)
            {
                learned++;
            }
        }

        var milestone = roadmap.MilestoneOf(phase.Id);
        var milestoneComplete = milestone is null || IsMilestoneComplete(milestone, state);
        var modulesDone = phase.Modules.All(m => state(m.Id) is var s && (s.IsLearned || s.IsExcluded));
        return new PhaseProgress(phase, learned, total, milestone is not null && milestoneComplete, modulesDone && milestoneComplete);
    }

    /// <summary>A milestone completes when every item is done or skipped as already known.</summary>
    public static bool IsMilestoneComplete(Milestone milestone, Func<string, ItemState> state) =>
        milestone.Items.All(i => state(i.Id).IsLearned);

    public static int OverallPercent(IReadOnlyList<PhaseProgress> phases)
    {
        var total = phases.Sum(p => p.Total);
        return total == 0 ? 100 : phases.Sum(p => p.Learned) * 100 / total;
    }

    /// <summary>The first phase not yet complete (the last phase once everything is).</summary>
    public static Phase CurrentPhase(IReadOnlyList<PhaseProgress> phases) =>
        (phases.FirstOrDefault(p => !p.Complete) ?? phases[^1]).Phase;

    public static RoadmapItem? CurrentModule(Roadmap roadmap, Phase phase, Func<string, ItemState> state)
    {
        var modules = roadmap.PhaseItems(phase.Id).Where(i => i.Kind == ItemKind.Module).ToList();
        return modules.FirstOrDefault(m => state(m.Id).Status == ItemStatus.InProgress)
            ?? modules.FirstOrDefault(m => state(m.Id).Status == ItemStatus.NotStarted)
            ?? modules.FirstOrDefault(m => state(m.Id).IsOpen);
    }

    /// <summary>In-progress items first, then the first open items in roadmap order, then items put off for later.</summary>
    public static IReadOnlyList<RoadmapItem> NextItems(Roadmap roadmap, Func<string, ItemState> state, int count)
    {
        var inProgress = roadmap.Items.Where(i => state(i.Id).Status == ItemStatus.InProgress);
        var open = roadmap.Items.Where(i => i.Kind != ItemKind.Project && state(i.Id).Status == ItemStatus.NotStarted);
        var later = roadmap.Items.Where(i => i.Kind != ItemKind.Project && state(i.Id) is { Status: ItemStatus.Skipped, Reason: SkipReason.Later });
        return inProgress.Concat(open).Concat(later).Take(count).ToList();
    }

    /// <summary>Milestones and phases complete under these states, as completion records.</summary>
    public static IReadOnlyList<CompletionRecord> Completions(Roadmap roadmap, Func<string, ItemState> state)
    {
        var result = new List<CompletionRecord>();
        foreach (var phase in roadmap.Phases)
        {
            var progress = PhaseOf(roadmap, phase, state);
            var milestone = roadmap.MilestoneOf(phase.Id);
            if (milestone is not null && progress.MilestoneComplete)
            {
                result.Add(new CompletionRecord(CompletionKind.Milestone, milestone.Id));
            }

            if (progress.Complete)
            {
                result.Add(new CompletionRecord(CompletionKind.Phase, phase.Id));
            }
        }

        return result;
    }

    /// <summary>The member's level from the weeks since they started (week 1 is the first week).</summary>
    public static Level? LevelFor(Roadmap roadmap, int week) =>
        roadmap.Levels.FirstOrDefault(l => week >= l.FromWeek && (l.ToWeek is null || week <= l.ToWeek))
        ?? (roadmap.Levels.Count > 0 && week > roadmap.Levels.Max(l => l.ToWeek ?? l.FromWeek) ? roadmap.Levels[^1] : roadmap.Levels.FirstOrDefault());

    public static int WeekNumber(DateOnly startDate, DateOnly today) =>
        today < startDate ? 1 : ((today.DayNumber - startDate.DayNumber) / 7) + 1;

    /// <summary>The quick wins for the member's week: week 1's, then week 2's, then week 4's; none after week 4.</summary>
    public static QuickWinWeek? QuickWinsFor(Roadmap roadmap, int week) =>
        week > 4 ? null : roadmap.QuickWins.Where(q => q.Week <= week).MaxBy(q => q.Week);
}
