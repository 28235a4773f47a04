using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Operations;
using StudyBot.Core.Partners;
using StudyBot.Core.Progress;
using StudyBot.Core.Roles;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>
/// <c>/studybot status</c>: how StudyBot is doing for this community, in plain words: its connection, the commands
/// answered today and how fast, what is waiting to be delivered, what failed in the last 24 hours with what to do
/// about it, and when the next leaderboard post and partner matching are.
/// </summary>
internal sealed class StatusHandler(
    CommandStats stats,
    IChannelProblemStore channels,
    IOutboxStore outbox,
    IRoleStore roles,
    IEnumerable<IConnectionStatus> connections) : ICommandHandler
{
    public string Path => "studybot status";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var c = ctx.Snapshot.Community;
        var now = ctx.Now;
        var platform = ctx.Who.Community.Platform;
        var fields = new List<ReplyField>();

        if (StatusTexts.Connection(connections, platform, now) is { } connection)
        {
            fields.Add(new ReplyField("Connection", connection));
        }

        var midnight = ReminderSchedule.ToInstant(TimeZones.LocalDate(now, c.TimeZoneId), 0, c.TimeZoneId).UtcDateTime;
        fields.Add(new ReplyField("Commands today", StatusTexts.Commands(stats.Since(ctx.Who.Community, midnight, now.UtcDateTime), stats.StartedUtc is { } started && started > midnight ? started : null, c.TimeZoneId)));

        var report = await outbox.ReportAsync(ctx.Who.Community, now.UtcDateTime - TimeSpan.FromHours(24), now.UtcDateTime, cancellationToken);
        fields.Add(new ReplyField("Deliveries", StatusTexts.Waiting(report, now.UtcDateTime)));

        var problems = new List<string>();
        problems.AddRange(ChannelTexts.InUseLines(await channels.ProblemsAsync(ctx.Who.Community, cancellationToken), c.Settings, platform));
        problems.AddRange(StatusTexts.Failures(report, platform));
        if (platform == Platforms.Discord)
        {
            problems.AddRange((await roles.ProblemsAsync(ctx.Who.Community, cancellationToken))
                .Select(p => $"⚠️ Role **@{p.RoleName}**: {RoleTexts.Problem(p.Problem)}. {RoleTexts.Fix(p.Problem)}, then `{RoleTexts.Sync}`."));
        }

        fields.Add(new ReplyField("Problems in the last 24 hours", problems.Count == 0 ? "✅ None." : string.Join('\n', problems)));
        fields.Add(new ReplyField("Coming up", StatusTexts.Next(c, now)));

        return new Reply
        {
            Title = $"📊 StudyBot status for {c.Name}",
            Text = "How I'm doing for this community. Settings: `/studybot show`.",
            Fields = fields,
        };
    }
}

/// <summary>The words of <c>/studybot status</c>.</summary>
internal static class StatusTexts
{
    public static string? Connection(IEnumerable<IConnectionStatus> sources, string platform, DateTimeOffset now)
    {
        var lines = sources.SelectMany(source => source.Describe(platform, now)).ToList();
        return lines.Count == 0 ? null : string.Join('\n', lines);
    }

    public static string Commands(CommandTotals totals, DateTime? startedUtc, string zoneId)
    {
        var since = startedUtc is { } started
            ? $" (counting since {TimeZones.ToLocal(new DateTimeOffset(started, TimeSpan.Zero), zoneId).ToString("HH:mm", CultureInfo.InvariantCulture)})"
            : "";
        if (totals.Count == 0 || totals.P95 is not { } p95)
        {
            return $"None answered yet today{since}.";
        }

        var answered = Format.Plural(totals.Count, "command answered", "commands answered");
        return totals.Count < 20
            ? $"{answered}{since}; the slowest took at most {Duration(p95)}."
            : $"{answered}{since}; 95 % within {Duration(p95)}.";
    }

    public static string Waiting(DeliveryReport report, DateTime nowUtc)
    {
        if (report.Waiting == 0 || report.OldestWaitingDueUtc is not { } oldest)
        {
            return "✅ Nothing waiting: every reminder and post went out.";
        }

        var late = nowUtc - oldest;
        var count = Format.Plural(report.Waiting, "message", "messages");
        return late < TimeSpan.FromMinutes(5)
            ? $"✅ {count} on the way now."
            : $"⏳ {count} waiting, the oldest for {Format.Minutes((long)late.TotalMinutes)}. I keep trying; if this grows, check that the bot is online (`/healthz/ready` for the host).";
    }

    /// <summary>What was not delivered in the window and what to do about it; channel problems have lines of their own.</summary>
    public static IEnumerable<string> Failures(DeliveryReport report, string platform)
    {
        var name = DeliveryTexts.PlatformName(platform);
        foreach (var group in report.Undelivered.Where(u => u.Count > 0).GroupBy(u => u.Reason).OrderBy(g => g.Key))
        {
            var count = group.Sum(u => u.Count);
            var messages = Format.Plural(count, "message", "messages");
            var line = group.Key switch
            {
                UndeliveredReason.Refused => platform == Platforms.Discord
                    ? $"⚠️ {messages} refused by Discord for good: members with DMs closed. They can allow DMs from server members (Privacy Settings) to get reminders again."
                    : $"⚠️ {messages} refused by {name} for good: no access to the member or channel. Check that StudyBot is still installed with its scopes.",
                UndeliveredReason.TooOld => $"⚠️ {messages} given up after {OutboxRetry.MaxAge.TotalDays:0} days of {name} failing. Check that the bot is online and its token is valid.",
                UndeliveredReason.Unreadable => $"⚠️ {messages} could not be read back. The log says which; please report it.",
                _ => null, // dropped by design (a passed week, a later reminder), or a channel problem: not a failure to act on
            };
            if (line is not null)
            {
                yield return line;
            }
        }
    }

    public static string Next(Community c, DateTimeOffset now)
    {
        var s = c.Settings;
        var board = s.LeaderboardChannel is null
            ? "🏆 Leaderboard: not posted, no channel set (`/studybot channel leaderboard #channel`)."
            : $"🏆 Leaderboard: {When(ReminderSchedule.NextOccurrence(new ReminderPlan(Clock.FromDayOfWeek(s.LeaderboardDay), s.LeaderboardMinutes, ReminderFrequency.Daily, null), c.TimeZoneId, now), c.TimeZoneId, now)} in #{s.LeaderboardChannel}.";
        var partners = PartnerService.NextMatch(c, now) is { } match
            ? $"🤝 Partner matching: {When(match, c.TimeZoneId, now)}."
            : "🤝 Partner matching: when an admin runs `/studybot partners match` (or schedule it with `/studybot partners schedule`).";
        return board + "\n" + partners;
    }

    private static string When(DateTimeOffset? at, string zoneId, DateTimeOffset now)
    {
        if (at is not { } instant)
        {
            return "not scheduled";
        }

        var local = TimeZones.ToLocal(instant, zoneId);
        var days = (TimeZones.LocalDate(instant, zoneId).DayNumber - TimeZones.LocalDate(now, zoneId).DayNumber) switch
        {
            0 => "today",
            1 => "tomorrow",
            _ => local.ToString("dddd", CultureInfo.InvariantCulture),
        };
        return $"{days} at {local.ToString("HH:mm", CultureInfo.InvariantCulture)} ({zoneId})";
    }

    private static string Duration(TimeSpan t) => t == TimeSpan.MaxValue
        ? "more than 6 s"
        : t < TimeSpan.FromSeconds(1)
            ? $"{Math.Ceiling(t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms"
            : $"{t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
}
