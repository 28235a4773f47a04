using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Notifications;

/// <summary>
/// When the outbox tries a message again, and when it gives up. Retries are spread by full jitter and capped, so a
/// crowd of messages that failed together does not come back together. Rate limits and outages are waited out: a
/// message is given up by age only (or when the platform refuses it for good), and a reminder as soon as it is no
/// longer useful.
/// </summary>
public static class OutboxRetry
{
    /// <summary>The ceiling of the first retry's delay; it doubles with each failure.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(10);

    /// <summary>The longest a retry waits after a failure (a platform's Retry-After may ask for longer).</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>How long a message other than a reminder is retried from when it was due: celebrations, posts, notices.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(3);

    private static readonly TimeSpan MinDelay = TimeSpan.FromSeconds(1);

    /// <summary>Reminders and fresh starts: worth sending only in their week, and only the latest for a member.</summary>
    public static bool IsReminder(string kind) => kind is OutboxKinds.Reminder or OutboxKinds.FreshStart;

    /// <summary>
    /// The delay after the <paramref name="failures"/>-th failure in a row (0 for the first), by full jitter: a point
    /// drawn by <paramref name="random"/> (0 to 1) in the window up to min(<see cref="MaxDelay"/>, 10 s × 2^failures),
    /// and at least a second.
    /// </summary>
    public static TimeSpan Backoff(int failures, double random)
    {
        var ceiling = Ceiling(failures);
        var delay = TimeSpan.FromTicks((long)(ceiling.Ticks * Math.Clamp(random, 0, 1)));
        return delay < MinDelay ? MinDelay : delay;
    }

    /// <summary>The window <see cref="Backoff"/> draws from after <paramref name="failures"/> failures.</summary>
    public static TimeSpan Ceiling(int failures)
    {
        var doublings = Math.Clamp(failures, 0, 30);
        var ticks = FirstDelay.Ticks * Math.Pow(2, doublings);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>After a 429: the platform's Retry-After, and up to a tenth more (at least a second) so the rows do not return at once.</summary>
    public static TimeSpan AfterRateLimit(TimeSpan retryAfter, double random)
    {
        var wait = retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter;
        var spread = TimeSpan.FromTicks(Math.Max(MinDelay.Ticks, wait.Ticks / 10));
        return wait + TimeSpan.FromTicks((long)(spread.Ticks * Math.Clamp(random, 0, 1)));
    }

    /// <summary>When a reminder due at <paramref name="dueUtc"/> stops being useful: the end of its week (Monday 00:00) in the member's zone.</summary>
    public static DateTime ReminderUsefulUntil(DateTime dueUtc, string zoneId)
    {
        var due = new DateTimeOffset(DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc));
        var nextWeek = TimeZones.WeekStart(TimeZones.LocalDate(due, zoneId)).AddDays(7);
        return ReminderSchedule.ToInstant(nextWeek, 0, zoneId).UtcDateTime;
    }
}

/// <summary>
/// The wall clock as the outbox reads it: never earlier than a time it has already read, and moving with the monotonic
/// clock in between. Due and retry times are stored as wall-clock times, so a system clock set back an hour would
/// otherwise hold every retry (and every claim) back by that hour; a clock set forward is followed at once.
/// </summary>
public sealed class ForwardClock(TimeProvider time)
{
    private readonly Lock _lock = new();
    private DateTimeOffset? _last;
    private long _lastStamp;

    public DateTimeOffset Now()
    {
        lock (_lock)
        {
            var wall = time.GetUtcNow();
            var stamp = time.GetTimestamp();
            var now = _last is { } last && last + time.GetElapsedTime(_lastStamp, stamp) is var estimate && estimate > wall ? estimate : wall;
            _last = now;
            _lastStamp = stamp;
            return now;
        }
    }
}

/// <summary>The words for deliveries in <c>/studybot show</c>, in the reader's language (Resources/Delivery.resx).</summary>
public static class DeliveryTexts
{
    /// <summary>The platform as admins call it.</summary>
    public static string PlatformName(string platform) => PlatformName(platform, Languages.Default);

    /// <summary>The platform as admins call it, in <paramref name="culture"/>'s language.</summary>
    public static string PlatformName(string platform, CultureInfo culture) => platform switch
    {
        Platforms.Discord => "Discord",
        Platforms.Slack => "Slack",
        _ => Text.Get(culture, "Delivery.Console"),
    };

    /// <summary>
    /// One line per kind and reason of what was not delivered this week (channel problems have lines of their own), e.g.
    /// "3 reminders dropped this week: their week had passed", and one for a backlog that has been waiting a while.
    /// </summary>
    public static IReadOnlyList<string> ShowLines(DeliveryReport report, string platform, DateTime nowUtc, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        var lines = new List<string>();
        var groups = report.Undelivered
            .Where(u => u.Reason != UndeliveredReason.ChannelProblem && u.Count > 0)
            .GroupBy(u => (Noun: Noun(u.Kind), u.Reason))
            .OrderBy(g => g.Key.Noun, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Reason);
        foreach (var group in groups)
        {
            var count = group.Sum(u => u.Count);
            var number = count == 1 ? "One" : "Many";
            var what = Format.Plural(count, Text.Get(culture, "Delivery." + group.Key.Noun), Text.Get(culture, "Delivery." + group.Key.Noun + "s"), culture);
            var name = PlatformName(platform, culture);
            lines.Add(group.Key.Reason switch
            {
                UndeliveredReason.WeekPassed => Text.Get(culture, "Delivery.WeekPassed." + number, what),
                UndeliveredReason.Superseded => Text.Get(culture, "Delivery.Superseded." + number, what),
                UndeliveredReason.TooOld => Text.Get(culture, "Delivery.TooOld", what, name, OutboxRetry.MaxAge.TotalDays),
                UndeliveredReason.Refused => Text.Get(culture, "Delivery.Refused." + number, what, name),
                _ => Text.Get(culture, "Delivery.Unreadable." + number, what),
            });
        }

        if (report.Waiting > 0 && report.OldestWaitingDueUtc is { } oldest && nowUtc - oldest >= TimeSpan.FromMinutes(5))
        {
            var late = Format.Minutes((long)(nowUtc - oldest).TotalMinutes, culture);
            var waiting = Format.Plural(report.Waiting, Text.Get(culture, "Delivery.Message"), Text.Get(culture, "Delivery.Messages"), culture);
            lines.Add(Text.Get(culture, report.Waiting == 1 ? "Delivery.Waiting.One" : "Delivery.Waiting.Many", waiting, late, PlatformName(platform, culture)));
        }

        return lines;
    }

    /// <summary>The key (Delivery.&lt;noun&gt;, plural with an "s") of what a kind of message is called.</summary>
    private static string Noun(string kind) => kind switch
    {
        OutboxKinds.Reminder or OutboxKinds.FreshStart => "Reminder",
        OutboxKinds.Celebration => "Celebration",
        OutboxKinds.Leaderboard => "LeaderboardPost",
        _ => "Message",
    };
}
