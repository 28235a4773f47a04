using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

public sealed class ReminderScheduleTests
{
    private static readonly ReminderPlan MondayAt19 = new(StudyDays.Weekdays, 19 * 60, ReminderFrequency.Weekly, "library");

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static IEnumerable<DateTimeOffset> Occurrences(ReminderPlan plan, string zone, DateTimeOffset from, int count)
    {
        var at = from;
        for (var i = 0; i < count; i++)
        {
            at = ReminderSchedule.NextOccurrence(plan, zone, at)!.Value;
            yield return at;
        }
    }

    [Fact]
    public void A_Berlin_member_planned_for_Monday_19_00_is_reminded_at_19_00_local_across_both_DST_changes()
    {
        var weeks = Occurrences(MondayAt19, "Europe/Berlin", Utc(2026, 3, 1, 0, 0), 40).ToList();

        Assert.All(weeks, w =>
        {
            var local = TimeZones.ToLocal(w, "Europe/Berlin");
            Assert.Equal(DayOfWeek.Monday, local.DayOfWeek);
            Assert.Equal(new TimeOnly(19, 0), TimeOnly.FromDateTime(local));
        });

        // Winter time is UTC+1, summer time UTC+2: the UTC hour moves, the local hour does not.
        Assert.Equal(Utc(2026, 3, 23, 18, 0), weeks.Single(w => w.Date == new DateTime(2026, 3, 23)));
        Assert.Equal(Utc(2026, 3, 30, 17, 0), weeks.Single(w => w.Date == new DateTime(2026, 3, 30)));
        Assert.Equal(Utc(2026, 10, 19, 17, 0), weeks.Single(w => w.Date == new DateTime(2026, 10, 19)));
        Assert.Equal(Utc(2026, 10, 26, 18, 0), weeks.Single(w => w.Date == new DateTime(2026, 10, 26)));
        Assert.Equal(40, weeks.Distinct().Count());
    }

    [Theory]
    [InlineData("Pacific/Kiritimati", 14)]
    [InlineData("Pacific/Pago_Pago", -11)]
    public void Members_at_the_edges_of_the_world_are_reminded_at_their_local_time(string zone, int offsetHours)
    {
        var plan = new ReminderPlan(StudyDays.Monday, 7 * 60 + 30, ReminderFrequency.Weekly, null);

        var next = ReminderSchedule.NextOccurrence(plan, zone, Utc(2026, 11, 25, 12, 0))!.Value;

        var local = next.ToOffset(TimeSpan.FromHours(offsetHours));
        Assert.Equal(DayOfWeek.Monday, local.DayOfWeek);
        Assert.Equal(new TimeSpan(7, 30, 0), local.TimeOfDay);
        Assert.Equal(new DateTime(2026, 11, 30), local.Date);
    }

    [Fact]
    public void A_Monday_reminder_in_Kiritimati_falls_on_Sunday_in_UTC()
    {
        var plan = new ReminderPlan(StudyDays.Monday, 9 * 60, ReminderFrequency.Weekly, null);

        var next = ReminderSchedule.NextOccurrence(plan, "Pacific/Kiritimati", Utc(2026, 11, 29, 18, 0))!.Value;

        Assert.Equal(Utc(2026, 11, 29, 19, 0), next);
    }

    [Fact]
    public void Weekly_plans_remind_on_the_first_planned_day_and_daily_plans_on_each()
    {
        var weekly = new ReminderPlan(StudyDays.Tuesday | StudyDays.Thursday, 18 * 60, ReminderFrequency.Weekly, null);
        var daily = weekly with { Frequency = ReminderFrequency.Daily };

        var w = Occurrences(weekly, "UTC", Utc(2026, 11, 23, 0, 0), 3).Select(x => x.DayOfWeek).ToList();
        var d = Occurrences(daily, "UTC", Utc(2026, 11, 23, 0, 0), 4).Select(x => x.DayOfWeek).ToList();

        Assert.Equal([DayOfWeek.Tuesday, DayOfWeek.Tuesday, DayOfWeek.Tuesday], w);
        Assert.Equal([DayOfWeek.Tuesday, DayOfWeek.Thursday, DayOfWeek.Tuesday, DayOfWeek.Thursday], d);
    }

