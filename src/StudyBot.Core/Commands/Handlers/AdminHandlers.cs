using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal static class AdminViews
{
    public static CommandResult Save(CommandContext ctx, Community community, string text)
    {
        var changes = ctx.NewChanges();
        changes.Community = community;
        return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes);
    }

    public static string Channel(CommandContext ctx, string? id) => id is null ? ctx.T("Admin.NotSet") : $"#{id}";

    /// <summary>A day's name: "Monday" in English (as the enum says it), "Montag" in German.</summary>
    public static string Day(CommandContext ctx, DayOfWeek day) =>
        ctx.Language == Localization.Languages.English ? day.ToString() : ctx.Culture.DateTimeFormat.GetDayName(day);
}

internal sealed class AdminChannelHandler(IEnumerable<IChannelDirectory> directories, IChannelProblemStore problems) : ICommandHandler
{
    public string Path => "studybot channel";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var kind = ctx.Request.String("kind")!;
        var text = ctx.Request.String("channel")!.Trim();
        var directory = directories.FirstOrDefault(d => d.Platform == ctx.Who.Community.Platform);
        ChannelInfo? channel;
        if (directory is null)
        {
            // No way to check on this platform: take the id as given, without decoration ("<#C123|general>", "#123").
            var id = text.Trim('<', '>', '#');
            var name = id;
            if (id.IndexOf('|', StringComparison.Ordinal) is var bar and > 0)
            {
                name = id[(bar + 1)..];
                id = id[..bar];
            }

            channel = id.Length == 0 || id.Any(char.IsWhiteSpace) ? null : new ChannelInfo(id, name.Length == 0 ? id : name);
        }
        else
        {
            channel = await directory.FindAsync(ctx.Who.Community, text, cancellationToken);
        }

        if (channel is null)
        {
            return LocalViews.Error(ctx, ctx.T("Admin.NoChannel", TextInput.Quote(text, 40)), "/studybot channel celebrations #wins");
        }

                if (channel.RefusalIn(ctx.Culture) is { } refusal)
        {
            // Checked with the platform and found wanting: saying so now beats failing silently at the first post.
            return LocalViews.Error(ctx, ctx.T(kind == "leaderboard" ? "Admin.CantPostLeaderboard" : "Admin.CantPostCelebrations", channel.Name, refusal), "/studybot channel celebrations #wins");
        }

        // The admin who chose it is the one told if StudyBot can no longer post there; a problem it had is over.
        var settings = ctx.Snapshot.Community.Settings with { ChannelsSetBy = ctx.Who.UserId };
        settings = kind == "leaderboard" ? settings with { LeaderboardChannel = channel.Id } : settings with { CelebrationChannel = channel.Id };
        await problems.ClearAsync(ctx.Who.Community, channel.Id, cancellationToken);
        return AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings }, ctx.T(kind == "leaderboard" ? "Admin.SavedLeaderboard" : "Admin.SavedCelebrations", channel.Name));
    }
}

internal sealed class AdminTimezoneHandler : ICommandHandler
{
    public string Path => "studybot timezone";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var input = ctx.Request.String("zone")!;
        if (!TimeZones.TryNormalize(input, out var zone))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.UnknownZone(ctx, input, "/studybot timezone Europe/Berlin"));
        }

        var result = AdminViews.Save(ctx, ctx.Snapshot.Community with { TimeZoneId = zone },
            ctx.T("Admin.Timezone", zone, TimeZones.DescribeOffset(ctx.Now, zone)));
        return ValueTask.FromResult(result with { Reply = LocalViews.WithZoneNote(ctx, result.Reply, zone, "studybot timezone") });
    }
}

