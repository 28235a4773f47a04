using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

public sealed class PartnerTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static async Task<TestBot> PairAsync(string zoneA = "Europe/Berlin", string zoneB = "Europe/Paris")
    {
        var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Ada", $"/progress timezone {zoneA}");
        await bot.SayAsync("Bob", $"/progress timezone {zoneB}");
        foreach (var name in new[] { "Ada", "Bob" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, "/progress remind plan weekdays 19:00");
            await bot.SayAsync(name, "/progress partner find");
        }

        await bot.SayAsync("Admin", "/studybot partners match");
        await bot.RunJobsAsync();
        return bot;
    }

    [Fact]
    public async Task Two_compatible_members_are_introduced_by_DM_with_the_reasons()
    {
        await using var bot = await PairAsync();

        var intros = bot.Notifier.Deliveries.Where(d => d.Message.Title?.StartsWith("🤝 Meet your study partner", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(["ada", "bob"], intros.Select(i => i.To).Order());
        var toAda = intros.Single(i => i.To == "ada").Message;
        Assert.Equal("🤝 Meet your study partner: Bob", toAda.Title);
        Assert.Contains("you're both in Phase 0: Foundation, you both study part-time, your usual study times overlap about 10h a week", toAda.Text, StringComparison.Ordinal);
        Assert.Contains("**Bob**: Phase 0: Foundation, studies weekdays at 19:00 (Europe/Paris)", toAda.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));
    }

    [Fact]
    public async Task Status_shows_the_partners_progress_within_their_privacy_choice()
    {
        await using var bot = await PairAsync();
        await bot.SayAsync("Bob", "/progress done python-basics");
        await bot.SayAsync("Bob", "/progress goal set 5 hours");

        var visible = await bot.SayAsync("Ada", "/progress partner status");
        await bot.SayAsync("Bob", "/progress me privacy private");
        var hidden = await bot.SayAsync("Ada", "/progress partner status");

        Assert.Equal("🤝 You and Bob", visible.Title);
        Assert.Contains("Phase 0: Foundation (14%)", visible.Fields.Single().Value, StringComparison.Ordinal);
        Assert.Contains("this week 0 of 5h", visible.Fields.Single().Value, StringComparison.Ordinal);
        Assert.Equal("Keeps their progress private. A nudge still reaches them.", hidden.Fields.Single().Value);
    }

    [Fact]
    public async Task A_nudge_goes_out_at_most_once_a_day()
    {
        await using var bot = await PairAsync();

        var first = await bot.SayAsync("Ada", "/progress partner nudge");
        var second = await bot.SayAsync("Ada", "/progress partner nudge");
        bot.Time.Advance(TimeSpan.FromHours(25));
        var third = await bot.SayAsync("Ada", "/progress partner nudge");
        await bot.RunJobsAsync();

        Assert.Contains("Nudge on its way to Bob", first.Text, StringComparison.Ordinal);
        Assert.Contains("You nudged already today", second.Text, StringComparison.Ordinal);
        Assert.Contains("Nudge on its way", third.Text, StringComparison.Ordinal);
        Assert.Equal(2, bot.Notifier.Deliveries.Count(d => d.To == "bob" && d.Message.Title == "👋 A nudge from your study partner"));
    }

    [Fact]
    public async Task A_nudge_to_nobody_and_partner_commands_during_rest_get_clear_replies()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress remind plan weekdays 19:00");

        var nobody = await bot.SayAsync("Ada", "/progress partner nudge");
        await bot.SayAsync("Ada", "/progress rest");
        var before = await bot.DumpAsync();
        var resting = await bot.SayAsync("Ada", "/progress partner find");

        Assert.Contains("There's nobody to nudge", nobody.Text, StringComparison.Ordinal);
        Assert.Contains("You're resting right now", resting.Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task Finding_a_partner_needs_a_study_plan()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy");

        var reply = await bot.SayAsync("Ada", "/progress partner find");

        Assert.Contains("tell me that first", reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));
    }

    [Fact]
    public async Task Members_who_cannot_study_together_are_not_matched()
    {
        await using var bot = await PairAsync(zoneA: "Europe/Berlin", zoneB: "Asia/Tokyo");

        Assert.Empty(bot.Notifier.Deliveries);
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));
    }

    [Fact]
    public async Task A_pair_shares_a_partner_streak_of_weeks_both_met_their_goals()
    {
        await using var bot = await PairAsync();
        foreach (var name in new[] { "Ada", "Bob" })
        {
            await bot.SayAsync(name, "/progress goal set 1 hours");
        }

        for (var week = 0; week < 3; week++)
        {
            await bot.SayAsync("Ada", "/progress log 1h practice");
            if (week != 1)
            {
                await bot.SayAsync("Bob", "/progress log 1h practice");
            }

            bot.Time.Advance(TimeSpan.FromDays(7));
        }

        await bot.SayAsync("Ada", "/progress log 1h practice");
        await bot.SayAsync("Bob", "/progress log 1h practice");

        var status = await bot.SayAsync("Ada", "/progress partner status");
        Assert.Contains("Partner streak: 2 weeks", status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_fourteen_quiet_days_the_active_partner_is_offered_a_rematch_once()
    {
        await using var bot = await PairAsync();
        var start = bot.Time.GetUtcNow();
        for (var day = 1; day <= 20; day++)
        {
            bot.Time.SetUtcNow(start.AddDays(day));
            await bot.SayAsync("Ada", "/progress log 20 practice");
            await bot.RunJobsAsync();
        }

        var offers = bot.Notifier.Deliveries.Where(d => d.Message.Title == "🤝 Your study partner has gone quiet").ToList();
        var offer = Assert.Single(offers);
        Assert.Equal("ada", offer.To);
        Assert.InRange(offer.At, start.AddDays(14), start.AddDays(16));

        var find = await bot.SayAsync("Ada", "/progress partner find");
        Assert.Contains("has ended, since they've been quiet for two weeks", find.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));
    }

    [Fact]
    public async Task Leaving_tells_the_partner_and_nobody_is_matched_again_within_eight_weeks()
    {
        await using var bot = await PairAsync();

        var leave = await bot.SayAsync("Ada", "/progress partner leave");
        await bot.SayAsync("Ada", "/progress partner find");
        await bot.SayAsync("Bob", "/progress partner find");
        await bot.SayAsync("Admin", "/studybot partners match");
        await bot.RunJobsAsync();

        Assert.Contains("You've left your partnership with Bob", leave.Text, StringComparison.Ordinal);
        Assert.Single(bot.Notifier.Deliveries, d => d.To == "bob" && d.Message.Title == "🤝 Partnership ended");
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM PartnerPool"));

        bot.Time.Advance(TimeSpan.FromDays(57));
        var match = await bot.SayAsync("Admin", "/studybot partners match");
        Assert.Contains("Matched 2 members into 1 group", match.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Weekly_matching_runs_on_the_community_schedule()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Admin", "/studybot partners schedule wednesday 10:00");
        foreach (var name in new[] { "Ada", "Bob", "Cy" })
        {
            await bot.SayAsync(name, "/progress remind plan weekdays 19:00");
            await bot.SayAsync(name, "/progress partner find");
        }

        await bot.RunUntilAsync(Utc(2026, 11, 4, 9, 55), TimeSpan.FromMinutes(30));
        Assert.DoesNotContain(bot.Notifier.Deliveries, d => d.Message.Title!.StartsWith("🤝", StringComparison.Ordinal));
        await bot.RunUntilAsync(Utc(2026, 11, 4, 10, 10), TimeSpan.FromMinutes(5));

        Assert.Equal(3, bot.Notifier.Deliveries.Count(d => d.Message.Title!.StartsWith("🤝 Meet your study partners", StringComparison.Ordinal)));
    }
}
