using System.Text.RegularExpressions;

namespace StudyBot.Core.Tests;

/// <summary>A plain clone stands alone: nothing reads or links outside the repository.</summary>
public sealed partial class RepositoryTests
{
    private static readonly string[] Skipped = [".git", "bin", "obj", "TestResults", "node_modules", "BenchmarkDotNet.Artifacts", "data"];

    /// <summary>The tests that check a path into a sibling folder is refused name one on purpose.</summary>
    private static readonly string[] Allowed = ["FixturePathTests.cs", "RepositoryTests.cs"];

    [Fact]
    public void No_file_in_the_repository_reads_or_names_a_folder_beside_it()
    {
        var offenders = new List<string>();
        foreach (var file in Files(RepoPaths.Root))
        {
            if (Allowed.Contains(Path.GetFileName(file)) || !IsText(file))
            {
                continue;
            }

            var text = File.ReadAllText(file);
            if (SiblingPath().IsMatch(text))
            {
                offenders.Add(Path.GetRelativePath(RepoPaths.Root, file));
            }
        }

        Assert.True(offenders.Count == 0, "These files point at ../shared, which a clone does not have: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Every_relative_link_in_the_documentation_resolves_inside_the_repository()
    {
        var broken = new List<string>();
        var documents = new[] { "README.md" }
            .Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Select(f => Path.GetRelativePath(RepoPaths.Root, f)))
            .Concat(["tests/fixtures/README.md"]);
        foreach (var document in documents)
        {
            var full = Path.Combine(RepoPaths.Root, document);
            Assert.True(File.Exists(full), $"{document} is missing");
            foreach (Match link in MarkdownLink().Matches(File.ReadAllText(full)))
            {
                var target = link.Groups["target"].Value;
                if (target.StartsWith('#') || target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }

                var path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, target.Split('#')[0]));
                var inside = path.StartsWith(RepoPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (!inside || !(File.Exists(path) || Directory.Exists(path)))
                {
                    broken.Add($"{document}: {target}");
                }
            }
        }

        Assert.True(broken.Count == 0, "Links that do not resolve inside the repository: " + string.Join("; ", broken));
    }

    [Fact]
    public void The_repository_keeps_its_own_architecture_document()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        Assert.Contains("(docs/architecture.md)", readme, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "docs", "architecture.md")));
    }

    private static IEnumerable<string> Files(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            yield return file;
        }

        foreach (var sub in Directory.EnumerateDirectories(directory))
        {
            if (!Skipped.Contains(Path.GetFileName(sub)))
            {
                foreach (var file in Files(sub))
                {
                    yield return file;
                }
            }
        }
    }

    private static bool IsText(string file) =>
        Path.GetExtension(file) is ".cs" or ".csproj" or ".props" or ".targets" or ".json" or ".yaml" or ".yml" or ".md" or ".runsettings" or ".sh" or ".sln" or ""
        && new FileInfo(file).Length < 2_000_000;

    [GeneratedRegex(@"\.\./shared\b|""\.\.""\s*,\s*""shared""")]
    private static partial Regex SiblingPath();

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex MarkdownLink();
}
