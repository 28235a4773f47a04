using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Privacy;

namespace StudyBot.IntegrationTests;

public sealed class DataRightsTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>A member with data in every table: progress, logs with a note, goals, rest, a celebration, a partner, reminders.</summary>
    private static async Task<TestBot> BusyCommunityAsync()
    {
        var bot = await TestBot.StartAsync(now: Utc(2026, 10, 5, 9, 0));
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        await bot.SayAsync("Admin", "/studybot channel leaderboard #leaderboard");
        foreach (var name in new[] { "Zelda", "Bob" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, "/progress timezone Europe/Berlin");
            await bot.SayAsync(name, $"/progress remind plan weekdays 19:00 {(name == "Zelda" ? "the secret garden" : "the cafe")}");
            await bot.SayAsync(name, "/progress me privacy public");
            await bot.SayAsync(name, "/progress goal set 2 hours");
            await bot.SayAsync(name, "/progress partner find");
        }

        await bot.SayAsync("Admin", "/studybot partners match");
        await bot.SayAsync("Zelda", "/progress skip foundation known");
        await bot.SayAsync("Zelda", "/progress log 3h practice numpy note:\"zelda-private-note\"");
        await bot.SayAsync("Bob", "/progress log 1h practice");
        await bot.SayAsync("Zelda", "/progress rest until 2026-10-07");
        await bot.RunUntilAsync(Utc(2026, 11, 2, 9, 30), TimeSpan.FromHours(6));
        return bot;
    }

    [Fact]
    public async Task Delete_asks_for_confirmation_first_and_changes_nothing_until_then()
    {
        await using var bot = await BusyCommunityAsync();
        var before = await bot.DumpAsync();

        var ask = await bot.SayAsync("Zelda", "/progress me delete");

        Assert.Equal("Delete your StudyBot data?", ask.Title);
        Assert.Contains(ask.Buttons, b => b.Command == "progress me delete confirm" && b.Style == ButtonStyle.Danger);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task After_delete_nothing_personal_remains_in_any_table_and_boards_do_not_show_the_member()
    {
        await using var bot = await BusyCommunityAsync();
        Assert.Contains("Zelda", await bot.DumpAsync(), StringComparison.Ordinal);

        var done = await bot.SayAsync("Zelda", "/progress me delete confirm");
        Assert.Contains("your StudyBot data in this community is deleted", done.Text, StringComparison.Ordinal);

        // Table by table: no trace of the name, the user id, the note or the plan's place.
        var dump = await bot.DumpAsync();
        foreach (var table in dump.Split("## ", StringSplitOptions.RemoveEmptyEntries))
        {
            var name = table[..table.IndexOf('\n', StringComparison.Ordinal)];
            foreach (var needle in new[] { "Zelda", "zelda", "secret garden" })
            {
                Assert.False(table.Contains(needle, StringComparison.Ordinal), $"table {name} still holds '{needle}'");
            }
        }

        var board = await bot.SayAsync("Bob", "/progress board all points");
        Assert.DoesNotContain("Deleted member", board.Text, StringComparison.Ordinal);
        var partner = await bot.SayAsync("Bob", "/progress partner status");
        Assert.Contains("no study partner", partner.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE DeletedAtUtc IS NOT NULL AND Privacy = 2"));
        Assert.True(await bot.CountAsync("SELECT COUNT(*) FROM PeriodStats ps JOIN Members m ON m.Id = ps.MemberId WHERE m.DeletedAtUtc IS NOT NULL") > 0, "anonymous totals stay");

        var fresh = await bot.SayAsync("Zelda", "/progress");
        Assert.StartsWith("Welcome to", fresh.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_who_left_keeps_their_data_for_the_retention_period_then_it_is_deleted()
    {
        await using var bot = await BusyCommunityAsync();
        var membership = bot.Services.GetRequiredService<MembershipService>();
        await membership.MemberLeftAsync(TestBot.Home, "zelda", CancellationToken.None);

        bot.Time.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await membership.PurgeAsync(CancellationToken.None));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE UserId = 'zelda'"));

        bot.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, await membership.PurgeAsync(CancellationToken.None));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE UserId = 'zelda'"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE UserId = 'bob'"));
    }

    [Fact]
    public async Task Coming_back_before_the_retention_period_ends_keeps_everything()
    {
        await using var bot = await BusyCommunityAsync();
        var membership = bot.Services.GetRequiredService<MembershipService>();
        await bot.SayAsync("Zelda", "/progress doing pandas");
        await membership.MemberLeftAsync(TestBot.Home, "zelda", CancellationToken.None);
        bot.Time.Advance(TimeSpan.FromDays(10));
        await bot.SayAsync("Zelda", "/progress log 10 review");

        bot.Time.Advance(TimeSpan.FromDays(40));
        Assert.Equal(0, await membership.PurgeAsync(CancellationToken.None));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE UserId = 'zelda'"));
    }

    [Fact]
    public async Task When_the_bot_is_removed_from_a_community_all_its_members_are_deleted_after_the_retention_period()
    {
        await using var bot = await BusyCommunityAsync();
        var membership = bot.Services.GetRequiredService<MembershipService>();
        await membership.CommunityLeftAsync(TestBot.Home, CancellationToken.None);

        bot.Time.Advance(TimeSpan.FromDays(31));
        var purged = await membership.PurgeAsync(CancellationToken.None);

        Assert.Equal(3, purged);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE DeletedAtUtc IS NULL"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM DailyTotals"));
    }

    [Fact]
    public async Task A_community_that_uses_the_bot_again_within_the_retention_period_keeps_everything()
    {
        await using var bot = await BusyCommunityAsync();
        var membership = bot.Services.GetRequiredService<MembershipService>();
        await bot.SayAsync("Zelda", "/progress doing pandas");
        await membership.CommunityLeftAsync(TestBot.Home, CancellationToken.None);
        bot.Time.Advance(TimeSpan.FromDays(10));
        await bot.SayAsync("Zelda", "/progress done pandas");

        bot.Time.Advance(TimeSpan.FromDays(40));
        Assert.Equal(0, await membership.PurgeAsync(CancellationToken.None));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Communities WHERE LeftAtUtc IS NOT NULL"));
        Assert.Equal(3, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE DeletedAtUtc IS NULL"));
    }

    [Fact]
    public async Task The_export_contains_everything_about_the_member_and_nothing_about_others()
    {
        await using var bot = await BusyCommunityAsync();

        var reply = await bot.SayAsync("Zelda", "/progress me export");

        var file = Assert.Single(reply.Attachments);
        Assert.Equal("application/json", file.ContentType);
        var json = System.Text.Encoding.UTF8.GetString(file.Content);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var member = doc.RootElement.GetProperty("member");
        Assert.Equal("zelda", member.GetProperty("profile").GetProperty("userId").GetString());
        Assert.Equal("the secret garden", member.GetProperty("profile").GetProperty("reminders").GetProperty("place").GetString());
        Assert.Equal(7, member.GetProperty("items").GetArrayLength());
        Assert.Equal(7, member.GetProperty("history").GetArrayLength());
        Assert.Contains("zelda-private-note", json, StringComparison.Ordinal);
        Assert.Equal(1, member.GetProperty("goals").GetArrayLength());
        Assert.Equal(1, member.GetProperty("rest").GetArrayLength());
        Assert.Equal(2, member.GetProperty("completions").GetArrayLength());
        Assert.Contains(member.GetProperty("totals").GetProperty("days").EnumerateArray(), d => d.GetProperty("practiceMinutes").GetInt32() == 180);
        Assert.Equal(1, member.GetProperty("partnerships").GetArrayLength());
        Assert.True(member.GetProperty("messages").GetArrayLength() > 0);
        foreach (var other in new[] { "Bob", "bob", "the cafe", "Admin" })
        {
            Assert.DoesNotContain(other, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_export_by_a_member_with_no_data_gets_a_clear_reply()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Nobody", "/progress me export");

        Assert.Contains("nothing to export", reply.Text, StringComparison.Ordinal);
        Assert.Empty(reply.Attachments);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Members"));
    }

    [Fact]
    public async Task Admins_export_the_community_and_others_are_refused()
    {
        await using var bot = await BusyCommunityAsync();

        var refused = await bot.Executor.RunTextAsync(TestBot.Member("Eve", admin: false), "/studybot export", CancellationToken.None);
        var export = await bot.SayAsync("Admin", "/studybot export");

        Assert.Contains("is for the community's admins", refused.Text, StringComparison.Ordinal);
        var json = System.Text.Encoding.UTF8.GetString(Assert.Single(export.Attachments).Content);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(3, doc.RootElement.GetProperty("members").GetArrayLength());
        Assert.Equal("#celebrations".TrimStart('#'), doc.RootElement.GetProperty("community").GetProperty("celebrationChannel").GetString());
    }
}
