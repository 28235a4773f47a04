using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Sessions;
using StudyBot.Core.Voice;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>What the session commands share: finding a session by its number, and planning one.</summary>
internal static class SessionViews
{
    /// <summary>Sessions last at least this long and at most <see cref="MaxMinutes"/>.</summary>
    public const int MinMinutes = 10;

    public const int MaxMinutes = 240;

    /// <summary>A session may be planned at most this far ahead.</summary>
    public const int MaxDaysAhead = 366;

    public static async Task<(StudySession? Session, Reply? Problem)> FindAsync(CommandContext ctx, ISessionStore store, string example, CancellationToken cancellationToken)
    {
        var id = ctx.Request.Integer("id")!.Value;
        var session = ctx.Snapshot.Community.IsNew ? null : await store.FindAsync(ctx.Who.Community, id, cancellationToken);
        if (session is null)
        {
            return (null, Reply.Error($"There's no study session #{id} here. `/progress sessions` lists the next ones with their numbers.", example));
        }

        if (session.Cancelled)
        {
            return (null, new Reply { Tone = ReplyTone.Warning, Text = $"{session.Title} was cancelled, so nothing was changed. `/progress sessions` lists what's still on." });
        }

        return (session, null);
    }

    public static async Task<CommandResult> PlanAsync(CommandContext ctx, ISessionStore store, IEnumerable<IChannelDirectory> directories, IEnumerable<IVoiceChannelDirectory> voice, string example, CancellationToken cancellationToken)
    {
        var zone = ctx.Snapshot.Community.TimeZoneId;
        var dayText = ctx.Request.String("day")!.Trim();
        var today = TimeZones.LocalDate(ctx.Now, zone);
        DateOnly date;
        bool weekly;
        var timeText = ctx.Request.String("time")!;
        if (!Clock.TryParse(timeText, out var minutesOfDay))
        {
            return Reply.Error($"`{TextInput.Quote(timeText, 20)}` isn't a time of day. Write it like {Clock.Examples}.", example);
        }

        switch (dayText.ToLowerInvariant())
        {
            case "today":
                (date, weekly) = (today, false);
                break;
            case "tomorrow":
                (date, weekly) = (today.AddDays(1), false);
                break;
            default:
                if (DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
                {
                    weekly = false;
                }
                else if (Clock.TryParseDay(dayText, out var day))
                {
                    weekly = true;
                    date = today.AddDays(((int)day - (int)today.DayOfWeek + 7) % 7);
                    if (ReminderSchedule.ToInstant(date, minutesOfDay, zone) <= ctx.Now)
                    {
                        date = date.AddDays(7);
                    }
                }
                else
                {
                    return Reply.Error($"`{TextInput.Quote(dayText, 20)}` isn't a day or a date. Write a weekday for a weekly session (`monday`), or a date for a one-off: `2026-12-10`, `today` or `tomorrow`.", example);
                }

                break;
        }

        var start = ReminderSchedule.ToInstant(date, minutesOfDay, zone);
        if (start <= ctx.Now)
        {
            return Reply.Error($"{date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture)} at {Clock.Format(minutesOfDay)} ({zone}) is in the past. Pick a later day or time.", example);
        }

        if (date > today.AddDays(MaxDaysAhead))
        {
            return Reply.Error("That's more than a year away. Plan sessions within the next year.", example);
        }

        var minutes = (int)ctx.Request.Integer("minutes")!.Value;
        if (minutes is < MinMinutes or > MaxMinutes)
        {
            return Reply.Error($"A session lasts {MinMinutes} minutes to {MaxMinutes / 60} hours, not {Format.Minutes(minutes)}.", example);
        }

        var topic = ctx.Request.String("topic")?.Trim();
        ChannelInfo? channel;
        if (ctx.Request.String("channel")?.Trim() is { Length: > 0 } channelText)
        {
            channel = await FindChannelAsync(ctx, directories, voice, channelText, cancellationToken);
            var looksLikeChannel = channelText.StartsWith('#') || channelText.StartsWith('<') || channelText.All(char.IsAsciiDigit);
            if (channel is null && !looksLikeChannel)
            {
                // "monday 19:00 60 linear algebra": the first word of the topic, not a channel.
                topic = topic is null ? channelText : $"{channelText} {topic}";
                channel = null;
            }
            else if (channel is null)
            {
                return Reply.Error($"I can't find a channel `{TextInput.Quote(channelText, 40)}` in this community (or I can't post there). Pick one I can see, or leave it out to use the celebrations channel.", example);
            }
            else if (channel.Refusal is { } refusal)
            {
                return Reply.Error($"I can't post the session in #{channel.Name}: {refusal}", example);
            }
        }
        else
        {
            channel = null;
        }

        if (channel is null)
        {
            var fallback = ctx.Snapshot.Community.Settings.CelebrationChannel ?? ctx.Snapshot.Community.Settings.LeaderboardChannel;
            if (fallback is null)
            {
                return Reply.Error("Which channel should I post the session in? Name one, or have an admin set the celebrations channel (`/studybot channel celebrations #channel`).", example);
            }

            channel = new ChannelInfo(fallback, fallback);
        }

        if (topic is { Length: > 100 })
        {
            return Reply.Error("A topic can be at most 100 characters.", example);
        }

        var planned = await store.PlanAsync(
            new NewStudySession(ctx.Who, zone, date, minutesOfDay, minutes, weekly, channel.Id, channel.Name, string.IsNullOrEmpty(topic) ? null : topic),
            saved => SessionService.Post(SessionKinds.Planned, saved, $"{saved.Id}", Announcement(ctx, saved), ctx.Now),
            ctx.Now.UtcDateTime,
            cancellationToken);
        if (planned is null)
        {
            return new Reply { Tone = ReplyTone.Warning, Text = "I don't know this community yet. Run any command first (e.g. `/progress start`), then plan the session again." };
        }

        var first = SessionSchedule.At(planned, planned.FirstDate);
        var yours = ctx.Member.TimeZoneId == zone ? "" : $" That's {SessionService.When(first, ctx.Member.TimeZoneId)} in your time ({ctx.Member.TimeZoneId}).";
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"📅 Planned {planned.Title}: {Describe(planned)}.{yours} I posted it in #{planned.ChannelName} with RSVP buttons; "
                + $"members going get a DM 10 minutes before. Cancel it with `/studybot session cancel {planned.Id}`.",
            Buttons = SessionService.RsvpButtons(planned.Id),
        };
    }

