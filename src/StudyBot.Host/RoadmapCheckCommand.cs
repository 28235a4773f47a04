using System.Globalization;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Host;

/// <summary>
/// <c>studybot roadmap check &lt;file|folder&gt;...</c>: validates roadmap files without starting StudyBot. Prints every
/// problem as <c>file:line:column: problem</c> (the same checks and messages as at start), then a summary: for a valid
/// roadmap its id, version, languages, counts and estimated hours per pace; otherwise how many problems were found.
/// A folder is checked as StudyBot loads it (ids must also be unique across its files). Exit codes: 0 valid,
/// 1 problems, 2 usage (a missing file, an unknown subcommand).
/// </summary>
public static class RoadmapCheckCommand
{
    public const string Usage = "usage: studybot roadmap check <file.yaml|folder> [...]  (prints every problem as file:line:column: problem; exit code 0 valid, 1 problems)\n       studybot roadmap diff <old.yaml> <new.yaml>  (what a new version changes, for how many members)";

    /// <param name="args">The arguments after <c>roadmap</c>.</param>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args is not ["check", _, ..] || args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            error.WriteLine(args switch
            {
                [] => "roadmap: say what to do with the roadmap files.",
                ["check"] => "roadmap check: name the roadmap file (or folder) to check.",
                ["check", ..] => "roadmap check: validates roadmap files.",
                [var other, ..] => $"roadmap: unknown subcommand '{other}'.",
            });
            error.WriteLine(Usage);
            return 2;
        }

        var paths = args.Skip(1).ToList();
        var missing = paths.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            foreach (var path in missing)
            {
                error.WriteLine($"roadmap check: '{path}' does not exist.");
            }

            error.WriteLine(Usage);
            return 2;
        }

        var problems = new List<RoadmapProblem>();
        var roadmaps = new List<Roadmap>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var (loaded, found) = RoadmapLoader.CheckDirectory(path);
                roadmaps.AddRange(loaded);
                problems.AddRange(found);
            }
            else
            {
                var check = RoadmapLoader.CheckFile(path);
                problems.AddRange(check.Problems);
                if (check.Roadmap is { } roadmap)
                {
                    roadmaps.Add(roadmap);
                }
            }
        }

        foreach (var problem in problems)
        {
            output.WriteLine(problem.ToString());
        }

        if (problems.Count > 0)
        {
            output.WriteLine(problems.Count == 1 ? "1 problem found" : $"{problems.Count} problems found");
            return 1;
        }

        foreach (var roadmap in roadmaps)
        {
            output.WriteLine(Summary(roadmap));
        }

        return 0;
    }

    /// <summary>e.g. "ml-zero-to-hero v1 (en): 8 phases, 29 modules, 30 milestone items, 10 projects; estimated hours: full-time 2,086–4,171 h, part-time 1,390–3,128 h".</summary>
    public static string Summary(Roadmap roadmap)
    {
        var items = roadmap.Items;
        var hours = string.Join(", ", roadmap.TimeEstimates.Paces
            .Select(p => (Pace: p, Hours: roadmap.TimeEstimates.HoursFor(p.Id)))
            .Where(p => p.Hours is not null)
            .Select(p => $"{p.Pace.Id} {Whole(p.Hours!.Value.Min)}–{Whole(p.Hours!.Value.Max)} h"));
        return $"{roadmap.Id} v{roadmap.Version} ({string.Join(", ", roadmap.Languages)}): "
            + $"{Count(roadmap.Phases.Count, "phase")}, {Count(items.Count(i => i.Kind == ItemKind.Module), "module")}, "
            + $"{Count(items.Count(i => i.Kind == ItemKind.MilestoneItem), "milestone item")}, {Count(items.Count(i => i.Kind == ItemKind.Project), "project")}; "
            + $"estimated hours: {hours}";
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static string Whole(double hours) => Math.Floor(hours + 0.5).ToString("#,0", CultureInfo.InvariantCulture);
}
