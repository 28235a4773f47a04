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

    public static string Channel(string? id) => id is null ? "not set" : $"#{id}";
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
            return Reply.Error($"I can't find a channel `{TextInput.Quote(text, 40)}` in this community (or I can't post there). Pick one I can see.", "/studybot channel celebrations #wins");
        }

        var what = kind == "leaderboard" ? "The weekly leaderboard" : "Milestone celebrations";
        if (channel.Refusal is { } refusal)
        {
            // Checked with the platform and found wanting: saying so now beats failing silently at the first post.
            return Reply.Error($"I can't post {what.ToLowerInvariant()} in #{channel.Name}: {refusal}", "/studybot channel celebrations #wins");
        }

        // The admin who chose it is the one told if StudyBot can no longer post there; a problem it had is over.
        var settings = ctx.Snapshot.Community.Settings with { ChannelsSetBy = ctx.Who.UserId };
        settings = kind == "leaderboard" ? settings with { LeaderboardChannel = channel.Id } : settings with { CelebrationChannel = channel.Id };
        await problems.ClearAsync(ctx.Who.Community, channel.Id, cancellationToken);
        return AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings }, $"✅ {what} will be posted in #{channel.Name}.");
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
            return ValueTask.FromResult<CommandResult>(Views.UnknownZone(input, "/studybot timezone Europe/Berlin"));
        }

        var result = AdminViews.Save(ctx, ctx.Snapshot.Community with { TimeZoneId = zone },
            $"🕒 The community's time zone is now {zone} ({TimeZones.DescribeOffset(ctx.Now, zone)}). Scheduled posts follow it; new members start in it until they set their own.");
        return ValueTask.FromResult(result with { Reply = Views.WithZoneNote(result.Reply, zone, "studybot timezone") });
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
            return ValueTask.FromResult<CommandResult>(Reply.Error($"`{TextInput.Quote(dayText, 20)}` isn't a day of the week.", "/studybot leaderboard schedule monday 09:00"));
        }

        var timeText = ctx.Request.String("time")!;
        if (!Clock.TryParse(timeText, out var minutes))
        {
            return ValueTask.FromResult<CommandResult>(Reply.Error($"`{TextInput.Quote(timeText, 20)}` isn't a time of day; use 24-hour HH:mm.", "/studybot leaderboard schedule monday 09:00"));
        }

        var settings = ctx.Snapshot.Community.Settings with { LeaderboardDay = day, LeaderboardMinutes = minutes };
        var channel = settings.LeaderboardChannel is null ? " Set its channel with `/studybot channel leaderboard #channel`." : "";
        return ValueTask.FromResult(AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings },
            $"🏆 The leaderboard will be posted every {day} at {Clock.Format(minutes)} ({ctx.Snapshot.Community.TimeZoneId}).{channel}"));
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
            $"🔔 Members get at most {Format.Plural(count, "reminder", "reminders")} a week."));
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
            new("Roadmap", roadmaps is { All.Count: > 1 } ? $"{roadmaps.Get(c.RoadmapId).Title} for newcomers (`/studybot roadmap list`)" : ctx.Roadmap.Title, true),
            new("Time zone", c.TimeZoneId, true),
            new("Celebrations", AdminViews.Channel(s.CelebrationChannel), true),
            new("Leaderboard", $"{AdminViews.Channel(s.LeaderboardChannel)}, {s.LeaderboardDay} {Clock.Format(s.LeaderboardMinutes)}", true),
            new("Reminders", $"at most {s.RemindersMaxPerWeek} a week per member", true),
        };

        var lines = ChannelTexts.InUseLines(await problems.ProblemsAsync(ctx.Who.Community, cancellationToken), s, ctx.Who.Community.Platform).ToList();
        if (lines.Count > 0)
        {
            fields.Add(new ReplyField("Problems", string.Join("\n", lines)));
        }

        // What the outbox could not deliver this week (the community's week), and a backlog that has waited a while.
        var weekStart = ReminderSchedule.ToInstant(TimeZones.WeekStart(TimeZones.LocalDate(ctx.Now, c.TimeZoneId)), 0, c.TimeZoneId);
        var report = await outbox.ReportAsync(ctx.Who.Community, weekStart.UtcDateTime, ctx.Now.UtcDateTime, cancellationToken);
        var deliveries = DeliveryTexts.ShowLines(report, ctx.Who.Community.Platform, ctx.Now.UtcDateTime);
        if (deliveries.Count > 0)
        {
            fields.Add(new ReplyField("Deliveries", string.Join("\n", deliveries)));
        }

        return new Reply { Title = $"StudyBot settings for {c.Name}", Fields = fields };
    }
}
