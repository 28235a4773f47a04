using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal static class PartnerViews
{
    public static Reply? Resting(CommandContext ctx) => ctx.Snapshot.RestingOn(ctx.Today) is null
        ? null
        : new Reply
        {
            Tone = ReplyTone.Warning,
            Text = "You're resting right now, so partner matching and nudges wait until you're back. `/progress rest end` when you're ready.",
            Buttons = [new ReplyButton("End rest", "progress rest end")],
        };

    public static string Names(IEnumerable<MemberRef> members, Func<string, string> name) => string.Join(" and ", members.Select(m => name(m.DisplayName)));
}

internal sealed class PartnerFindHandler(IPartnerStore partners, IProgressStore progress) : ICommandHandler
{
    public string Path => "progress partner find";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (PartnerViews.Resting(ctx) is { } resting)
        {
            return resting;
        }

        if (ctx.Member.Preferences.Plan is null)
        {
            return new Reply
            {
                Tone = ReplyTone.Warning,
                Text = "Partners are matched by when you usually study, so tell me that first, e.g. `/progress remind plan weekdays 19:00`. Then `/progress partner find` again.",
                Buttons = [new ReplyButton("Weekdays at 19:00", "progress remind plan weekdays 19:00")],
            };
        }

        var current = ctx.Member.IsNew ? null : await partners.CurrentAsync(ctx.Who, cancellationToken);
        var ended = "";
        if (current is not null)
        {
            var quiet = true;
            foreach (var partner in current.Partners)
            {
                var snapshot = await progress.LoadAsync(partner, new NewcomerDefaults(ctx.Snapshot.Community.RoadmapId, ctx.Member.TimeZoneId), cancellationToken);
                quiet &= snapshot.Member.Reminders.LastActivityAtUtc is not { } active || ctx.Now.UtcDateTime - active >= PartnerService.QuietAfter;
            }

            if (!quiet)
            {
                return new Reply
                {
                    Text = $"You already have a study partner: {PartnerViews.Names(current.Partners, ctx.MemberText)}. `/progress partner leave` first if you'd like someone new.",
                    Buttons = [new ReplyButton("Partner status", "progress partner status")],
                };
            }

            await partners.LeaveAsync(ctx.Who, ctx.Now.UtcDateTime, [], cancellationToken);
            ended = $"Your partnership with {PartnerViews.Names(current.Partners, ctx.MemberText)} has ended, since they've been quiet for two weeks. ";
        }

        // Joining the pool needs the member row; a first command creates it through a small commit.
        if (ctx.Member.IsNew)
        {
            return new Reply { Text = "Run `/progress start` or log some study first, then `/progress partner find`." };
        }

        var joined = await partners.JoinPoolAsync(ctx.Who, ctx.Now.UtcDateTime, cancellationToken);
        var when = ctx.Snapshot.Community.Settings is { PartnersDay: { } day, PartnersMinutes: { } minutes }
            ? $"Matching runs every {day} at {Clock.Format(minutes)} ({ctx.Snapshot.Community.TimeZoneId})"
            : "Matching runs when an admin starts it";
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"🤝 {ended}{(joined ? "You're in the partner pool." : "You're already in the partner pool.")} {when}; I'll DM you your partner and why you were matched. "
                + "I match people in the same or a neighbouring phase, at a similar pace, who study at overlapping times.",
        };
    }
}

internal sealed class PartnerStatusHandler(IPartnerStore partners, IProgressStore progress, Roadmaps.RoadmapCatalog? roadmaps = null) : ICommandHandler
{
    public string Path => "progress partner status";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var current = ctx.Member.IsNew ? null : await partners.CurrentAsync(ctx.Who, cancellationToken);
        if (current is null)
        {
            var waiting = !ctx.Member.IsNew && await partners.InPoolAsync(ctx.Who, cancellationToken);
            return new Reply
            {
                Text = waiting ? "You're in the partner pool; I'll DM you when you're matched." : "You have no study partner yet. `/progress partner find` puts you in the pool.",
                Buttons = waiting ? [] : [new ReplyButton("Find a partner", "progress partner find", ButtonStyle.Primary)],
            };
        }

