using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Roles;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The data layer's paths, each on SQLite and on PostgreSQL (the tests' private server; skipped with the install
/// line where PostgreSQL is missing): the same commands give the same rows and the same replies on both.
/// </summary>
public sealed class ProviderTests
{
    private static readonly string[] PhaseZero =
    [
        "python-basics", "mathematics-basics", "environment-setup",
        "foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready", "foundation-first-notebook",
    ];

    private static Task<long> LiveMinutesAsync(TestBot bot) =>
        bot.CountAsync("""SELECT COALESCE(SUM("Minutes"), 0) FROM "StudyLogs" WHERE "RetractedAtUtc" IS NULL""");

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Logging_marking_done_and_undo_keep_minutes_points_and_totals_in_step(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);

        await bot.SayAsync("Ada", "/progress log 45 practice");
        await bot.SayAsync("Ada", "/progress doing numpy");
        await bot.SayAsync("Ada", "/progress done numpy");
        Assert.Equal(45, await LiveMinutesAsync(bot));
        Assert.Equal(2, await bot.CountAsync("""SELECT "Status" FROM "ItemProgress" WHERE "ItemId" = 'numpy'"""));
        var points = await bot.CountAsync("""SELECT "Points" FROM "PeriodStats" WHERE "Kind" = 2""");
        Assert.True(points > 0, "the all-time total has the points");
        Assert.Equal(points, await bot.CountAsync("""SELECT (SELECT COALESCE(SUM("Points"), 0) FROM "StudyLogs") + (SELECT COALESCE(SUM("Points"), 0) FROM "ItemChanges")"""));
        Assert.Equal(1, await bot.CountAsync("""SELECT "ActiveDayCount" FROM "PeriodStats" WHERE "Kind" = 0"""));

