using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The outbox end to end on fake time, through notifiers that fail the way platforms do: retries by age with
/// jitter, reminders that are no longer useful dropped with a reason, each platform at its own pace, and pacing on
/// the monotonic clock.
/// </summary>
public sealed class DeliveryTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "guild-1", "Study guild");
    private static readonly CommunityRef Workspace = new(Platforms.Slack, "T0001", "Study workspace");

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static Task<TestBot> StartAsync(DateTimeOffset now) => TestBot.StartAsync(now: now, platforms: [Platforms.Discord, Platforms.Slack]);

    /// <summary>Everyone's reminders are written (the reminder job), but nothing is sent yet.</summary>
    private static Task WriteRemindersAsync(TestBot bot) =>
        bot.Services.GetRequiredService<ReminderService>().RunDueAsync(CancellationToken.None);

    private static async Task<string> ShowAsync(TestBot bot, CommunityRef community) =>
        ReplyText.All(await bot.SayAsync("Admin", "/studybot show", community));

    [Theory]
    [InlineData(SendTrouble.Transient)]
    [InlineData(SendTrouble.Throws)]
    [InlineData(SendTrouble.RateLimited)]
    public async Task A_reminder_and_a_celebration_queued_during_a_three_hour_outage_arrive_once_it_ends(SendTrouble trouble)
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 18, 0));
        var discord = bot.Notifiers[Platforms.Discord];
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00", Guild);
        var outageEnds = Utc(2026, 11, 23, 22, 0);
        discord.RetryAfter = TimeSpan.FromMinutes(1);
        discord.Trouble = (_, _) => bot.Time.GetUtcNow() < outageEnds ? trouble : SendTrouble.None;

        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 0), TimeSpan.FromMinutes(5));
        await bot.SayAsync("Ada", "/progress skip foundation known", Guild);
        await bot.RunUntilAsync(Utc(2026, 11, 23, 22, 30), TimeSpan.FromMinutes(2));

        var celebrations = await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'celebration'");
        Assert.True(celebrations > 0, "completing the phase wrote no celebration");
        Assert.Equal(celebrations + 1, discord.Deliveries.Count);
        Assert.Equal(discord.Deliveries.Count, discord.Deliveries.Select(d => d.Key).Distinct().Count());
        Assert.All(discord.Deliveries, d => Assert.InRange(d.At, outageEnds, outageEnds.AddMinutes(18)));
        Assert.Single(discord.Deliveries, d => d.Message.Title == "📅 Study time");
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE SentAtUtc IS NULL"));
    }

    [Fact]
    public async Task A_celebration_that_cannot_be_delivered_for_three_days_is_given_up_and_shown_to_admins()
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 9, 0));
        var discord = bot.Notifiers[Platforms.Discord];
        discord.Trouble = (_, _) => SendTrouble.Transient;
        await bot.SayAsync("Ada", "/progress skip foundation known", Guild);

        await bot.RunUntilAsync(Utc(2026, 11, 26, 8, 0), TimeSpan.FromMinutes(15));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE FailedAtUtc IS NOT NULL"));

        await bot.RunUntilAsync(Utc(2026, 11, 26, 10, 0), TimeSpan.FromMinutes(15));
        var celebrations = await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'celebration'");
        Assert.Equal(celebrations, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'celebration' AND FailedAtUtc IS NOT NULL"));
        Assert.Empty(discord.Deliveries);
        var show = await ShowAsync(bot, Guild);
        var what = celebrations == 1 ? "1 celebration" : $"{celebrations} celebrations";
        Assert.Contains($"{what} not delivered this week: Discord kept failing for 3 days", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reminder_whose_week_has_passed_during_an_outage_is_dropped_with_the_reason_shown()
    {
        // Sunday 29 November, 19:00 UTC: the last reminder of the week; Discord is down until Monday 02:00.
        await using var bot = await StartAsync(Utc(2026, 11, 29, 18, 0));
        var discord = bot.Notifiers[Platforms.Discord];
        await bot.SayAsync("Ada", "/progress remind plan sunday 19:00", Guild);
        var outageEnds = Utc(2026, 11, 30, 2, 0);
        discord.Trouble = (_, _) => bot.Time.GetUtcNow() < outageEnds ? SendTrouble.Transient : SendTrouble.None;

        await bot.RunUntilAsync(Utc(2026, 11, 30, 3, 0), TimeSpan.FromMinutes(5));

        Assert.Empty(discord.Deliveries);
        Assert.Equal("1|", (await bot.QueryAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'reminder' AND FailedAtUtc IS NOT NULL")).Trim());
        Assert.Contains("1 reminder dropped this week: its week had passed", await ShowAsync(bot, Guild), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_queued_reminder_is_dropped_when_a_later_one_for_the_same_member_is_written()
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 6, 0));
        var discord = bot.Notifiers[Platforms.Discord];
        await bot.SayAsync("Ada", "/progress remind plan daily 07:00", Guild);
        var outageEnds = Utc(2026, 11, 24, 9, 0);
        discord.Trouble = (_, _) => bot.Time.GetUtcNow() < outageEnds ? SendTrouble.Transient : SendTrouble.None;

        await bot.RunUntilAsync(Utc(2026, 11, 24, 9, 30), TimeSpan.FromMinutes(10));

        var reminder = Assert.Single(discord.Deliveries);
        Assert.Contains(":202611240700", reminder.Key, StringComparison.Ordinal);
        Assert.Contains("1 reminder dropped this week: a later reminder replaced it", await ShowAsync(bot, Guild), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discord_DMs_do_not_wait_behind_Slacks_one_message_a_second()
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 18, 0));
        for (var i = 0; i < 30; i++)
        {
            await bot.SayAsync($"S{i:00}", "/progress remind plan monday 18:59", Workspace);
        }

        for (var i = 0; i < 10; i++)
        {
            await bot.SayAsync($"D{i:00}", "/progress remind plan monday 19:00", Guild);
        }

        // The Slack reminders are written first, so they are the older rows.
        bot.Time.SetUtcNow(Utc(2026, 11, 23, 18, 59));
        await WriteRemindersAsync(bot);
        bot.Time.SetUtcNow(Utc(2026, 11, 23, 19, 0));
        await WriteRemindersAsync(bot);
        var started = bot.Time.Monotonic;

        await bot.DrainAsync(TimeSpan.FromMinutes(5));

        var discord = bot.Notifiers[Platforms.Discord].Deliveries;
        var slack = bot.Notifiers[Platforms.Slack].Deliveries;
        Assert.Equal(10, discord.Count);
        Assert.Equal(30, slack.Count);
        // Ten DMs at Discord's pace take a quarter of a second; behind Slack's backlog they would wait half a minute.
        // (A loaded machine can still make the pump take a slow database moment for a wait: room for a few seconds.)
        Assert.All(discord, d => Assert.True(d.Monotonic - started < TimeSpan.FromSeconds(10), $"A Discord DM waited {d.Monotonic - started}."));
        Assert.True(discord[^1].Monotonic < slack[9].Monotonic, "The Discord DMs waited behind Slack's messages.");
        Assert.All(slack.Zip(slack.Skip(1)), p => Assert.True(p.Second.Monotonic - p.First.Monotonic >= TimeSpan.FromSeconds(1), "Slack went faster than once a second."));
    }

    [Fact]
    public async Task A_drain_run_stops_at_its_budget_message_by_message_and_the_next_runs_send_the_rest()
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 18, 0));
        for (var i = 0; i < 30; i++)
        {
            await bot.SayAsync($"S{i:00}", "/progress remind plan monday 19:00", Workspace);
        }

        bot.Time.SetUtcNow(Utc(2026, 11, 23, 19, 0));
        await WriteRemindersAsync(bot);
        var started = bot.Time.Monotonic;

        var delivered = await bot.DrainAsync(TimeSpan.FromSeconds(10));

        Assert.InRange(delivered, 9, 11);
        Assert.InRange(bot.Time.Monotonic - started, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(11));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE SentAtUtc IS NULL AND ClaimedUntilUtc IS NOT NULL"));
        while (await bot.DrainAsync(TimeSpan.FromSeconds(10)) > 0)
        {
        }

        var slack = bot.Notifiers[Platforms.Slack].Deliveries;
        Assert.Equal(30, slack.Select(d => d.To).Distinct().Count());
        Assert.Equal(30, slack.Count);
    }

    [Fact]
    public async Task The_outbox_keeps_each_platforms_pace_end_to_end()
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 18, 0));
        for (var i = 0; i < 25; i++)
        {
            await bot.SayAsync($"C{i:00}", "/progress remind plan monday 19:00");
            await bot.SayAsync($"D{i:00}", "/progress remind plan monday 19:00", Guild);
        }

        bot.Notifier.MaxPerSecond = new DeliveryRates().For(Platforms.Console);
        bot.Notifiers[Platforms.Discord].MaxPerSecond = new DeliveryRates().For(Platforms.Discord);
        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 1), TimeSpan.FromMinutes(1));

        Assert.Equal(25, bot.Notifier.Deliveries.Count);
        Assert.Equal(25, bot.Notifiers[Platforms.Discord].Deliveries.Count);
        Assert.Equal(0, bot.Notifier.TooFast);
        Assert.Equal(0, bot.Notifiers[Platforms.Discord].TooFast);
    }

    [Fact]
    public async Task A_system_clock_set_back_an_hour_does_not_park_the_outbox()
    {
        await using var bot = await StartAsync(Utc(2026, 11, 23, 18, 0));
        for (var i = 0; i < 8; i++)
        {
            await bot.SayAsync($"S{i:00}", "/progress remind plan monday 19:00", Workspace);
        }

        bot.Time.SetUtcNow(Utc(2026, 11, 23, 19, 0));
        await WriteRemindersAsync(bot);
        var slack = bot.Notifiers[Platforms.Slack];
        var stepped = 0;
        slack.BeforeSend = _ =>
        {
            // NTP (or an operator) corrects the clock by an hour right after the first send.
            if (Interlocked.Exchange(ref stepped, 1) == 0)
            {
                bot.Time.StepWallClockBack(TimeSpan.FromHours(1));
            }
        };

        await bot.DrainAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(8, slack.Deliveries.Count);
        Assert.All(slack.Deliveries.Zip(slack.Deliveries.Skip(1)), p =>
            Assert.InRange(p.Second.Monotonic - p.First.Monotonic, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
    }
}
