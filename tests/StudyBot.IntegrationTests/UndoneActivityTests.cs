using System.Text.Json;

namespace StudyBot.IntegrationTests;

/// <summary>A day counts as studied while it has logged time or a finished item: undoing them takes the day back.</summary>
public sealed class UndoneActivityTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static async Task<TestBot> PublicPairAsync()
    {
        var bot = await TestBot.StartAsync(now: Utc(2026, 11, 25, 10, 0));
        foreach (var name in new[] { "Ada", "Bob" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, "/progress me privacy public");
        }

        await bot.SayAsync("Bob", "/progress log 20 review");
        return bot;
    }

    /// <summary>The active days of Ada's week, month and all-time totals, as her export gives them.</summary>
    private static async Task<(int Week, int Month, int All)> ExportedActiveDaysAsync(TestBot bot)
    {
        var export = await bot.SayAsync("Ada", "/progress me export");
        using var doc = JsonDocument.Parse(Assert.Single(export.Attachments).Content);
        var periods = doc.RootElement.GetProperty("member").GetProperty("totals").GetProperty("periods").EnumerateArray().ToList();
        int Of(string period) => periods.Where(p => p.GetProperty("period").GetString() == period).Sum(p => p.GetProperty("activeDayCount").GetInt32());
        return (Of("week"), Of("month"), Of("all"));
    }

    [Fact]
    public async Task An_undone_log_is_not_a_day_studied_on_the_consistency_board_or_in_the_export()
    {
        await using var bot = await PublicPairAsync();
        await bot.SayAsync("Ada", "/progress log 30 practice");
        Assert.Contains("**Ada** · 1 day studied", (await bot.SayAsync("Bob", "/progress board week consistency")).Text, StringComparison.Ordinal);

        var undo = await bot.SayAsync("Ada", "/progress undo");

        Assert.Contains("Removed the 30 min of practice", undo.Text, StringComparison.OrdinalIgnoreCase);
        var board = await bot.SayAsync("Bob", "/progress board week consistency");
        Assert.DoesNotContain("Ada", board.Text, StringComparison.Ordinal);
        Assert.Contains("**Bob** · 1 day studied", board.Text, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), await ExportedActiveDaysAsync(bot));
    }

    [Fact]
    public async Task An_undone_item_is_not_a_day_studied_and_a_day_with_something_left_still_is()
    {
        await using var bot = await PublicPairAsync();
        await bot.SayAsync("Ada", "/progress done python-basics");
        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal((0, 0, 0), await ExportedActiveDaysAsync(bot));

        // Two logs on one day, one undone: the day still counts, once.
        await bot.SayAsync("Ada", "/progress log 15 learning");
        await bot.SayAsync("Ada", "/progress log 25 practice");
        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal((1, 1, 1), await ExportedActiveDaysAsync(bot));
        Assert.Contains("**Ada** · 1 day studied", (await bot.SayAsync("Bob", "/progress board month consistency")).Text, StringComparison.Ordinal);

        // Undone again: gone; logged again: back, still once.
        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal((0, 0, 0), await ExportedActiveDaysAsync(bot));
        await bot.SayAsync("Ada", "/progress log 10 review");
        Assert.Equal((1, 1, 1), await ExportedActiveDaysAsync(bot));
    }
}
