using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>A new version of a roadmap says which ids it took over (<c>replaces</c>) and which are gone (<c>retired</c>).</summary>
public sealed class RoadmapVersionFieldsTests
{
    private static readonly string Original = File.ReadAllText(RepoPaths.MainRoadmap);

    [Fact]
    public void Replaces_on_modules_milestone_items_and_projects_and_retired_at_the_top_are_read()
    {
        var yaml = Original
            .Replace("      - id: pandas\n        title: Pandas", "      - id: pandas\n        title: Pandas\n        replaces: [pandas-old]", StringComparison.Ordinal)
            .Replace("phases:\n", "retired: [gone-one, gone-two]\n\nphases:\n", StringComparison.Ordinal);
        Assert.NotEqual(Original, yaml);

        var roadmap = RoadmapLoader.Parse(yaml, "v2.yaml");

        Assert.Equal(["pandas-old"], roadmap.Replaces["pandas"]);
        Assert.Single(roadmap.Replaces);
        Assert.Equal(["gone-one", "gone-two"], roadmap.Retired);
    }

    [Fact]
    public void A_file_without_them_replaces_and_retires_nothing()
    {
        var roadmap = RoadmapLoader.Parse(Original, "v1.yaml");

        Assert.Empty(roadmap.Replaces);
        Assert.Empty(roadmap.Retired);
    }
}
