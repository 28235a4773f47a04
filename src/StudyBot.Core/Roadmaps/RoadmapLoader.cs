using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Core.Roadmaps;

/// <summary>
/// Reads and validates roadmap YAML strictly: unknown keys, duplicate ids, missing titles, dangling
/// references and empty phases are errors, because a typo in content must never silently lose a module.
/// Every problem is collected with its line and column (<see cref="Check"/>); a YAML syntax error stops the
/// reading of that file. See docs/roadmap-format.md.
/// </summary>
public static partial class RoadmapLoader
{
    /// <summary>The language of a file that does not say (<c>language:</c>).</summary>
    public const string DefaultLanguage = "en";

    /// <summary>Keys whose value may be a plain string or a map of language code to text.</summary>
    public static readonly IReadOnlySet<string> TextKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "title", "description", "detail", "text", "note", "summary", "audience", "duration", "label",
    };

    private static readonly string[] TitledTextKeys = ["id", "title", "text"];
    private static readonly string[] RangeKeys = ["min", "max"];

    /// <summary>
    /// Every key the loader knows, by where it sits: "" is the top level, "phases.modules" a module, and so on
    /// (lists add no part to the path). A key not listed for its place is an unknown key.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> KnownKeys = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [""] = ["version", "id", "language", "title", "description", "retired", "phases", "milestones", "timeEstimates", "levels", "quickWins", "acceleratedPath", "allocation", "profiles", "motivation", "learningLoop", "certification", "nextSteps"],
        ["phases"] = ["id", "number", "title", "color", "ongoing", "modules"],
        ["phases.modules"] = ["id", "replaces", "title", "detail", "tools"],
        ["milestones"] = ["id", "phase", "title", "duration", "items"],
        ["milestones.items"] = ["id", "replaces", "title", "detail"],
        ["timeEstimates"] = ["note", "paces", "rows", "statedTotals"],
        ["timeEstimates.paces"] = ["id", "title", "hoursPerWeek"],
        ["timeEstimates.paces.hoursPerWeek"] = RangeKeys,
        ["timeEstimates.rows"] = ["phase", "label", "fullTime", "partTime"],
        ["timeEstimates.rows.fullTime"] = RangeKeys,
        ["timeEstimates.rows.partTime"] = RangeKeys,
        ["timeEstimates.statedTotals"] = ["fullTime", "partTime"],
        ["timeEstimates.statedTotals.fullTime"] = RangeKeys,
        ["timeEstimates.statedTotals.partTime"] = RangeKeys,
        ["levels"] = ["id", "title", "weeks", "skills", "projects"],
        ["levels.weeks"] = ["from", "to"],
        ["levels.projects"] = ["id", "replaces", "title"],
        ["quickWins"] = ["week", "wins"],
        ["quickWins.wins"] = ["id", "title"],
        ["acceleratedPath"] = ["audience", "totalWeeks", "summary", "steps"],
        ["acceleratedPath.steps"] = ["id", "weeks", "title", "phases"],
        ["acceleratedPath.steps.weeks"] = ["from", "to"],
        ["allocation"] = ["id", "title", "percent", "activities"],
        ["profiles"] = ["id", "title", "path", "advice"],
        ["profiles.advice"] = ["title", "text"],
        ["motivation"] = TitledTextKeys,
        ["learningLoop"] = TitledTextKeys,
        ["certification"] = ["note", "steps"],
        ["certification.steps"] = TitledTextKeys,
        ["nextSteps"] = TitledTextKeys,
    };

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();

    /// <summary>Loads every roadmap file of a folder, or throws with every problem of every file (and ids shared between files).</summary>
    public static IReadOnlyList<Roadmap> LoadDirectory(string directory)
    {
        var (roadmaps, problems) = CheckDirectory(directory);
        return problems.Count > 0 ? throw new RoadmapLoadException(problems) : roadmaps;
    }

    /// <summary>
    /// Checks every <c>*.yaml</c>/<c>*.yml</c> file of a folder: each file's problems, then roadmap ids used twice and
    /// phase, milestone and item ids used in two files (they must be unique across the folder).
    /// </summary>
    public static (IReadOnlyList<Roadmap> Roadmaps, IReadOnlyList<RoadmapProblem> Problems) CheckDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return ([], [new RoadmapProblem(directory, 0, 0, "the roadmap directory does not exist")]);
        }

        var files = Directory.EnumerateFiles(directory, "*.*", SearchOption.TopDirectoryOnly)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            return ([], [new RoadmapProblem(directory, 0, 0, "no roadmap files (*.yaml) found")]);
        }

        var roadmaps = new List<Roadmap>();
        var problems = new List<RoadmapProblem>();
        var owners = new Dictionary<string, (string File, long Line, long Column)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var check = CheckFile(file);
            problems.AddRange(check.Problems);
            foreach (var (id, (line, column)) in check.TrackedIds.OrderBy(p => p.Value.Line).ThenBy(p => p.Value.Column))
            {
                if (owners.TryGetValue(id, out var owner))
                {
                    problems.Add(new RoadmapProblem(file, line, column, $"id '{id}' is already used in {owner.File}:{owner.Line}:{owner.Column}; phase, milestone and item ids must be unique across all roadmap files of the folder, so choose another id"));
                }
                else
                {
                    owners[id] = (file, line, column);
                }
            }

            if (check.Roadmap is { } roadmap)
            {
                var clash = roadmaps.FirstOrDefault(r => r.Id == roadmap.Id);
                if (clash is not null)
                {
                    problems.Add(new RoadmapProblem(file, check.RoadmapIdLine, check.RoadmapIdColumn, $"roadmap id '{roadmap.Id}' is already used by {clash.SourceFile}; give each roadmap file its own id"));
                }
                else
                {
                    roadmaps.Add(roadmap);
                }
            }
        }

        return (roadmaps, problems);
    }

    public static Roadmap LoadFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads a roadmap or throws a <see cref="RoadmapLoadException"/> listing every problem.</summary>
    public static Roadmap Parse(string yaml, string fileName)
    {
        var check = Check(yaml, fileName);
        return check.IsValid ? check.Roadmap! : throw new RoadmapLoadException(check.Problems);
    }

    public static RoadmapCheck CheckFile(string path)
    {
        string yaml;
        try
        {
            yaml = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new RoadmapCheck(null, [new RoadmapProblem(path, 0, 0, $"cannot be read: {ex.Message}")]);
        }

        return Check(yaml, path);
    }

    /// <summary>Checks a roadmap file's text: the roadmap when there is no problem, and every problem with its line and column.</summary>
    public static RoadmapCheck Check(string yaml, string fileName) => Check(yaml, fileName, language: null);

    /// <summary>Reads the file with the texts of <paramref name="language"/> where given (null: its main language).</summary>
    internal static RoadmapCheck Check(string yaml, string fileName, string? language)
    {
        var check = Read(yaml, fileName, language);
        var lines = Math.Max(1, yaml.Split('\n').Length - (yaml.EndsWith('\n') ? 1 : 0));
        return check.Problems.Any(p => p.Line > lines)
            ? check with { Problems = check.Problems.Select(p => p.Line > lines ? p with { Line = lines } : p).ToList() }
            : check;
    }

    /// <summary>Reads the text; a position past the end (YAML's end-of-file mark) is moved to the last line by <see cref="Check(string, string, string?)"/>.</summary>
    private static RoadmapCheck Read(string yaml, string fileName, string? language)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            var what = FirstLine(ex.Message) is var message && message.StartsWith("Duplicate key ", StringComparison.Ordinal)
                ? $"key '{message["Duplicate key ".Length..]}' appears twice in one mapping; keep one"
                : message;
            return Failed(new RoadmapProblem(fileName, Math.Max(1, ex.Start.Line), Math.Max(1, ex.Start.Column), $"invalid YAML: {what}; the rest of the file was not checked"));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner sometimes fails without a position; find where parsing stopped.
            var (line, column) = LastGoodMark(yaml);
            return Failed(new RoadmapProblem(fileName, line, column, "invalid YAML: the text here cannot be parsed (check brackets, quotes and indentation); the rest of the file was not checked"));
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return Failed(new RoadmapProblem(fileName, 1, 1, "the file is empty; start with 'version: 1' and the roadmap's 'id' and 'title'"));
        }

        var reader = new Reader(fileName, yaml, language);
        Roadmap? roadmap = null;
        try
        {
            var root = reader.Map(stream.Documents[0].RootNode, "the roadmap", "");
            roadmap = reader.ReadRoadmap(root);
        }
        catch (Skip)
        {
            // Already reported.
        }

        var problems = reader.Problems
            .Distinct()
            .OrderBy(p => p.Line)
            .ThenBy(p => p.Column)
            .ToList();
        return new RoadmapCheck(problems.Count == 0 ? roadmap : null, problems)
        {
            TrackedIds = reader.TrackedIds,
            RoadmapIdLine = reader.RoadmapIdMark.Line,
            RoadmapIdColumn = reader.RoadmapIdMark.Column,
        };

        RoadmapCheck Failed(RoadmapProblem problem) => new(null, [problem]);
    }

    /// <summary>Whether a language code names a culture .NET knows (ICU), e.g. <c>en</c>, <c>de</c>, <c>pt-BR</c>.</summary>
    public static bool IsLanguageCode(string code)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 16 || code.Any(c => !(char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return false;
        }

        try
        {
            var culture = CultureInfo.GetCultureInfo(code, predefinedOnly: true);
            return !culture.Equals(CultureInfo.InvariantCulture) && culture.EnglishName.IndexOf("Unknown", StringComparison.OrdinalIgnoreCase) < 0;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    private static (long Line, long Column) LastGoodMark(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        (long, long) mark = (1, 1);
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is { } current)
                {
                    mark = (Math.Max(1, current.End.Line), Math.Max(1, current.End.Column));
                }
            }
        }
        catch (YamlException y)
        {
            return (Math.Max(1, y.Start.Line), Math.Max(1, y.Start.Column));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            return mark;
        }

        return mark;
    }

    private static string FirstLine(string message)
    {
        var text = message.Split('\n')[0].Trim();
        var paren = text.IndexOf("): ", StringComparison.Ordinal);
        return paren >= 0 && text.StartsWith('(') ? text[(paren + 3)..] : text;
    }

    /// <summary>Thrown to stop reading one entry whose shape is wrong (already reported); the next entry is read.</summary>
    private sealed class Skip : Exception;
}
