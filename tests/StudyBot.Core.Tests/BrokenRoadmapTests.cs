using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>A broken roadmap file must stop the host with one message naming the file, the line and the problem.</summary>
public sealed class BrokenRoadmapTests : IDisposable
{
    private static readonly string Original = File.ReadAllText(RepoPaths.MainRoadmap);
    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-roadmap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private RoadmapLoadException LoadBroken(string yaml)
    {
        File.WriteAllText(Path.Combine(_dir, "broken.yaml"), yaml);
        return Assert.Throws<RoadmapLoadException>(() => RoadmapLoader.LoadDirectory(_dir));
    }

    private static int LineOf(string yaml, string text) =>
        yaml[..yaml.IndexOf(text, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

    private static string Replace(string find, string replacement)
    {
        Assert.Contains(find, Original, StringComparison.Ordinal);
        return Original.Replace(find, replacement, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_yaml_names_the_file_and_line()
    {
        var yaml = Replace("      - id: pandas\n        title: Pandas", "      - id: pandas\n        title: [Pandas");

        var error = LoadBroken(yaml);

        Assert.EndsWith("broken.yaml", error.File, StringComparison.Ordinal);
        Assert.Contains("invalid YAML", error.Problem, StringComparison.Ordinal);
        Assert.InRange(error.Line, LineOf(yaml, "title: [Pandas"), LineOf(yaml, "title: [Pandas") + 3);
        Assert.True(error.Column >= 1);
        Assert.StartsWith(error.File + ":" + error.Line + ":" + error.Column + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_id_names_both_lines()
    {
        var yaml = Replace("      - id: pandas\n", "      - id: numpy\n");

        var error = LoadBroken(yaml);

        Assert.Contains("duplicate id 'numpy'", error.Problem, StringComparison.Ordinal);
        Assert.Contains($"first used on line {LineOf(yaml, "- id: numpy")}", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "- id: numpy\n        title: Pandas"), error.Line);
    }

    [Fact]
    public void An_unknown_key_is_named_with_its_line()
    {
        var yaml = Replace("      - id: numpy\n        title: NumPy\n", "      - id: numpy\n        titel: NumPy\n        title: NumPy\n");

        var error = LoadBroken(yaml);

        Assert.Contains("unknown key 'titel' in module 'numpy'", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "titel: NumPy"), error.Line);
    }

    [Fact]
    public void A_missing_title_is_named()
    {
        var yaml = Replace("      - id: numpy\n        title: NumPy\n", "      - id: numpy\n");

        var error = LoadBroken(yaml);

        Assert.Contains("module 'numpy' has no title", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "- id: numpy") , error.Line);
    }

    [Fact]
    public void A_milestone_pointing_at_no_phase_is_named()
    {
        var yaml = Replace("    phase: advanced-ml\n", "    phase: advanced-mlx\n");

        var error = LoadBroken(yaml);

        Assert.Contains("milestone 'advanced-ml-milestone' points at phase 'advanced-mlx', which does not exist", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "phase: advanced-mlx"), error.Line);
    }

    [Fact]
    public void An_empty_phase_is_named()
    {
        var start = Original.IndexOf("    modules:\n      - id: ensemble-methods", StringComparison.Ordinal);
        var end = Original.IndexOf("  - id: deep-learning\n", StringComparison.Ordinal);
        var yaml = Original[..start] + "    modules: []\n\n" + Original[end..];

        var error = LoadBroken(yaml);

        Assert.Contains("phase 'advanced-ml' is empty", error.Problem, StringComparison.Ordinal);
        Assert.Equal(LineOf(yaml, "modules: []"), error.Line);
    }

    [Fact]
    public void A_phase_without_modules_key_is_empty_too()
    {
        var start = Original.IndexOf("    modules:\n      - id: ensemble-methods", StringComparison.Ordinal);
        var end = Original.IndexOf("  - id: deep-learning\n", StringComparison.Ordinal);
        var yaml = Original[..start] + "\n" + Original[end..];

        var error = LoadBroken(yaml);

        Assert.Contains("phase 'advanced-ml' is empty", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_id_that_is_not_kebab_case_is_refused()
    {
        var error = LoadBroken(Replace("      - id: numpy\n", "      - id: NumPy_Module\n"));

        Assert.Contains("not kebab-case", error.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_file_can_add_a_roadmap_but_not_reuse_an_id()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Original);
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), File.ReadAllText(RepoPaths.DataEngineeringFixture));
        Assert.Equal(2, RoadmapLoader.LoadDirectory(_dir).Count);

        File.WriteAllText(Path.Combine(_dir, "c.yaml"), Original);
        var error = Assert.Throws<RoadmapLoadException>(() => RoadmapLoader.LoadDirectory(_dir));
        Assert.Contains(error.Problems, p => p.Message.StartsWith("roadmap id 'ml-zero-to-hero' is already used by", StringComparison.Ordinal));
    }

    [Fact]
    public void A_phase_milestone_or_item_id_of_another_file_is_refused_naming_both_files_and_lines()
    {
        File.WriteAllText(Path.Combine(_dir, "a.yaml"), Original);
        var copy = Original.Replace("id: ml-zero-to-hero", "id: ml-copy", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "b.yaml"), copy);

        var error = Assert.Throws<RoadmapLoadException>(() => RoadmapLoader.LoadDirectory(_dir));

        var numpy = Assert.Single(error.Problems, p => p.Message.StartsWith("id 'numpy' ", StringComparison.Ordinal));
        var line = LineOf(copy, "- id: numpy");
        Assert.Equal(new RoadmapProblem(Path.Combine(_dir, "b.yaml"), line, 13, $"id 'numpy' is already used in {Path.Combine(_dir, "a.yaml")}:{line}:13; phase, milestone and item ids must be unique across all roadmap files of the folder, so choose another id"), numpy);
        Assert.Contains(error.Problems, p => p.Message.StartsWith("id 'foundation' ", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Message.StartsWith("id 'foundation-milestone' ", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Problems, p => p.Message.StartsWith("id 'full-time' ", StringComparison.Ordinal));
        Assert.Equal(string.Join("\n", error.Problems), error.Message);
    }

    [Fact]
    public void An_empty_directory_is_an_error()
    {
        var error = Assert.Throws<RoadmapLoadException>(() => RoadmapLoader.LoadDirectory(_dir));

        Assert.Contains("no roadmap files", error.Problem, StringComparison.Ordinal);
    }
}
