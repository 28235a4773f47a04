using CsCheck;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Sessions;

namespace StudyBot.Core.Tests;

/// <summary>When a group study session's meetings fall: local time kept across daylight-saving changes, streaks counted in a row.</summary>
public sealed class SessionScheduleTests
{
    private static readonly string[] Zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"];

    private static StudySession Weekly(string zone, DateOnly first, int minutesOfDay, int minutes = 60, bool weekly = true) =>
        new(1, new CommunityRef("console", "local", "Local"), "ml-zero-to-hero", zone, first, minutesOfDay, minutes, weekly, "study-hall", "study-hall", null, null, false);

    [Fact]
    public void A_weekly_Berlin_session_at_19_00_is_17_00_UTC_in_summer_and_18_00_UTC_after_the_clocks_go_back()
    {
        var session = Weekly("Europe/Berlin", new DateOnly(2026, 10, 18), 19 * 60);

        var meetings = SessionSchedule.Between(session, new DateOnly(2026, 10, 1), new DateOnly(2026, 11, 1)).ToList();

        Assert.Equal([new DateOnly(2026, 10, 18), new DateOnly(2026, 10, 25), new DateOnly(2026, 11, 1)], meetings.Select(m => m.Date));
        Assert.Equal(new DateTimeOffset(2026, 10, 18, 17, 0, 0, TimeSpan.Zero), meetings[0].Start);
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 18, 0, 0, TimeSpan.Zero), meetings[1].Start);
        Assert.Equal(TimeSpan.FromMinutes(60), meetings[1].End - meetings[1].Start);
    }

    [Fact]
    public void Every_weekly_meeting_is_seven_days_apart_at_the_same_local_time_unless_the_time_does_not_exist_that_day()
    {
        Gen.Select(Gen.Int[0, Zones.Length - 1], Gen.Int[0, 3650], Gen.Int[0, (24 * 60) - 1], Gen.Int[0, 400]).Sample((zone, day, minute, skip) =>
        {
            var session = Weekly(Zones[zone], new DateOnly(2020, 1, 1).AddDays(day), minute);
            var from = session.FirstDate.AddDays(skip);
            var meetings = SessionSchedule.Between(session, from, from.AddDays(30)).ToList();
            Assert.InRange(meetings.Count, 4, 5);
            foreach (var m in meetings)
            {
                Assert.True(SessionSchedule.Occurs(session, m.Date));
                Assert.Equal(0, (m.Date.DayNumber - session.FirstDate.DayNumber) % 7);
                var local = TimeZones.ToLocal(m.Start, session.TimeZoneId);
                Assert.Equal(m.Date, DateOnly.FromDateTime(local));
                var zoneInfo = TimeZones.Get(session.TimeZoneId);
                if (!zoneInfo.IsInvalidTime(m.Date.ToDateTime(TimeOnly.MinValue).AddMinutes(minute)))
                {
                    Assert.Equal(minute, (local.Hour * 60) + local.Minute);
                }
            }
        });
    }

    [Fact]
    public void A_one_off_session_has_one_meeting_and_none_after_it_ends()
    {
        var session = Weekly("UTC", new DateOnly(2026, 12, 10), 18 * 60, weekly: false);

        Assert.Single(SessionSchedule.Between(session, new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)));
        Assert.NotNull(SessionSchedule.Current(session, new DateTimeOffset(2026, 12, 10, 18, 59, 0, TimeSpan.Zero)));
        Assert.Null(SessionSchedule.Current(session, new DateTimeOffset(2026, 12, 10, 19, 0, 0, TimeSpan.Zero)));
        Assert.Null(SessionSchedule.OpenForCheckIn(session, new DateTimeOffset(2026, 12, 10, 17, 49, 0, TimeSpan.Zero)));
        Assert.NotNull(SessionSchedule.OpenForCheckIn(session, new DateTimeOffset(2026, 12, 10, 17, 50, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_attendance_streak_counts_meetings_in_a_row_and_the_one_running_now_does_not_break_it()
    {
        var session = Weekly("UTC", new DateOnly(2026, 11, 1), 18 * 60);
        HashSet<DateOnly> attended = [new(2026, 11, 8), new(2026, 11, 15)];

        Assert.Equal(2, SessionSchedule.Streak(session, attended, new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero)));
        Assert.Equal(2, SessionSchedule.Streak(session, attended, new DateTimeOffset(2026, 11, 22, 18, 30, 0, TimeSpan.Zero)));
        Assert.Equal(0, SessionSchedule.Streak(session, attended, new DateTimeOffset(2026, 11, 22, 19, 0, 0, TimeSpan.Zero)));
        Assert.Equal(3, SessionSchedule.Streak(session, new HashSet<DateOnly>(attended) { new(2026, 11, 22) }, new DateTimeOffset(2026, 11, 22, 19, 0, 0, TimeSpan.Zero)));
    }
}
