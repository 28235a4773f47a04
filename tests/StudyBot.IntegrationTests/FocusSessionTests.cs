using Microsoft.Extensions.DependencyInjection;
using StudyBot.Data;
using StudyBot.Cards;
using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>Issue 16, focus sessions: the timer, its end message, Log it, +5 minutes, breaks and autolog, on fake time.</summary>
public sealed class FocusSessionTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-focus-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string Db => Path.Combine(_dir, "studybot.db");

    private static List<RecordingNotifier.Delivery> FocusDms(TestBot bot, string user) =>
        bot.Notifier.Deliveries.Where(d => d.Direct && d.To == user && d.Key.StartsWith("focus-end:", StringComparison.Ordinal)).ToList();

    private static Task<long> FocusMinutesAsync(TestBot bot, string user) =>
        bot.CountAsync($"SELECT COALESCE(SUM(l.\"Minutes\"), 0) FROM \"StudyLogs\" l JOIN \"Members\" m ON m.\"Id\" = l.\"MemberId\" WHERE m.\"UserId\" = '{user}' AND l.\"Source\" = 1 AND l.\"RetractedAtUtc\" IS NULL");

    private static Task<long> DayMinutesAsync(TestBot bot, string user) =>
        bot.CountAsync($"SELECT COALESCE(SUM(d.\"PracticeMinutes\" + d.\"LearningMinutes\" + d.\"ReviewMinutes\"), 0) FROM \"DailyTotals\" d JOIN \"Members\" m ON m.\"Id\" = d.\"MemberId\" WHERE m.\"UserId\" = '{user}'");

    private static string Button(Reply message, string label) =>
        message.Buttons.Single(b => b.Label == label).Command;

    [Fact]
    public async Task A_25_minute_session_ends_with_exactly_one_message_at_minute_25_even_across_a_restart_in_the_middle()
    {
        await using (var first = await TestBot.StartAsync(now: Start, dbPath: Db))
        {
            var started = await first.SayAsync("Ada", "/progress focus 25 practice numpy");
            Assert.Contains("25 min of practice on NumPy", started.Text, StringComparison.Ordinal);
            await first.RunUntilAsync(Start.AddMinutes(12), TimeSpan.FromMinutes(1));
            Assert.Empty(FocusDms(first, "ada"));
            var left = await first.SayAsync("Ada", "/progress focus");
            Assert.Contains("13 min left", left.Text, StringComparison.Ordinal);
        }

        await using var second = await TestBot.StartAsync(now: Start.AddMinutes(12), dbPath: Db);
        await second.RunUntilAsync(Start.AddMinutes(24), TimeSpan.FromMinutes(1));
        Assert.Empty(FocusDms(second, "ada"));
        await second.RunUntilAsync(Start.AddMinutes(40), TimeSpan.FromSeconds(30));

        var dm = Assert.Single(FocusDms(second, "ada"));
        Assert.Equal(Start.AddMinutes(25), dm.At);
        Assert.Contains("25 min of practice on NumPy", dm.Message.Text, StringComparison.Ordinal);
        Assert.Equal(["Log it", "+5 minutes", "Start a break", "Discard"], dm.Message.Buttons.Select(b => b.Label));
        Assert.Equal(1, await second.CountAsync("SELECT COUNT(*) FROM \"Outbox\" WHERE \"Kind\" = 'focus-end'"));
        Assert.Equal(0, await FocusMinutesAsync(second, "ada"));
    }

    [Fact]
    public async Task Log_it_adds_the_25_minutes_once_even_when_pressed_twice()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress focus");
        await bot.RunUntilAsync(Start.AddMinutes(26), TimeSpan.FromMinutes(1));
        var dm = Assert.Single(FocusDms(bot, "ada"));
        var log = Button(dm.Message, "Log it");

        var first = await bot.SayAsync("Ada", log);
        var second = await bot.SayAsync("Ada", log);

        Assert.Equal(ReplyTone.Success, first.Tone);
        Assert.Contains("Logged 25 min of practice", first.Text, StringComparison.Ordinal);
        Assert.Contains("already logged", second.Text, StringComparison.Ordinal);
        Assert.Equal(25, await FocusMinutesAsync(bot, "ada"));
        Assert.Equal(25, await DayMinutesAsync(bot, "ada"));

        // And the hour passing afterwards logs nothing more.
        await bot.RunUntilAsync(Start.AddMinutes(26 + 90), TimeSpan.FromMinutes(10));
        Assert.Equal(25, await FocusMinutesAsync(bot, "ada"));
    }

    [Fact]
    public async Task An_unanswered_session_is_logged_an_hour_after_its_message_unless_the_member_turned_autolog_off()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Bo", "/progress me focus autolog off");
        await bot.SayAsync("Ada", "/progress focus 25 learning");
        await bot.SayAsync("Bo", "/progress focus 25 learning");

        await bot.RunUntilAsync(Start.AddMinutes(25 + 59), TimeSpan.FromMinutes(1));
        Assert.Single(FocusDms(bot, "ada"));
        Assert.Single(FocusDms(bot, "bo"));
        Assert.Equal(0, await FocusMinutesAsync(bot, "ada"));

        await bot.RunUntilAsync(Start.AddMinutes(25 + 62), TimeSpan.FromMinutes(1));
        Assert.Equal(25, await FocusMinutesAsync(bot, "ada"));
        Assert.Equal(25, await DayMinutesAsync(bot, "ada"));
        Assert.Equal(0, await FocusMinutesAsync(bot, "bo"));

        // Bo's waits for him, and a late Log it still works.
        var late = await bot.SayAsync("Bo", "/progress focus log");
        Assert.Contains("Logged 25 min of learning", late.Text, StringComparison.Ordinal);
        Assert.Equal(25, await FocusMinutesAsync(bot, "bo"));
    }

    [Fact]
    public async Task A_session_running_into_quiet_hours_ends_on_time_but_its_message_waits_until_they_end()
    {
        var evening = new DateTimeOffset(2026, 11, 25, 21, 50, 0, TimeSpan.Zero);
        await using var bot = await TestBot.StartAsync(now: evening);
        await bot.SayAsync("Ada", "/progress remind quiet 22:00 07:00");
        await bot.SayAsync("Ada", "/progress focus 25");

        await bot.RunUntilAsync(evening.AddMinutes(26), TimeSpan.FromMinutes(1));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM \"FocusSessions\" WHERE \"State\" = 1"));
        Assert.Empty(FocusDms(bot, "ada"));

        var morning = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);
        await bot.RunUntilAsync(morning.AddMinutes(-1), TimeSpan.FromMinutes(30));
        Assert.Empty(FocusDms(bot, "ada"));
        Assert.Equal(0, await FocusMinutesAsync(bot, "ada"));
        await bot.RunUntilAsync(morning.AddMinutes(5), TimeSpan.FromMinutes(1));
        var dm = Assert.Single(FocusDms(bot, "ada"));
        Assert.Equal(morning, dm.At);
    }

    [Fact]
    public async Task Plus_5_minutes_runs_the_session_on_and_ends_it_again_with_one_more_message()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress focus 25 review");
        await bot.RunUntilAsync(Start.AddMinutes(25), TimeSpan.FromMinutes(1));
        var dm = Assert.Single(FocusDms(bot, "ada"));

        var extended = await bot.SayAsync("Ada", Button(dm.Message, "+5 minutes"));
        Assert.Contains("5 more minutes", extended.Text, StringComparison.Ordinal);
        await bot.RunUntilAsync(Start.AddMinutes(40), TimeSpan.FromMinutes(1));

        var dms = FocusDms(bot, "ada");
        Assert.Equal(2, dms.Count);
        Assert.Equal(Start.AddMinutes(30), dms[1].At);
        Assert.Contains("30 min of review", dms[1].Message.Text, StringComparison.Ordinal);
        await bot.SayAsync("Ada", Button(dms[1].Message, "Log it"));
        Assert.Equal(30, await FocusMinutesAsync(bot, "ada"));
    }

    [Fact]
    public async Task Stop_ends_early_with_the_minutes_so_far_and_breaks_grow_long_after_the_fourth_session()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress focus 25");
        bot.Time.SetUtcNow(Start.AddMinutes(10));
        var stopped = await bot.SayAsync("Ada", "/progress focus stop");
        Assert.Contains("Stopped after 10 min of practice", stopped.Text, StringComparison.Ordinal);
        await bot.SayAsync("Ada", Button(stopped, "Log it"));
        Assert.Equal(10, await FocusMinutesAsync(bot, "ada"));

        var breakReply = await bot.SayAsync("Ada", "/progress focus break");
        Assert.Contains("A 5 min break", breakReply.Text, StringComparison.Ordinal);
        await bot.RunUntilAsync(Start.AddMinutes(16), TimeSpan.FromMinutes(1));
        Assert.Contains(FocusDms(bot, "ada"), d => d.Message.Title == "☕ Break's over");

        for (var i = 0; i < 3; i++)
        {
            await bot.SayAsync("Ada", "/progress focus 5");
            await bot.RunUntilAsync(bot.Time.GetUtcNow().AddMinutes(6), TimeSpan.FromMinutes(1));
            await bot.SayAsync("Ada", "/progress focus log");
        }

        var longBreak = await bot.SayAsync("Ada", "/progress focus break");
        Assert.Contains("15 min long break", longBreak.Text, StringComparison.Ordinal);
        Assert.Equal(25, await FocusMinutesAsync(bot, "ada"));
    }

    [Theory]
    [InlineData("/progress focus 0")]
    [InlineData("/progress focus 10000")]
    [InlineData("/progress focus 25 practice no-such-item-anywhere")]
    [InlineData("/progress focus 25 sleeping")]
    [InlineData("/progress focus 30 learning")]
    [InlineData("/progress focus log 999")]
    public async Task Bad_focus_input_gets_a_clear_answer_and_changes_nothing(string text)
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress focus 25 practice numpy");
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", text);

        Assert.NotEqual(ReplyTone.Success, reply.Tone);
        Assert.False(string.IsNullOrWhiteSpace(reply.Text));
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task The_bad_input_answers_say_what_was_wrong()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        Assert.Contains("5", (await bot.SayAsync("Ada", "/progress focus 0")).Text, StringComparison.Ordinal);
        Assert.Contains("180", (await bot.SayAsync("Ada", "/progress focus 10000")).Text, StringComparison.Ordinal);
        Assert.Contains("couldn't find a roadmap item", (await bot.SayAsync("Ada", "/progress focus 25 practice zzzqqq")).Text, StringComparison.Ordinal);
        Assert.Contains("practice, learning or review", (await bot.SayAsync("Ada", "/progress focus 25 sleeping")).Text, StringComparison.Ordinal);
        await bot.SayAsync("Ada", "/progress focus 25");
        var second = await bot.SayAsync("Ada", "/progress focus 30 learning");
        Assert.Contains("One focus session at a time", second.Text, StringComparison.Ordinal);
        Assert.Contains("25 min left", second.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Overview_shows_todays_and_this_weeks_focus_minutes()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress log 45 practice");
        await bot.SayAsync("Ada", "/progress focus 25");
        await bot.RunUntilAsync(Start.AddMinutes(26), TimeSpan.FromMinutes(1));
        await bot.SayAsync("Ada", "/progress focus log");

        var overview = await bot.SayAsync("Ada", "/progress");
        Assert.Contains(overview.Fields, f => f.Name == "Focus" && f.Value == "today 25 min, this week 25 min");
    }

    [Fact]
    public async Task A_members_export_has_their_focus_sessions_and_setting_and_deleting_their_data_removes_them()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress me focus autolog off");
        await bot.SayAsync("Ada", "/progress focus 25 review numpy");
        await bot.SayAsync("Bo", "/progress focus 40");
        await bot.RunUntilAsync(Start.AddMinutes(26), TimeSpan.FromMinutes(1));

        var export = await bot.SayAsync("Ada", "/progress me export");
        using var doc = System.Text.Json.JsonDocument.Parse(Assert.Single(export.Attachments).Content);
        var focus = doc.RootElement.GetProperty("member").GetProperty("focus");
        Assert.False(focus.GetProperty("autoLog").GetBoolean());
        var session = Assert.Single(focus.GetProperty("sessions").EnumerateArray());
        Assert.Equal(25, session.GetProperty("minutes").GetInt32());
        Assert.Equal("Ended", session.GetProperty("state").GetString());

        await bot.SayAsync("Ada", "/progress me delete confirm");
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM \"FocusSessions\" f JOIN \"Members\" m ON m.\"Id\" = f.\"MemberId\" WHERE m.\"DeletedAtUtc\" IS NOT NULL"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM \"FocusSettings\""));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM \"FocusSessions\""));
    }

    [Fact]
    public async Task The_focus_board_ranks_focus_minutes_of_public_members_and_shows_others_their_own_standing()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress me privacy public");
        await bot.SayAsync("Cy", "/progress me privacy public");
        await bot.SayAsync("Cy", "/progress log 120 practice");
        await bot.SayAsync("Ada", "/progress focus 25");
        await bot.SayAsync("Bo", "/progress focus 40");
        await bot.RunUntilAsync(Start.AddMinutes(41), TimeSpan.FromMinutes(1));
        await bot.SayAsync("Ada", "/progress focus log");
        await bot.SayAsync("Bo", "/progress focus log");

        var board = await bot.SayAsync("Cy", "/progress board focus");
        Assert.Equal("🏆 Leaderboard: focus minutes (members who chose public), this week", board.Title);
        Assert.Contains("**Ada** · 25 min focused", board.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bo", board.Text, StringComparison.Ordinal);
        Assert.Contains("You: no focus sessions logged this week yet.", board.Text, StringComparison.Ordinal);

        var bo = await bot.SayAsync("Bo", "/progress board focus week");
        Assert.Contains("You: #1, 40 min.", bo.Text, StringComparison.Ordinal);
        Assert.Contains("Minute boards show only members who chose public", bo.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_progress_card_carries_the_focus_minutes()
    {
        await using var bot = await TestBot.StartAsync(now: Start, configure: s => s.AddStudyBotCards());
        await bot.SayAsync("Ada", "/progress focus 25");
        await bot.RunUntilAsync(Start.AddMinutes(26), TimeSpan.FromMinutes(1));
        await bot.SayAsync("Ada", "/progress focus log");

        var card = await bot.SayAsync("Ada", "/progress card");
        Assert.Contains("Focus: today 25 min, this week 25 min.", Assert.Single(card.Attachments).AltText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Two_instances_on_one_database_send_the_end_message_once_and_log_it_once(DatabaseProvider provider)
    {
        await using var a = await TestBot.StartAsync(now: Start, provider: provider, instanceId: "focus-a", pooling: true);
        await using var b = await TestBot.StartAsync(now: Start, provider: provider, postgres: provider == DatabaseProvider.PostgreSQL ? a.ConnectionString : null,
            dbPath: a.DbPath, instanceId: "focus-b", pooling: true);
        await a.SayAsync("Ada", "/progress focus 25 practice numpy");

        a.Time.SetUtcNow(Start.AddMinutes(25));
        b.Time.SetUtcNow(Start.AddMinutes(25));
        // Both instances' focus jobs at once (on SQLite, where one process owns the file, the outbox drains one at a time).
        await Task.WhenAll(
            a.Services.GetRequiredService<StudyBot.Core.Focus.FocusService>().RunAsync(CancellationToken.None),
            b.Services.GetRequiredService<StudyBot.Core.Focus.FocusService>().RunAsync(CancellationToken.None));
        await a.RunJobsAsync();
        await b.RunJobsAsync();

        var dms = FocusDms(a, "ada").Concat(FocusDms(b, "ada")).ToList();
        var dm = Assert.Single(dms);
        Assert.Equal(1, await a.CountAsync("SELECT COUNT(*) FROM \"Outbox\" WHERE \"Kind\" = 'focus-end'"));

        var log = Button(dm.Message, "Log it");
        var replies = await Task.WhenAll(a.SayAsync("Ada", log), b.SayAsync("Ada", log));
        Assert.Single(replies, r => r.Text.Contains("Logged 25 min", StringComparison.Ordinal));
        Assert.Equal(25, await FocusMinutesAsync(a, "ada"));
        Assert.Equal(25, await DayMinutesAsync(a, "ada"));
    }

    [Fact]
    public async Task Log_it_counts_like_progress_log_towards_the_goal_and_the_daily_cap()
    {
        await using var bot = await TestBot.StartAsync(now: Start);
        await bot.SayAsync("Ada", "/progress goal set 16 hours");
        await bot.SayAsync("Ada", "/progress log 950 learning");
        await bot.SayAsync("Ada", "/progress focus 25 practice");
        await bot.RunUntilAsync(Start.AddMinutes(26), TimeSpan.FromMinutes(1));

        var logged = await bot.SayAsync("Ada", "/progress focus log");

        Assert.Contains("Logged 10 min of practice", logged.Text, StringComparison.Ordinal);
        Assert.Contains("capped: at most 16 hours a day", logged.Text, StringComparison.Ordinal);
        Assert.Contains("This week: 16h of your 16h goal ✅ goal met!", logged.Text, StringComparison.Ordinal);
        Assert.Contains("Balance this week:", logged.Text, StringComparison.Ordinal);
        Assert.Equal(10, await FocusMinutesAsync(bot, "ada"));
        Assert.Equal(960, await DayMinutesAsync(bot, "ada"));
    }
}
