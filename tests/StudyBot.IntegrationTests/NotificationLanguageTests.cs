using System.Text;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;
using StudyBot.Core.Roles;

namespace StudyBot.IntegrationTests;

/// <summary>
/// What StudyBot sends without a command (reminder DMs, milestone and phase celebrations, the organisers' channel
/// notices) is written in the recipient's language: rendered in English and German into snapshot files
/// (Snapshots/notifications.&lt;language&gt;.txt), and chosen per recipient on the real engine.
/// </summary>
public sealed class NotificationLanguageTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static Roadmap Roadmap => new RoadmapCatalog(RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), "ml-zero-to-hero").Default;

    private static MemberSnapshot Ada(Roadmap roadmap, DateOnly start, IReadOnlyList<Goal> goals, IReadOnlyList<DailyTotal> days, IReadOnlyDictionary<string, ItemState>? items = null) => new()
    {
        Community = new Community { Platform = Platforms.Console, ExternalId = "local", Name = "Local study group", RoadmapId = roadmap.Id, TimeZoneId = "Europe/Berlin" },
        Member = new MemberProfile { Id = 1, UserId = "ada", DisplayName = "Ada", TimeZoneId = "Europe/Berlin", StartDate = start },
        Items = items ?? new Dictionary<string, ItemState>(),
        Days = days,
        Goals = goals,
    };

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public void Texts_sent_without_a_command_read_as_the_snapshot_says(string language)
    {
        var culture = Languages.Culture(language);
        var roadmap = Roadmap.In(language);
        var now = Utc(2026, 12, 7, 18, 0);
        var start = new DateOnly(2026, 11, 30);
        var plan = new MemberPreferences { RemindersOn = true, Plan = new ReminderPlan(StudyDays.Monday, 19 * 60, ReminderFrequency.Weekly, "the library") };
        var sb = new StringBuilder();
        void Case(string name, Reply reply)
        {
            sb.Append("> ").Append(name).Append('\n');
            ReplySnapshotTests.Render(sb, reply);
            sb.Append('\n');
        }

        // Reminders: each opening; no goal yet; a goal under way with an unbalanced week; a goal met with a streak.
        var fresh = Ada(roadmap, start, [], []);
        for (var template = 0; template < ReminderComposer.TemplateCount; template++)
        {
            Case($"reminder, opening {template}, no goal", ReminderComposer.Reminder(roadmap, fresh, [], plan, now, template, language));
        }

        var goal = new Goal(GoalPeriod.Week, GoalUnit.Hours, 5, new DateOnly(2026, 11, 23));
        var learning = Ada(roadmap, start, [goal], [new DailyTotal(new DateOnly(2026, 12, 7), 0, 150, 0, 0, 0)]);
        Case("reminder, goal under way, all learning", ReminderComposer.Reminder(roadmap, learning, [], plan with { Plan = plan.Plan! with { Place = null } }, now, 0, language));
        var met = Ada(roadmap, start, [new Goal(GoalPeriod.Week, GoalUnit.Items, 1, new DateOnly(2026, 11, 23))], [new DailyTotal(new DateOnly(2026, 11, 30), 60, 0, 0, 1, 10), new DailyTotal(new DateOnly(2026, 12, 7), 90, 0, 0, 2, 20)]);
        Case("reminder, goal met, streak", ReminderComposer.Reminder(roadmap, met, [], plan, now, 2, language));
        Case("fresh start, a Monday", ReminderComposer.FreshStart(fresh, now, language));
        Case("fresh start, the first of the month", ReminderComposer.FreshStart(fresh, Utc(2027, 1, 1, 9, 0), language));

        // Celebrations: the member's own, a channel post and a DM, of a milestone and of a phase.
        var milestone = new CompletionRecord(CompletionKind.Milestone, "foundation-milestone");
        var phase = new CompletionRecord(CompletionKind.Phase, "foundation");
        var last = new CompletionRecord(CompletionKind.Phase, roadmap.Phases[^1].Id);
        Case("milestone, own reply", Celebrations.ForCompletion(roadmap, milestone, fresh.StateOf, culture));
        Case("phase, own reply", Celebrations.ForCompletion(roadmap, phase, fresh.StateOf, culture));
        Case("last phase, own reply", Celebrations.ForCompletion(roadmap, last, fresh.StateOf, culture));
        Case("milestone, channel, took 10 weeks", Celebrations.ForCommunity(roadmap, milestone, "Ada", TimeSpan.FromDays(70), "2-3 months", fresh.StateOf, inChannel: true, culture));
        Case("milestone, DM, took 4 days", Celebrations.ForCommunity(roadmap, milestone, "Ada", TimeSpan.FromDays(4), "2-3 months", fresh.StateOf, inChannel: false, culture));
        Case("phase, channel, took 3 weeks", Celebrations.ForCommunity(roadmap, phase, "Ada", TimeSpan.FromDays(20), "1.5-2 months", fresh.StateOf, inChannel: true, culture));
        Case("phase, DM, no start known", Celebrations.ForCommunity(roadmap, phase, "Ada", null, "2 months", fresh.StateOf, inChannel: false, culture));
        Case("phase, DM, took a week, no estimate", Celebrations.ForCommunity(roadmap, phase, "Ada", TimeSpan.FromDays(8), "", fresh.StateOf, inChannel: false, culture));

        // The organisers' notice when a channel cannot be posted in, and its line in /studybot show.
        Case("notice, celebrations, Discord, not a member", ChannelTexts.Notice(Platforms.Discord, "wins", "celebrations", ChannelProblem.NotMember, culture));
        Case("notice, leaderboard, Slack, not a member", ChannelTexts.Notice(Platforms.Slack, "board", "leaderboard", ChannelProblem.NotMember, culture));
        Case("notice, other post, not found", ChannelTexts.Notice(Platforms.Discord, "gone", null, ChannelProblem.NotFound, culture));
        Case("notice, celebrations, archived", ChannelTexts.Notice(Platforms.Slack, "old", "celebrations", ChannelProblem.Archived, culture));
        Case("show line", new Reply { Text = ChannelTexts.ShowLine(new ChannelProblemRecord("wins", ChannelProblem.NotFound, new DateTime(2026, 12, 3, 8, 0, 0, DateTimeKind.Utc)), Platforms.Discord, "celebrations", culture) });

        // The organisers' notice when a phase role cannot be handed out, in the community's language.
        foreach (var outcome in new[] { RoleGrantOutcome.MissingPermission, RoleGrantOutcome.RoleAboveBot, RoleGrantOutcome.RoleNotFound, RoleGrantOutcome.RoleNotAssignable, RoleGrantOutcome.RoleElevated })
        {
            Case($"role notice, {outcome}", RoleTexts.ProblemNotice("Graduate", outcome, culture));
        }

        ReplySnapshotTests.Compare(Path.Combine(ReplySnapshotTests.Folder, $"notifications.{language}.txt"), sb.ToString());
    }

    /// <summary>
    /// A session's posts (announcement, start, summary, cancellation) in the community's language and its DMs (reminder,
    /// cancellation) in the member's: rendered into Snapshots/session-posts.&lt;language&gt;.txt. The community speaks
    /// <paramref name="language"/>; Ada chose it too.
    /// </summary>
    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    public async Task Session_posts_and_DMs_read_as_the_snapshot_says(string language)
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 12, 7, 9, 0));
        await bot.SayAsync("Admin", $"/studybot language {language}");
        await bot.SayAsync("Ada", $"/progress me language {language}");
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Admin", "/studybot session plan today 09:30 30 #study-hall pair programming");
        await bot.SayAsync("Admin", "/studybot session plan monday 18:00 60 #study-hall");
        await bot.SayAsync("Ada", "/progress session going 1");
        await bot.SayAsync("Ada", "/progress session maybe 2");
        await bot.RunUntilAsync(Utc(2026, 12, 7, 9, 25), TimeSpan.FromMinutes(5));
        await bot.RunUntilAsync(Utc(2026, 12, 7, 9, 30), TimeSpan.FromMinutes(5));
        await bot.SayAsync("Ada", "/progress session checkin 1");
        await bot.RunUntilAsync(Utc(2026, 12, 7, 10, 5), TimeSpan.FromMinutes(5));
        await bot.SayAsync("Admin", "/studybot session cancel 2");
        await bot.RunJobsAsync();

        var sb = new StringBuilder();
        foreach (var delivery in bot.Notifier.Deliveries.OrderBy(d => d.Monotonic))
        {
            sb.Append("> ").Append(delivery.Direct ? $"DM to {delivery.To}" : $"post in {delivery.To}").Append('\n');
            ReplySnapshotTests.Render(sb, delivery.Message);
            sb.Append('\n');
        }

        ReplySnapshotTests.Compare(Path.Combine(ReplySnapshotTests.Folder, $"session-posts.{language}.txt"), sb.ToString());
    }

    [Fact]
    public async Task A_reminder_is_in_the_platform_s_language_unless_the_member_chose_one()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 10, 0));
        var ada = TestBot.Member("Ada") with { Locale = "de-DE" };
        var bob = TestBot.Member("Bob") with { Locale = "de-DE" };
        await bot.Executor.RunTextAsync(ada, "/progress remind plan monday 19:00", CancellationToken.None);
        await bot.Executor.RunTextAsync(bob, "/progress me language en", CancellationToken.None);
        await bot.Executor.RunTextAsync(bob, "/progress remind plan monday 19:00", CancellationToken.None);

        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 1), TimeSpan.FromMinutes(5));

        var german = Assert.Single(bot.Notifier.Deliveries, d => d.Direct && d.To == "ada").Message;
        Assert.Equal("📅 Lernzeit", german.Title);
        Assert.Equal("Ziel dieser Woche", german.Fields[0].Name);
        Assert.Contains("Montag 19:00", ReplyText.All(german), StringComparison.Ordinal);
        var english = Assert.Single(bot.Notifier.Deliveries, d => d.Direct && d.To == "bob").Message;
        Assert.Equal("📅 Study time", english.Title);
        Assert.Equal("This week's goal", english.Fields[0].Name);
    }

    [Fact]
    public async Task A_celebration_DM_is_in_the_member_s_language_and_a_channel_post_in_the_community_s()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 10, 0));
        var ada = TestBot.Member("Ada") with { Locale = "de-DE" };
        var bob = TestBot.Member("Bob") with { Locale = "de-DE" };
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        await bot.Executor.RunTextAsync(ada, "/progress me celebrate dm", CancellationToken.None);
        await bot.Executor.RunTextAsync(bob, "/progress me celebrate public", CancellationToken.None);
        await bot.Executor.RunTextAsync(bob, "/progress me privacy public", CancellationToken.None);
        foreach (var who in new[] { ada, bob })
        {
            foreach (var item in Roadmap.Milestones.First(m => m.Id == "foundation-milestone").Items)
            {
                await bot.Executor.RunTextAsync(who, $"/progress done {item.Id}", CancellationToken.None);
            }
        }

        await bot.RunUntilAsync(Utc(2026, 11, 23, 10, 5), TimeSpan.FromMinutes(1));

        var dm = Assert.Single(bot.Notifier.Deliveries, d => d.Direct && d.To == "ada").Message;
        Assert.StartsWith("🎉 Meilenstein geschafft", dm.Title, StringComparison.Ordinal);
        var post = Assert.Single(bot.Notifier.Deliveries, d => !d.Direct).Message;
        Assert.StartsWith("🎉 Milestone complete", post.Title, StringComparison.Ordinal);
        Assert.Contains("**Bob** completed the Foundation Milestone!", post.Text, StringComparison.Ordinal);
    }
}
