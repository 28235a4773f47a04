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
            fields.Add(new ReplyField(ctx.T("Status.Connection"), connection));
        }

        var midnight = ReminderSchedule.ToInstant(TimeZones.LocalDate(now, c.TimeZoneId), 0, c.TimeZoneId).UtcDateTime;
        fields.Add(new ReplyField(ctx.T("Status.CommandsToday"), StatusTexts.Commands(ctx, stats.Since(ctx.Who.Community, midnight, now.UtcDateTime), stats.StartedUtc is { } started && started > midnight ? started : null, c.TimeZoneId)));

        var report = await outbox.ReportAsync(ctx.Who.Community, now.UtcDateTime - TimeSpan.FromHours(24), now.UtcDateTime, cancellationToken);
        fields.Add(new ReplyField(ctx.T("Status.Deliveries"), StatusTexts.Waiting(ctx, report, now.UtcDateTime)));

        var problems = new List<string>();
        problems.AddRange(ChannelTexts.InUseLines(await channels.ProblemsAsync(ctx.Who.Community, cancellationToken), c.Settings, platform, ctx.Culture));
        problems.AddRange(StatusTexts.Failures(ctx, report, platform));
        if (platform == Platforms.Discord)
        {
            problems.AddRange((await roles.ProblemsAsync(ctx.Who.Community, cancellationToken))
                .Select(p => ctx.T("Status.RoleProblem", p.RoleName, RoleTexts.Problem(p.Problem, ctx.Culture), RoleTexts.Fix(p.Problem, ctx.Culture), RoleTexts.Sync)));
        }

        fields.Add(new ReplyField(ctx.T("Status.Problems"), problems.Count == 0 ? ctx.T("Status.NoProblems") : string.Join('\n', problems)));
        fields.Add(new ReplyField(ctx.T("Status.ComingUp"), StatusTexts.Next(ctx, c, now)));

        return new Reply
        {
            Title = ctx.T("Status.Title", c.Name),
            Text = ctx.T("Status.Text"),
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

    public static string Commands(CommandContext ctx, CommandTotals totals, DateTime? startedUtc, string zoneId)
    {
        var since = startedUtc is { } started
            ? ctx.T("Status.Since", TimeZones.ToLocal(new DateTimeOffset(started, TimeSpan.Zero), zoneId).ToString("HH:mm", CultureInfo.InvariantCulture))
            : "";
        if (totals.Count == 0 || totals.P95 is not { } p95)
        {
            return ctx.T("Status.NoneAnswered", since);
        }

        var answered = Format.Plural(totals.Count, ctx.T("Status.CommandAnswered"), ctx.T("Status.CommandsAnswered"), ctx.Culture);
        return totals.Count < 20
            ? ctx.T("Status.Slowest", answered, since, Duration(ctx, p95))
            : ctx.T("Status.P95", answered, since, Duration(ctx, p95));
    }

    public static string Waiting(CommandContext ctx, DeliveryReport report, DateTime nowUtc)
    {
        if (report.Waiting == 0 || report.OldestWaitingDueUtc is not { } oldest)
        {
            return ctx.T("Status.NothingWaiting");
        }

        var late = nowUtc - oldest;
        var count = Format.Plural(report.Waiting, ctx.T("Status.Message"), ctx.T("Status.Messages"), ctx.Culture);
        return late < TimeSpan.FromMinutes(5)
            ? ctx.T("Status.OnTheWay", count)
            : ctx.T("Status.Waiting", count, Format.Minutes((long)late.TotalMinutes, ctx.Culture));
    }

    /// <summary>What was not delivered in the window and what to do about it; channel problems have lines of their own.</summary>
    public static IEnumerable<string> Failures(CommandContext ctx, DeliveryReport report, string platform)
    {
        var name = platform is Platforms.Discord or Platforms.Slack ? DeliveryTexts.PlatformName(platform) : ctx.T("Status.Console");
        foreach (var group in report.Undelivered.Where(u => u.Count > 0).GroupBy(u => u.Reason).OrderBy(g => g.Key))
        {
            var count = group.Sum(u => u.Count);
            var messages = Format.Plural(count, ctx.T("Status.Message"), ctx.T("Status.Messages"), ctx.Culture);
            var line = group.Key switch
            {
                UndeliveredReason.Refused => platform == Platforms.Discord
                    ? ctx.T("Status.RefusedDiscord", messages)
                    : ctx.T("Status.Refused", messages, name),
                UndeliveredReason.TooOld => ctx.T("Status.TooOld", messages, OutboxRetry.MaxAge.TotalDays.ToString("0", CultureInfo.InvariantCulture), name),
                UndeliveredReason.Unreadable => ctx.T("Status.Unreadable", messages),
                _ => null, // dropped by design (a passed week, a later reminder), or a channel problem: not a failure to act on
            };
            if (line is not null)
            {
                yield return line;
            }
        }
    }

    public static string Next(CommandContext ctx, Community c, DateTimeOffset now)
    {
        var s = c.Settings;
        var board = s.LeaderboardChannel is null
            ? ctx.T("Status.BoardNoChannel")
            : ctx.T("Status.Board", When(ctx, ReminderSchedule.NextOccurrence(new ReminderPlan(Clock.FromDayOfWeek(s.LeaderboardDay), s.LeaderboardMinutes, ReminderFrequency.Daily, null), c.TimeZoneId, now), c.TimeZoneId, now), s.LeaderboardChannel);
        var partners = PartnerService.NextMatch(c, now) is { } match
            ? ctx.T("Status.Partners", When(ctx, match, c.TimeZoneId, now))
            : ctx.T("Status.PartnersManual");
        return board + "\n" + partners;
    }

    private static string When(CommandContext ctx, DateTimeOffset? at, string zoneId, DateTimeOffset now)
    {
        if (at is not { } instant)
        {
            return ctx.T("Status.NotScheduled");
        }

        var local = TimeZones.ToLocal(instant, zoneId);
        var days = (TimeZones.LocalDate(instant, zoneId).DayNumber - TimeZones.LocalDate(now, zoneId).DayNumber) switch
        {
            0 => ctx.T("Status.Today"),
            1 => ctx.T("Status.Tomorrow"),
            _ => local.ToString("dddd", ctx.Language == Localization.Languages.English ? CultureInfo.InvariantCulture : ctx.Culture),
        };
        return ctx.T("Status.When", days, local.ToString("HH:mm", CultureInfo.InvariantCulture), zoneId);
    }

    private static string Duration(CommandContext ctx, TimeSpan t) => t == TimeSpan.MaxValue
        ? ctx.T("Status.MoreThan")
        : t < TimeSpan.FromSeconds(1)
            ? $"{Math.Ceiling(t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms"
            : $"{t.TotalSeconds.ToString("0.0", ctx.Language == Localization.Languages.English ? CultureInfo.InvariantCulture : ctx.Culture)} s";
}