    /// <summary>"every Monday 19:00-20:00 (Europe/Berlin), first on Mon 7 Dec" or "Thu 10 Dec 19:00-20:00 (Europe/Berlin)".</summary>
    public static string Describe(StudySession session)
    {
        var first = SessionSchedule.At(session, session.FirstDate);
        var when = SessionService.When(first, session.TimeZoneId);
        return session.Weekly
            ? $"every {session.FirstDate.DayOfWeek} {when[(when.LastIndexOf(' ') + 1)..]} ({session.TimeZoneId}), first on {when[..when.LastIndexOf(' ')]}"
            : $"{when} ({session.TimeZoneId})";
    }

    private static Reply Announcement(CommandContext ctx, StudySession session) => new()
    {
        Title = $"📅 New study session: {session.Title}",
        Text = $"{char.ToUpperInvariant(Describe(session)[0])}{Describe(session)[1..]}, {Format.Minutes(session.Minutes)}. Planned by **{ctx.MemberText(ctx.Who.DisplayName)}**.\n"
            + "Say if you're coming: members going get a reminder 10 minutes before. When it starts, check in here: the session counts as your study time. "
            + "`/progress sessions` shows it in your own time zone.",
        Visibility = Visibility.Public,
        Buttons = SessionService.RsvpButtons(session.Id),
    };

