using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
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
            Text = ctx.T("Partner.Resting"),
            Buttons = [new ReplyButton(ctx.T("Partner.EndRestButton"), "progress rest end")],
        };

    /// <summary>"Ada and Bob" in the member's language.</summary>
    public static string Names(CommandContext ctx, IEnumerable<MemberRef> members) => string.Join(ctx.T("Partner.And"), members.Select(m => ctx.MemberText(m.DisplayName)));
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
                Text = ctx.T("Partner.NeedPlan"),
                Buttons = [new ReplyButton(ctx.T("Partner.WeekdaysButton"), "progress remind plan weekdays 19:00")],
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
                    Text = ctx.T("Partner.Already", PartnerViews.Names(ctx, current.Partners)),
                    Buttons = [new ReplyButton(ctx.T("Partner.StatusButton"), "progress partner status")],
                };
            }

            await partners.LeaveAsync(ctx.Who, ctx.Now.UtcDateTime, [], cancellationToken);
            ended = ctx.T("Partner.EndedQuiet", PartnerViews.Names(ctx, current.Partners));
        }

        // Joining the pool needs the member row; a first command creates it through a small commit.
        if (ctx.Member.IsNew)
        {
            return new Reply { Text = ctx.T("Partner.NeedStart") };
        }

        var joined = await partners.JoinPoolAsync(ctx.Who, ctx.Now.UtcDateTime, cancellationToken);
        var when = ctx.Snapshot.Community.Settings is { PartnersDay: { } day, PartnersMinutes: { } minutes }
            ? ctx.T("Partner.Schedule", RemindViews.DayName(ctx.Culture, day), Clock.Format(minutes), ctx.Snapshot.Community.TimeZoneId)
            : ctx.T("Partner.ScheduleAdmin");
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T("Partner.Find", ended, joined ? ctx.T("Partner.Joined") : ctx.T("Partner.AlreadyInPool"), when),
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
                Text = waiting ? ctx.T("Partner.Waiting") : ctx.T("Partner.None"),
                Buttons = waiting ? [] : [new ReplyButton(ctx.T("Partner.FindButton"), "progress partner find", ButtonStyle.Primary)],
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
                fields.Add(new ReplyField(ctx.MemberText(partner.DisplayName), ctx.T("Partner.Private")));
                continue;
            }

            var phases = ProgressMath.Phases(roadmaps is null ? ctx.Roadmap : Roadmaps.MemberRoadmaps.ForMember(roadmaps, snapshot).In(ctx.Language), snapshot.StateOf);
            var phase = ProgressMath.CurrentPhase(phases);
            var goal = snapshot.CurrentGoal(GoalPeriod.Week);
            var week = goal is null ? ctx.T("Partner.NoGoal") : ctx.T("Partner.Week", Format.Hours(Streaks.AchievedInPeriod(goal, snapshot.Days, today), ctx.Culture), LocalViews.GoalAmount(ctx, goal.Target, goal.Unit));
            var resting = snapshot.RestingOn(today) is not null ? ctx.T("Partner.RestingMark") : "";
            fields.Add(new ReplyField(ctx.MemberText(partner.DisplayName), ctx.T("Partner.Progress", Format.PhaseName(phase, ctx.Culture), phases.First(p => p.Phase.Id == phase.Id).Percent, ProgressMath.OverallPercent(phases), week, resting)));
        }

        var since = DateOnly.FromDateTime(current.CreatedAtUtc);
        var streak = PartnerStreak.Compute(streaks, since, ctx.Today);
        return new Reply
        {
            Title = ctx.T("Partner.Title", PartnerViews.Names(ctx, current.Partners)),
            Text = streak == 0
                ? ctx.T("Partner.SinceNoStreak", Format.Date(since, ctx.Culture), current.Partners.Count == 1 ? ctx.T("Partner.YouBoth") : ctx.T("Partner.YouAll"))
                : ctx.T("Partner.SinceStreak", Format.Date(since, ctx.Culture), Format.Plural(streak, ctx.T("Partner.WeekOne"), ctx.T("Partner.Weeks"), ctx.Culture)),
            Fields = fields,
            Buttons = [new ReplyButton(ctx.T("Partner.NudgeButton"), "progress partner nudge")],
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
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Partner.NobodyToNudge") };
        }

        if (current.MyLastNudgeAtUtc is { } last && ctx.Now.UtcDateTime - last < Interval)
        {
            var next = TimeZones.ToLocal(new DateTimeOffset(last + Interval, TimeSpan.Zero), ctx.Member.TimeZoneId);
            var at = ctx.Language == Languages.English ? $"{next:ddd HH:mm}" : next.ToString("ddd HH:mm", ctx.Culture);
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Partner.NudgedToday", at) };
        }

        var messages = current.Partners.Select(p => PartnerService.Direct("nudge", p, PartnerService.Nudge(ctx.MemberText(ctx.Who.DisplayName), Languages.Culture(current.LanguageOf(p))), ctx.Now, $"{ctx.Who.UserId}:{ctx.Now:yyyyMMddHHmmss}") with { Mentions = [ctx.Who.UserId] }).ToList();
        var sent = await partners.NudgeAsync(ctx.Who, ctx.Now.UtcDateTime, ctx.Now.UtcDateTime - Interval, messages, cancellationToken);
        return sent
            ? new Reply { Tone = ReplyTone.Success, Text = ctx.T("Partner.NudgeSent", PartnerViews.Names(ctx, current.Partners)) }
            : new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Partner.NudgeAgainTomorrow") };
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
                    Text = ctx.T("Partner.LeftPool"),
                    Buttons = [new ReplyButton(ctx.T("Partner.FindButton"), "progress partner find")],
                }
                : new Reply
                {
                    Text = ctx.T("Partner.NothingToLeave"),
                    Buttons = [new ReplyButton(ctx.T("Partner.FindButton"), "progress partner find", ButtonStyle.Primary)],
                };
        }

        var goodbyes = current.Partners.Select(p => PartnerService.Direct("partner-left", p, PartnerService.Goodbye(ctx.MemberText(ctx.Who.DisplayName), Languages.Culture(current.LanguageOf(p))), ctx.Now, $"{current.Id}:{ctx.Who.UserId}") with { Mentions = [ctx.Who.UserId] }).ToList();
        await partners.LeaveAsync(ctx.Who, ctx.Now.UtcDateTime, current.Partners.Count == 1 ? goodbyes : [], cancellationToken);
        return new Reply { Tone = ReplyTone.Success, Text = ctx.T("Partner.Left", PartnerViews.Names(ctx, current.Partners)) };
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
                ? ctx.T("Partner.NoMatches", Format.Plural(result.Waiting, ctx.T("Partner.MemberIs"), ctx.T("Partner.MembersAre"), ctx.Culture))
                : ctx.T("Partner.Matched", Format.Plural(result.Matched, ctx.T("Partner.Member"), ctx.T("Partner.Members"), ctx.Culture), Format.Plural(result.Groups, ctx.T("Partner.Group"), ctx.T("Partner.Groups"), ctx.Culture))
                    + (result.Waiting == 0 ? ctx.T("Partner.NobodyLeft") : ctx.T("Partner.StillWaiting", Format.Plural(result.Waiting, ctx.T("Partner.MemberIs"), ctx.T("Partner.MembersAre"), ctx.Culture))),
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
                ctx.T("Partner.ScheduleOff")));
        }

        if (!Clock.TryParseDay(dayText, out var day))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Partner.BadDay", TextInput.Quote(dayText, 20)), "/studybot partners schedule monday 10:00"));
        }

        if (!Clock.TryParse(ctx.Request.String("time") ?? "", out var minutes))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Partner.NeedTime"), "/studybot partners schedule monday 10:00"));
        }

        return ValueTask.FromResult(AdminViews.Save(ctx, ctx.Snapshot.Community with { Settings = settings with { PartnersDay = day, PartnersMinutes = minutes } },
            ctx.T("Partner.Scheduled", RemindViews.DayName(ctx.Culture, day), Clock.Format(minutes), ctx.Snapshot.Community.TimeZoneId)));
    }
}
