using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>
/// <see cref="RoadmapLoader.Check"/> collects every problem of a file with its line and column, each saying what is
/// wrong and how to fix it; a valid file gives the roadmap and no problem.
/// </summary>
public sealed class RoadmapCheckTests
{
    private static readonly string Original = File.ReadAllText(RepoPaths.MainRoadmap);

    private static string Edit(string yaml, string find, string replacement)
    {
        Assert.Contains(find, yaml, StringComparison.Ordinal);
        return yaml.Replace(find, replacement, StringComparison.Ordinal);
    }

    /// <summary>The 1-based line and column of <paramref name="inside"/> within the first <paramref name="marker"/>.</summary>
    private static (long Line, long Column) At(string yaml, string marker, string inside)
    {
        var start = yaml.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"'{marker}' not in the file");
        var offset = marker.IndexOf(inside, StringComparison.Ordinal);
        Assert.True(offset >= 0, $"'{inside}' not in '{marker}'");
        var index = start + offset;
        var lineStart = yaml.LastIndexOf('\n', index - 1) + 1;
        return (yaml[..index].Count(c => c == '\n') + 1, index - lineStart + 1);
    }

    private static void AssertProblem(string yaml, (long Line, long Column) at, string message)
    {
        var check = RoadmapLoader.Check(yaml, "v.yaml");

        Assert.Null(check.Roadmap);
        Assert.Contains(new RoadmapProblem("v.yaml", at.Line, at.Column, message), check.Problems);
    }

    [Fact]
    public void A_valid_file_gives_the_roadmap_and_no_problem()
    {
        var check = RoadmapLoader.Check(Original, "ml.yaml");

        Assert.True(check.IsValid);
        Assert.Empty(check.Problems);
        Assert.Equal("ml-zero-to-hero", check.Roadmap!.Id);
    }

    [Fact]
    public void Every_problem_is_collected_in_file_order()
    {
        var yaml = Edit(Original, "    percent: 70\n", "    percent: 170\n");
        yaml = Edit(yaml, "      phases: [projects]", "      phases: [project]");
        yaml = Edit(yaml, "      - id: numpy\n        title: NumPy\n", "      - id: numpy\n        titel: NumPy\n        title: NumPy\n");

        var check = RoadmapLoader.Check(yaml, "v.yaml");

        Assert.Null(check.Roadmap);
        Assert.Equal(
            [At(yaml, "titel: NumPy", "titel"), At(yaml, "phases: [project]", "project"), At(yaml, "allocation:\n  - id", "- id"), At(yaml, "percent: 170", "170")],
            check.Problems.Select(p => (p.Line, p.Column)));
        Assert.StartsWith("unknown key 'titel' in module 'numpy'; known keys: id, replaces, title, detail, tools", check.Problems[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("accelerated step 'accel-portfolio' points at phase 'project', which does not exist (phases: foundation, data-fundamentals,", check.Problems[1].Message, StringComparison.Ordinal);
        Assert.Equal("allocation percentages add up to 30, not 100; change the percents so they add up to 100", check.Problems[2].Message);
        Assert.Equal("the percent of allocation 'practice' must be a whole number from 0 to 100, not '170'", check.Problems[3].Message);
    }

    [Fact]
    public void A_number_of_the_wrong_type_is_named()
    {
        var yaml = Edit(Original, "hoursPerWeek: { min: 30, max: 40 }", "hoursPerWeek: { min: thirty, max: 40 }");

        AssertProblem(yaml, At(yaml, "min: thirty", "thirty"), "the min hours of pace 'full-time' must be a whole number from 1 to 168, not 'thirty'");
    }

    [Fact]
    public void A_list_where_a_value_belongs_is_named()
    {
        var yaml = Edit(Original, "    number: 0\n", "    number: [0]\n");

        AssertProblem(yaml, At(yaml, "number: [0]", "[0]"), "the number of phase 'foundation' must be a single value, not a list");
    }

    [Fact]
    public void A_missing_version_is_named()
    {
        var yaml = Edit(Original, "version: 1\n", "");

        AssertProblem(yaml, At(yaml, "id: ml-zero-to-hero", "id"), "the roadmap has no 'version'; add 'version: 1' at the top and raise it with each new version of the file");
    }

    [Fact]
    public void A_required_pace_that_is_missing_is_named()
    {
        var yaml = Edit(Original, "    - id: part-time\n", "    - id: half-time\n");

        AssertProblem(yaml, At(yaml, "    - id: full-time", "- id"), "timeEstimates has no pace 'part-time'; add '- id: part-time' with a title and hoursPerWeek { min, max }");
    }

    [Fact]
    public void A_phase_without_a_time_estimate_row_is_named()
    {
        var yaml = Edit(Original, "    - phase: projects\n      label: Projects\n      fullTime: { min: 4, max: 6 }\n      partTime: { min: 8, max: 12 }\n", "");

        AssertProblem(yaml, At(yaml, "  rows:\n    - phase: foundation", "- phase"), "phase 'projects' has no time-estimate row; add one under timeEstimates.rows ('- phase: projects' with label, fullTime and partTime in months)");
    }

    [Fact]
    public void Two_milestones_for_one_phase_are_named()
    {
        var yaml = Edit(Original, "    phase: data-fundamentals\n", "    phase: foundation\n");

        AssertProblem(yaml, At(yaml, "data-science-milestone\n    phase: foundation", "foundation"), "phase 'foundation' already has milestone 'foundation-milestone'; a phase has at most one milestone, so merge their items");
    }

    [Fact]
    public void An_item_that_replaces_itself_is_named()
    {
        var yaml = Edit(Original, "        title: Pandas\n", "        title: Pandas\n        replaces: [pandas]\n");

        AssertProblem(yaml, At(yaml, "replaces: [pandas]", "pandas"), "'pandas' replaces itself; list under replaces only ids of an earlier version that this item takes over");
    }

    [Fact]
    public void A_cycle_of_replaces_over_three_items_is_named_once()
    {
        var yaml = Edit(Original, "        title: NumPy\n", "        title: NumPy\n        replaces: [pandas]\n");
        yaml = Edit(yaml, "        title: Pandas\n", "        title: Pandas\n        replaces: [visualization]\n");
        yaml = Edit(yaml, "        title: Visualization\n", "        title: Visualization\n        replaces: [numpy]\n");

        var check = RoadmapLoader.Check(yaml, "v.yaml");

        var cycle = Assert.Single(check.Problems);
        Assert.Equal(At(yaml, "replaces: [pandas]", "pandas"), (cycle.Line, cycle.Column));
        Assert.Equal("a cycle of replaces: 'numpy' replaces 'pandas', 'pandas' replaces 'visualization', 'visualization' replaces 'numpy'; an id can only be taken over by a newer one, so remove one of these replaces", cycle.Message);
    }

    [Fact]
    public void An_old_id_replaced_twice_is_named_with_both_places()
    {
        var yaml = Edit(Original, "        title: NumPy\n", "        title: NumPy\n        replaces: [arrays]\n");
        yaml = Edit(yaml, "        title: Pandas\n", "        title: Pandas\n        replaces: [arrays]\n");
        var first = At(yaml, "replaces: [arrays]", "arrays");
        var second = At(yaml[(yaml.IndexOf("title: Pandas", StringComparison.Ordinal))..], "replaces: [arrays]", "arrays");
        var pandasLine = yaml[..yaml.IndexOf("title: Pandas", StringComparison.Ordinal)].Count(c => c == '\n');

        AssertProblem(yaml, (pandasLine + second.Line, second.Column), $"'arrays' is replaced twice: by 'numpy' (line {first.Line}, column {first.Column}) and by 'pandas'; an old id goes to one item only (to merge, list several old ids under one item)");
    }

    [Fact]
    public void Replacing_an_id_that_is_still_an_item_is_named()
    {
        var yaml = Edit(Original, "        title: Pandas\n", "        title: Pandas\n        replaces: [regression]\n");

        AssertProblem(yaml, At(yaml, "replaces: [regression]", "regression"), $"'pandas' replaces 'regression', but 'regression' is still a module in this file (line {At(yaml, "- id: regression", "regression").Line}); remove that module or the replaces entry");
    }

    [Theory]
    [InlineData("ml-bias-audit", "milestone item")]
    [InlineData("numpy", "module")]
    [InlineData("foundation-milestone", "milestone")]
    public void A_retired_id_still_used_is_named(string id, string kind)
    {
        var yaml = Edit(Original, "\nphases:\n", $"\nretired: [old-thing, {id}]\n\nphases:\n");
        var used = At(yaml, $"- id: {id}\n", id);

        AssertProblem(yaml, At(yaml, $"retired: [old-thing, {id}]", id), $"'{id}' is retired but still used by a {kind} (line {used.Line}, column {used.Column}); remove it from retired or remove the {kind}");
    }

    [Fact]
    public void An_id_both_retired_and_replaced_is_named()
    {
        var yaml = Edit(Original, "\nphases:\n", "\nretired: [pandas-old]\n\nphases:\n");
        yaml = Edit(yaml, "        title: Pandas\n", "        title: Pandas\n        replaces: [pandas-old]\n");

        AssertProblem(yaml, At(yaml, "retired: [pandas-old]", "pandas-old"), $"'pandas-old' is both retired and replaced by 'pandas' (line {At(yaml, "replaces: [pandas-old]", "r").Line}); an old id is either retired (its history stays, it leaves percentages) or replaced (its progress moves), not both");
    }

    [Theory]
    [InlineData("xx")]
    [InlineData("english")]
    [InlineData("e n")]
    public void A_language_that_does_not_exist_is_named(string code)
    {
        var yaml = Edit(Original, "version: 1\n", $"version: 1\nlanguage: \"{code}\"\n");

        AssertProblem(yaml, At(yaml, $"language: \"{code}\"", "\""), $"language '{code}' is not a language code; use one like en, de or pt-BR");
    }

    [Fact]
    public void A_translation_with_an_unknown_language_is_named()
    {
        var yaml = Edit(Original, "    title: Foundation\n", "    title: { en: Foundation, zz: Grundlagen }\n");

        AssertProblem(yaml, At(yaml, "zz: Grundlagen", "zz"), "'zz' in the title of phase 'foundation' is not a language code; use one like en, de or pt-BR");
    }

    [Fact]
    public void A_translation_without_the_main_language_is_named()
    {
        var yaml = Edit(Original, "    title: Foundation\n", "    title: { de: Grundlagen }\n");

        AssertProblem(yaml, At(yaml, "title: { de: Grundlagen }", "{"), "the title of phase 'foundation' has no text in the file's main language 'en'; add 'en: ...' to it (the main language is the top-level 'language', en when the file does not say)");
    }

    [Fact]
    public void A_syntax_error_stops_the_file_with_one_problem_at_its_position()
    {
        var yaml = Edit(Original, "        title: Pandas", "        title: [Pandas");

        var check = RoadmapLoader.Check(yaml, "v.yaml");

        var problem = Assert.Single(check.Problems);
        Assert.StartsWith("invalid YAML: ", problem.Message, StringComparison.Ordinal);
        Assert.EndsWith("; the rest of the file was not checked", problem.Message, StringComparison.Ordinal);
        Assert.InRange(problem.Line, At(yaml, "[Pandas", "[").Line, At(yaml, "[Pandas", "[").Line + 3);
        Assert.True(problem.Column >= 1);
    }

    [Theory]
    [InlineData("NumPy_Module", "num-py-module")]
    [InlineData("BT_Python", "bt-python")]
    [InlineData("data science", "data-science")]
    [InlineData("--x--", "x")]
    public void A_non_kebab_id_is_named_with_a_kebab_suggestion(string id, string suggestion)
    {
        var yaml = Edit(Original, "      - id: numpy\n", $"      - id: \"{id}\"\n");

        AssertProblem(yaml, At(yaml, $"id: \"{id}\"", "\""), $"id '{id}' of a module is not kebab-case; use lowercase letters, digits and single hyphens, e.g. '{suggestion}'");
    }

    [Fact]
    public void A_key_given_twice_is_a_syntax_error_naming_the_key()
    {
        var yaml = Edit(Original, "      - id: numpy\n        title: NumPy\n", "      - id: numpy\n        title: NumPy\n        title: Numbers\n");

        var problem = Assert.Single(RoadmapLoader.Check(yaml, "v.yaml").Problems);

        Assert.Equal(new RoadmapProblem("v.yaml", At(yaml, "title: Numbers", "t").Line, 9, "invalid YAML: key 'title' appears twice in one mapping; keep one; the rest of the file was not checked"), problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void An_empty_file_is_one_problem(string yaml)
    {
        var problem = Assert.Single(RoadmapLoader.Check(yaml, "v.yaml").Problems);

        Assert.Equal(new RoadmapProblem("v.yaml", 1, 1, "the file is empty; start with 'version: 1' and the roadmap's 'id' and 'title'"), problem);
    }

    [Fact]
    public void Parse_throws_with_every_problem_one_per_line()
    {
        var yaml = Edit(Original, "version: 1\n", "");
        yaml = Edit(yaml, "      - id: pandas\n", "      - id: Pandas\n");

        var error = Assert.Throws<RoadmapLoadException>(() => RoadmapLoader.Parse(yaml, "v.yaml"));

        Assert.Equal(2, error.Problems.Count);
        Assert.Equal(string.Join("\n", error.Problems.Select(p => $"v.yaml:{p.Line}:{p.Column}: {p.Message}")), error.Message);
        Assert.Equal(error.Problems[0].Message, error.Problem);
    }
}