    private static async Task<ChannelInfo?> FindChannelAsync(CommandContext ctx, IEnumerable<IChannelDirectory> directories, IEnumerable<IVoiceChannelDirectory> voice, string text, CancellationToken cancellationToken)
    {
        var directory = directories.FirstOrDefault(d => d.Platform == ctx.Who.Community.Platform);
        if (directory is not null)
        {
            if (await directory.FindAsync(ctx.Who.Community, text, cancellationToken) is { } found)
            {
                return found;
            }

            // A Discord voice channel holds the session too: its posts go to the channel's text chat, and members who join
            // it while the session is on are checked in (SessionVoiceCheckIn).
            var voiceDirectory = voice.FirstOrDefault(d => d.Platform == ctx.Who.Community.Platform);
            var lookup = voiceDirectory is null ? null : await voiceDirectory.FindAsync(ctx.Who.Community, text, cancellationToken);
            return lookup is { Outcome: VoiceChannelOutcome.Found, Id: { } voiceId } ? new ChannelInfo(voiceId, lookup.Name ?? voiceId) : null;
        }

        // No way to check on this platform: take the id as given, without decoration ("<#C123|general>", "#123").
        var id = text.Trim('<', '>', '#');
        var name = id;
        if (id.IndexOf('|', StringComparison.Ordinal) is var bar and > 0)
        {
            name = id[(bar + 1)..];
            id = id[..bar];
        }

        return id.Length == 0 || id.Any(char.IsWhiteSpace) || !text.StartsWith('#') && !text.StartsWith('<') ? null : new ChannelInfo(id, name.Length == 0 ? id : name);
    }
}

internal sealed class AdminSessionPlanHandler(ISessionStore store, IEnumerable<IChannelDirectory> directories, IEnumerable<IVoiceChannelDirectory> voice) : ICommandHandler
{
    public string Path => "studybot session plan";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken) =>
        await SessionViews.PlanAsync(ctx, store, directories, voice, "/studybot session plan monday 19:00 60 #study-hall linear algebra", cancellationToken);
}

internal sealed class SessionPlanHandler(ISessionStore store, IEnumerable<IChannelDirectory> directories, IEnumerable<IVoiceChannelDirectory> voice) : ICommandHandler
{
    public string Path => "progress session plan";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (!ctx.Who.IsAdmin && !await store.MembersMayPlanAsync(ctx.Who.Community, cancellationToken))
        {
            return new Reply
            {
                Tone = ReplyTone.Warning,
                Text = "Here only admins plan study sessions. An admin can let members plan them too with `/studybot session members on`. `/progress sessions` lists the ones planned.",
            };
        }

        return await SessionViews.PlanAsync(ctx, store, directories, voice, "/progress session plan monday 19:00 60 #study-hall linear algebra", cancellationToken);
    }
}

internal sealed class AdminSessionCancelHandler(ISessionStore store) : ICommandHandler
{
    public string Path => "studybot session cancel";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var (session, problem) = await SessionViews.FindAsync(ctx, store, "/studybot session cancel 3", cancellationToken);
        if (session is null)
        {
            return problem!;
        }

        var next = SessionSchedule.Current(session, ctx.Now);
        var told = next is null
            ? []
            : (await store.RsvpsAsync(session, next.Date, cancellationToken)).Where(r => r.Response is Rsvp.Going or Rsvp.Maybe).ToList();
        var notices = new List<OutboxMessage>
        {
            // For everyone who saw the announcement: the channel hears it too.
            SessionService.Post(SessionKinds.Cancelled, session, $"{session.Id}", new Reply
            {
                Title = $"❌ {session.Title} is cancelled",
                Text = $"{char.ToUpperInvariant(SessionViews.Describe(session)[0])}{SessionViews.Describe(session)[1..]}: cancelled by the organisers. `/progress sessions` shows what else is on.",
                Visibility = Visibility.Public,
            }, ctx.Now),
        };
        notices.AddRange(told.Select(r => SessionService.Direct(SessionKinds.Cancelled, r.Member, next!, new Reply
        {
            Title = $"❌ {session.Title} is cancelled",
            Text = $"The session on {SessionService.When(next!, r.TimeZoneId)} (your time) won't take place{(session.Weekly ? ", nor the ones after it" : "")}. Sorry! `/progress sessions` shows what else is on.",
            Buttons = [new ReplyButton("Other sessions", "progress sessions")],
        }, ctx.Now)));
        if (!await store.CancelAsync(session, notices, ctx.Now.UtcDateTime, cancellationToken))
        {
            return new Reply { Tone = ReplyTone.Warning, Text = $"{session.Title} was cancelled already." };
        }

        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"❌ Cancelled {session.Title}{(session.Weekly ? " and its future weeks" : "")}. "
                + (told.Count == 0 ? "Nobody had said they're coming, so nobody needs telling." : $"I'm letting the {Format.Plural(told.Count, "member", "members")} who said going or maybe know by DM."),
        };
    }
}