internal sealed class AdminLeaderboardScheduleHandler : ICommandHandler
{
    public string Path => "studybot leaderboard schedule";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var dayText = ctx.Request.String("day")!;
        if (!Clock.TryParseDay(dayText, out var day))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Admin.NotADay", TextInput.Quote(dayText, 20)), "/studybot leaderboard schedule monday 09:00"));
        }

        var timeText = ctx.Request.String("time")!;
        if (!Clock.TryParse(timeText, out var minutes))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Admin.NotATime", TextInput.Quote(timeText, 20)), "/studybot leaderboard schedule monday 09:00"));
        }

        var settings = ctx.Snapshot.Community.Settings with { LeaderboardDay = day, LeaderboardMinutes = minutes };
        var channel = settings.LeaderboardChannel is null ? ctx.T("Admin.SetChannelHint") : "";
        return ValueTask.FromResult(AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings },
            ctx.T("Admin.LeaderboardScheduled", AdminViews.Day(ctx, day), Clock.Format(minutes), ctx.Snapshot.Community.TimeZoneId, channel)));
    }
}

internal sealed class AdminRemindersMaxHandler : ICommandHandler
{
    public string Path => "studybot reminders max-per-week";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var count = (int)ctx.Request.Integer("count")!.Value;
        var settings = ctx.Snapshot.Community.Settings with { RemindersMaxPerWeek = count };
        return ValueTask.FromResult(AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings },
            ctx.T("Admin.RemindersMax", Format.Plural(count, ctx.T("Admin.Reminder"), ctx.T("Admin.Reminders"), ctx.Culture))));
    }
}

internal sealed class AdminShowHandler(IChannelProblemStore problems, IOutboxStore outbox, Roadmaps.RoadmapCatalog? roadmaps = null) : ICommandHandler
{
    public string Path => "studybot show";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var c = ctx.Snapshot.Community;
        var s = c.Settings;
        var fields = new List<ReplyField>
        {
            new(ctx.T("Admin.ShowRoadmap"), roadmaps is { All.Count: > 1 } ? ctx.T("Admin.ShowRoadmapNewcomers", roadmaps.Get(c.RoadmapId).In(ctx.Language).Title) : ctx.Roadmap.Title, true),
            new(ctx.T("Admin.ShowTimeZone"), c.TimeZoneId, true),
            new(ctx.T("Admin.ShowCelebrations"), AdminViews.Channel(ctx, s.CelebrationChannel), true),
            new(ctx.T("Admin.ShowLeaderboard"), ctx.T("Admin.ShowLeaderboardValue", AdminViews.Channel(ctx, s.LeaderboardChannel), AdminViews.Day(ctx, s.LeaderboardDay), Clock.Format(s.LeaderboardMinutes)), true),
            new(ctx.T("Admin.ShowReminders"), ctx.T("Admin.ShowRemindersValue", s.RemindersMaxPerWeek), true),
        };

        var lines = ChannelTexts.InUseLines(await problems.ProblemsAsync(ctx.Who.Community, cancellationToken), s, ctx.Who.Community.Platform, ctx.Culture).ToList();
        if (lines.Count > 0)
        {
            fields.Add(new ReplyField(ctx.T("Admin.ShowProblems"), string.Join("\n", lines)));
        }

        // What the outbox could not deliver this week (the community's week), and a backlog that has waited a while.
        var weekStart = ReminderSchedule.ToInstant(TimeZones.WeekStart(TimeZones.LocalDate(ctx.Now, c.TimeZoneId)), 0, c.TimeZoneId);
        var report = await outbox.ReportAsync(ctx.Who.Community, weekStart.UtcDateTime, ctx.Now.UtcDateTime, cancellationToken);
        var deliveries = DeliveryTexts.ShowLines(report, ctx.Who.Community.Platform, ctx.Now.UtcDateTime, ctx.Culture);
        if (deliveries.Count > 0)
        {
            fields.Add(new ReplyField(ctx.T("Admin.ShowDeliveries"), string.Join("\n", deliveries)));
        }

        return new Reply { Title = ctx.T("Admin.ShowTitle", c.Name), Fields = fields };
    }
}
