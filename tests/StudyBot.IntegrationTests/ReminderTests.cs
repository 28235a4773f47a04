using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.IntegrationTests;

/// <summary>Weekly reminders on the real engine and database, with the jobs run as Quartz would run them, on fake time.</summary>
public sealed class ReminderTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static List<RecordingNotifier.Delivery> Dms(TestBot bot, string user) =>
        bot.Notifier.Deliveries.Where(d => d.Direct && d.To == user).ToList();

    /// <summary>Jumps the clock to just before and then to each due reminder, running the jobs at both points.</summary>
    private static async Task FollowRemindersAsync(TestBot bot, string user, int count, Func<Task>? afterEach = null)
    {
        for (var i = 0; i < count; i++)
        {
            var next = await bot.NextReminderUtcAsync(user) ?? throw new InvalidOperationException("no reminder scheduled");
            var due = new DateTimeOffset(next, TimeSpan.Zero);
            if (bot.Time.GetUtcNow() < due.AddMinutes(-1))
            {
                bot.Time.SetUtcNow(due.AddMinutes(-1));
                await bot.RunJobsAsync();
            }

            bot.Time.SetUtcNow(due);
            await bot.RunJobsAsync();
            if (afterEach is not null)
            {
                await afterEach();
            }
        }
    }

    [Fact]
    public async Task A_Berlin_member_gets_the_Monday_reminder_at_19_00_local_before_and_after_both_DST_changes()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 3, 2, 8, 0));
        await bot.SayAsync("Ada", "/progress timezone Europe/Berlin");
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00 library");

        // She logs a little after each reminder, so her reminders never pause for lack of activity.
        await FollowRemindersAsync(bot, "ada", 36, () => bot.SayAsync("Ada", "/progress log 20 practice"));

        var dms = Dms(bot, "ada");
        Assert.Equal(36, dms.Count);
        Assert.All(dms, d =>
        {
            var local = TimeZones.ToLocal(d.At, "Europe/Berlin");
            Assert.Equal((DayOfWeek.Monday, 19, 0), (local.DayOfWeek, local.Hour, local.Minute));
        });
        Assert.Contains(dms, d => d.At == Utc(2026, 3, 23, 18, 0));
        Assert.Contains(dms, d => d.At == Utc(2026, 3, 30, 17, 0));
        Assert.Contains(dms, d => d.At == Utc(2026, 10, 19, 17, 0));
        Assert.Contains(dms, d => d.At == Utc(2026, 10, 26, 18, 0));
        Assert.Contains("at the library", dms[0].Message.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pacific/Kiritimati", 14)]
    [InlineData("Pacific/Pago_Pago", -11)]
    public async Task Members_in_UTC_plus_14_and_UTC_minus_11_are_reminded_at_their_local_time(string zone, int offset)
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 25, 12, 0));
        await bot.SayAsync("Kai", $"/progress timezone {zone}");
        await bot.SayAsync("Kai", "/progress remind plan mon,thu 07:30 daily");

        await FollowRemindersAsync(bot, "kai", 4, () => bot.SayAsync("Kai", "/progress log 20 review"));

        var dms = Dms(bot, "kai");
        Assert.Equal(4, dms.Count);
        Assert.All(dms, d => Assert.Equal(new TimeSpan(7, 30, 0), d.At.ToOffset(TimeSpan.FromHours(offset)).TimeOfDay));
        Assert.Equal(
            [DayOfWeek.Thursday, DayOfWeek.Monday, DayOfWeek.Thursday, DayOfWeek.Monday],
            dms.Select(d => d.At.ToOffset(TimeSpan.FromHours(offset)).DayOfWeek));
    }

    [Fact]
    public async Task A_snoozed_reminder_comes_back_after_the_snooze_and_only_then()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 18, 0));
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 1), TimeSpan.FromMinutes(1));
        Assert.Single(Dms(bot, "ada"));
        Assert.Contains(Dms(bot, "ada")[0].Message.Buttons, b => b.Command == "progress remind snooze 1h");

        var snooze = await bot.SayAsync("Ada", "/progress remind snooze 1h");
        Assert.Contains("I'll remind you Mon 23 Nov 20:01", snooze.Text, StringComparison.Ordinal);

        await bot.RunUntilAsync(Utc(2026, 11, 23, 20, 0), TimeSpan.FromMinutes(1));
        Assert.Single(Dms(bot, "ada"));
        await bot.RunUntilAsync(Utc(2026, 11, 23, 20, 2), TimeSpan.FromMinutes(1));
        Assert.Equal(2, Dms(bot, "ada").Count);
        Assert.Equal(Utc(2026, 11, 23, 20, 1), Dms(bot, "ada")[1].At);
    }

    [Fact]
    public async Task A_reminder_in_quiet_hours_waits_until_they_end()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 12, 0));
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        await bot.SayAsync("Ada", "/progress remind quiet 18:30 21:15");

        await bot.RunUntilAsync(Utc(2026, 11, 23, 21, 20), TimeSpan.FromMinutes(5));

        Assert.Equal(Utc(2026, 11, 23, 21, 15), Assert.Single(Dms(bot, "ada")).At);
    }

    [Fact]
    public async Task Rest_mode_pauses_reminders_until_it_ends()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 20, 12, 0));
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        var rest = await bot.SayAsync("Ada", "/progress rest until 2026-12-02");
        Assert.Contains("Rest mode is on until 2 Dec 2026", rest.Text, StringComparison.Ordinal);

        await bot.RunUntilAsync(Utc(2026, 12, 1, 0, 0), TimeSpan.FromHours(1));
        Assert.Empty(Dms(bot, "ada"));

        await bot.RunUntilAsync(Utc(2026, 12, 7, 19, 5), TimeSpan.FromHours(1));
        Assert.Equal(Utc(2026, 12, 7, 19, 0), Assert.Single(Dms(bot, "ada")).At);
    }

    [Fact]
    public async Task Ending_rest_early_brings_the_next_reminder_back()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 20, 12, 0));
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        await bot.SayAsync("Ada", "/progress rest");
        await bot.RunUntilAsync(Utc(2026, 11, 24, 0, 0), TimeSpan.FromHours(1));
        Assert.Empty(Dms(bot, "ada"));

        var end = await bot.SayAsync("Ada", "/progress rest end");
        Assert.Contains("Next reminder: Mon 30 Nov 19:00", end.Text, StringComparison.Ordinal);
        await bot.RunUntilAsync(Utc(2026, 11, 30, 19, 1), TimeSpan.FromHours(1));
        Assert.Single(Dms(bot, "ada"));
    }

    [Fact]
    public async Task No_member_gets_more_reminders_in_a_week_than_the_community_allows()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 6, 0));
        await bot.SayAsync("Ada", "/progress remind plan daily 07:00");

        for (var day = 0; day < 14; day++)
        {
            await bot.RunUntilAsync(Utc(2026, 11, 23, 8, 0).AddDays(day), TimeSpan.FromHours(1));
            await bot.SayAsync("Ada", "/progress log 10 practice");
        }

        var weeks = Dms(bot, "ada").GroupBy(d => TimeZones.WeekStart(DateOnly.FromDateTime(d.At.UtcDateTime))).ToList();
        Assert.Equal([2, 2], weeks.Select(w => w.Count()));

        await bot.SayAsync("Admin", "/studybot reminders max-per-week 3");
        await bot.RunUntilAsync(Utc(2026, 12, 7, 8, 0).AddDays(6), TimeSpan.FromHours(1));
        Assert.Equal(3, Dms(bot, "ada").Count(d => d.At >= Utc(2026, 12, 7, 0, 0)));
    }

    [Fact]
    public async Task Three_reminders_without_activity_bring_one_fresh_start_then_silence_until_the_member_returns()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 2, 12, 0));
        await bot.SayAsync("Ada", "/progress remind plan wednesday 19:00");

        await bot.RunUntilAsync(Utc(2026, 12, 20, 0, 0), TimeSpan.FromHours(3));

        var dms = Dms(bot, "ada");
        Assert.Equal(["📅 Study time", "📅 Study time", "📅 Study time", "🌱 Fresh start"], dms.Select(d => d.Message.Title));
        // The plan is Wednesdays; the fresh start comes on the next Monday (the jobs run every 3 hours here).
        Assert.Equal(new DateTime(2026, 11, 23), dms[3].At.UtcDateTime.Date);
        Assert.DoesNotContain("miss", dms[3].Message.Text, StringComparison.OrdinalIgnoreCase);

        await bot.SayAsync("Ada", "/progress log 30 practice");
        await bot.RunUntilAsync(Utc(2026, 12, 24, 0, 0), TimeSpan.FromHours(3));
        Assert.Equal(new DateTime(2026, 12, 23), Dms(bot, "ada")[^1].At.UtcDateTime.Date);
        Assert.Equal("📅 Study time", Dms(bot, "ada")[^1].Message.Title);
    }

    [Fact]
    public async Task A_member_whose_DMs_are_closed_is_skipped_and_told_once_privately()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 18, 0));
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00");
        bot.Notifier.ClosedDms["ada"] = true;
        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 5), TimeSpan.FromMinutes(5));

        var first = await bot.SayAsync("Ada", "/progress");
        var second = await bot.SayAsync("Ada", "/progress");

        var notice = Assert.Single(first.FollowUps);
        Assert.Contains("couldn't deliver your study reminder", notice.Text, StringComparison.Ordinal);
        Assert.Empty(second.FollowUps);
        await bot.RunUntilAsync(Utc(2026, 12, 1, 0, 0), TimeSpan.FromHours(6));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'reminder'"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE FailedAtUtc IS NOT NULL AND LastError = 'dms_closed'"));

        bot.Notifier.ClosedDms.Clear();
        await bot.SayAsync("Ada", "/progress remind on");
        await bot.RunUntilAsync(Utc(2026, 12, 7, 19, 5), TimeSpan.FromHours(6));
        Assert.Single(bot.Notifier.Deliveries);
    }

    [Fact]
    public async Task The_reminder_says_what_this_week_needs()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 10, 0));
        await bot.SayAsync("Ada", "/progress start programmer");
        await bot.SayAsync("Ada", "/progress goal set 5 hours");
        await bot.SayAsync("Ada", "/progress log 100 learning");
        await bot.SayAsync("Ada", "/progress remind plan monday 19:00 the library");

        await bot.RunUntilAsync(Utc(2026, 11, 23, 19, 1), TimeSpan.FromMinutes(5));

        var reminder = Assert.Single(Dms(bot, "ada")).Message;
        var text = ReplyText.All(reminder);
        Assert.Contains("at the library", text, StringComparison.Ordinal);
        Assert.Contains("5 hours a week: 1.7h so far, 3.3h to go", text, StringComparison.Ordinal);
        Assert.Contains("Python Basics", text, StringComparison.Ordinal);
        Assert.Contains("Quick win: Week 1", text, StringComparison.Ordinal);
        Assert.Contains("Practice is 0% of your time", text, StringComparison.Ordinal);
        Assert.Contains("This week can be week one of a new streak", text, StringComparison.Ordinal);
    }
}
