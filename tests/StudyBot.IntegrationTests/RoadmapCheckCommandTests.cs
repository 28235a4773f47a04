using System.Globalization;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// <c>studybot roadmap check &lt;file&gt;</c>: every problem of a roadmap file as <c>file:line:column: problem</c> and a
/// summary; exit 0 valid, 1 problems, 2 usage.
/// </summary>
public sealed class RoadmapCheckCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-roadmap-check-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Run(int ExitCode, string Output, string Error)
    {
        public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static Run Check(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var code = RoadmapCheckCommand.Run(args, stdout, stderr);
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Ten kinds of mistakes, each on its own line (line numbers on the left are 1-based).</summary>
    private const string TenMistakes = """
        id: broken-track
        language: xx
        title: Broken Track
        retired: [bt-sql]

        phases:
          - id: bt-basics
            number: 0
            title: Basics
            modules:
              - id: bt-sql
                title: SQL
              - id: bt-sql
                title: SQL again
              - id: BT_Python
                title: Python
              - id: bt-spark
                title: Spark
                colour: orange
              - id: bt-hive
              - id: bt-a
                title: A
                replaces: [bt-b]
              - id: bt-b
                title: B
                replaces: [bt-a]
          - id: bt-more
            number: 1
            title: More
            modules:
              - id: bt-more-module
                title: More module

        milestones:
          - id: bt-milestone
            phase: bt-basic
            title: Basics milestone
            items:
              - id: bt-first-query
                title: First query

        timeEstimates:
          paces:
            - id: full-time
              title: Full-Time
              hoursPerWeek: { min: 30, max: 40 }
            - id: part-time
              title: Part-Time
              hoursPerWeek: { min: 10, max: 15 }
          rows:
            - phase: bt-basics
              label: Basics
              fullTime: { min: 1, max: 2 }
              partTime: { min: 2, max: 4 }
          statedTotals:
            fullTime: { min: 1, max: 2 }
            partTime: { min: 2, max: 4 }

        """;

    [Fact]
    public void A_file_with_ten_kinds_of_mistakes_lists_all_ten_with_line_and_column()
    {
        var file = Path.Combine(_dir, "broken.yaml");
        File.WriteAllText(file, TenMistakes);

        var run = Check("check", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Error);
        Assert.Equal(
            [
                $"{file}:1:1: the roadmap has no 'version'; add 'version: 1' at the top and raise it with each new version of the file",
                $"{file}:2:11: language 'xx' is not a language code; use one like en, de or pt-BR",
                $"{file}:4:11: 'bt-sql' is retired but still used by a module (line 11, column 13); remove it from retired or remove the module",
                $"{file}:13:13: duplicate id 'bt-sql' (first used on line 11, column 13); every id in the file must be unique, so rename one of them",
                $"{file}:15:13: id 'BT_Python' of a module is not kebab-case; use lowercase letters, digits and single hyphens, e.g. 'bt-python'",
                $"{file}:19:9: unknown key 'colour' in module 'bt-spark'; known keys: id, replaces, title, detail, tools",
                $"{file}:20:9: module 'bt-hive' has no title; add 'title: ...'",
                $"{file}:23:20: a cycle of replaces: 'bt-a' replaces 'bt-b', 'bt-b' replaces 'bt-a'; an id can only be taken over by a newer one, so remove one of these replaces",
                $"{file}:36:12: milestone 'bt-milestone' points at phase 'bt-basic', which does not exist (phases: bt-basics, bt-more)",
                $"{file}:51:5: phase 'bt-more' has no time-estimate row; add one under timeEstimates.rows ('- phase: bt-more' with label, fullTime and partTime in months)",
                "10 problems found",
            ],
            run.Lines);
    }

    [Fact]
    public void The_repository_roadmap_is_valid_and_summarised_with_hours_per_pace()
    {
        var run = Check("check", Path.Combine(RepoPaths.Roadmaps, "ml-zero-to-hero.yaml"));

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Error);
        // Hours: the rows' months (16-24 full-time, 32-48 part-time) x 4.345 weeks x hours per week (30-40, 10-15).
        Assert.Equal(
            ["ml-zero-to-hero v1 (en): 8 phases, 29 modules, 30 milestone items, 10 projects; estimated hours: full-time 2,086–4,171 h, part-time 1,390–3,128 h"],
            run.Lines);
    }

    [Fact]
    public void A_folder_is_checked_as_StudyBot_loads_it_and_ids_must_be_unique_across_its_files()
    {
        var fixture = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "roadmaps", "data-engineering.yaml"));
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), fixture);
        var valid = Check("check", _dir);
        Assert.Equal(0, valid.ExitCode);
        Assert.Equal(["data-engineering v2 (en, de): 3 phases, 5 modules, 2 milestone items, 2 projects; estimated hours: full-time 391–782 h, part-time 209–469 h"], valid.Lines);

        File.WriteAllText(Path.Combine(_dir, "b.yaml"), fixture.Replace("id: data-engineering\n", "id: data-engineering-copy\n", StringComparison.Ordinal).Replace("- id: de-kafka", "- id: de-kafka-two", StringComparison.Ordinal));
        var clash = Check("check", _dir);

        Assert.Equal(1, clash.ExitCode);
        Assert.Contains($"{Path.Combine(_dir, "b.yaml")}:16:9: id 'de-foundations' is already used in {Path.Combine(_dir, "a.yaml")}:16:9; phase, milestone and item ids must be unique across all roadmap files of the folder, so choose another id", clash.Lines);
        Assert.DoesNotContain(clash.Lines, l => l.Contains("'de-kafka-two'", StringComparison.Ordinal));
        Assert.Equal("12 problems found", clash.Lines[^1]);
    }

    [Fact]
    public void A_syntax_error_stops_the_file_with_its_position()
    {
        var file = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(file, "version: 1\nid: x\ntitle: [unclosed\nphases: []\n");

        var run = Check("check", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(2, run.Lines.Count);
        Assert.StartsWith($"{file}:", run.Lines[0], StringComparison.Ordinal);
        Assert.Contains("invalid YAML", run.Lines[0], StringComparison.Ordinal);
        Assert.Equal("1 problem found", run.Lines[1]);
    }

    [Theory]
    [InlineData(new string[0], "roadmap: say what to do with the roadmap files.")]
    [InlineData(new[] { "check" }, "roadmap check: name the roadmap file (or folder) to check.")]
    [InlineData(new[] { "lint", "x.yaml" }, "roadmap: unknown subcommand 'lint'.")]
    [InlineData(new[] { "check", "/no/such/roadmap.yaml" }, "roadmap check: '/no/such/roadmap.yaml' does not exist.")]
    public void Usage_errors_say_what_is_wrong_and_the_usage_with_exit_code_2(string[] args, string first)
    {
        var run = Check(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        string[] usage = [.. RoadmapCheckCommand.Usage.Split('\n', StringSplitOptions.TrimEntries)];
        Assert.Equal([first, .. usage], run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