        var undo = await bot.SayAsync("Ada", "/progress undo");
        Assert.Contains("is back in progress", undo.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("""SELECT "Status" FROM "ItemProgress" WHERE "ItemId" = 'numpy'"""));
        await bot.SayAsync("Ada", "/progress undo");
        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal(0, await LiveMinutesAsync(bot));
        Assert.Equal(0, await bot.CountAsync("""SELECT "ActiveDayCount" FROM "PeriodStats" WHERE "Kind" = 0"""));
        var nothing = await bot.SayAsync("Ada", "/progress undo");
        Assert.StartsWith("There's nothing to undo.", nothing.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Finishing_phase_zero_celebrates_once_and_queues_no_role_without_a_mapping(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        await bot.SayAsync("Ada", "/progress start complete-beginner");
        foreach (var item in PhaseZero)
        {
            await bot.SayAsync("Ada", $"/progress done {item}");
        }

        Assert.Equal(2, await bot.CountAsync("""SELECT COUNT(*) FROM "CompletionEvents" """));
        var roles = bot.Services.CreateScope().ServiceProvider.GetRequiredService<IRoleStore>();
        Assert.Equal(0, await roles.QueueAsync(null, bot.Time.GetUtcNow().UtcDateTime, includePast: true, bot.Time.GetUtcNow().UtcDateTime, CancellationToken.None));
        Assert.Empty(await roles.ClaimAsync(null, bot.Time.GetUtcNow().UtcDateTime, 10, TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_due_reminder_is_selected_claimed_sent_once_and_marked_sent(DatabaseProvider provider)
    {
        // Sunday noon; the plan says Monday 19:00 UTC.
        await using var bot = await TestBot.StartAsync(now: new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero), provider: provider);
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        var due = await bot.NextReminderUtcAsync("ada");
        Assert.Equal(new DateTime(2026, 11, 30, 19, 0, 0, DateTimeKind.Utc), due);

        bot.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 18, 59, 0, TimeSpan.Zero));
        await bot.RunJobsAsync();
        Assert.DoesNotContain(bot.Notifier.Deliveries, d => d.Direct && d.To == "ada");

        bot.Time.SetUtcNow(new DateTimeOffset(2026, 11, 30, 19, 0, 0, TimeSpan.Zero));
        await bot.RunJobsAsync();
        await bot.RunJobsAsync();

        Assert.Single(bot.Notifier.Deliveries, d => d.Direct && d.To == "ada");
        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "Outbox" WHERE "SentAtUtc" IS NOT NULL AND "ClaimedUntilUtc" IS NULL AND "Attempts" = 1"""));
        Assert.Equal(new DateTime(2026, 12, 7, 19, 0, 0, DateTimeKind.Utc), await bot.NextReminderUtcAsync("ada"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task The_leaderboard_ranks_by_points_and_leaves_out_private_members(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        foreach (var (name, minutes) in new[] { ("Bob", 30), ("Ada", 90), ("Cy", 60), ("Dee", 120) })
        {
            await bot.SayAsync(name, "/progress me privacy public");
            await bot.SayAsync(name, $"/progress log {minutes} practice");
        }

        await bot.SayAsync("Dee", "/progress me privacy private");

        var board = ReplyText.All(await bot.SayAsync("Bob", "/progress board"));
        var ada = board.IndexOf("Ada", StringComparison.Ordinal);
        var cy = board.IndexOf("Cy", StringComparison.Ordinal);
        var bob = board.IndexOf("Bob", StringComparison.Ordinal);
        Assert.True(ada >= 0 && ada < cy && cy < bob, board);
        Assert.DoesNotContain("Dee", board, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Deleting_my_data_erases_my_rows_and_keeps_the_others(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        await bot.SayAsync("Ada", "/progress log 45 practice");
        await bot.SayAsync("Bob", "/progress log 30 practice");
        await bot.SayAsync("Ada", "/progress partner find");

        await bot.SayAsync("Ada", "/progress me delete");
        await bot.SayAsync("Ada", "/progress me delete confirm");

        Assert.Equal(30, await LiveMinutesAsync(bot));
        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "PartnerPool" """));
        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "Members" WHERE "DisplayName" = 'Bob'"""));
        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "Members" WHERE "DisplayName" = 'Ada'"""));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_command_delivered_twice_is_answered_from_its_receipt_and_logged_once(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        var who = TestBot.Member("Ada", new CommunityRef(Platforms.Discord, "guild-1", "Study Hall"));

        Task<Reply> SendAsync() =>
            bot.Executor.RunTextAsync(who, "/progress log 45 practice", bot.Executor.Arrive(who.Community.Platform, who.Community.ExternalId, who.UserId, "delivery-1"), CancellationToken.None);

        var first = await SendAsync();
        bot.Time.Advance(TimeSpan.FromMinutes(3));
        var repeat = await SendAsync();

        Assert.Equal(45, await LiveMinutesAsync(bot));
        Assert.StartsWith(first.Text, repeat.Text, StringComparison.Ordinal);
        Assert.EndsWith(CommandReceipts.RepeatNote, repeat.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "CommandReceipts" """));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Two_members_in_the_pool_are_matched_and_introduced(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        foreach (var name in new[] { "Ada", "Bob" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, "/progress remind plan weekdays 19:00");
            await bot.SayAsync(name, "/progress partner find");
        }

        Assert.Equal(2, await bot.CountAsync("""SELECT COUNT(*) FROM "PartnerPool" """));
        await bot.SayAsync("Admin", "/studybot partners match");
        await bot.RunJobsAsync();

        Assert.Equal(0, await bot.CountAsync("""SELECT COUNT(*) FROM "PartnerPool" """));
        Assert.Equal(1, await bot.CountAsync("""SELECT COUNT(*) FROM "Partnerships" """));
        var intros = bot.Notifier.Deliveries.Where(d => d.Message.Title?.StartsWith("🤝 Meet your study partner", StringComparison.Ordinal) == true);
        Assert.Equal(["ada", "bob"], intros.Select(i => i.To).Order());
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Platform_user_ids_that_differ_only_in_case_are_two_members_on_both(DatabaseProvider provider)
    {
        // Platform ids are opaque and compared exactly (SQLite's BINARY and PostgreSQL's default compare alike);
        // StudyBot has no lookup that ignores case in the database.
        await using var bot = await TestBot.StartAsync(provider: provider);
        var upper = new MemberRef(TestBot.Home, "U1", "Upper");
        var lower = new MemberRef(TestBot.Home, "u1", "Lower");

        await bot.Executor.RunTextAsync(upper, "/progress log 45 practice", CancellationToken.None);
        await bot.Executor.RunTextAsync(lower, "/progress log 20 practice", CancellationToken.None);

        Assert.Equal(2, await bot.CountAsync("""SELECT COUNT(*) FROM "Members" """));
        Assert.Equal(45, await bot.CountAsync("""SELECT SUM(l."Minutes") FROM "StudyLogs" l JOIN "Members" m ON m."Id" = l."MemberId" WHERE m."UserId" = 'U1'"""));
        Assert.Equal(20, await bot.CountAsync("""SELECT SUM(l."Minutes") FROM "StudyLogs" l JOIN "Members" m ON m."Id" = l."MemberId" WHERE m."UserId" = 'u1'"""));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Times_come_back_as_the_same_UTC_instant_marked_UTC(DatabaseProvider provider)
    {
        var at = new DateTimeOffset(2026, 11, 25, 23, 30, 15, TimeSpan.Zero).AddTicks(1234567);
        await using var bot = await TestBot.StartAsync(now: at, provider: provider);
        await bot.SayAsync("Ada", "/progress log 45 practice");

        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var stored = await db.StudyLogs.AsNoTracking().Select(l => l.AtUtc).SingleAsync();
        var member = await db.Members.AsNoTracking().SingleAsync();

        // PostgreSQL keeps microseconds: the instant agrees to the microsecond on both.
        Assert.Equal(DateTimeKind.Utc, stored.Kind);
        Assert.Equal(DateTimeKind.Utc, member.UpdatedAtUtc.Kind);
        Assert.Equal(at.UtcDateTime.Ticks / 10, stored.Ticks / 10);
        Assert.Equal(1, await db.StudyLogs.CountAsync(l => l.AtUtc >= at.UtcDateTime.AddSeconds(-1) && l.AtUtc <= at.UtcDateTime.AddSeconds(1)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSQL)]
    public void The_model_and_each_providers_migrations_agree(DatabaseProvider provider)
    {
        // No server needed: EF compares the model with the provider's migration snapshot.
        var options = new DbContextOptionsBuilder<StudyBotDbContext>();
        if (provider == DatabaseProvider.PostgreSQL)
        {
            StudyBotDbContext.UsePostgres(options, "Host=127.0.0.1;Database=unused");
        }
        else
        {
            StudyBotDbContext.UseSqlite(options, "Data Source=:memory:");
        }

        using var db = new StudyBotDbContext(options.Options);
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), $"The model has changes that {provider}'s migrations lack: add a migration for each provider (README, Development).");
    }
}