internal sealed class AdminSessionMembersHandler(ISessionStore store) : ICommandHandler
{
    public string Path => "studybot session members";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var allowed = ctx.Request.String("allowed") == "on";
        if (!await store.SetMembersMayPlanAsync(ctx.Who.Community, allowed, cancellationToken))
        {
            return new Reply { Tone = ReplyTone.Warning, Text = "I don't know this community yet. Run any command first (e.g. `/progress start`), then try again." };
        }

        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = allowed
                ? "✅ Members can now plan study sessions with `/progress session plan`."
                : "✅ Only admins plan study sessions now. Sessions already planned stay on.",
        };
    }
}

/// <summary>Going, maybe or can't: the member's answer for the session's next (or running) occurrence.</summary>
internal abstract class SessionRsvpHandler(ISessionStore store, Rsvp response) : ICommandHandler
{
    public abstract string Path { get; }

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var word = response switch { Rsvp.Going => "going", Rsvp.Maybe => "maybe", _ => "cant" };
        var (session, problem) = await SessionViews.FindAsync(ctx, store, $"/progress session {word} 3", cancellationToken);
        if (session is null)
        {
            return problem!;
        }

        var occurrence = SessionSchedule.Current(session, ctx.Now);
        if (occurrence is null)
        {
            return new Reply { Tone = ReplyTone.Warning, Text = $"{session.Title} is over, so there's nothing to answer. `/progress sessions` lists the next ones." };
        }

        var changes = ctx.NewChanges();
        changes.Session = new SessionChange(session.Id, occurrence.Date, response, null);
        var when = $"{SessionService.When(occurrence, ctx.Member.TimeZoneId)} (your time)";
        var reply = response switch
        {
            Rsvp.Going => new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"👍 You're going to {session.Title}, {when}. I'll DM you 10 minutes before; check in when it starts and its time counts as your study time.",
            },
            Rsvp.Maybe => new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"🤔 You're a maybe for {session.Title}, {when}. Reminders go to members who are going: press Going if you decide to come.",
                Buttons = [new ReplyButton("Going", $"progress session going {session.Id}", ButtonStyle.Primary)],
            },
            _ => new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"👌 Thanks for saying: you can't make {session.Title}, {when}.{(session.Weekly ? " See you another week!" : "")}",
            },
        };
        return new CommandResult(reply, changes);
    }
}

internal sealed class SessionGoingHandler(ISessionStore store) : SessionRsvpHandler(store, Rsvp.Going)
{
    public override string Path => "progress session going";
}

internal sealed class SessionMaybeHandler(ISessionStore store) : SessionRsvpHandler(store, Rsvp.Maybe)
{
    public override string Path => "progress session maybe";
}

internal sealed class SessionCantHandler(ISessionStore store) : SessionRsvpHandler(store, Rsvp.Cant)
{
    public override string Path => "progress session cant";
}

/// <summary>
/// Checks the member in to the occurrence open now (from 10 minutes before its start to its end): the session's minutes
/// are logged as study time with <see cref="StudySource.Session"/> (the daily cap applies), once per occurrence.
/// </summary>
internal sealed class SessionCheckInHandler(ISessionStore store) : ICommandHandler
{
    public string Path => "progress session checkin";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var (session, problem) = await SessionViews.FindAsync(ctx, store, "/progress session checkin 3", cancellationToken);
        if (session is null)
        {
            return problem!;
        }

        var occurrence = SessionSchedule.OpenForCheckIn(session, ctx.Now);
        if (occurrence is null)
        {
            var next = SessionSchedule.Current(session, ctx.Now);
            return new Reply
            {
                Tone = ReplyTone.Warning,
                Text = next is null
                    ? $"{session.Title} is over, so there's nothing to check in to. `/progress sessions` lists the next ones."
                    : $"{session.Title} isn't on right now. Check-in opens 10 minutes before it starts: {SessionService.When(next, ctx.Member.TimeZoneId)} (your time).",
            };
        }

        var attended = ctx.Member.IsNew ? new HashSet<DateOnly>() : await store.AttendedAsync(ctx.Who, session.Id, cancellationToken);
        if (attended.Contains(occurrence.Date))
        {
            return new Reply { Text = $"You're already checked in to {session.Title}; its time is counted once. Enjoy the session!" };
        }

