using StudyBot.Core.Chat;
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

/// <summary>The words for deliveries in <c>/studybot show</c>.</summary>
public static class DeliveryTexts
{
    /// <summary>The platform as admins call it.</summary>
    public static string PlatformName(string platform) => platform switch
    {
        Platforms.Discord => "Discord",
        Platforms.Slack => "Slack",
        _ => "The console",
    };

    /// <summary>
    /// One line per kind and reason of what was not delivered this week (channel problems have lines of their own), e.g.
    /// "3 reminders dropped this week: their week had passed", and one for a backlog that has been waiting a while.
    /// </summary>
    public static IReadOnlyList<string> ShowLines(DeliveryReport report, string platform, DateTime nowUtc)
    {
        var lines = new List<string>();
        var groups = report.Undelivered
            .Where(u => u.Reason != UndeliveredReason.ChannelProblem && u.Count > 0)
            .GroupBy(u => (Noun: Noun(u.Kind), u.Reason))
            .OrderBy(g => g.Key.Noun.One, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Reason);
        foreach (var group in groups)
        {
            var count = group.Sum(u => u.Count);
            var one = count == 1;
            var (verb, why) = group.Key.Reason switch
            {
                UndeliveredReason.WeekPassed => ("dropped", one ? "its week had passed" : "their week had passed"),
                UndeliveredReason.Superseded => ("dropped", one ? "a later reminder replaced it" : "later reminders replaced them"),
                UndeliveredReason.TooOld => ("not delivered", $"{PlatformName(platform)} kept failing for {OutboxRetry.MaxAge.TotalDays:0} days"),
                UndeliveredReason.Refused => ("not delivered", $"{PlatformName(platform)} refused {(one ? "it" : "them")} for good (closed DMs or no access)"),
                _ => ("not delivered", $"{(one ? "it" : "they")} could not be read back (see the log)"),
            };
            lines.Add($"{Format.Plural(count, group.Key.Noun.One, group.Key.Noun.Many)} {verb} this week: {why}");
        }

        if (report.Waiting > 0 && report.OldestWaitingDueUtc is { } oldest && nowUtc - oldest >= TimeSpan.FromMinutes(5))
        {
            var late = Format.Minutes((long)(nowUtc - oldest).TotalMinutes);
            lines.Add($"⏳ {Format.Plural(report.Waiting, "message", "messages")} waiting, the oldest for {late}: {PlatformName(platform)} is failing or slowing me down, and I keep trying.");
        }

        return lines;
    }

    private static (string One, string Many) Noun(string kind) => kind switch
    {
        OutboxKinds.Reminder or OutboxKinds.FreshStart => ("reminder", "reminders"),
        OutboxKinds.Celebration => ("celebration", "celebrations"),
        OutboxKinds.Leaderboard => ("leaderboard post", "leaderboard posts"),
        _ => ("message", "messages"),
    };
}
