using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Several roadmaps per community (issue 17): the ML roadmap of the folder and a small data-engineering roadmap of the
/// tests (Roadmaps/data-engineering.yaml), on a real database. Admins enable, disable and choose the default; members
/// follow one at a time and keep their progress on each.
/// </summary>
public sealed class CommunityRoadmapTests
{
    private const string Ml = "ml-zero-to-hero";

    private const string De = "data-engineering";

    private static string TestRoadmap => Path.Combine(RepoPaths.Root, "tests", "StudyBot.IntegrationTests", "Roadmaps", "data-engineering.yaml");

    internal static RoadmapCatalog Both() => new(RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps).Append(RoadmapLoader.LoadFile(TestRoadmap)), Ml);

    private static Task<TestBot> StartAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, string? dbPath = null, RoadmapCatalog? catalog = null) =>
        TestBot.StartAsync(provider: provider, dbPath: dbPath, replace: s => s.AddSingleton(catalog ?? Both()));

    private static async Task<string> SayAsync(TestBot bot, string member, string text) => ReplyText.All(await bot.SayAsync(member, text));

    private static async Task<string> FollowedAsync(TestBot bot, string member) =>
        (await bot.SayAsync(member, "/progress roadmap")).Title ?? "";

    [Fact]
    public async Task With_one_enabled_roadmap_newcomers_follow_the_default_and_nothing_else_is_offered()
    {
        await using var bot = await StartAsync();

        var start = await SayAsync(bot, "Ana", "/progress start programmer part-time");

        Assert.DoesNotContain("Roadmap:", start, StringComparison.Ordinal);
        Assert.DoesNotContain("Other roadmaps", start, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "Members" WHERE "UserId" = 'ana' AND "RoadmapId" = 'ml-zero-to-hero'"""));
        Assert.Equal("Road to ML: Zero to Hero", await FollowedAsync(bot, "Ana"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_member_switches_from_A_to_B_and_back_and_keeps_progress_on_both(DatabaseProvider provider)
    {
        await using var bot = await StartAsync(provider);
        Assert.Contains("is enabled", await SayAsync(bot, "Admin", $"/studybot roadmap enable {De}"), StringComparison.Ordinal);
        await bot.SayAsync("Ana", "/progress start programmer part-time");
        await bot.SayAsync("Ana", "/progress done python-basics");
        await bot.SayAsync("Ana", "/progress done numpy");

        var toB = await SayAsync(bot, "Ana", $"/progress path roadmap {De}");
        Assert.Contains("You now follow **Data Engineering**: 0 of 6 items done (0%). Your progress on **Road to ML: Zero to Hero** is kept.", toB, StringComparison.Ordinal);
        Assert.Equal("Data Engineering", await FollowedAsync(bot, "Ana"));

        // Percentages count only the followed roadmap: one of its six items.
        await bot.SayAsync("Ana", "/progress done de-select");
        Assert.Contains("16%", await SayAsync(bot, "Ana", "/progress"), StringComparison.Ordinal);
        Assert.Contains("I couldn't find a roadmap item", await SayAsync(bot, "Ana", "/progress done pandas"), StringComparison.Ordinal);

        var toA = await SayAsync(bot, "Ana", $"/progress path roadmap {Ml}");
        Assert.Contains("You now follow **Road to ML: Zero to Hero**: 2 of", toA, StringComparison.Ordinal);
        Assert.Contains("Your progress on **Data Engineering** is kept.", toA, StringComparison.Ordinal);

        var back = await SayAsync(bot, "Ana", $"/progress path roadmap:{De}");
        Assert.Contains("1 of 6 items done (16%)", back, StringComparison.Ordinal);
        Assert.Equal(3, await bot.CountAsync("""SELECT COUNT(*) FROM "ItemProgress" """));
    }

    [Fact]
    public async Task Enable_disable_and_default_follow_their_rules_and_say_what_happened()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Ana", "/progress start programmer part-time");
        var before = await bot.DumpAsync();

        var typo = await SayAsync(bot, "Admin", "/studybot roadmap enable data-enginering");
        Assert.Contains("There's no roadmap `data-enginering`. Did you mean `data-engineering`?", typo, StringComparison.Ordinal);
        Assert.Contains("`ml-zero-to-hero`", typo, StringComparison.Ordinal);
        Assert.Contains("Choose another default first", await SayAsync(bot, "Admin", $"/studybot roadmap disable {Ml}"), StringComparison.Ordinal);
        Assert.Contains("Enable it first", await SayAsync(bot, "Admin", $"/studybot roadmap default {De}"), StringComparison.Ordinal);
        var notHere = await SayAsync(bot, "Ana", $"/progress path roadmap {De}");
        Assert.Contains("isn't enabled in this community", notHere, StringComparison.Ordinal);
        Assert.Contains($"/studybot roadmap enable {De}", notHere, StringComparison.Ordinal);
        Assert.Contains("There's no roadmap `cooking`", await SayAsync(bot, "Ana", "/progress path roadmap cooking"), StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());

        var list = await SayAsync(bot, "Admin", "/studybot roadmap list");
        Assert.Contains("**Road to ML: Zero to Hero** (`ml-zero-to-hero`, version 1): ✅ enabled · default for newcomers · 1 member", list, StringComparison.Ordinal);
        Assert.Contains("**Data Engineering** (`data-engineering`, version 1): not enabled here", list, StringComparison.Ordinal);

        await bot.SayAsync("Admin", $"/studybot roadmap enable {De}");
        Assert.Contains("already enabled", await SayAsync(bot, "Admin", $"/studybot roadmap enable {De}"), StringComparison.Ordinal);
        Assert.Contains("Newcomers now follow **Data Engineering**", await SayAsync(bot, "Admin", $"/studybot roadmap default {De}"), StringComparison.Ordinal);
        var disabled = await SayAsync(bot, "Admin", $"/studybot roadmap disable {Ml}");
        Assert.Contains("newcomers can no longer pick it. 1 member still follows it and keeps their progress", disabled, StringComparison.Ordinal);
        Assert.Contains("⏸️ disabled here; 1 member still follows it", await SayAsync(bot, "Admin", "/studybot roadmap list"), StringComparison.Ordinal);
        Assert.Contains("You're set, Carl: Programmer new to data", await SayAsync(bot, "Carl", "/progress start programmer"), StringComparison.Ordinal);
        Assert.Equal("Data Engineering", await FollowedAsync(bot, "Carl"));
    }

    [Fact]
    public async Task A_member_on_a_disabled_roadmap_keeps_it_and_newcomers_can_no_longer_pick_it()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Admin", $"/studybot roadmap enable {De}");
        await bot.SayAsync("Bob", $"/progress start programmer part-time roadmap {De}");
        await bot.SayAsync("Bob", "/progress done de-joins");

        Assert.Contains("1 member still follows it", await SayAsync(bot, "Admin", $"/studybot roadmap disable {De}"), StringComparison.Ordinal);

        Assert.Equal("Data Engineering", await FollowedAsync(bot, "Bob"));
        Assert.Contains("You already follow **Data Engineering**: 1 of 6 items done", await SayAsync(bot, "Bob", $"/progress path roadmap {De}"), StringComparison.Ordinal);
        Assert.Contains("isn't enabled in this community", await SayAsync(bot, "Carl", $"/progress start programmer roadmap {De}"), StringComparison.Ordinal);
        Assert.Equal("Road to ML: Zero to Hero", await FollowedAsync(bot, "Carl"));
    }

    [Fact]
    public async Task Changing_the_default_never_moves_a_member_who_started_before_choices_were_stored()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Old", "/progress start programmer part-time");
        await bot.QueryAsync("""UPDATE "Members" SET "RoadmapId" = NULL""");

        await bot.SayAsync("Admin", $"/studybot roadmap enable {De}");
        await bot.SayAsync("Admin", $"/studybot roadmap default {De}");

        Assert.Equal("Road to ML: Zero to Hero", await FollowedAsync(bot, "Old"));
        Assert.Equal("Data Engineering", await FollowedAsync(bot, "New"));
    }

    [Fact]
    public async Task A_roadmap_file_that_is_gone_falls_back_to_the_default_and_keeps_the_rows_for_when_it_returns()
    {
        var db = Path.Combine(Path.GetTempPath(), $"studybot-tracks-{Guid.NewGuid():N}.db");
        try
        {
            await using (var bot = await StartAsync(dbPath: db))
            {
                await bot.SayAsync("Admin", $"/studybot roadmap enable {De}");
                await bot.SayAsync("Bob", $"/progress start programmer roadmap {De}");
                await bot.SayAsync("Bob", "/progress done de-select");
            }

            await using (var bot = await StartAsync(dbPath: db, catalog: new RoadmapCatalog(RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), Ml)))
            {
                Assert.Equal("Road to ML: Zero to Hero", await FollowedAsync(bot, "Bob"));
                Assert.Contains("`ml-zero-to-hero`", await SayAsync(bot, "Admin", "/studybot roadmap list"), StringComparison.Ordinal);
                Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "ItemProgress" WHERE "ItemId" = 'de-select'"""));
            }

            await using (var bot = await StartAsync(dbPath: db))
            {
                Assert.Contains("1 of 6 items done", await SayAsync(bot, "Bob", $"/progress path roadmap {De}"), StringComparison.Ordinal);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(db + suffix);
            }
        }
    }

    [Fact]
    public async Task Exports_carry_the_followed_roadmap_and_the_enabled_ones_and_deleting_clears_the_choice()
    {
        await using var bot = await StartAsync();
        await bot.SayAsync("Admin", $"/studybot roadmap enable {De}");
        await bot.SayAsync("Bob", $"/progress start programmer roadmap {De}");

        var mine = System.Text.Encoding.UTF8.GetString(Assert.Single((await bot.SayAsync("Bob", "/progress me export")).Attachments).Content);
        using (var doc = System.Text.Json.JsonDocument.Parse(mine))
        {
            Assert.Equal(De, doc.RootElement.GetProperty("member").GetProperty("profile").GetProperty("roadmap").GetString());
        }

        var all = System.Text.Encoding.UTF8.GetString(Assert.Single((await bot.SayAsync("Admin", "/studybot export")).Attachments).Content);
        using (var doc = System.Text.Json.JsonDocument.Parse(all))
        {
            var enabled = doc.RootElement.GetProperty("community").GetProperty("enabledRoadmaps");
            Assert.Contains(enabled.EnumerateArray(), r => r.GetProperty("roadmapId").GetString() == De);
        }

        await bot.SayAsync("Bob", "/progress me delete confirm");
        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "Members" WHERE "RoadmapId" IS NOT NULL AND "DeletedAtUtc" IS NOT NULL"""));
    }

    [Fact]
    public async Task Roadmap_autocomplete_offers_members_the_enabled_roadmaps_and_admins_every_one()
    {
        await using var bot = await StartAsync();
        var member = TestBot.Member("Ana", admin: false);

        var before = await bot.Executor.SuggestAsync(member, "progress path", "roadmap", "", CancellationToken.None);
        Assert.Equal([Ml], before.Select(s => s.Value));

        await bot.SayAsync("Admin", $"/studybot roadmap enable {De}");
        var after = await bot.Executor.SuggestAsync(member, "progress path", "roadmap", "data", CancellationToken.None);
        Assert.Equal([De], after.Select(s => s.Value));
        var admin = await bot.Executor.SuggestAsync(TestBot.Member("Admin"), "studybot roadmap enable", "id", "", CancellationToken.None);
        Assert.Equal([De, Ml], admin.Select(s => s.Value));
    }
}
