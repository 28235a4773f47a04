using CsCheck;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>
/// Whatever happens to a valid roadmap file line by line (a line deleted, duplicated, or two swapped), the checker
/// never crashes: it gives the roadmap or problems, and every problem points inside the file.
/// </summary>
public sealed class RoadmapCheckPropertyTests
{
    private static readonly string[] MlLines = File.ReadAllText(RepoPaths.MainRoadmap).Split('\n');
    private static readonly string[] DataLines = File.ReadAllText(RepoPaths.DataEngineeringFixture).Split('\n');

    public static TheoryData<string> Files() => new() { "ml", "data" };

    [Theory]
    [MemberData(nameof(Files))]
    public void Deleting_duplicating_or_swapping_lines_yields_a_roadmap_or_problems_inside_the_file(string which)
    {
        var lines = which == "ml" ? MlLines : DataLines;
        var edit = Gen.Select(Gen.Int[0, 2], Gen.Int[0, lines.Length - 1], Gen.Int[0, lines.Length - 1]);
        Gen.Select(edit, edit).Sample((first, second) =>
        {
            var changed = Apply(Apply(lines.ToList(), first), second);
            var yaml = string.Join('\n', changed);
            var lineCount = Math.Max(1, yaml.Split('\n').Length - (yaml.EndsWith('\n') ? 1 : 0));

            var check = RoadmapLoader.Check(yaml, "f.yaml");

            Assert.True(check.Roadmap is not null ^ check.Problems.Count > 0, "a roadmap or problems, not both, not neither");
            Assert.All(check.Problems, p =>
            {
                Assert.InRange(p.Line, 1, lineCount);
                Assert.True(p.Column >= 1, $"column {p.Column} of {p}");
                Assert.False(string.IsNullOrWhiteSpace(p.Message));
            });
        }, iter: 300);
    }

    private static List<string> Apply(List<string> lines, (int Kind, int At, int Other) edit)
    {
        var at = Math.Min(edit.At, lines.Count - 1);
        var other = Math.Min(edit.Other, lines.Count - 1);
        switch (edit.Kind)
        {
            case 0 when lines.Count > 1:
                lines.RemoveAt(at);
                break;
            case 1:
                lines.Insert(at, lines[at]);
                break;
            default:
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
        }

        return lines;
    }
}
