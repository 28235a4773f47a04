using System.Text;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;

namespace StudyBot.IntegrationTests;

/// <summary>
/// What StudyBot sends without a command in the social features, in the recipient's language: the weekly leaderboard
/// post in the community's, partner and focus DMs in the member's (their choice, else their platform's locale, else the
/// community's). Rendered into snapshots (Snapshots/&lt;name&gt;.&lt;language&gt;.txt) as <see cref="ReplySnapshotTests"/> does.
/// </summary>
public sealed class SocialLanguageTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static string Snapshot(string name, string language) => Path.Combine(ReplySnapshotTests.Folder, $"{name}.{language}.txt");

    private static void Append(StringBuilder sb, string heading, Reply reply)
    {
        sb.Append("> ").Append(heading).Append('\n');
        ReplySnapshotTests.Render(sb, reply);
        sb.Append('\n');
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public async Task The_weekly_leaderboard_post_is_written_in_the_community_s_language(string language)
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 16, 10, 0));
        await bot.SayAsync("Admin", "/studybot channel leaderboard #leaderboard");
        await bot.SayAsync("Admin", $"/studybot language {language}");

        // Members who chose English themselves still read the community's post in the community's language.
        await bot.SayAsync("Pia", "/progress me language en");
        foreach (var name in new[] { "Pia", "Paul", "Quinn" })
        {
            await bot.SayAsync(name, "/progress me privacy public");
        }

        await bot.SayAsync("Pia", "/progress log 2h practice");
        await bot.SayAsync("Pia", "/progress done python-basics");
        await bot.SayAsync("Paul", "/progress log 90 learning");
        bot.Time.SetUtcNow(Utc(2026, 11, 18, 10, 0));
        await bot.SayAsync("Paul", "/progress log 30 review");
        await bot.SayAsync("Quinn", "/progress log 20 practice");

        await bot.RunUntilAsync(Utc(2026, 11, 23, 9, 5), TimeSpan.FromHours(12));
        await bot.RunUntilAsync(Utc(2026, 11, 23, 9, 10), TimeSpan.FromMinutes(1));

        var post = Assert.Single(bot.Notifier.Deliveries, d => d.To == "#leaderboard");
        var sb = new StringBuilder();
        Append(sb, "weekly post", post.Message);

        // The parts of the post and of the board that need more members than a test week has, from the same code.
        var culture = Languages.Culture(language);
        var entries = new List<BoardEntry>
        {
            new("u1", "Ada", PrivacyLevel.Public, 1234, 1500, 3, 5, 40),
            new("u2", "Bob", PrivacyLevel.Partners, 12, 0, 0, 1, -3),
        };
        var week = new DateOnly(2026, 11, 16);
        Append(sb, "partner streak field", new Reply { Fields = [Leaderboards.PartnerStreakField(["Ada", "Bob"], 3, culture)] });
        Append(sb, "quiet week", Leaderboards.WeeklyPost("Study group", week, [], [], [], culture));
        Append(sb, "board, viewer outside the top", Leaderboards.Board(new BoardQuery(BoardPeriod.Month, BoardMetric.Improved, week, week.AddDays(-28), 1), entries, "me", new ViewerStanding(1, PrivacyLevel.Partners, true, week.AddDays(20)), culture));
        Append(sb, "board, viewer on it", Leaderboards.Board(new BoardQuery(BoardPeriod.All, BoardMetric.Focus, DateOnly.MinValue, week.AddDays(-28), 10), entries, "u2", null, culture));
        ReplySnapshotTests.Compare(Snapshot("leaderboard-post", language), sb.ToString());
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public async Task Partner_DMs_are_written_in_each_recipient_s_language(string language)
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 9, 0));
        await bot.SayAsync("Ada", "/progress timezone Europe/Berlin");
        await bot.SayAsync("Bob", "/progress timezone Europe/Paris");
        foreach (var name in new[] { "Ada", "Bob" })
        {
            await bot.SayAsync(name, $"/progress me language {language}");
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, name == "Ada" ? "/progress remind plan weekdays 19:00" : "/progress remind plan mon,wed,fri 19:00 daily");
            await bot.SayAsync(name, "/progress partner find");
        }

        await bot.SayAsync("Admin", "/studybot partners match");
        await bot.SayAsync("Ada", "/progress partner nudge");
        await bot.RunJobsAsync();

        // Bob goes quiet: after two weeks Ada is offered a rematch; then she leaves and Bob is told.
        var start = bot.Time.GetUtcNow();
        for (var day = 1; day <= 16; day++)
        {
            bot.Time.SetUtcNow(start.AddDays(day));
            await bot.SayAsync("Ada", "/progress log 20 practice");
            await bot.RunJobsAsync();
        }

        await bot.SayAsync("Ada", "/progress partner leave");
        await bot.RunJobsAsync();

        var dms = bot.Notifier.Deliveries.Where(d => d.Direct && (d.Key.StartsWith("partner-", StringComparison.Ordinal) || d.Key.StartsWith("nudge:", StringComparison.Ordinal) || d.Key.StartsWith("rematch:", StringComparison.Ordinal)))
            .OrderBy(d => d.Key.Split(':')[0], StringComparer.Ordinal).ThenBy(d => d.To, StringComparer.Ordinal).ToList();
        Assert.Equal(5, dms.Count);
        var sb = new StringBuilder();
        foreach (var dm in dms)
        {
            Append(sb, $"{dm.Key.Split(':')[0]} to {dm.To}", dm.Message);
        }

        ReplySnapshotTests.Compare(Snapshot("partner-dms", language), sb.ToString());
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public async Task Focus_DMs_are_written_in_the_member_s_language(string language)
    {
        var start = Utc(2026, 11, 25, 12, 0);
        await using var bot = await TestBot.StartAsync(now: start);
        await bot.SayAsync("Ada", $"/progress me language {language}");
        await bot.SayAsync("Ada", "/progress me focus autolog off");
        await bot.SayAsync("Ada", "/progress focus 25 practice numpy");
        await bot.RunUntilAsync(start.AddMinutes(26), TimeSpan.FromMinutes(1));
        await bot.SayAsync("Ada", "/progress focus log");
        await bot.SayAsync("Ada", "/progress focus break");
        await bot.RunUntilAsync(start.AddMinutes(33), TimeSpan.FromMinutes(1));

        var dms = bot.Notifier.Deliveries.Where(d => d.Direct && d.To == "ada" && d.Key.StartsWith("focus-end:", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, dms.Count);
        var sb = new StringBuilder();
        Append(sb, "session over", dms[0].Message);
        Append(sb, "break over", dms[1].Message);
        ReplySnapshotTests.Compare(Snapshot("focus-dms", language), sb.ToString());
    }

    [Fact]
    public async Task A_member_whose_platform_speaks_German_and_who_chose_no_language_gets_German_DMs()
    {
        var start = Utc(2026, 11, 2, 9, 0);
        await using var bot = await TestBot.StartAsync(now: start);
        var ada = TestBot.Member("Ada") with { Locale = "de-DE" };
        var bob = TestBot.Member("Bob");
        foreach (var member in new[] { ada, bob })
        {
            await bot.Executor.RunTextAsync(member, "/progress start programmer part-time", CancellationToken.None);
            await bot.Executor.RunTextAsync(member, "/progress remind plan weekdays 19:00", CancellationToken.None);
            await bot.Executor.RunTextAsync(member, "/progress partner find", CancellationToken.None);
        }

        await bot.SayAsync("Admin", "/studybot partners match");
        await bot.Executor.RunTextAsync(bob, "/progress partner nudge", CancellationToken.None);
        await bot.Executor.RunTextAsync(ada, "/progress focus 25", CancellationToken.None);
        await bot.RunUntilAsync(start.AddMinutes(26), TimeSpan.FromMinutes(1));

        var toAda = bot.Notifier.Deliveries.Where(d => d.Direct && d.To == "ada").ToList();
        Assert.Contains(toAda, d => d.Message.Title == "🤝 Dein Lernpartner: Bob");
        Assert.Contains(toAda, d => d.Message.Title == "👋 Ein Anstupser von deinem Lernpartner");
        Assert.Contains(toAda, d => d.Message.Title == "⏰ Fokus-Sitzung vorbei" && d.Message.Text.StartsWith("Die Zeit ist um: 25 Min. Praxis.", StringComparison.Ordinal));

        // Bob's platform sent no locale and the community has no language: English.
        Assert.Contains(bot.Notifier.Deliveries, d => d.Direct && d.To == "bob" && d.Message.Title == "🤝 Meet your study partner: Ada");
    }
}
