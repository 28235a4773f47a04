using Microsoft.Extensions.Configuration;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary><c>studybot roadmap diff old.yaml new.yaml</c>: what a new version changes, for how many members; nothing applied.</summary>
public sealed class RoadmapDiffCommandTests
{
    private static string Fixture(string version) =>
        Path.Combine(RepoPaths.Root, "tests", "StudyBot.IntegrationTests", "RoadmapVersions", version, "ml-zero-to-hero.yaml");

    private static IConfiguration Settings(string file) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Database:ConnectionString"] = $"Data Source={file}" }).Build();

    private static async Task<(int Code, string Output, string Error)> RunAsync(IConfiguration settings, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await RoadmapDiffCommand.RunAsync(args, settings, output, error, CancellationToken.None);
        return (code, output.ToString().ReplaceLineEndings("\n"), error.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Diff_lists_the_changes_and_counts_the_members_of_the_database_without_applying_anything()
    {
        await using var bot = await TestBot.StartAsync();
        foreach (var (member, command) in new[] { ("Ada", "/progress done polars-dask"), ("Ada", "/progress done numpy"), ("Bo", "/progress doing data-pandas-manipulation"), ("Cy", "/progress done pandas") })
        {
            await bot.SayAsync(member, command);
        }

        var before = await bot.DumpAsync();
        var (code, output, error) = await RunAsync(Settings(bot.DbPath), Fixture("v1"), Fixture("v2"));

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(
            $"""
            Roadmap ml-zero-to-hero: version 1 -> 2
              1 item renamed, 1 merged, 1 retired, 1 new
            Renamed:
              numpy -> numpy-arrays
            Merged (the most advanced status wins):
              data-pandas-manipulation, data-polars-dask-judgement -> data-wrangling
            Retired (history and points kept, out of percentages):
              polars-dask
            New:
              data-cleaning
            Members (database {bot.DbPath}): 1 member has progress on retired items; 2 on renamed or merged items.
            Nothing was applied: StudyBot moves the progress when it starts with the new file.

            """,
            output);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task Dropped_ids_are_an_error_and_a_missing_database_skips_the_counts()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"studybot-none-{Guid.NewGuid():N}.db");
        var (code, output, error) = await RunAsync(Settings(missing), Fixture("v1"), Fixture("v2-drops"));

        Assert.Equal(1, code);
        Assert.Contains($"Members: no database found at {missing}; counts skipped.", output, StringComparison.Ordinal);
        Assert.Contains("1 merged, 2 new, 2 dropped", output, StringComparison.Ordinal);
        Assert.Contains("Dropped (an error: neither replaced nor retired):\n  numpy\n  polars-dask\n", output, StringComparison.Ordinal);
        Assert.Equal(
            "studybot roadmap diff: error: version 2 drops numpy, polars-dask without saying where their progress goes; add them to `retired:` or to an item's `replaces:`. StudyBot refuses to start with this file.\n",
            error);
        Assert.False(File.Exists(missing));
    }

    [Theory]
    [InlineData]
    [InlineData("only-one.yaml")]
    [InlineData("a.yaml", "b.yaml", "c.yaml")]
    public async Task Wrong_arguments_print_the_usage_with_exit_code_2(params string[] args)
    {
        var (code, output, error) = await RunAsync(Settings("unused.db"), args);

        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.EndsWith(RoadmapDiffCommand.Usage + "\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_does_not_load_is_exit_code_1_with_the_loader_message()
    {
        var (code, _, error) = await RunAsync(Settings("unused.db"), Fixture("v1"), Path.Combine(Path.GetTempPath(), "no-such-roadmap.yaml"));

        Assert.Equal(1, code);
        Assert.StartsWith("studybot roadmap diff: ", error, StringComparison.Ordinal);
    }
}