    [Fact]
    public void A_time_skipped_by_the_spring_change_moves_to_the_first_valid_minute()
    {
        var plan = new ReminderPlan(StudyDays.Sunday, 2 * 60 + 30, ReminderFrequency.Weekly, null);

        var next = ReminderSchedule.NextOccurrence(plan, "Europe/Berlin", Utc(2026, 3, 28, 12, 0))!.Value;

        // 02:30 does not exist on 29 March in Berlin; 03:00 CEST is 01:00 UTC.
        Assert.Equal(Utc(2026, 3, 29, 1, 0), next);
    }

    [Fact]
    public void A_time_repeated_by_the_autumn_change_is_used_once()
    {
        var plan = new ReminderPlan(StudyDays.Sunday, 2 * 60 + 30, ReminderFrequency.Weekly, null);

        var first = ReminderSchedule.NextOccurrence(plan, "Europe/Berlin", Utc(2026, 10, 24, 12, 0))!.Value;
        var second = ReminderSchedule.NextOccurrence(plan, "Europe/Berlin", first)!.Value;

        Assert.Equal(Utc(2026, 10, 25, 0, 30), first);
        Assert.Equal(Utc(2026, 11, 1, 1, 30), second);
    }

    [Fact]
    public void Quiet_hours_that_wrap_midnight_defer_to_their_end()
    {
        var quiet = new QuietHours(22 * 60, 7 * 60);

        Assert.Equal(Utc(2026, 11, 26, 7, 0), ReminderSchedule.AfterQuietHours(Utc(2026, 11, 25, 23, 15), quiet, "UTC"));
        Assert.Equal(Utc(2026, 11, 26, 7, 0), ReminderSchedule.AfterQuietHours(Utc(2026, 11, 26, 5, 0), quiet, "UTC"));
        Assert.Equal(Utc(2026, 11, 26, 12, 0), ReminderSchedule.AfterQuietHours(Utc(2026, 11, 26, 12, 0), quiet, "UTC"));
    }

    [Fact]
    public void A_fresh_start_comes_on_the_next_Monday_or_first_of_the_month()
    {
        var plan = new ReminderPlan(StudyDays.Monday, 19 * 60, ReminderFrequency.Weekly, null);

        Assert.Equal(Utc(2026, 11, 30, 19, 0), ReminderSchedule.FreshStartTime(plan, "UTC", Utc(2026, 11, 25, 12, 0)));
        Assert.Equal(Utc(2026, 12, 1, 19, 0), ReminderSchedule.FreshStartTime(plan, "UTC", Utc(2026, 11, 30, 20, 0)));
    }

    [Theory]
    [InlineData("weekdays", StudyDays.Weekdays)]
    [InlineData("Weekends", StudyDays.Weekend)]
    [InlineData("daily", StudyDays.Every)]
    [InlineData("mon,wed,fri", StudyDays.Monday | StudyDays.Wednesday | StudyDays.Friday)]
    [InlineData("mon-thu", StudyDays.Monday | StudyDays.Tuesday | StudyDays.Wednesday | StudyDays.Thursday)]
    [InlineData("tu+th", StudyDays.Tuesday | StudyDays.Thursday)]
    [InlineData("sunday", StudyDays.Sunday)]
    [InlineData("someday", StudyDays.None)]
    [InlineData("fri-mon", StudyDays.None)]
    [InlineData("t", StudyDays.None)]
    public void Days_are_read_the_way_people_write_them(string text, StudyDays expected)
    {
        Assert.Equal(expected != StudyDays.None, Clock.TryParseDays(text, out var days));
        Assert.Equal(expected, days);
    }

    [Theory]
    [InlineData("19:00", 1140)]
    [InlineData("7:05", 425)]
    [InlineData("07.30", 450)]
    [InlineData("7pm", 1140)]
    [InlineData("12am", 0)]
    [InlineData("25:00", -1)]
    [InlineData("19:60", -1)]
    [InlineData("19:5", -1)]
    [InlineData("noon", 720)]
    [InlineData("teatime", -1)]
    public void Times_are_24_hour_or_am_pm(string text, int minutes)
    {
        Assert.Equal(minutes >= 0, Clock.TryParse(text, out var parsed));
        if (minutes >= 0)
        {
            Assert.Equal(minutes, parsed);
        }
    }
}
