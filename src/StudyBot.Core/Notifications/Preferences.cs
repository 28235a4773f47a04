using System.Globalization;

namespace StudyBot.Core.Notifications;

/// <summary>Who may see a member on leaderboards and partner views.</summary>
public enum PrivacyLevel
{
    /// <summary>The default: on boards by name and points only, after the beginner weeks; details for partners.</summary>
    Partners = 0,
    Public = 1,
    Private = 2,
}

/// <summary>Where a member's milestone celebrations go.</summary>
public enum CelebrationChoice
{
    Public = 0,
    Dm = 1,
    None = 2,
}

[Flags]
public enum StudyDays
{
    None = 0,
    Monday = 1,
    Tuesday = 2,
    Wednesday = 4,
    Thursday = 8,
    Friday = 16,
    Saturday = 32,
    Sunday = 64,
    Weekdays = Monday | Tuesday | Wednesday | Thursday | Friday,
    Weekend = Saturday | Sunday,
    Every = Weekdays | Weekend,
}

public enum ReminderFrequency
{
    /// <summary>One reminder a week, on the first planned day.</summary>
    Weekly = 0,

    /// <summary>A reminder on each planned day.</summary>
    Daily = 1,
}

/// <summary>A member's study plan: which days, what local time, where.</summary>
public sealed record ReminderPlan(StudyDays Days, int MinutesOfDay, ReminderFrequency Frequency, string? Place);

/// <summary>Local hours without DMs; may wrap midnight (22:00-07:00).</summary>
public sealed record QuietHours(int StartMinutes, int EndMinutes)
{
    public bool Contains(int minuteOfDay) => StartMinutes <= EndMinutes
        ? minuteOfDay >= StartMinutes && minuteOfDay < EndMinutes
        : minuteOfDay >= StartMinutes || minuteOfDay < EndMinutes;

    public override string ToString() => $"{Clock.Format(StartMinutes)}-{Clock.Format(EndMinutes)}";
}

/// <summary>Settings a member controls with commands.</summary>
public sealed record MemberPreferences
{
    public PrivacyLevel Privacy { get; init; }

    public CelebrationChoice Celebrate { get; init; }

    public ReminderPlan? Plan { get; init; }

    public bool RemindersOn { get; init; }

    public QuietHours? Quiet { get; init; }

    public DateTime? SnoozedUntilUtc { get; init; }
}

/// <summary>What the reminder scheduler keeps about a member; commands only reset it.</summary>
public sealed record ReminderState
{
    public DateTime? NextAtUtc { get; init; }

    public DateTime? LastSentAtUtc { get; init; }

    public int Unanswered { get; init; }

    public bool Paused { get; init; }

    public bool FreshStartPending { get; init; }

    public DateTime? DmClosedAtUtc { get; init; }

    public bool DmNoticePending { get; init; }

    public int LastTemplate { get; init; } = -1;

    public DateTime? LastActivityAtUtc { get; init; }
}

/// <summary>A stretch of rest: reminders and the streak pause. <see cref="Until"/> null means until ended.</summary>
public sealed record RestPeriod(DateOnly From, DateOnly? Until)
{
    public bool Covers(DateOnly date) => date >= From && (Until is null || date <= Until);
}

/// <summary>A community's settings, changed by its admins.</summary>
public sealed record CommunitySettings
{
    public string? CelebrationChannel { get; init; }

    public string? LeaderboardChannel { get; init; }

    public DayOfWeek LeaderboardDay { get; init; } = DayOfWeek.Monday;

    public int LeaderboardMinutes { get; init; } = 9 * 60;

    public int RemindersMaxPerWeek { get; init; } = 2;

    /// <summary>Weekly partner matching day and local time; null when admins match by hand.</summary>
    public DayOfWeek? PartnersDay { get; init; }

    public int? PartnersMinutes { get; init; }

    /// <summary>The user id of the admin who last chose a posting channel: told when StudyBot can no longer post there.</summary>
    public string? ChannelsSetBy { get; init; }
}

/// <summary>Local times of day: read as people write them ("19:00", "7 pm", "7:30pm", "12 am"), shown as HH:mm.</summary>
public static partial class Clock
{
    /// <summary>What the clock reads, for replies: "19:00, 7pm or 7:30 am".</summary>
    public const string Examples = "19:00, 7pm or 7:30 am";

