namespace StudyBot.IntegrationTests;

/// <summary>A goal set again on the same day replaces the one before: the latest goal is the one that counts, everywhere.</summary>
public sealed class GoalChangeTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_second_goal_set_on_the_same_day_is_the_one_the_overview_streak_and_reminder_use()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 10, 0));
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        await bot.SayAsync("Ada", "/progress goal set 5 hours");
        await bot.SayAsync("Ada", "/progress log 6h practice");

        var set = await bot.SayAsync("Ada", "/progress goal set 8 hours");

        Assert.Contains("Goal set: 8 hours a week. So far this week: 6h.", set.Text, StringComparison.Ordinal);
        var show = await bot.SayAsync("Ada", "/progress goal show");
        Assert.Contains("6h of 8h (goal: 8 hours a week)", ReplyText.All(show), StringComparison.Ordinal);
        var overview = await bot.SayAsync("Ada", "/progress");
        Assert.Contains("This week: 6h of 8h", ReplyText.All(overview), StringComparison.Ordinal);
        var streak = await bot.SayAsync("Ada", "/progress streak");
        Assert.Contains("This week: 6h of 8h. 2h to go", streak.Text, StringComparison.Ordinal);

        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 1), TimeSpan.FromMinutes(30));
        var reminder = Assert.Single(bot.Notifier.Deliveries, d => d.To == "ada" && d.Message.Title == "📅 Study time");
        Assert.Contains("8 hours a week: 6h so far, 2h to go.", ReplyText.All(reminder.Message), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_latest_goal_of_the_day_still_counts_after_a_restart_and_can_be_set_back()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-goal-{Guid.NewGuid():N}.db");
        try
        {
            await using (var first = await TestBot.StartAsync(now: Utc(2026, 11, 23, 10, 0), dbPath: path))
            {
                await first.SayAsync("Ada", "/progress goal set 5 hours");
                await first.SayAsync("Ada", "/progress goal set 8 hours");
            }

            await using var second = await TestBot.StartAsync(now: Utc(2026, 11, 23, 11, 0), dbPath: path);
            var show = await second.SayAsync("Ada", "/progress goal show");
            Assert.Contains("(goal: 8 hours a week)", ReplyText.All(show), StringComparison.Ordinal);

            var back = await second.SayAsync("Ada", "/progress goal set 5 hours");
            Assert.Contains("Goal set: 5 hours a week.", back.Text, StringComparison.Ordinal);
            Assert.Contains("(goal: 5 hours a week)", ReplyText.All(await second.SayAsync("Ada", "/progress goal show")), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }
}
