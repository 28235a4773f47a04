using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Deleting one member's data selects that member's rows by id. A member whose name is a single letter (`e`)
/// must not take other members' reminders, celebrations, leaderboard posts, export records or receipts with them.
/// </summary>
public sealed class ErasureScopeTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>
    /// `e` and Bob, each with pending (undelivered) celebrations and a reminder, and a pending leaderboard post that
    /// names Bob only (`e` is private). Nothing has been delivered yet.
    /// </summary>
    private static async Task<TestBot> TwoMembersWithPendingMessagesAsync()
    {
        var bot = await TestBot.StartAsync(now: Utc(2026, 10, 5, 9, 0));
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        await bot.SayAsync("Admin", "/studybot channel leaderboard #leaderboard");
        await bot.Services.GetRequiredService<LeaderboardService>().RunDueAsync(CancellationToken.None);
        foreach (var name in new[] { "e", "Bob" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, "/progress remind plan weekdays 19:00");
            await bot.SayAsync(name, "/progress goal set 1 hours");
            await bot.SayAsync(name, "/progress skip foundation known");
            await bot.SayAsync(name, "/progress log 45 practice");
        }

        await bot.SayAsync("e", "/progress me privacy private");
        await bot.SayAsync("Bob", "/progress me privacy public");

        // Celebrations, then the Monday reminders, then next Monday's leaderboard: written, never drained.
        bot.Time.Advance(TimeSpan.FromMinutes(1));
        await bot.Services.GetRequiredService<CelebrationService>().RunAsync(CancellationToken.None);
        bot.Time.SetUtcNow(Utc(2026, 10, 5, 19, 0));
        await bot.Services.GetRequiredService<ReminderService>().RunDueAsync(CancellationToken.None);
        bot.Time.SetUtcNow(Utc(2026, 10, 12, 9, 0));
        await bot.Services.GetRequiredService<LeaderboardService>().RunDueAsync(CancellationToken.None);
        return bot;
    }

    private static Task<string> OutboxRowsOfAsync(TestBot bot, string userId) => bot.QueryAsync(
        $"SELECT o.Id, o.Kind, o.RecipientId, o.PayloadJson FROM Outbox o JOIN Members m ON m.Id = o.MemberId WHERE m.UserId = '{userId}' ORDER BY o.Id");

    [Fact]
    public async Task Deleting_a_member_named_e_leaves_every_other_members_pending_reminders_and_celebrations()
    {
        await using var bot = await TwoMembersWithPendingMessagesAsync();
        var bobsBefore = await OutboxRowsOfAsync(bot, "bob");
        Assert.Contains("|reminder|bob|", bobsBefore, StringComparison.Ordinal);
        Assert.Contains("|celebration|celebrations|", bobsBefore, StringComparison.Ordinal);
        Assert.Contains("|reminder|e|", await OutboxRowsOfAsync(bot, "e"), StringComparison.Ordinal);

        var done = await bot.SayAsync("e", "/progress me delete confirm");

        Assert.Contains("your StudyBot data in this community is deleted", done.Text, StringComparison.Ordinal);
        Assert.Equal(bobsBefore, await OutboxRowsOfAsync(bot, "bob"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE RecipientId = 'e'"));

        // And they still go out: the celebrations at once; Bob's Monday reminder, drained a week late, is
        // dropped because its week passed (the outbox's rule), not because e left.
        await bot.DrainAsync(TimeSpan.FromMinutes(1));
        var delivered = bot.Notifier.Deliveries;
        Assert.Equal(1, await bot.CountAsync($"SELECT COUNT(*) FROM Outbox o JOIN Members m ON m.Id = o.MemberId WHERE m.UserId = 'bob' AND o.Kind = 'reminder' AND o.DropReason = {(int)UndeliveredReason.WeekPassed}"));
        Assert.Equal(2, delivered.Count(d => d.To == "#celebrations" && d.Message.Text?.Contains("Bob", StringComparison.Ordinal) == true));
        Assert.DoesNotContain(delivered, d => d.To == "e");
    }

    [Fact]
    public async Task Deleting_a_member_named_e_keeps_a_community_post_that_does_not_name_them()
    {
        await using var bot = await TwoMembersWithPendingMessagesAsync();
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'leaderboard'"));

        await bot.SayAsync("e", "/progress me delete confirm");

        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'leaderboard' AND SentAtUtc IS NULL"));
        await bot.DrainAsync(TimeSpan.FromMinutes(1));
        var board = Assert.Single(bot.Notifier.Deliveries, d => d.To == "#leaderboard");
        Assert.Contains("Bob", ReplyText.All(board.Message), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_member_named_e_leaves_other_members_export_records_and_command_receipts()
    {
        await using var bot = await TwoMembersWithPendingMessagesAsync();
        await bot.DrainAsync(TimeSpan.FromMinutes(1));
        var bob = TestBot.Member("Bob");
        var arrival = bot.Executor.Arrive(bob.Community.Platform, bob.Community.ExternalId, bob.UserId, "delivery-bob-1");
        await bot.Executor.RunTextAsync(bob, "/progress log 20 review", arrival, CancellationToken.None);
        var exportBefore = MessagesInExport(await bot.SayAsync("Bob", "/progress me export"));
        Assert.True(exportBefore > 0, "Bob's export lists the messages sent to him");

        await bot.SayAsync("e", "/progress me delete confirm");

        Assert.Equal(exportBefore, MessagesInExport(await bot.SayAsync("Bob", "/progress me export")));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts WHERE UserId = 'bob'"));
        var again = await bot.Executor.RunTextAsync(bob, "/progress log 20 review", bot.Executor.Arrive(bob.Community.Platform, bob.Community.ExternalId, bob.UserId, "delivery-bob-1"), CancellationToken.None);
        Assert.Contains("reached me twice", ReplyText.All(again), StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs l JOIN Members m ON m.Id = l.MemberId WHERE m.UserId = 'bob' AND l.Minutes = 20"));
    }

    private static int MessagesInExport(Reply reply)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(Assert.Single(reply.Attachments).Content);
        return doc.RootElement.GetProperty("member").GetProperty("messages").GetArrayLength();
    }
}