        var today = ctx.Today;
        var todayMinutes = ctx.Snapshot.Days.Where(d => d.Date == today).Sum(d => d.TotalMinutes);
        var minutes = Math.Max(0, Math.Min(session.Minutes, LogHandler.MaxMinutesPerDay - todayMinutes));
        var changes = ctx.NewChanges();
        changes.Session = new SessionChange(session.Id, occurrence.Date, null, minutes);
        var points = 0;
        if (minutes > 0)
        {
            points = Points.ForMinutes(todayMinutes, minutes);
            changes.Logs.Add(new NewStudyLog(minutes, StudyKind.Learning, null, $"Group study session #{session.Id}", points, StudySource.Session));
        }

        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = today, DisplayName = ctx.Who.DisplayName };
        }

        var streak = session.Weekly ? SessionSchedule.Streak(session, new HashSet<DateOnly>(attended) { occurrence.Date }, ctx.Now) : 0;
        var logged = minutes == 0
            ? "You've reached 16 hours today, so no more time is logged: rest is part of the plan."
            : minutes < session.Minutes
                ? $"{Format.Minutes(minutes)} logged as learning (+{Format.Points(points)}): that's what fits under the 16-hour daily cap."
                : $"{Format.Minutes(minutes)} logged as learning (+{Format.Points(points)}).";
        var text = $"✅ Checked in to {session.Title}. {logged}";
        if (streak > 1)
        {
            text += $"\n🔥 {streak} sessions in a row!";
        }

        return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes);
    }
}

/// <summary>The community's next sessions, in the member's own time zone, with their answer and attendance streak.</summary>
internal sealed class SessionsListHandler(ISessionStore store) : ICommandHandler
{
    public const int Shown = 10;

    public string Path => "progress sessions";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var sessions = ctx.Snapshot.Community.IsNew ? [] : await store.ActiveAsync(ctx.Who.Community, cancellationToken);
        var next = sessions.Select(s => SessionSchedule.Current(s, ctx.Now)).OfType<SessionOccurrence>().OrderBy(o => o.Start).Take(Shown).ToList();
        if (next.Count == 0)
        {
            return new Reply
            {
                Text = "No study sessions are planned. Admins plan them with `/studybot session plan monday 19:00 60 #study-hall`"
                    + (await store.MembersMayPlanAsync(ctx.Who.Community, cancellationToken) ? ", and so can you: `/progress session plan ...`." : "."),
            };
        }

        var zone = ctx.Member.TimeZoneId;
        var fields = new List<ReplyField>();
        foreach (var o in next)
        {
            var s = o.Session;
            var parts = new List<string> { $"{SessionService.When(o, zone)}", s.Weekly ? "weekly" : "once", $"#{s.ChannelName}" };
            if (o.CheckInOpen(ctx.Now))
            {
                parts.Insert(0, "🟢 on now");
            }

            var rsvps = await store.RsvpsAsync(s, o.Date, cancellationToken);
            var going = rsvps.Count(r => r.Response == Rsvp.Going);
            if (going > 0)
            {
                parts.Add($"{going} going");
            }

            if (!ctx.Member.IsNew)
            {
                var mine = rsvps.FirstOrDefault(r => r.Member.UserId == ctx.Who.UserId)?.Response;
                if (mine is { } answer)
                {
                    parts.Add($"you: {answer switch { Rsvp.Going => "going", Rsvp.Maybe => "maybe", _ => "can't" }}");
                }

                var attended = await store.AttendedAsync(ctx.Who, s.Id, cancellationToken);
                if (attended.Contains(o.Date))
                {
                    parts.Add("checked in ✅");
                }

                if (s.Weekly && SessionSchedule.Streak(s, attended, ctx.Now) is var streak and > 0)
                {
                    parts.Add($"🔥 attended {streak} in a row");
                }
            }

            fields.Add(new ReplyField(s.Title, string.Join(" · ", parts)));
        }

        var first = next[0];
        return new Reply
        {
            Title = "📅 Next study sessions",
            Text = $"Times are yours ({zone}). Answer with the buttons or `/progress session going <number>`; check in when a session is on.",
            Fields = fields,
            Buttons = first.CheckInOpen(ctx.Now)
                ? [new ReplyButton($"Check in #{first.Session.Id}", $"progress session checkin {first.Session.Id}", ButtonStyle.Primary)]
                : [.. SessionService.RsvpButtons(first.Session.Id).Select(b => b with { Label = $"{b.Label} #{first.Session.Id}" })],
        };
    }
}