    /// <summary>
    /// Reads a time of day: 24-hour "19:00", "7.30", "19h", "19h30" or a bare hour "7"; 12-hour with am/pm ("7 pm",
    /// "7pm", "7:30 p.m.", "12 am" is midnight and "12 pm" noon); "noon" and "midnight". Digits of any script count.
    /// </summary>
    public static bool TryParse(string? text, out int minutes)
    {
        minutes = 0;
        var t = Numerals.ToAscii(text ?? "").Trim().ToLowerInvariant();
        if (t.Length is 0 or > 16)
        {
            return false;
        }

        switch (t)
        {
            case "noon" or "midday":
                minutes = 12 * 60;
                return true;
            case "midnight":
                return true;
        }

        var match = TimePattern().Match(t);
        if (!match.Success
            || !int.TryParse(match.Groups["h"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var h))
        {
            return false;
        }

        var m = 0;
        if (match.Groups["m"].Success && !int.TryParse(match.Groups["m"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out m))
        {
            return false;
        }

        if (match.Groups["ap"].Success)
        {
            if (h is < 1 or > 12)
            {
                return false;
            }

            h = (h % 12) + (match.Groups["ap"].Value == "p" ? 12 : 0);
        }

        if (h is < 0 or > 23 || m is < 0 or > 59)
        {
            return false;
        }

        minutes = (h * 60) + m;
        return true;
    }

    /// <summary>"7", "19:00", "7.30", "19h", "19h30", each with an optional "am", "pm", "a.m." or "p.m.".</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^(?<h>[0-9]{1,2})(?:[:.](?<m>[0-9]{2})|h(?<m>[0-9]{2})?)?(?:\s*(?<ap>[ap])\.?\s*m\.?)?$")]
    private static partial System.Text.RegularExpressions.Regex TimePattern();

    /// <summary>Whether a word is an am/pm marker that belongs to the time before it ("7 pm").</summary>
    public static bool IsMeridiem(string word) => word.ToLowerInvariant() is "am" or "pm" or "a.m." or "p.m." or "a.m" or "p.m";

    public static string Format(int minutes) => $"{minutes / 60:00}:{minutes % 60:00}";

    private static readonly (string Name, StudyDays Day)[] DayNames =
    [
        ("monday", StudyDays.Monday), ("tuesday", StudyDays.Tuesday), ("wednesday", StudyDays.Wednesday), ("thursday", StudyDays.Thursday),
        ("friday", StudyDays.Friday), ("saturday", StudyDays.Saturday), ("sunday", StudyDays.Sunday),
    ];

    /// <summary>Reads "weekdays", "weekends", "daily", "mon,wed,fri", "mon-fri", "tue+thu" or "monday".</summary>
    public static bool TryParseDays(string? text, out StudyDays days)
    {
        days = StudyDays.None;
        var t = text?.Trim().ToLowerInvariant() ?? "";
        switch (t)
        {
            case "weekdays" or "weekday" or "workdays":
                days = StudyDays.Weekdays;
                return true;
            case "weekends" or "weekend":
                days = StudyDays.Weekend;
                return true;
            case "daily" or "everyday" or "every-day" or "all" or "week":
                days = StudyDays.Every;
                return true;
        }

        foreach (var part in t.Split(',', '+', '/', ' ', ';').Where(p => p.Length > 0))
        {
            var range = part.Split('-');
            if (range.Length == 2 && Day(range[0]) is { } a && Day(range[1]) is { } b)
            {
                var i = Array.FindIndex(DayNames, d => d.Day == a);
                var j = Array.FindIndex(DayNames, d => d.Day == b);
                if (j < i)
                {
                    return false;
                }

                for (var k = i; k <= j; k++)
                {
                    days |= DayNames[k].Day;
                }
            }
            else if (range.Length == 1 && Day(part) is { } d)
            {
                days |= d;
            }
            else
            {
                days = StudyDays.None;
                return false;
            }
        }

        return days != StudyDays.None;
    }

    private static StudyDays? Day(string text) =>
        text.Length >= 2 && DayNames.FirstOrDefault(d => d.Name.StartsWith(text, StringComparison.Ordinal)) is { Name: not null } match
            && (text.Length >= 3 || text is "mo" or "tu" or "we" or "th" or "fr" or "sa" or "su")
            ? match.Day
            : null;

    public static bool TryParseDay(string? text, out DayOfWeek day)
    {
        day = DayOfWeek.Monday;
        if (!TryParseDays(text, out var days) || System.Numerics.BitOperations.PopCount((uint)days) != 1)
        {
            return false;
        }

        day = ToDayOfWeek(days);
        return true;
    }

    public static DayOfWeek ToDayOfWeek(StudyDays single) => single switch
    {
        StudyDays.Monday => DayOfWeek.Monday,
        StudyDays.Tuesday => DayOfWeek.Tuesday,
        StudyDays.Wednesday => DayOfWeek.Wednesday,
        StudyDays.Thursday => DayOfWeek.Thursday,
        StudyDays.Friday => DayOfWeek.Friday,
        StudyDays.Saturday => DayOfWeek.Saturday,
        _ => DayOfWeek.Sunday,
    };

    public static StudyDays FromDayOfWeek(DayOfWeek day) => day switch
    {
        DayOfWeek.Monday => StudyDays.Monday,
        DayOfWeek.Tuesday => StudyDays.Tuesday,
        DayOfWeek.Wednesday => StudyDays.Wednesday,
        DayOfWeek.Thursday => StudyDays.Thursday,
        DayOfWeek.Friday => StudyDays.Friday,
        DayOfWeek.Saturday => StudyDays.Saturday,
        _ => StudyDays.Sunday,
    };

    public static string DescribeDays(StudyDays days) => days switch
    {
        StudyDays.Every => "every day",
        StudyDays.Weekdays => "weekdays",
        StudyDays.Weekend => "weekends",
        _ => string.Join(", ", DayNames.Where(d => days.HasFlag(d.Day)).Select(d => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(d.Name))),
    };
}
