using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>Milestone celebrations and leaderboards, end to end on the real engine and database, on fake time.</summary>
public sealed class CommunityNotificationTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static readonly string[] PhaseZero =
    [
        "python-basics", "mathematics-basics", "environment-setup",
        "foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready", "foundation-first-notebook",
    ];

    [Fact]
    public async Task A_milestone_is_celebrated_in_the_channel_within_a_minute()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        foreach (var item in PhaseZero)
        {
            bot.Time.Advance(TimeSpan.FromDays(3.5));
            await bot.SayAsync("Ada", $"/progress done {item}");
        }

        var completedAt = bot.Time.GetUtcNow();
        await bot.RunUntilAsync(completedAt.AddMinutes(1), TimeSpan.FromSeconds(5));

        var posts = bot.Notifier.Deliveries.Where(d => d.To == "#celebrations").ToList();
        Assert.Equal(2, posts.Count);
        Assert.All(posts, p => Assert.InRange(p.At - completedAt, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        Assert.Contains("**Ada** completed the Foundation Milestone! It took 3 weeks; the guide allows 2-3 months.", posts[0].Message.Text, StringComparison.Ordinal);
        Assert.Contains("Next up: Phase 1: Data Fundamentals, starting with NumPy.", posts[1].Message.Text, StringComparison.Ordinal);
        Assert.Equal(Visibility.Public, posts[0].Message.Visibility);
    }

    [Theory]
    [InlineData("dm", "public", "ada")]
    [InlineData("public", "private", "ada")]
    [InlineData("public", "partners", "#celebrations")]
    public async Task Celebrations_go_where_the_member_chose(string celebrate, string privacy, string expectedTarget)
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        await bot.SayAsync("Ada", $"/progress me celebrate {celebrate}");
        await bot.SayAsync("Ada", $"/progress me privacy {privacy}");

        await bot.SayAsync("Ada", "/progress skip foundation known");
        await bot.RunUntilAsync(bot.Time.GetUtcNow().AddMinutes(1), TimeSpan.FromSeconds(10));

        Assert.Equal(2, bot.Notifier.Deliveries.Count);
        Assert.All(bot.Notifier.Deliveries, d => Assert.Equal(expectedTarget, d.To));
    }

    [Fact]
    public async Task A_member_who_wants_no_celebrations_gets_none_and_an_undo_within_seconds_withdraws_one()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        await bot.SayAsync("Bob", "/progress me celebrate none");
        await bot.SayAsync("Bob", "/progress skip foundation known");
        await bot.SayAsync("Ada", "/progress skip foundation known");
        bot.Time.Advance(TimeSpan.FromSeconds(3));
        await bot.SayAsync("Ada", "/progress undo");

        await bot.RunUntilAsync(bot.Time.GetUtcNow().AddMinutes(2), TimeSpan.FromSeconds(5));

        Assert.Empty(bot.Notifier.Deliveries);
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM CompletionEvents WHERE NotifiedAtUtc IS NOT NULL"));
    }

    [Fact]
    public async Task The_weekly_leaderboard_respects_every_privacy_choice_and_the_beginner_shield()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 10, 1, 9, 0));
        await bot.SayAsync("Admin", "/studybot channel leaderboard #leaderboard");

        // Veterans start in October; the beginner joins the week before the post.
        string[] veterans = ["Pia", "Paul", "Priv", "Quinn"];
        foreach (var name in veterans)
        {
            await bot.SayAsync(name, "/progress log 10 practice");
        }

        await bot.SayAsync("Pia", "/progress me privacy public");
        await bot.SayAsync("Priv", "/progress me privacy private");
        bot.Time.SetUtcNow(Utc(2026, 11, 16, 10, 0));
        await bot.SayAsync("Newbie", "/progress log 10 practice");
        await bot.SayAsync("Newcomer", "/progress me privacy public");
        bot.Time.SetUtcNow(Utc(2026, 11, 17, 10, 0));
        await bot.SayAsync("Pia", "/progress log 2h practice");
        await bot.SayAsync("Pia", "/progress done numpy");
        await bot.SayAsync("Paul", "/progress log 3h practice");
        await bot.SayAsync("Priv", "/progress log 8h practice");
        await bot.SayAsync("Newbie", "/progress log 5h practice");
        await bot.SayAsync("Newcomer", "/progress log 1h practice");
        bot.Time.SetUtcNow(Utc(2026, 11, 18, 10, 0));
        await bot.SayAsync("Quinn", "/progress log 30 practice");
        await bot.SayAsync("Paul", "/progress log 30 review");

        await bot.RunUntilAsync(Utc(2026, 11, 23, 9, 5), TimeSpan.FromHours(12));
        await bot.RunUntilAsync(Utc(2026, 11, 23, 9, 10), TimeSpan.FromMinutes(1));

        var post = Assert.Single(bot.Notifier.Deliveries, d => d.To == "#leaderboard");
        var text = ReplyText.All(post.Message);
        Assert.InRange(post.At, Utc(2026, 11, 23, 9, 0), Utc(2026, 11, 23, 9, 5));
        Assert.Contains("the week of 16 Nov 2026", post.Message.Title, StringComparison.Ordinal);
        Assert.DoesNotContain("Priv", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Newbie", text, StringComparison.Ordinal);
        Assert.Contains("**Newcomer** · 6 points · 1h · 0 items", text, StringComparison.Ordinal);
        Assert.Contains("🥇 **Pia** · 22 points · 2h · 1 item", text, StringComparison.Ordinal);
        Assert.Contains("🥈 **Paul** · 21 points\n", text, StringComparison.Ordinal);
        Assert.Contains("**Quinn** · 3 points\n", text, StringComparison.Ordinal);
        Assert.Contains("**Paul** · 2 days studied", text, StringComparison.Ordinal);
        Assert.Contains("Run `/progress`", text, StringComparison.Ordinal);
        Assert.Equal(Visibility.Public, post.Message.Visibility);

        await bot.RunUntilAsync(Utc(2026, 11, 29, 0, 0), TimeSpan.FromHours(6));
        Assert.Single(bot.Notifier.Deliveries, d => d.To == "#leaderboard");
    }

    [Fact]
    public async Task The_board_command_answers_privately_under_the_same_rules()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 10, 1, 9, 0));
        foreach (var name in new[] { "Pia", "Paul", "Priv" })
        {
            await bot.SayAsync(name, "/progress log 10 practice");
        }

        await bot.SayAsync("Pia", "/progress me privacy public");
        await bot.SayAsync("Priv", "/progress me privacy private");
        bot.Time.SetUtcNow(Utc(2026, 11, 24, 10, 0));
        await bot.SayAsync("Pia", "/progress log 1h practice");
        await bot.SayAsync("Paul", "/progress log 2h practice");
        await bot.SayAsync("Priv", "/progress log 3h practice");

        var points = await bot.SayAsync("Paul", "/progress board");
        var minutes = await bot.SayAsync("Paul", "/progress board week minutes");
        var all = await bot.SayAsync("Paul", "/progress board all points");

        Assert.Equal(Visibility.Private, points.Visibility);
        Assert.Contains("🥇 **Paul** · 12 points ← you\n🥈 **Pia** · 6 points · 1h · 0 items", points.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Priv", points.Text + minutes.Text + all.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Paul", minutes.Text, StringComparison.Ordinal);
        Assert.Contains("**Pia** · 1h", minutes.Text, StringComparison.Ordinal);
        Assert.Contains("**Paul** · 13 points", all.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_settings_survive_a_restart_and_non_admins_are_refused_politely()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-admin-{Guid.NewGuid():N}.db");
        try
        {
            await using (var bot = await TestBot.StartAsync(dbPath: path))
            {
                await bot.SayAsync("Admin", "/studybot channel leaderboard #leaderboard");
                await bot.SayAsync("Admin", "/studybot timezone America/New_York");
                await bot.SayAsync("Admin", "/studybot leaderboard schedule friday 17:30");
                await bot.SayAsync("Admin", "/studybot reminders max-per-week 1");
                var before = await bot.DumpAsync();
                var refused = await bot.Executor.RunTextAsync(TestBot.Member("Eve", admin: false), "/studybot timezone UTC", CancellationToken.None);
                Assert.Contains("is for the community's admins", refused.Text, StringComparison.Ordinal);
                Assert.Equal(before, await bot.DumpAsync());
            }

            await using var again = await TestBot.StartAsync(dbPath: path);
            var show = await again.SayAsync("Admin", "/studybot show");
            var text = ReplyText.All(show);
            Assert.Contains("Time zone: America/New_York", text, StringComparison.Ordinal);
            Assert.Contains("Leaderboard: #leaderboard, Friday 17:30", text, StringComparison.Ordinal);
            Assert.Contains("at most 1 a week", text, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    public static TheoryData<string, string> BadScheduling() => new()
    {
        { "/progress remind plan someday 25:00", "`25:00` isn't a time of day" },
        { "/progress remind plan someday 19:00", "I couldn't read the days `someday`" },
        { "/progress remind plan weekdays 25:00", "`25:00` isn't a time of day" },
        { "/progress remind snooze 3 fortnights", "is not a valid duration" },
        { "/progress remind quiet 22:00", "need a start and an end" },
        { "/progress remind quiet 22:00 22:00", "can't start and end at the same time" },
        { "/progress rest until someday", "couldn't read `someday` as a date" },
        { "/progress rest until 2020-01-01", "1 Jan 2020 has passed" },
        { "/progress timezone Mars/Olympus_Mons", "not a time zone I know" },
        { "/studybot timezone Mars/Olympus_Mons", "not a time zone I know" },
        { "/studybot channel celebrations #does-not-exist", "I can't find a channel" },
        { "/studybot channel memes #general", "is not a valid kind" },
        { "/studybot leaderboard schedule someday 09:00", "isn't a day of the week" },
        { "/studybot reminders max-per-week 0", "between 1 and 7" },
        { "/progress board all improved", "needs week or month" },
        { "/progress me privacy invisible", "is not a valid level" },
    };

    [Theory]
    [MemberData(nameof(BadScheduling))]
    public async Task Bad_scheduling_input_gets_a_clear_reply_and_changes_nothing(string input, string expected)
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress remind plan weekdays 19:00");
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", input);

        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Equal(before, await bot.DumpAsync());
    }
}