        var fields = new List<ReplyField>();
        var streaks = new List<StreakStatus> { Streaks.Compute(ctx.Snapshot.Goals, ctx.Snapshot.Days, ctx.Today, ReminderComposer.PausedWeeks(ctx.Snapshot.Rest, ctx.Today)) };
        foreach (var partner in current.Partners)
        {
            var snapshot = await progress.LoadAsync(partner, new NewcomerDefaults(ctx.Snapshot.Community.RoadmapId, ctx.Member.TimeZoneId), cancellationToken);
            var today = TimeZones.LocalDate(ctx.Now, snapshot.Member.TimeZoneId);
            streaks.Add(Streaks.Compute(snapshot.Goals, snapshot.Days, today, ReminderComposer.PausedWeeks(snapshot.Rest, today)));
            if (snapshot.Member.Preferences.Privacy == PrivacyLevel.Private)
            {
                fields.Add(new ReplyField(ctx.MemberText(partner.DisplayName), "Keeps their progress private. A nudge still reaches them."));
                continue;
            }

            var phases = ProgressMath.Phases(roadmaps is null ? ctx.Roadmap : Roadmaps.MemberRoadmaps.ForMember(roadmaps, snapshot), snapshot.StateOf);
            var phase = ProgressMath.CurrentPhase(phases);
            var goal = snapshot.CurrentGoal(GoalPeriod.Week);
            var week = goal is null ? "no weekly goal set" : $"this week {Format.Hours(Streaks.AchievedInPeriod(goal, snapshot.Days, today))} of {Format.GoalAmount(goal.Target, goal.Unit)}";
            var resting = snapshot.RestingOn(today) is not null ? " · resting" : "";
            fields.Add(new ReplyField(ctx.MemberText(partner.DisplayName), $"{Format.PhaseName(phase)} ({phases.First(p => p.Phase.Id == phase.Id).Percent}%) · {ProgressMath.OverallPercent(phases)}% overall · {week}{resting}"));
        }

        var since = DateOnly.FromDateTime(current.CreatedAtUtc);
        var streak = PartnerStreak.Compute(streaks, since, ctx.Today);
        return new Reply
        {
            Title = $"🤝 You and {PartnerViews.Names(current.Partners, ctx.MemberText)}",
            Text = streak == 0
                ? $"Partners since {Format.Date(since)}. A week {(current.Partners.Count == 1 ? "you both" : "you all")} meet your goals starts a partner streak."
                : $"Partners since {Format.Date(since)}. 🔥 Partner streak: {Format.Plural(streak, "week", "weeks")} of everyone meeting their goals.",
            Fields = fields,
            Buttons = [new ReplyButton("Send a nudge", "progress partner nudge")],
        };
    }
}

internal sealed class PartnerNudgeHandler(IPartnerStore partners) : ICommandHandler
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    public string Path => "progress partner nudge";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (PartnerViews.Resting(ctx) is { } resting)
        {
            return resting;
        }

        var current = ctx.Member.IsNew ? null : await partners.CurrentAsync(ctx.Who, cancellationToken);
        if (current is null || current.Partners.Count == 0)
        {
            return new Reply { Tone = ReplyTone.Warning, Text = "There's nobody to nudge: you have no study partner yet. `/progress partner find` puts you in the pool." };
        }

        if (current.MyLastNudgeAtUtc is { } last && ctx.Now.UtcDateTime - last < Interval)
        {
            var next = TimeZones.ToLocal(new DateTimeOffset(last + Interval, TimeSpan.Zero), ctx.Member.TimeZoneId);
            return new Reply { Tone = ReplyTone.Warning, Text = $"You nudged already today. Nudges are once a day so they stay friendly; the next can go {next:ddd HH:mm}." };
        }

        var messages = current.Partners.Select(p => PartnerService.Direct("nudge", p, new Reply
        {
            Title = "👋 A nudge from your study partner",
            Text = $"{ctx.MemberText(ctx.Who.DisplayName)} is thinking of you: how about a study session today? Even 25 minutes keeps the streak alive.",
            Buttons = [new ReplyButton("Log 30 min", "progress log 30 practice", ButtonStyle.Primary), new ReplyButton("What's next", "progress next")],
        }, ctx.Now, $"{ctx.Who.UserId}:{ctx.Now:yyyyMMddHHmmss}") with { Mentions = [ctx.Who.UserId] }).ToList();
        var sent = await partners.NudgeAsync(ctx.Who, ctx.Now.UtcDateTime, ctx.Now.UtcDateTime - Interval, messages, cancellationToken);
        return sent
            ? new Reply { Tone = ReplyTone.Success, Text = $"👋 Nudge on its way to {PartnerViews.Names(current.Partners, ctx.MemberText)}." }
            : new Reply { Tone = ReplyTone.Warning, Text = "You nudged already today; try again tomorrow." };
    }
}

