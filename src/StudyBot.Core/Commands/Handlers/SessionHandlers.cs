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
            return (null, LocalViews.Error(ctx, ctx.T("Sessions.NotFound", id), example));
        }

        if (session.Cancelled)
        {
            return (null, new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Sessions.WasCancelled", session.TitleIn(ctx.Culture)) });
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
            return LocalViews.Error(ctx, ctx.T("Sessions.BadTime", TextInput.Quote(timeText, 20), ctx.T("Sessions.TimeExamples")), example);
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
                    return LocalViews.Error(ctx, ctx.T("Sessions.BadDay", TextInput.Quote(dayText, 20)), example);
                }

                break;
        }

        var start = ReminderSchedule.ToInstant(date, minutesOfDay, zone);
        if (start <= ctx.Now)
        {
            var day = ctx.Culture.TwoLetterISOLanguageName == "de" ? date.ToString("ddd d. MMMM yyyy", ctx.Culture) : date.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
            return LocalViews.Error(ctx, ctx.T("Sessions.Past", day, Clock.Format(minutesOfDay), zone), example);
        }

        if (date > today.AddDays(MaxDaysAhead))
        {
            return LocalViews.Error(ctx, ctx.T("Sessions.TooFar"), example);
        }

        var minutes = (int)ctx.Request.Integer("minutes")!.Value;
        if (minutes is < MinMinutes or > MaxMinutes)
        {
            return LocalViews.Error(ctx, ctx.T("Sessions.BadLength", MinMinutes, MaxMinutes / 60, Format.Minutes(minutes, ctx.Culture)), example);
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
                return LocalViews.Error(ctx, ctx.T("Sessions.NoChannel", TextInput.Quote(channelText, 40)), example);
            }
            else if (channel.RefusalIn(ctx.Culture) is { } refusal)
            {
                return LocalViews.Error(ctx, ctx.T("Sessions.ChannelRefused", channel.Name, refusal), example);
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
                return LocalViews.Error(ctx, ctx.T("Sessions.WhichChannel"), example);
            }

            channel = new ChannelInfo(fallback, fallback);
        }

        if (topic is { Length: > 100 })
        {
            return LocalViews.Error(ctx, ctx.T("Sessions.TopicTooLong"), example);
        }

        var planned = await store.PlanAsync(
            new NewStudySession(ctx.Who, zone, date, minutesOfDay, minutes, weekly, channel.Id, channel.Name, string.IsNullOrEmpty(topic) ? null : topic),
            saved => SessionService.Post(SessionKinds.Planned, saved, $"{saved.Id}", Announcement(ctx, saved), ctx.Now),
            ctx.Now.UtcDateTime,
            cancellationToken);
        if (planned is null)
        {
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Sessions.UnknownCommunity") };
        }

        var first = SessionSchedule.At(planned, planned.FirstDate);
        var yours = ctx.Member.TimeZoneId == zone ? "" : ctx.T("Sessions.YourTime", SessionService.When(first, ctx.Member.TimeZoneId, ctx.Culture), ctx.Member.TimeZoneId);
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T("Sessions.Planned", planned.TitleIn(ctx.Culture), Describe(planned, ctx.Culture), yours, planned.ChannelName, planned.Id),
            Buttons = SessionService.RsvpButtons(planned.Id, ctx.Culture),
        };
    }

    /// <summary>"every Monday 19:00-20:00 (Europe/Berlin), first on Mon 7 Dec" or "Thu 10 Dec 19:00-20:00 (Europe/Berlin)".</summary>
    public static string Describe(StudySession session) => Describe(session, Localization.Languages.Default);

    /// <summary>As <see cref="Describe(StudySession)"/>, in <paramref name="culture"/>: "jeden Montag 19:00-20:00 (Europe/Berlin), zum ersten Mal am Mo. 7. Dez.".</summary>
    public static string Describe(StudySession session, CultureInfo culture)
    {
        var first = SessionSchedule.At(session, session.FirstDate);
        var when = SessionService.When(first, session.TimeZoneId, culture);
        var english = culture.TwoLetterISOLanguageName != "de";
        var day = english ? session.FirstDate.DayOfWeek.ToString() : culture.DateTimeFormat.GetDayName(session.FirstDate.DayOfWeek);
        return session.Weekly
            ? Localization.Text.Get(culture, "Sessions.Weekly", day, when[(when.LastIndexOf(' ') + 1)..], session.TimeZoneId, when[..when.LastIndexOf(' ')])
            : Localization.Text.Get(culture, "Sessions.Once", when, session.TimeZoneId);
    }

    /// <summary>The post in the session's channel, in the community's language.</summary>
    private static Reply Announcement(CommandContext ctx, StudySession session)
    {
        var culture = session.Culture;
        var describe = Describe(session, culture);
        return new()
        {
            Title = Localization.Text.Get(culture, "Sessions.AnnounceTitle", session.TitleIn(culture)),
            Text = Localization.Text.Get(culture, "Sessions.Announce", $"{char.ToUpperInvariant(describe[0])}{describe[1..]}", Format.Minutes(session.Minutes, culture), ctx.MemberText(ctx.Who.DisplayName)),
            Visibility = Visibility.Public,
            Buttons = SessionService.RsvpButtons(session.Id, culture),
        };
    }

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
                Text = ctx.T("Sessions.AdminsOnly"),
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
        var posted = session.Culture;
        var described = SessionViews.Describe(session, posted);
        var notices = new List<OutboxMessage>
        {
            // For everyone who saw the announcement: the channel hears it too, in the community's language.
            SessionService.Post(SessionKinds.Cancelled, session, $"{session.Id}", new Reply
            {
                Title = Localization.Text.Get(posted, "Sessions.CancelledTitle", session.TitleIn(posted)),
                Text = Localization.Text.Get(posted, "Sessions.CancelledPost", $"{char.ToUpperInvariant(described[0])}{described[1..]}"),
                Visibility = Visibility.Public,
            }, ctx.Now),
        };

        // Each member who said going or maybe, in their own language.
        notices.AddRange(told.Select(r =>
        {
            var culture = Localization.Languages.Culture(r.Language);
            return SessionService.Direct(SessionKinds.Cancelled, r.Member, next!, new Reply
            {
                Title = Localization.Text.Get(culture, "Sessions.CancelledTitle", session.TitleIn(culture)),
                Text = Localization.Text.Get(culture, session.Weekly ? "Sessions.CancelledDmWeekly" : "Sessions.CancelledDm", SessionService.When(next!, r.TimeZoneId, culture)),
                Buttons = [new ReplyButton(Localization.Text.Get(culture, "Sessions.OtherSessions"), "progress sessions")],
            }, ctx.Now);
        }));
        if (!await store.CancelAsync(session, notices, ctx.Now.UtcDateTime, cancellationToken))
        {
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Sessions.AlreadyCancelled", session.TitleIn(ctx.Culture)) };
        }

        var telling = told.Count == 0
            ? ctx.T("Sessions.NobodyToTell")
            : ctx.T(told.Count == 1 ? "Sessions.TellingOne" : "Sessions.Telling", Format.Plural(told.Count, ctx.T("Sessions.Member"), ctx.T("Sessions.MembersDative"), ctx.Culture));
        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T(session.Weekly ? "Sessions.CancelDoneWeekly" : "Sessions.CancelDone", session.TitleIn(ctx.Culture), telling),
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
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Sessions.UnknownCommunityRetry") };
        }

        return new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T(allowed ? "Sessions.MembersOn" : "Sessions.MembersOff"),
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
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Sessions.OverNothingToAnswer", session.TitleIn(ctx.Culture)) };
        }

        var changes = ctx.NewChanges();
        changes.Session = new SessionChange(session.Id, occurrence.Date, response, null);
        var when = ctx.T("Sessions.YourTimeWhen", SessionService.When(occurrence, ctx.Member.TimeZoneId, ctx.Culture));
        var title = session.TitleIn(ctx.Culture);
        var reply = response switch
        {
            Rsvp.Going => new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Sessions.Going", title, when),
            },
            Rsvp.Maybe => new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Sessions.Maybe", title, when),
                Buttons = [new ReplyButton(ctx.T("Sessions.ButtonGoing"), $"progress session going {session.Id}", ButtonStyle.Primary)],
            },
            _ => new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T(session.Weekly ? "Sessions.CantWeekly" : "Sessions.Cant", title, when),
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
                    ? ctx.T("Sessions.OverNothingToCheckIn", session.TitleIn(ctx.Culture))
                    : ctx.T("Sessions.NotOnNow", session.TitleIn(ctx.Culture), SessionService.When(next, ctx.Member.TimeZoneId, ctx.Culture)),
            };
        }

        var attended = ctx.Member.IsNew ? new HashSet<DateOnly>() : await store.AttendedAsync(ctx.Who, session.Id, cancellationToken);
        if (attended.Contains(occurrence.Date))
        {
            return new Reply { Text = ctx.T("Sessions.AlreadyCheckedIn", session.TitleIn(ctx.Culture)) };
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
            ? ctx.T("Sessions.CapReached")
            : ctx.T(minutes < session.Minutes ? "Sessions.LoggedCapped" : "Sessions.Logged", Format.Minutes(minutes, ctx.Culture), Format.Points(points, ctx.Culture));
        var text = ctx.T("Sessions.CheckedIn", session.TitleIn(ctx.Culture), logged);
        if (streak > 1)
        {
            text += "\n" + ctx.T("Sessions.InARow", streak);
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
                Text = ctx.T(await store.MembersMayPlanAsync(ctx.Who.Community, cancellationToken) ? "Sessions.NonePlannedYouToo" : "Sessions.NonePlanned"),
            };
        }

        var zone = ctx.Member.TimeZoneId;
        var fields = new List<ReplyField>();
        foreach (var o in next)
        {
            var s = o.Session;
            var parts = new List<string> { SessionService.When(o, zone, ctx.Culture), ctx.T(s.Weekly ? "Sessions.Weekly1" : "Sessions.Once1"), $"#{s.ChannelName}" };
            if (o.CheckInOpen(ctx.Now))
            {
                parts.Insert(0, ctx.T("Sessions.OnNow"));
            }

            var rsvps = await store.RsvpsAsync(s, o.Date, cancellationToken);
            var going = rsvps.Count(r => r.Response == Rsvp.Going);
            if (going > 0)
            {
                parts.Add(ctx.T("Sessions.GoingCount", going));
            }

            if (!ctx.Member.IsNew)
            {
                var mine = rsvps.FirstOrDefault(r => r.Member.UserId == ctx.Who.UserId)?.Response;
                if (mine is { } answer)
                {
                    parts.Add(ctx.T(answer switch { Rsvp.Going => "Sessions.YouGoing", Rsvp.Maybe => "Sessions.YouMaybe", _ => "Sessions.YouCant" }));
                }

                var attended = await store.AttendedAsync(ctx.Who, s.Id, cancellationToken);
                if (attended.Contains(o.Date))
                {
                    parts.Add(ctx.T("Sessions.CheckedInMark"));
                }

                if (s.Weekly && SessionSchedule.Streak(s, attended, ctx.Now) is var streak and > 0)
                {
                    parts.Add(ctx.T("Sessions.AttendedInARow", streak));
                }
            }

            fields.Add(new ReplyField(s.TitleIn(ctx.Culture), string.Join(" · ", parts)));
        }

        var first = next[0];
        return new Reply
        {
            Title = ctx.T("Sessions.ListTitle"),
            Text = ctx.T("Sessions.ListText", zone),
            Fields = fields,
            Buttons = first.CheckInOpen(ctx.Now)
                ? [new ReplyButton(ctx.T("Sessions.CheckInButton", first.Session.Id), $"progress session checkin {first.Session.Id}", ButtonStyle.Primary)]
                : [.. SessionService.RsvpButtons(first.Session.Id, ctx.Culture).Select(b => b with { Label = $"{b.Label} #{first.Session.Id}" })],
        };
    }
}
