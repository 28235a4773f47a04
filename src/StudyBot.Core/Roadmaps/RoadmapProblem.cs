namespace StudyBot.Core.Roadmaps;

/// <summary>One thing wrong in a roadmap file, at a 1-based line and column (0 when it is about no line, e.g. a missing folder).</summary>
public sealed record RoadmapProblem(string File, long Line, long Column, string Message)
{
    /// <summary><c>file:line:column: problem</c>, the way compilers say it (or <c>file: problem</c> without a position).</summary>
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>What checking a roadmap file found: the roadmap when there is no problem, otherwise every problem.</summary>
public sealed record RoadmapCheck(Roadmap? Roadmap, IReadOnlyList<RoadmapProblem> Problems)
{
    public bool IsValid => Roadmap is not null && Problems.Count == 0;

    /// <summary>Where each phase, milestone and item id is defined (line, column), to refuse a clash across files.</summary>
    public IReadOnlyDictionary<string, (long Line, long Column)> TrackedIds { get; init; } = new Dictionary<string, (long, long)>();

    internal long RoadmapIdLine { get; init; }

    internal long RoadmapIdColumn { get; init; }
}

/// <summary>A roadmap file (or folder) that cannot be used. <see cref="Problems"/> lists every problem found; the message has one per line.</summary>
public sealed class RoadmapLoadException : Exception
{
    public RoadmapLoadException(string file, long line, string problem)
        : this([new RoadmapProblem(file, line, line > 0 ? 1 : 0, problem)])
    {
    }

    public RoadmapLoadException(IReadOnlyList<RoadmapProblem> problems)
        : base(string.Join("\n", problems))
    {
        if (problems.Count == 0)
        {
            throw new ArgumentException("a load failure needs at least one problem", nameof(problems));
        }

        Problems = problems;
    }

    public IReadOnlyList<RoadmapProblem> Problems { get; }

    /// <summary>The file of the first problem.</summary>
    public string File => Problems[0].File;

    /// <summary>The line of the first problem (0: not about a line).</summary>
    public long Line => Problems[0].Line;

    public long Column => Problems[0].Column;

    /// <summary>The first problem's text, without its position.</summary>
    public string Problem => Problems[0].Message;
}
