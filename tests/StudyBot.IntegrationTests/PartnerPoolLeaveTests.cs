namespace StudyBot.IntegrationTests;

/// <summary>`/progress partner leave` leaves the pool too, as help says: someone waiting there is taken out and never matched.</summary>
public sealed class PartnerPoolLeaveTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_member_waiting_in_the_pool_who_leaves_is_taken_out_told_so_and_not_matched()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress remind plan weekdays 19:00");
        await bot.SayAsync("Ada", "/progress partner find");
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));

        var leave = await bot.SayAsync("Ada", "/progress partner leave");

        Assert.Contains("You've left the partner pool", leave.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));
        var status = await bot.SayAsync("Ada", "/progress partner status");
        Assert.Contains("You have no study partner yet", status.Text, StringComparison.Ordinal);

        // Someone compatible joins and an admin matches: Ada is not paired.
        await bot.SayAsync("Bob", "/progress start programmer part-time");
        await bot.SayAsync("Bob", "/progress remind plan weekdays 19:00");
        await bot.SayAsync("Bob", "/progress partner find");
        var match = await bot.SayAsync("Admin", "/studybot partners match");
        await bot.RunJobsAsync();

        Assert.Contains("No matches this time: 1 member is waiting", match.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Partnerships"));
        Assert.DoesNotContain(bot.Notifier.Deliveries, d => d.To == "ada");
    }

    [Fact]
    public async Task Leaving_again_or_without_ever_joining_says_there_is_nothing_to_leave()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Ada", "/progress remind plan weekdays 19:00");
        await bot.SayAsync("Ada", "/progress partner find");
        await bot.SayAsync("Ada", "/progress partner leave");

        var again = await bot.SayAsync("Ada", "/progress partner leave");
        var never = await bot.SayAsync("Bob", "/progress partner leave");

        Assert.Contains("You're not in the partner pool and have no study partner", again.Text, StringComparison.Ordinal);
        Assert.Contains("You're not in the partner pool and have no study partner", never.Text, StringComparison.Ordinal);
    }
}
