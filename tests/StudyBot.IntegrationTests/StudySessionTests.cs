using StudyBot.Core.Chat;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>Group study sessions (issue 16), end to end on the real engine and database, on fake time with the jobs run by hand.</summary>
public sealed class StudySessionTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    /// <summary>Wednesday 14 October 2026, 12:00 UTC: Berlin leaves summer time on Sunday 25 October.</summary>
    private static readonly DateTimeOffset Before = Utc(2026, 10, 14, 12, 0);

    private static async Task<TestBot> CommunityAsync(DateTimeOffset? now = null, DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var bot = await TestBot.StartAsync(now: now ?? Before, provider: provider);
        await bot.SayAsync("Admin", "/studybot timezone Europe/Berlin");
        await bot.SayAsync("Admin", "/studybot channel celebrations #celebrations");
        return bot;
    }

    private static Task<Reply> AsMemberAsync(TestBot bot, string name, string text) =>
        bot.Executor.RunTextAsync(TestBot.Member(name, admin: false), text, CancellationToken.None);

    private static List<RecordingNotifier.Delivery> Kind(TestBot bot, string kind) =>
        bot.Notifier.Deliveries.Where(d => d.Key.StartsWith(kind + ":", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task A_weekly_session_in_Berlin_starts_at_19_local_before_and_after_the_clocks_go_back()
    {
        await using var bot = await CommunityAsync();
        var planned = await bot.SayAsync("Admin", "/studybot session plan sunday 19:00 60 #study-hall linear algebra");
        Assert.Contains("every Sunday 19:00-20:00 (Europe/Berlin), first on Sun 18 Oct", planned.Text, StringComparison.Ordinal);

        bot.Time.SetUtcNow(Utc(2026, 10, 18, 16, 50));
        await bot.RunUntilAsync(Utc(2026, 10, 18, 17, 5), TimeSpan.FromMinutes(1));
        bot.Time.SetUtcNow(Utc(2026, 10, 25, 16, 50));
        await bot.RunUntilAsync(Utc(2026, 10, 25, 18, 5), TimeSpan.FromMinutes(1));

        var starts = Kind(bot, "session-start");
        Assert.Equal(2, starts.Count);
        Assert.All(starts, s => Assert.Equal("#study-hall", s.To));
        Assert.InRange(starts[0].At, Utc(2026, 10, 18, 17, 0), Utc(2026, 10, 18, 17, 1)); // 19:00 CEST
        Assert.InRange(starts[1].At, Utc(2026, 10, 25, 18, 0), Utc(2026, 10, 25, 18, 1)); // 19:00 CET
        Assert.Contains("until 20:00 (Europe/Berlin)", starts[1].Message.Text, StringComparison.Ordinal);
        Assert.Contains(starts[1].Message.Buttons, b => b.Command == "progress session checkin 1");
    }

    [Fact]
    public async Task Going_members_get_one_reminder_each_ten_minutes_before_and_nobody_else_gets_one()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan 2026-10-16 18:30 45 #study-hall");
        await AsMemberAsync(bot, "Ada", "/progress session going 1");
        await AsMemberAsync(bot, "Bob", "/progress session maybe 1");
        await AsMemberAsync(bot, "Bob", "/progress session going 1");
        await AsMemberAsync(bot, "Cy", "/progress session maybe 1");
        await AsMemberAsync(bot, "Di", "/progress session cant 1");
        var start = Utc(2026, 10, 16, 16, 30); // 18:30 in Berlin (CEST)

        bot.Time.SetUtcNow(start.AddMinutes(-20));
        await bot.RunUntilAsync(start.AddMinutes(5), TimeSpan.FromSeconds(30));
        await bot.RunJobsAsync();

        var reminders = Kind(bot, "session-reminder");
        Assert.Equal(["ada", "bob"], reminders.Select(r => r.To).Order().ToArray());
        Assert.All(reminders, r => Assert.True(r.Direct));
        Assert.All(reminders, r => Assert.InRange(r.At, start.AddMinutes(-10), start.AddMinutes(-9)));
        Assert.Contains("starts in 10 min", reminders[0].Message.Title, StringComparison.Ordinal);
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'session-reminder'"));
    }

    [Fact]
    public async Task A_member_who_says_Going_inside_the_last_ten_minutes_is_told_the_minutes_really_left()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan 2026-10-16 18:30 45 #study-hall");
        var start = Utc(2026, 10, 16, 16, 30); // 18:30 in Berlin (CEST)
        bot.Time.SetUtcNow(start.AddMinutes(-4));
        await AsMemberAsync(bot, "Ada", "/progress session going 1");

        await bot.RunJobsAsync();

        var reminder = Assert.Single(Kind(bot, "session-reminder"));
        Assert.Contains("starts in 4 min", reminder.Message.Title, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_meeting_is_planned_answered_reminded_started_checked_in_once_and_summed_up_on_either_database(DatabaseProvider provider)
    {
        await using var bot = await CommunityAsync(provider: provider);
        await bot.SayAsync("Admin", "/studybot session members on");
        Assert.Equal(ReplyTone.Success, (await AsMemberAsync(bot, "Bob", "/progress session plan 2026-10-16 18:30 45 #study-hall statistics")).Tone);
        await AsMemberAsync(bot, "Ada", "/progress session going 1");
        await AsMemberAsync(bot, "Ada", "/progress session maybe 1");
        await AsMemberAsync(bot, "Ada", "/progress session going 1");
        var start = Utc(2026, 10, 16, 16, 30); // 18:30 in Berlin (CEST)

        bot.Time.SetUtcNow(start.AddMinutes(-10));
        await bot.RunJobsAsync();
        bot.Time.SetUtcNow(start.AddMinutes(1));
        await bot.RunJobsAsync();
        Assert.Equal(ReplyTone.Success, (await AsMemberAsync(bot, "Ada", "/progress session checkin 1")).Tone);
        Assert.Contains("already checked in", (await AsMemberAsync(bot, "Ada", "/progress session checkin 1")).Text, StringComparison.Ordinal);
        bot.Time.SetUtcNow(start.AddMinutes(50));
        await bot.RunJobsAsync();
        await bot.RunJobsAsync();

        Assert.Single(Kind(bot, "session-reminder"));
        Assert.Single(Kind(bot, "session-start"));
        var summary = Assert.Single(Kind(bot, "session-summary"));
        Assert.Contains("45 min", ReplyText.All(summary.Message), StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM \"SessionCheckIns\""));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM \"SessionRsvps\""));
        Assert.Equal(45, await bot.CountAsync("SELECT SUM(\"Minutes\") FROM \"StudyLogs\" WHERE \"Source\" = 2"));
    }

    [Fact]
    public async Task A_check_in_logs_the_sessions_minutes_once_as_session_time_and_a_second_press_counts_nothing()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan 2026-10-16 18:30 45 #study-hall");
        var start = Utc(2026, 10, 16, 16, 30);

        bot.Time.SetUtcNow(start.AddMinutes(-30));
        var early = await AsMemberAsync(bot, "Ada", "/progress session checkin 1");
        Assert.Contains("isn't on right now. Check-in opens 10 minutes before it starts", early.Text, StringComparison.Ordinal);

        bot.Time.SetUtcNow(start.AddMinutes(5));
        var first = await AsMemberAsync(bot, "Ada", "/progress session checkin 1");
        var before = await bot.DumpAsync();
        var second = await AsMemberAsync(bot, "Ada", "/progress session checkin 1");

        Assert.Equal(ReplyTone.Success, first.Tone);
        Assert.Contains("Checked in to Session #1. 45 min logged as learning", first.Text, StringComparison.Ordinal);
        Assert.Contains("already checked in", second.Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
        Assert.Equal("45|2|", (await bot.QueryAsync("SELECT Minutes, Source FROM StudyLogs")).Trim());
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM SessionCheckIns"));
        Assert.Contains("Today: 1h ·", ReplyText.All(await AsMemberAsync(bot, "Ada", "/progress log 15 practice")), StringComparison.Ordinal);

        // Undoing the check-in's time undoes the check-in, so it can be made again, once.
        await AsMemberAsync(bot, "Ada", "/progress undo");
        await AsMemberAsync(bot, "Ada", "/progress undo");
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM SessionCheckIns"));
        Assert.Contains("Checked in", (await AsMemberAsync(bot, "Ada", "/progress session checkin 1")).Text, StringComparison.Ordinal);
        Assert.Contains("already checked in", (await AsMemberAsync(bot, "Ada", "/progress session checkin 1")).Text, StringComparison.Ordinal);
        Assert.Equal(45, await bot.CountAsync("SELECT SUM(Minutes) FROM StudyLogs WHERE RetractedAtUtc IS NULL"));

        bot.Time.SetUtcNow(start.AddMinutes(50));
        var late = await AsMemberAsync(bot, "Bob", "/progress session checkin 1");
        Assert.Contains("is over", late.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM SessionCheckIns"));
    }

    [Fact]
    public async Task After_the_session_a_summary_says_how_many_came_their_minutes_and_the_milestones_they_reached_that_day()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan 2026-10-16 18:30 45 #study-hall");
        var start = Utc(2026, 10, 16, 16, 30);
        bot.Time.SetUtcNow(start.AddMinutes(1));
        await AsMemberAsync(bot, "Ada", "/progress session checkin 1");
        await AsMemberAsync(bot, "Bob", "/progress session checkin 1");
        await AsMemberAsync(bot, "Ada", "/progress skip foundation known");

        await bot.RunUntilAsync(start.AddMinutes(47), TimeSpan.FromMinutes(1));
        await bot.RunJobsAsync();

        var summary = Assert.Single(Kind(bot, "session-summary"));
        Assert.Equal("#study-hall", summary.To);
        Assert.Contains("2 members came and studied 1h 30m together", summary.Message.Text, StringComparison.Ordinal);
        Assert.Contains("**Ada** completed Foundation Milestone", summary.Message.Text, StringComparison.Ordinal);
        Assert.Single(Kind(bot, "session-start"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudySessions WHERE DoneAtUtc IS NOT NULL"));
    }

    [Fact]
    public async Task Cancelling_tells_the_members_going_or_maybe_by_DM_and_the_channel_and_answers_after_it_count_nothing()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan friday 18:30 45 #study-hall");
        await AsMemberAsync(bot, "Ada", "/progress session going 1");
        await AsMemberAsync(bot, "Bob", "/progress session maybe 1");
        await AsMemberAsync(bot, "Cy", "/progress session cant 1");

        var cancel = await bot.SayAsync("Admin", "/studybot session cancel 1");
        await bot.RunJobsAsync();

        Assert.Contains("I'm letting the 2 members who said going or maybe know by DM", cancel.Text, StringComparison.Ordinal);
        var notices = Kind(bot, "session-cancelled");
        Assert.Equal(["#study-hall", "ada", "bob"], notices.Select(n => n.To).Order(StringComparer.Ordinal).ToArray());
        var before = await bot.DumpAsync();
        Assert.Contains("was cancelled", (await AsMemberAsync(bot, "Ada", "/progress session going 1")).Text, StringComparison.Ordinal);
        Assert.Contains("was cancelled", (await bot.SayAsync("Admin", "/studybot session cancel 1")).Text, StringComparison.Ordinal);
        Assert.Contains("No study sessions are planned", (await AsMemberAsync(bot, "Ada", "/progress sessions")).Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());

        // Nothing more is posted or sent for it.
        bot.Time.SetUtcNow(Utc(2026, 10, 16, 16, 15));
        await bot.RunUntilAsync(Utc(2026, 10, 16, 17, 30), TimeSpan.FromMinutes(5));
        Assert.Empty(Kind(bot, "session-reminder"));
        Assert.Empty(Kind(bot, "session-start"));
    }

    [Theory]
    [InlineData("/studybot session plan 2026-10-01 19:00 60", "is in the past")]
    [InlineData("/studybot session plan today 08:00 60", "is in the past")]
    [InlineData("/studybot session plan funday 19:00 60", "isn't a day or a date")]
    [InlineData("/studybot session plan 2026-02-30 19:00 60", "isn't a day or a date")]
    [InlineData("/studybot session plan monday 25:00 60", "isn't a time of day")]
    [InlineData("/studybot session plan monday 19:00 5", "A session lasts 10 minutes to 4 hours")]
    [InlineData("/studybot session plan monday 19:00 lots", "is not a number of minutes")]
    [InlineData("/studybot session plan monday 19:00 60 #nope", "can't find a channel")]
    [InlineData("/studybot session plan 2028-01-01 19:00 60", "more than a year away")]
    [InlineData("/progress session going 42", "There's no study session #42 here")]
    [InlineData("/progress session checkin 42", "There's no study session #42 here")]
    [InlineData("/progress session checkin 1", "was cancelled")]
    [InlineData("/progress session maybe 1", "was cancelled")]
    [InlineData("/studybot session cancel 42", "There's no study session #42 here")]
    [InlineData("/progress session going soon", "must be a whole number")]
    public async Task Bad_session_input_gets_a_clear_answer_and_changes_nothing(string command, string expected)
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan friday 18:30 45 #study-hall");
        await bot.SayAsync("Admin", "/studybot session cancel 1");
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", command);

        Assert.NotEqual(ReplyTone.Success, reply.Tone);
        Assert.Contains(expected, ReplyText.All(reply), StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task Attending_weekly_sessions_in_a_row_grows_a_streak_shown_in_the_list_in_the_members_own_zone()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Admin", "/studybot session plan sunday 19:00 60 #study-hall");
        await bot.SayAsync("Ada", "/progress timezone America/New_York");

        bot.Time.SetUtcNow(Utc(2026, 10, 18, 17, 10));
        await bot.SayAsync("Ada", "/progress session checkin 1");
        bot.Time.SetUtcNow(Utc(2026, 10, 25, 18, 10));
        var second = await bot.SayAsync("Ada", "/progress session checkin 1");
        Assert.Contains("2 sessions in a row", second.Text, StringComparison.Ordinal);

        bot.Time.SetUtcNow(Utc(2026, 10, 26, 9, 0));
        var list = ReplyText.All(await bot.SayAsync("Ada", "/progress sessions"));
        Assert.Contains("Sun 1 Nov 13:00-14:00", list, StringComparison.Ordinal); // 19:00 in Berlin; New York left summer time that morning
        Assert.Contains("attended 2 in a row", list, StringComparison.Ordinal);

        // Missing one breaks it.
        bot.Time.SetUtcNow(Utc(2026, 11, 8, 18, 30));
        var third = await bot.SayAsync("Ada", "/progress session checkin 1");
        Assert.DoesNotContain("in a row", third.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Members_plan_sessions_only_when_the_admins_allow_it()
    {
        await using var bot = await CommunityAsync();
        var refused = await AsMemberAsync(bot, "Bob", "/progress session plan friday 18:30 45 #study-hall");
        Assert.Contains("only admins plan study sessions", refused.Text, StringComparison.Ordinal);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM StudySessions"));
        var admin = await AsMemberAsync(bot, "Bob", "/studybot session members on");
        Assert.Contains("for the community's admins", admin.Text, StringComparison.Ordinal);

        await bot.SayAsync("Admin", "/studybot session members on");
        var planned = await AsMemberAsync(bot, "Bob", "/progress session plan friday 18:30 45 pair programming");

        Assert.Equal(ReplyTone.Success, planned.Tone);
        Assert.Contains("I posted it in #celebrations", planned.Text, StringComparison.Ordinal);
        await bot.RunJobsAsync();
        var post = Assert.Single(Kind(bot, "session-planned"));
        Assert.Equal("📅 New study session: Session #1: pair programming", post.Message.Title);
        Assert.Contains("Planned by **Bob**", post.Message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_members_export_has_their_sessions_and_deleting_their_data_removes_their_answers_and_check_ins()
    {
        await using var bot = await CommunityAsync();
        await bot.SayAsync("Zelda", "/progress start programmer part-time");
        await bot.SayAsync("Zelda", "/studybot session plan 2026-10-16 18:30 45 #study-hall garden club");
        await bot.SayAsync("Zelda", "/progress session going 1");
        bot.Time.SetUtcNow(Utc(2026, 10, 16, 16, 35));
        await bot.SayAsync("Zelda", "/progress session checkin 1");

        var export = await bot.SayAsync("Zelda", "/progress me export");
        using var doc = System.Text.Json.JsonDocument.Parse(System.Text.Encoding.UTF8.GetString(Assert.Single(export.Attachments).Content));
        var sessions = doc.RootElement.GetProperty("member").GetProperty("sessions");
        Assert.Equal(1, sessions.GetProperty("planned").GetArrayLength());
        Assert.Equal("Going", sessions.GetProperty("rsvps")[0].GetProperty("response").GetString());
        Assert.Equal(45, sessions.GetProperty("checkIns")[0].GetProperty("minutes").GetInt32());

        await bot.SayAsync("Zelda", "/progress me delete confirm");

        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM SessionRsvps"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM SessionCheckIns"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudySessions WHERE PlannedByMemberId IS NULL"));
    }
}
