using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>The fixtures live in the repository: a clone with nothing beside it runs every test.</summary>
public sealed class FixturePathTests
{
    [Fact]
    public void The_fixture_folder_is_inside_the_repository()
    {
        Assert.StartsWith(TestPaths.RepositoryRoot + Path.DirectorySeparatorChar, Path.GetFullPath(TestPaths.Fixtures), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(TestPaths.Fixtures, "openapi.LICENSE")), "the OpenAPI spec's licence travels with it");
    }

    [Theory]
    [InlineData("../../../shared/fixtures/discord/openapi.json")]
    [InlineData("../slack/signing_test_vector.json")]
    [InlineData("/etc/passwd")]
    public void A_fixture_path_that_leaves_the_fixture_folder_is_refused(string path)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestPaths.Fixture(path));
        Assert.Contains("outside the repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_fixture_fails_naming_the_file()
    {
        var error = Assert.Throws<FileNotFoundException>(() => TestPaths.ReadFixture("gateway/no_such_payload.json"));
        Assert.Contains("gateway/no_such_payload.json", error.Message, StringComparison.Ordinal);
    }
}
