using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Roadmaps;

namespace StudyBot.IntegrationTests;

/// <summary>A roadmap file's titles per language (<c>title: {en: ..., de: ...}</c>) reach each member in their language.</summary>
public sealed class RoadmapLanguageReplyTests
{
    private static string Fixture => Path.Combine(RepoPaths.Root, "tests", "fixtures", "roadmaps", "data-engineering.yaml");

    private static Task<TestBot> StartAsync() =>
        TestBot.StartAsync(replace: s => s.AddSingleton(new RoadmapCatalog([RoadmapLoader.LoadFile(Fixture)], "data-engineering")));

    [Fact]
    public async Task A_member_reading_German_sees_the_German_titles_and_a_member_reading_English_the_English_ones()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Lena", "/progress me language de");

        var german = ReplyText.All(await bot.SayAsync("Lena", "/progress done de-python-for-data"));
        var english = ReplyText.All(await bot.SayAsync("Sam", "/progress done de-python-for-data"));

        Assert.Contains("Python für Daten", german, StringComparison.Ordinal);
        Assert.DoesNotContain("Python for Data", german, StringComparison.Ordinal);
        Assert.Contains("Python for Data", english, StringComparison.Ordinal);
        Assert.DoesNotContain("Python für Daten", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_title_the_file_gives_only_in_its_main_language_is_shown_in_that_language_to_everyone()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Lena", "/progress me language de");

        var german = ReplyText.All(await bot.SayAsync("Lena", "/progress done de-sql"));

        Assert.Contains("SQL (PostgreSQL, DuckDB) (`de-sql`) ist erledigt", german, StringComparison.Ordinal);
        Assert.Contains("Phase 0: Grundlagen", german, StringComparison.Ordinal);
        Assert.Contains("First dataset cleaned", german, StringComparison.Ordinal);
    }
}