internal sealed class PartnerLeaveHandler(IPartnerStore partners) : ICommandHandler
{
    public string Path => "progress partner leave";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var current = ctx.Member.IsNew ? null : await partners.CurrentAsync(ctx.Who, cancellationToken);

        // Leaving covers the pool too: someone waiting there is never matched after they said leave.
        var leftPool = !ctx.Member.IsNew && await partners.LeavePoolAsync(ctx.Who, cancellationToken);
        if (current is null)
        {
            return leftPool
                ? new Reply
                {
                    Tone = ReplyTone.Success,
                    Text = "👋 You've left the partner pool, so I won't match you with anyone. `/progress partner find` whenever you'd like a study partner.",
                    Buttons = [new ReplyButton("Find a partner", "progress partner find")],
                }
                : new Reply
                {
                    Text = "You're not in the partner pool and have no study partner, so there's nothing to leave. `/progress partner find` puts you in the pool.",
                    Buttons = [new ReplyButton("Find a partner", "progress partner find", ButtonStyle.Primary)],
                };
        }

        var goodbyes = current.Partners.Select(p => PartnerService.Direct("partner-left", p, new Reply
        {
            Title = "🤝 Partnership ended",
            Text = $"{ctx.MemberText(ctx.Who.DisplayName)} has left your study partnership. Thanks for studying together! `/progress partner find` matches you with someone new.",
            Buttons = [new ReplyButton("Find a new partner", "progress partner find")],
        }, ctx.Now, $"{current.Id}:{ctx.Who.UserId}") with { Mentions = [ctx.Who.UserId] }).ToList();
        await partners.LeaveAsync(ctx.Who, ctx.Now.UtcDateTime, current.Partners.Count == 1 ? goodbyes : [], cancellationToken);
        return new Reply { Tone = ReplyTone.Success, Text = $"You've left your partnership with {PartnerViews.Names(current.Partners, ctx.MemberText)}. `/progress partner find` whenever you'd like a new partner." };
    }
}

internal sealed class AdminPartnersMatchHandler(PartnerService service) : ICommandHandler
{
    public string Path => "studybot partners match";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var result = await service.MatchAsync(ctx.Who.Community, cancellationToken);
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = result.Groups == 0
                ? $"No matches this time: {Format.Plural(result.Waiting, "member is", "members are")} waiting for someone compatible."
                : $"🤝 Matched {Format.Plural(result.Matched, "member", "members")} into {Format.Plural(result.Groups, "group", "groups")}; each gets a DM introducing their partner. "
                    + (result.Waiting == 0 ? "Nobody is left waiting." : $"{Format.Plural(result.Waiting, "member is", "members are")} still waiting for a compatible partner."),
        };
    }
}

internal sealed class AdminPartnersScheduleHandler : ICommandHandler
{
    public string Path => "studybot partners schedule";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var dayText = ctx.Request.String("day")!;
        var settings = ctx.Snapshot.Community.Settings;
        if (dayText.Trim().ToLowerInvariant() is "off" or "none")
        {
            return ValueTask.FromResult(AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings with { PartnersDay = null, PartnersMinutes = null } },
                "Weekly partner matching is off; `/studybot partners match` still matches on demand."));
        }

        if (!Clock.TryParseDay(dayText, out var day))
        {
            return ValueTask.FromResult<CommandResult>(Reply.Error($"`{TextInput.Quote(dayText, 20)}` isn't a day of the week (or `off`).", "/studybot partners schedule monday 10:00"));
        }

        if (!Clock.TryParse(ctx.Request.String("time") ?? "", out var minutes))
        {
            return ValueTask.FromResult<CommandResult>(Reply.Error("Give the local time too, in 24-hour HH:mm.", "/studybot partners schedule monday 10:00"));
        }

        return ValueTask.FromResult(AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings with { PartnersDay = day, PartnersMinutes = minutes } },
            $"🤝 Partners will be matched every {day} at {Clock.Format(minutes)} ({ctx.Snapshot.Community.TimeZoneId})."));
    }
}
