using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>The fixtures live in the repository: a clone with nothing beside it runs every test.</summary>
public sealed class FixturePathTests
{
    [Fact]
    public void The_fixture_folder_is_inside_the_repository()
    {
        Assert.StartsWith(Fixtures.Repository + Path.DirectorySeparatorChar, Path.GetFullPath(Fixtures.Directory), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Fixtures.Directory, "web_api_openapi.LICENSE")), "the OpenAPI spec's licence travels with it");
    }

    [Theory]
    [InlineData("../../../shared/fixtures/slack/signing_test_vector.json")]
    [InlineData("../discord/openapi.json")]
    [InlineData("/etc/passwd")]
    public void A_fixture_path_that_leaves_the_fixture_folder_is_refused(string path)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Fixtures.PathOf(path));
        Assert.Contains("outside the repository", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_fixture_fails_naming_the_file()
    {
        var error = Assert.Throws<FileNotFoundException>(() => Fixtures.Json("no_such_envelope.json"));
        Assert.Contains("no_such_envelope.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_fixture_fails_naming_the_file()
    {
        var error = Assert.Throws<InvalidDataException>(() => Fixtures.Json("slash_command_progress.form"));
        Assert.Contains("slash_command_progress.form", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fake_that_cannot_answer_fails_the_test_naming_its_fault_instead_of_hanging()
    {
        // The hang of a clone without fixtures: auth.test failed inside the fake, the adapter retried on fake
        // time that nobody moved, and the host never finished starting.
        var error = await Assert.ThrowsAsync<TimeoutException>(() => SlackHarness.StartAsync(new HarnessOptions
        {
            StartTimeout = TimeSpan.FromSeconds(3),
            Arrange = fake => fake.BeforeMethod = method =>
            {
                if (method == "auth.test")
                {
                    throw new FileNotFoundException("Slack fixture 'auth_test_ok.json' is missing");
                }
            },
        }));

        Assert.Contains("auth.test", error.Message, StringComparison.Ordinal);
        Assert.Contains("auth_test_ok.json", error.Message, StringComparison.Ordinal);
    }
}
