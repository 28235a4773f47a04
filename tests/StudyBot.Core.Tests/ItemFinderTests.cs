using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

public sealed class ItemFinderTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    [Theory]
    [InlineData("numpy", "numpy")]
    [InlineData("NumPy", "numpy")]
    [InlineData("numpi", "numpy")]
    [InlineData("vector", "vector-databases")]
    [InlineData("Vector Databases", "vector-databases")]
    [InlineData("pinecone", "vector-databases")]
    [InlineData("bias audit", "ml-bias-audit")]
    [InlineData("python basics", "python-basics")]
    [InlineData("first jupyter notebook", "foundation-first-notebook")]
    [InlineData("titanic", "titanic-survival")]
    [InlineData("classification", "classification")]
    [InlineData("  `pandas`  ", "pandas")]
    public void Items_are_found_by_id_prefix_or_title_words(string query, string id)
    {
        var match = ItemFinder.Find(Roadmap, query);

        Assert.Equal(FindOutcome.Found, match.Outcome);
        Assert.Equal(id, match.Item!.Id);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("project")]
    [InlineData("built first")]
    public void An_ambiguous_query_returns_the_candidates(string query)
    {
        var match = ItemFinder.Find(Roadmap, query);

        Assert.Equal(FindOutcome.Ambiguous, match.Outcome);
        Assert.InRange(match.Candidates.Count, 2, ItemFinder.MaxCandidates);
    }

    [Theory]
    [InlineData("quantum basket weaving")]
    [InlineData("🚀🚀")]
    [InlineData("'; DROP TABLE Members; --")]
    [InlineData("مرحبا")]
    public void Nonsense_finds_nothing(string query) =>
        Assert.Equal(FindOutcome.NotFound, ItemFinder.Find(Roadmap, query).Outcome);
}
