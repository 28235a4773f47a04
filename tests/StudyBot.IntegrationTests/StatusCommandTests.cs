using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>
/// <c>/studybot status</c>: the organisers' view of how StudyBot is doing for their community, in plain words: commands
/// answered today and how fast, what is waiting, what failed in the last 24 hours with what to do, what comes next.
/// </summary>
public sealed class StatusCommandTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "guild-1", "Study guild");

    private static DateTimeOffset Utc(int d, int h, int mi) => new(2026, 11, d, h, mi, 0, TimeSpan.Zero);

    private static async Task<string> StatusAsync(TestBot bot, CommunityRef? community = null) =>
        ReplyText.All(await bot.SayAsync("Admin", "/studybot status", community));

    [Fact]
    public async Task An_admin_sees_the_commands_answered_today_nothing_waiting_no_problems_and_what_comes_next()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(25, 12, 0));
        await bot.SayAsync("Ada", "/progress log 30 practice");
        await bot.SayAsync("Ada", "/progress");
        await bot.SayAsync("Bo", "/progress next");

        var status = await StatusAsync(bot);

        Assert.Contains("StudyBot status for", status, StringComparison.Ordinal);
        Assert.Contains("3 commands answered", status, StringComparison.Ordinal);
        Assert.Contains("Nothing waiting", status, StringComparison.Ordinal);
        Assert.Contains("Problems in the last 24 hours", status, StringComparison.Ordinal);
        Assert.Contains("✅ None.", status, StringComparison.Ordinal);
        Assert.Contains("Leaderboard: not posted, no channel set", status, StringComparison.Ordinal);
        Assert.Contains("Partner matching: when an admin runs `/studybot partners match`", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Today_starts_at_the_communitys_own_midnight_even_in_a_zone_three_quarters_off_the_hour()
    {
        // Kathmandu is UTC+5:45: 18:10 UTC is 23:55 there, 18:20 UTC is 00:05 the next day.
        await using var bot = await TestBot.StartAsync(now: Utc(24, 12, 0));
        await bot.SayAsync("Admin", "/studybot timezone Asia/Kathmandu");
        bot.Time.SetUtcNow(Utc(25, 18, 10));
        await bot.SayAsync("Ada", "/progress");
        await bot.SayAsync("Ada", "/progress next");
        Assert.Contains("2 commands answered", await StatusAsync(bot), StringComparison.Ordinal);

        bot.Time.SetUtcNow(Utc(25, 18, 20));
        var status = await StatusAsync(bot);
        Assert.Contains("None answered yet today", status, StringComparison.Ordinal);

        await bot.SayAsync("Ada", "/progress");
        Assert.Contains("2 commands answered", await StatusAsync(bot), StringComparison.Ordinal); // the status asked just before, and this one
    }

    [Fact]
    public async Task Messages_refused_for_closed_DMs_show_as_a_problem_with_what_members_can_do()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(25, 12, 0), platforms: [Platforms.Discord]);
        var discord = bot.Notifiers[Platforms.Discord];
        discord.ClosedDms["ada"] = true;
        await bot.SayAsync("Ada", "/progress skip foundation known", Guild);

        await bot.RunUntilAsync(Utc(25, 12, 30), TimeSpan.FromMinutes(5));

        var status = await StatusAsync(bot, Guild);
        Assert.Contains("refused by Discord for good: members with DMs closed", status, StringComparison.Ordinal);
        Assert.Contains("allow DMs from server members", status, StringComparison.Ordinal);
        Assert.DoesNotContain("✅ None.", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliveries_held_up_by_a_failing_platform_show_how_many_wait_and_for_how_long()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(25, 12, 0), platforms: [Platforms.Discord]);
        var discord = bot.Notifiers[Platforms.Discord];
        discord.Trouble = (_, _) => SendTrouble.Transient;
        await bot.SayAsync("Ada", "/progress skip foundation known", Guild);

        await bot.RunUntilAsync(Utc(25, 12, 40), TimeSpan.FromMinutes(5));

        var status = await StatusAsync(bot, Guild);
        Assert.Matches(@"⏳ \d+ messages? waiting, the oldest for \d+ min", status);
    }

    [Fact]
    public async Task The_next_leaderboard_post_and_partner_matching_are_named_in_the_communitys_time()
    {
        // Wednesday 25 November 2026, 12:00 UTC.
        await using var bot = await TestBot.StartAsync(now: Utc(25, 12, 0));
        await bot.SayAsync("Admin", "/studybot channel leaderboard #leaderboard");
        await bot.SayAsync("Admin", "/studybot leaderboard schedule thursday 09:00");
        await bot.SayAsync("Admin", "/studybot partners schedule friday 10:30");

        var status = await StatusAsync(bot);

        Assert.Contains("Leaderboard: tomorrow at 09:00 (UTC) in #leaderboard", status, StringComparison.Ordinal);
        Assert.Contains("Partner matching: Friday at 10:30 (UTC)", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_who_is_not_an_admin_is_told_status_is_for_admins_and_sees_nothing_of_it()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(25, 12, 0));

        var reply = await bot.Executor.RunTextAsync(TestBot.Member("Bo", admin: false), "/studybot status", CancellationToken.None);

        var text = ReplyText.All(reply);
        Assert.Contains("for the community's admins", text, StringComparison.Ordinal);
        Assert.DoesNotContain("commands answered", text, StringComparison.Ordinal);
    }
}
