using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Dashboard;
using StudyBot.Core.Notifications;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The organisers' dashboard (issue 20) of a small community with a known history: the funnel, the members × phases
/// grid with "no progress for N days", weekly active members, this month's completions, reminders and their response,
/// failed deliveries, the activity stream and the CSV export. Private members are counted, never named; another
/// community's members never appear.
/// </summary>
public sealed class OrganiserDashboardTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero); // a Wednesday
    private static readonly DateTimeOffset Today = new(2026, 12, 15, 12, 0, 0, TimeSpan.Zero); // a Tuesday, 20 days on
    private static readonly CommunityRef Other = new(Platforms.Console, "other", "Other group");

    private static Task<DashboardView?> BuildAsync(TestBot bot, CommunityRef? community = null, CultureInfo? culture = null) =>
        bot.Services.GetRequiredService<OrganiserDashboard>().BuildAsync(community ?? TestBot.Home, culture ?? CultureInfo.GetCultureInfo("en"), CancellationToken.None);

    /// <summary>The history: alice finishes phase 0 in December, bob and carol (private) stop in November, erin never starts an item, dave is elsewhere.</summary>
    private static async Task<TestBot> SeedAsync(DatabaseProvider provider)
    {
        var bot = await TestBot.StartAsync(now: Start, provider: provider);
        foreach (var name in new[] { "Alice", "Bob", "Carol", "Erin" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
        }

        await bot.SayAsync("Alice", "/progress log 30 practice");
        await bot.SayAsync("Bob", "/progress done python-basics");
        await bot.SayAsync("Carol", "/progress me privacy private");
        await bot.SayAsync("Carol", "/progress done python-basics");
        await bot.SayAsync("Carol", "/progress skip mathematics-basics not-relevant");
        await bot.SayAsync("Dave", "/progress start programmer part-time", Other);
        await bot.SayAsync("Dave", "/progress done python-basics", Other);

        bot.Time.SetUtcNow(Today);
        foreach (var item in new[] { "python-basics", "mathematics-basics", "environment-setup", "foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready", "foundation-first-notebook", "numpy" })
        {
            await bot.SayAsync("Alice", $"/progress done {item}");
        }

        var day = TimeSpan.FromDays(1);
        // Reminders of the last 28 days: alice answered hers within 48 hours, bob did not; carol's was refused; one superseded, one too early.
        await OutboxAsync(bot, "r-alice", OutboxKinds.Reminder, "alice", OutboxTarget.DirectMessage, Today - TimeSpan.FromHours(26), sent: true, text: "secret reminder words");
        await OutboxAsync(bot, "r-bob", OutboxKinds.Reminder, "bob", OutboxTarget.DirectMessage, Today - (5 * day), sent: true);
        await OutboxAsync(bot, "r-carol", OutboxKinds.Reminder, "carol", OutboxTarget.DirectMessage, Today - (3 * day), failed: UndeliveredReason.Refused);
        await OutboxAsync(bot, "r-bob-2", OutboxKinds.Reminder, "bob", OutboxTarget.DirectMessage, Today - (2 * day), failed: UndeliveredReason.Superseded);
        await OutboxAsync(bot, "r-bob-old", OutboxKinds.Reminder, "bob", OutboxTarget.DirectMessage, Today - (60 * day), sent: true);
        await OutboxAsync(bot, "r-dave", OutboxKinds.Reminder, "dave", OutboxTarget.DirectMessage, Today - day, sent: true, community: Other);
        // Channel posts: a leaderboard, then a celebration that waits; another community's post never shows.
        await OutboxAsync(bot, "board-1", OutboxKinds.Leaderboard, "wins", OutboxTarget.Channel, Today - (8 * day), sent: true, text: "🏆 Leaderboard: points, this week");
        await OutboxAsync(bot, "cele-1", OutboxKinds.Celebration, "wins", OutboxTarget.Channel, Today - TimeSpan.FromHours(1), text: "🎉 Alice completed Phase 0\nmore lines");
        await OutboxAsync(bot, "board-other", OutboxKinds.Leaderboard, "wins", OutboxTarget.Channel, Today - day, sent: true, text: "Other board", community: Other);
        return bot;
    }

    private static async Task OutboxAsync(TestBot bot, string key, string kind, string recipient, OutboxTarget target, DateTimeOffset when,
        bool sent = false, UndeliveredReason? failed = null, string? text = null, CommunityRef? community = null)
    {
        community ??= TestBot.Home;
        var at = when.UtcDateTime;
        await using var connection = await bot.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO "Outbox" ("CommunityId", "MemberId", "Key", "Kind", "Target", "Platform", "CommunityExternalId", "CommunityName", "RecipientId", "RecipientName",
                                  "PayloadJson", "CreatedAtUtc", "DueAtUtc", "NextAttemptAtUtc", "Attempts", "SentAtUtc", "FailedAtUtc", "DropReason")
            SELECT c."Id", (SELECT m."Id" FROM "Members" m WHERE m."CommunityId" = c."Id" AND m."UserId" = @recipient), @key, @kind, @target, c."Platform", c."ExternalId", c."Name", @recipient, @recipient,
                   @payload, @at, @at, @at, 1, @sent, @failed, @reason
            FROM "Communities" c WHERE c."Platform" = @platform AND c."ExternalId" = @external
            """;
        void Add(string name, object? value)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }

        Add("@recipient", recipient);
        Add("@key", key);
        Add("@kind", kind);
        Add("@target", (int)target);
        Add("@payload", ReplyJson.Serialize(new Reply { Text = text ?? "Time for a study session?" }));
        Add("@at", at);
        Add("@sent", sent ? at : null);
        Add("@failed", failed is null ? null : at);
        Add("@reason", failed is null ? null : (int)failed.Value);
        Add("@platform", community.Platform);
        Add("@external", community.ExternalId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static DateTime Minus(TimeSpan span) => Today.UtcDateTime - span;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_small_community_gives_the_exact_funnel_grid_activity_and_reminder_numbers(DatabaseProvider provider)
    {
        await using var bot = await SeedAsync(provider);
        var view = await BuildAsync(bot);

        Assert.NotNull(view);
        Assert.Equal(4, view.Members);
        Assert.Equal(1, view.PrivateMembers);
        var board = Assert.Single(view.Roadmaps);
        Assert.Equal("ml-zero-to-hero", board.RoadmapId);
        Assert.Equal(4, board.Members);

        // Funnel: all four are in phase 0 or past it; alice alone reached phase 1.
        Assert.Equal([4, 1, 0, 0, 0, 0, 0, 0], board.Funnel.Select(f => f.Members));
        Assert.Equal("foundation", board.Funnel[0].PhaseId);
        Assert.Equal(0, board.Finished);

        // Grid: named members, the quietest first; carol is not among them.
        Assert.Equal(["Bob", "Erin", "Alice"], board.Rows.Select(r => r.DisplayName));
        var alice = board.Rows.Single(r => r.UserId == "alice");
        Assert.Equal(100, alice.PhasePercents[0]);
        Assert.Equal(12, alice.PhasePercents[1]); // 1 of 8
        Assert.Equal("data-fundamentals", alice.CurrentPhaseId);
        Assert.Equal(0, alice.DaysWithoutProgress);
        Assert.Equal(new DateOnly(2026, 12, 15), alice.LastProgressOn);
        Assert.False(alice.Quiet);
        var bob = board.Rows.Single(r => r.UserId == "bob");
        Assert.Equal(14, bob.PhasePercents[0]); // 1 of 7
        Assert.Equal(20, bob.DaysWithoutProgress);
        Assert.True(bob.Quiet);
        Assert.Equal("foundation", bob.CurrentPhaseId);
        var erin = board.Rows.Single(r => r.UserId == "erin");
        Assert.Null(erin.LastProgressOn);
        Assert.Equal(20, erin.DaysWithoutProgress); // since she started
        Assert.All(erin.PhasePercents.Take(7), p => Assert.Equal(0, p));

        // Carol is private: one aggregated row (1 of 6: mathematics-basics is not relevant to her), quiet.
        var hidden = Assert.IsType<PrivateRow>(board.Private);
        Assert.Equal(1, hidden.Members);
        Assert.Equal(16, hidden.AveragePhasePercents[0]);
        Assert.Equal(1, hidden.Quiet);

        // Weekly active: the week of Nov 23 had alice (a log), bob and carol; this week alice; dave never counts.
        Assert.Equal(8, view.WeeklyActive.Count);
        Assert.Equal(new DateOnly(2026, 12, 14), view.WeeklyActive[^1].WeekStart);
        Assert.Equal([0, 0, 0, 0, 3, 0, 0, 1], view.WeeklyActive.Select(w => w.ActiveMembers));

        // This month: alice's eight items, the foundation milestone and the phase.
        Assert.Equal(new MonthSummary(new DateOnly(2026, 12, 1), 8, 1, 1), view.ThisMonth);

        // Reminders of 28 days: two sent (alice, bob), one refused (carol); alice acted within 48 hours.
        Assert.Equal(new ReminderSummary(2, 1, 2, 1), view.Reminders);
        Assert.Equal(50, view.Reminders.ResponsePercent);

        // Failed deliveries of 7 days, with what to do, as /studybot status says it.
        var failure = Assert.Single(view.Failures.Counts);
        Assert.Equal(new UndeliveredCount(OutboxKinds.Reminder, UndeliveredReason.Refused, 1), failure);
        var todo = Assert.Single(view.Failures.WhatToDo);
        Assert.Contains("1 message", todo, StringComparison.Ordinal);

        // Activity stream: channel posts only, newest first, short text; no DM's words, nothing from the other community.
        Assert.Equal(["celebration", "leaderboard"], view.Activity.Select(a => a.Kind));
        Assert.Equal("🎉 Alice completed Phase 0", view.Activity[0].Text);
        Assert.Equal(PostState.Waiting, view.Activity[0].State);
        Assert.Equal(PostState.Sent, view.Activity[1].State);
        Assert.Equal(Minus(TimeSpan.FromDays(8)), view.Activity[1].AtUtc);

        var everything = System.Text.Json.JsonSerializer.Serialize(view);
        Assert.DoesNotContain("Carol", everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Dave", everything, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secret reminder words", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Other board", everything, StringComparison.Ordinal);
        Assert.Contains("14 days", view.Texts.QuietRule, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csv_has_one_row_per_named_member_and_one_for_the_private_ones()
    {
        await using var bot = await SeedAsync(DatabaseProvider.Sqlite);
        await bot.SayAsync("=SUM(1,2) \"Eve\"", "/progress start programmer part-time"); // a name a spreadsheet would run
        var view = await BuildAsync(bot);

        var csv = DashboardCsv.Write(view!, CultureInfo.GetCultureInfo("en"));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.Contains("Road to ML: Zero to Hero,\"'=SUM(1,2) \"\"Eve\"\"\",0,0,", csv, StringComparison.Ordinal);
        Assert.StartsWith("Roadmap,Member,Phase 0: Foundation %,", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(",Overall %,Last progress,Days without progress", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Road to ML: Zero to Hero,Bob,14,0,", lines[1], StringComparison.Ordinal);
        Assert.EndsWith(",2026-11-25,20", lines[1], StringComparison.Ordinal);
        Assert.Single(lines, l => l.StartsWith("Road to ML: Zero to Hero,Alice,100,12,", StringComparison.Ordinal));
        Assert.StartsWith("Road to ML: Zero to Hero,Private members (1),16,", lines[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("Carol", csv, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Dave", csv, StringComparison.OrdinalIgnoreCase);

        var german = DashboardCsv.Write(view!, CultureInfo.GetCultureInfo("de"));
        Assert.Contains("Private Mitglieder (1)", german, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task An_empty_community_has_a_dashboard_of_zeros_and_an_unknown_one_none(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(now: Today, provider: provider);
        await bot.SayAsync("Admin", "/studybot reminders max-per-week 1"); // the community exists; its admin never started

        var view = await BuildAsync(bot);
        Assert.NotNull(view);
        Assert.Equal(0, view.Members);
        Assert.Empty(view.Roadmaps);
        Assert.All(view.WeeklyActive, w => Assert.Equal(0, w.ActiveMembers));
        Assert.Equal(new ReminderSummary(0, 0, 0, 0), view.Reminders);
        Assert.Null(view.Reminders.ResponsePercent);
        Assert.Equal(new MonthSummary(new DateOnly(2026, 12, 1), 0, 0, 0), view.ThisMonth);
        Assert.Empty(view.Activity);
        Assert.Empty(view.Failures.WhatToDo);
        Assert.Equal("Roadmap,Member,Overall %,Last progress,Days without progress\r\n", DashboardCsv.Write(view));

        Assert.Null(await BuildAsync(bot, new CommunityRef(Platforms.Console, "nowhere", "Nowhere")));
    }

    [Fact]
    public async Task The_dashboard_speaks_the_language_asked_for()
    {
        await using var bot = await SeedAsync(DatabaseProvider.Sqlite);
        var view = await BuildAsync(bot, culture: CultureInfo.GetCultureInfo("de"));
        Assert.Contains("14 Tagen", view!.Texts.QuietRule, StringComparison.Ordinal);
        Assert.Equal("Private Mitglieder", view.Texts.PrivateRowName);
    }
}
