using StudyBot.Core.Progress;

namespace StudyBot.Core.Notifications;

/// <summary>
/// When reminders fall, computed in the member's IANA zone for each occurrence, so 19:00 stays 19:00 local
/// across daylight-saving changes. Results are UTC instants.
/// </summary>
public static class ReminderSchedule
{
    /// <summary>The first planned occurrence strictly after <paramref name="after"/>.</summary>
    public static DateTimeOffset? NextOccurrence(ReminderPlan plan, string zoneId, DateTimeOffset after)
    {
        if (plan.Days == StudyDays.None)
        {
            return null;
        }

        var zone = TimeZones.Get(zoneId);
        var localDate = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(after, zone).DateTime);

        // Look back a day so an occurrence later "today" in a zone behind UTC is not missed; 15 days covers any weekly plan.
        for (var date = localDate.AddDays(-1); date <= localDate.AddDays(15); date = date.AddDays(1))
        {
            if (!IsPlannedDay(plan, date))
            {
                continue;
            }

            var instant = ToInstant(date, plan.MinutesOfDay, zone);
            if (instant > after)
            {
                return instant;
            }
        }

        return null;
    }

    /// <summary>Weekly plans remind on the first planned day of each week; daily plans on every planned day.</summary>
    public static bool IsPlannedDay(ReminderPlan plan, DateOnly date)
    {
        var day = Clock.FromDayOfWeek(date.DayOfWeek);
        if (!plan.Days.HasFlag(day))
        {
            return false;
        }

        return plan.Frequency == ReminderFrequency.Daily || day == FirstDay(plan.Days);
    }

    public static StudyDays FirstDay(StudyDays days)
    {
        for (var bit = 1; bit <= (int)StudyDays.Sunday; bit <<= 1)
        {
            if (((int)days & bit) != 0)
            {
                return (StudyDays)bit;
            }
        }

        return StudyDays.None;
    }

    /// <summary>
    /// A local date and time as an instant. A time skipped by a spring-forward change moves to the first
    /// valid minute after it; a time repeated in autumn uses its first (daylight) occurrence.
    /// </summary>
    public static DateTimeOffset ToInstant(DateOnly date, int minutesOfDay, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddMinutes(minutesOfDay);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local)
            ? zone.GetAmbiguousTimeOffsets(local).Max()
            : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public static DateTimeOffset ToInstant(DateOnly date, int minutesOfDay, string zoneId) => ToInstant(date, minutesOfDay, TimeZones.Get(zoneId));

    /// <summary>If <paramref name="at"/> falls in quiet hours (local), the end of those quiet hours; else <paramref name="at"/>.</summary>
    public static DateTimeOffset AfterQuietHours(DateTimeOffset at, QuietHours? quiet, string zoneId)
    {
        if (quiet is null)
        {
            return at;
        }

        var zone = TimeZones.Get(zoneId);
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var minute = (local.Hour * 60) + local.Minute;
        if (!quiet.Contains(minute))
        {
            return at;
        }

        var date = DateOnly.FromDateTime(local);
        if (quiet.StartMinutes > quiet.EndMinutes && minute >= quiet.StartMinutes)
        {
            date = date.AddDays(1);
        }

        return ToInstant(date, quiet.EndMinutes, zone);
    }

    /// <summary>The next Monday or first of the month (whichever comes first) at the plan's time.</summary>
    public static DateTimeOffset FreshStartTime(ReminderPlan plan, string zoneId, DateTimeOffset after)
    {
        var zone = TimeZones.Get(zoneId);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(after, zone).DateTime);
        for (var date = today; ; date = date.AddDays(1))
        {
            if (date.DayOfWeek == DayOfWeek.Monday || date.Day == 1)
            {
                var instant = ToInstant(date, plan.MinutesOfDay, zone);
                if (instant > after)
                {
                    return instant;
                }
            }
        }
    }

    /// <summary>The first planned occurrence on or after the local date <paramref name="from"/>.</summary>
    public static DateTimeOffset? FirstOnOrAfter(ReminderPlan plan, string zoneId, DateOnly from)
    {
        var zone = TimeZones.Get(zoneId);
        var start = ToInstant(from, 0, zone).AddTicks(-1);
        return NextOccurrence(plan, zoneId, start);
    }
}
