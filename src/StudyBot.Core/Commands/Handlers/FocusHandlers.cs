using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Focus;
using StudyBot.Core.Localization;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>The words and buttons the focus commands and the focus job share (texts from Resources/Focus.resx).</summary>
internal static class FocusViews
{
    /// <summary>"today 25 min, this week 1h 40m" for <c>/progress</c>, or null when the member has no focus minutes this week.</summary>
    public static async Task<string?> TotalsLineAsync(CommandContext ctx, IFocusStore store, CancellationToken ct)
    {
        if (ctx.Member.IsNew)
        {
            return null;
        }

        var today = ctx.Today;
        var totals = await store.TotalsAsync(ctx.Who, today, TimeZones.WeekStart(today), ct);
        return totals.WeekMinutes == 0 && totals.TodayMinutes == 0
            ? null
            : ctx.T("Focus.Totals", Format.Minutes(totals.TodayMinutes, ctx.Culture), Format.Minutes(totals.WeekMinutes, ctx.Culture));
    }

    public static string KindWord(StudyKind kind) => kind.ToString().ToLowerInvariant();

    public static string KindWord(StudyKind kind, CultureInfo culture) => Text.Get(culture, "Focus.Kind." + KindWord(kind));

    public static string? Title(CommandContext ctx, string? itemId) => itemId is null ? null : ctx.Roadmap.FindItem(itemId)?.DisplayTitle;

    public static string What(CommandContext ctx, FocusSession s) => What(Title(ctx, s.ItemId), s, ctx.Culture);

    /// <summary>"25 min of practice on NumPy"; "25 Min. Praxis zu NumPy".</summary>
    public static string What(string? itemTitle, FocusSession s, CultureInfo culture) => What(s.Minutes, s.Kind, itemTitle, culture);

    public static string What(int minutes, StudyKind kind, string? itemTitle, CultureInfo culture) =>
        Text.Get(culture, "Focus.What", Format.Minutes(minutes, culture), KindWord(kind, culture), itemTitle is null ? "" : Text.Get(culture, "Focus.On", itemTitle));

    /// <summary>The time left, as <see cref="FocusRules.Left"/> says it in English.</summary>
    public static string Left(TimeSpan left, CultureInfo culture)
    {
        var minutes = (int)Math.Ceiling(left.TotalMinutes);
        return minutes <= 1 ? Text.Get(culture, "Focus.LessThanAMinute") : Format.Minutes(minutes, culture);
    }

    /// <summary>Over, and waiting for an answer: ended, or running past its end while the job has not come round yet.</summary>
    public static bool IsOver(FocusSession s, DateTime nowUtc) =>
        s.State == FocusState.Ended || (s.State == FocusState.Running && s.EndsAtUtc <= nowUtc);

    public static IReadOnlyList<ReplyButton> EndButtons(long sessionId, CultureInfo culture) =>
    [
        new ReplyButton(Text.Get(culture, "Focus.LogButton"), $"progress focus log {sessionId}", ButtonStyle.Primary),
        new ReplyButton(Text.Get(culture, "Focus.ExtendButton", FocusRules.ExtendMinutes), $"progress focus extend {sessionId}"),
        new ReplyButton(Text.Get(culture, "Focus.BreakButton"), "progress focus break"),
        new ReplyButton(Text.Get(culture, "Focus.DiscardButton"), $"progress focus discard {sessionId}", ButtonStyle.Danger),
    ];

    public static string AutoLogLine(bool autoLog, CultureInfo culture) => Text.Get(culture, autoLog ? "Focus.AutoLogOn" : "Focus.AutoLogOff");

    /// <summary>The end-of-session message, as the job DMs it (in the member's language) and <c>focus stop</c> answers it.</summary>
    public static Reply Ended(string? itemTitle, FocusSession s, bool autoLog, bool early, CultureInfo? culture = null)
    {
        var c = culture ?? Languages.Default;
        return new Reply
        {
            Tone = ReplyTone.Success,
            Title = Text.Get(c, early ? "Focus.StoppedTitle" : "Focus.DoneTitle"),
            Text = Text.Get(c, early ? "Focus.StoppedAfter" : "Focus.TimesUp", What(itemTitle, s, c)) + "\n"
                + Text.Get(c, "Focus.Ask", FocusRules.ExtendMinutes, AutoLogLine(autoLog, c)),
            Buttons = EndButtons(s.Id, c),
        };
    }

    /// <summary>The end-of-break message, as the job DMs it (in the member's language).</summary>
    public static Reply BreakOver(CultureInfo? culture = null)
    {
        var c = culture ?? Languages.Default;
        return new Reply
        {
            Tone = ReplyTone.Info,
            Title = Text.Get(c, "Focus.BreakOverTitle"),
            Text = Text.Get(c, "Focus.BreakOver"),
            Buttons = [new ReplyButton(Text.Get(c, "Focus.FocusButton"), "progress focus", ButtonStyle.Primary)],
        };
    }

    public static Reply Running(CommandContext ctx, FocusSession s, string? lead = null)
    {
        var left = Left(s.LeftAt(ctx.Now.UtcDateTime), ctx.Culture);
        var text = s.IsBreak
            ? ctx.T("Focus.OnBreak", Format.Minutes(s.Minutes, ctx.Culture), left)
            : ctx.T("Focus.Focusing", What(ctx, s), left);
        return new Reply
        {
            Tone = lead is null ? ReplyTone.Info : ReplyTone.Warning,
            Text = lead is null ? text : $"{lead}\n{text}",
            Buttons = s.IsBreak
                ? [new ReplyButton(ctx.T("Focus.EndBreakButton"), "progress focus stop")]
                : [new ReplyButton(ctx.T("Focus.ExtendButton", FocusRules.ExtendMinutes), $"progress focus extend {s.Id}"), new ReplyButton(ctx.T("Focus.StopButton"), "progress focus stop", ButtonStyle.Danger)],
        };
    }

    /// <summary>A session that is over but not answered yet: ask for the answer.</summary>
    public static Reply Waiting(CommandContext ctx, FocusSession s, string lead) => new()
    {
        Tone = ReplyTone.Warning,
        Text = $"{lead}\n{ctx.T("Focus.Waiting", What(ctx, s), FocusRules.ExtendMinutes)}",
        Buttons = EndButtons(s.Id, ctx.Culture),
    };

    /// <summary>The session a log, extend or discard means: the one named, or the member's latest that waits for an answer.</summary>
    public static async Task<(FocusSession? Session, Reply? Problem)> FindAsync(CommandContext ctx, IFocusStore store, string verb, CancellationToken ct)
    {
        if (ctx.Member.IsNew)
        {
            return (null, LocalViews.Error(ctx, ctx.T("Focus.NoSession"), "/progress focus 25 practice"));
        }

        if (ctx.Request.Integer("session") is { } id)
        {
            var found = await store.FindAsync(ctx.Who, id, ct);
            return found is null || found.IsBreak
                ? (null, LocalViews.Error(ctx, ctx.T("Focus.NotFound", id, verb), $"/progress focus {verb}"))
                : (found, null);
        }

        var state = await store.LoadAsync(ctx.Who, ctx.Today, ct);
        if (state.Running is { IsBreak: false } running)
        {
            return (running, null);
        }

        return state.LatestEnded is { } ended
            ? (ended, null)
            : (null, LocalViews.Error(ctx, ctx.T("Focus.NothingWaiting." + verb), "/progress focus 25 practice"));
    }

    public static FocusMove Move(FocusSession s, FocusState to) =>
        new(s.Id, s.State, s.Extensions, to, s.Minutes, s.EndsAtUtc, s.Extensions, s.EndedAtUtc);

    public static string AlreadyAnswered(CommandContext ctx, FocusSession s) => s.State switch
    {
        FocusState.Logged => ctx.T("Focus.AlreadyLogged", What(ctx, s)),
        FocusState.Discarded => ctx.T("Focus.AlreadyDiscarded", What(ctx, s)),
        _ => ctx.T("Focus.AlreadyOver"),
    };
}

/// <summary><c>/progress focus [minutes] [kind] [item]</c>: starts a session, or shows the one running.</summary>
internal sealed class FocusStartHandler(IFocusStore store) : ICommandHandler
{
    public string Path => "progress focus start";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var asked = ctx.Request.Has("minutes") || ctx.Request.Has("kind") || ctx.Request.Has("item");
        var state = ctx.Member.IsNew ? FocusMemberState.None : await store.LoadAsync(ctx.Who, ctx.Today, cancellationToken);
        var now = ctx.Now.UtcDateTime;
        if (state.Running is { } running)
        {
            if (!running.IsBreak && FocusViews.IsOver(running, now))
            {
                return FocusViews.Waiting(ctx, running, ctx.T("Focus.JustEnded"));
            }

            if (running.IsBreak && running.EndsAtUtc > now && !asked)
            {
                return FocusViews.Running(ctx, running);
            }

            if (!running.IsBreak || running.EndsAtUtc > now)
            {
                return asked
                    ? FocusViews.Running(ctx, running, running.IsBreak
                        ? ctx.T("Focus.OnBreakNoNew")
                        : ctx.T("Focus.OneAtATime"))
                    : FocusViews.Running(ctx, running);
            }

            // A break whose end has come: the job ends it; the member may start focusing now.
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Focus.BreakJustEnded") };
        }

        var minutes = (int)(ctx.Request.Integer("minutes") ?? FocusRules.DefaultMinutes);
        var kind = ctx.Request.String("kind") switch
        {
            "learning" => StudyKind.Learning,
            "review" => StudyKind.Review,
            _ => StudyKind.Practice,
        };
        Roadmaps.RoadmapItem? item = null;
        if (ctx.Request.String("item") is { } query)
        {
            var (found, problem) = LocalViews.ResolveItem(ctx, query, "focus 25 practice");
            if (problem is not null)
            {
                // "/progress focus 25 sleeping": a word that is no kind is read as an item; say both.
                return problem.Tone == ReplyTone.Error
                    ? LocalViews.Error(ctx, $"{LocalViews.ItemNotFound(ctx, query, ItemFinder.Find(ctx.Roadmap, query))}\n{ctx.T("Focus.KindHint")}", "/progress focus 25 learning pandas")
                    : problem;
            }

            item = found;
        }

        var changes = ctx.NewChanges();
        var session = new NewFocusSession(now, now.AddMinutes(minutes), minutes, item?.Id, kind, false, ctx.Today);
        changes.Focus = new FocusChange { Start = session };
        var until = TimeZones.ToLocal(ctx.Now.AddMinutes(minutes), ctx.Member.TimeZoneId).ToString("HH:mm", CultureInfo.InvariantCulture);
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T("Focus.Started", FocusViews.What(minutes, kind, item?.DisplayTitle, ctx.Culture), until),
            Buttons = [new ReplyButton(ctx.T("Focus.StopButton"), "progress focus stop", ButtonStyle.Danger)],
        };
        return new CommandResult(reply, changes);
    }
}

/// <summary><c>/progress focus stop</c>: ends the running session early (it can then be logged) or the break.</summary>
internal sealed class FocusStopHandler(IFocusStore store) : ICommandHandler
{
    public string Path => "progress focus stop";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var state = ctx.Member.IsNew ? FocusMemberState.None : await store.LoadAsync(ctx.Who, ctx.Today, cancellationToken);
        var now = ctx.Now.UtcDateTime;
        if (state.Running is not { } s)
        {
            return new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Focus.NothingToStop"), Buttons = [new ReplyButton(ctx.T("Focus.FocusButton"), "progress focus", ButtonStyle.Primary)] };
        }

        var changes = ctx.NewChanges();
        if (s.IsBreak)
        {
            changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Done) with { EndedAtUtc = now } };
            return new CommandResult(FocusViews.BreakOver(ctx.Culture) with { Title = null, Text = ctx.T("Focus.BreakEnded") }, changes);
        }

        if (FocusViews.IsOver(s, now))
        {
            return FocusViews.Waiting(ctx, s, ctx.T("Focus.HadEnded"));
        }

        var done = (int)Math.Floor((now - s.StartedAtUtc).TotalMinutes);
        if (done < 1)
        {
            changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Discarded) with { Minutes = 0, EndedAtUtc = now } };
            return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = ctx.T("Focus.UnderAMinute") }, changes);
        }

        var ended = s with { Minutes = Math.Min(done, s.Minutes), State = FocusState.Ended, EndedAtUtc = now };
        changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Ended) with { Minutes = ended.Minutes, EndedAtUtc = now } };
        return new CommandResult(FocusViews.Ended(FocusViews.Title(ctx, s.ItemId), ended, state.AutoLog, early: true, ctx.Culture), changes);
    }
}

/// <summary><c>/progress focus break</c>: a 5-minute break, 15 after every fourth session of the day.</summary>
internal sealed class FocusBreakHandler(IFocusStore store) : ICommandHandler
{
    public string Path => "progress focus break";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var state = ctx.Member.IsNew ? FocusMemberState.None : await store.LoadAsync(ctx.Who, ctx.Today, cancellationToken);
        var now = ctx.Now.UtcDateTime;
        if (state.Running is { } running)
        {
            if (!running.IsBreak && FocusViews.IsOver(running, now))
            {
                return FocusViews.Waiting(ctx, running, ctx.T("Focus.JustEnded"));
            }

            return FocusViews.Running(ctx, running, running.IsBreak
                ? ctx.T("Focus.AlreadyOnBreak")
                : ctx.T("Focus.FocusingNow"));
        }

        var minutes = FocusRules.BreakMinutes(state.EndedToday);
        var changes = ctx.NewChanges();
        changes.Focus = new FocusChange { Start = new NewFocusSession(now, now.AddMinutes(minutes), minutes, null, StudyKind.Practice, true, ctx.Today) };
        var buttons = new List<ReplyButton>();
        var waiting = "";
        if (state.LatestEnded is { } ended)
        {
            waiting = "\n" + ctx.T("Focus.NotLoggedYet", FocusViews.What(ctx, ended));
            buttons.Add(new ReplyButton(ctx.T("Focus.LogButton"), $"progress focus log {ended.Id}", ButtonStyle.Primary));
        }

        buttons.Add(new ReplyButton(ctx.T("Focus.EndBreakButton"), "progress focus stop"));
        var kind = minutes == FocusRules.LongBreak ? ctx.T("Focus.LongBreak") : ctx.T("Focus.ShortBreak");
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Focus.Break", Format.Minutes(minutes, ctx.Culture), kind, waiting),
                Buttons = buttons,
            },
            changes);
    }
}

/// <summary><c>/progress focus log [session]</c>: logs the ended session through the same path as <c>/progress log</c>.</summary>
internal sealed class FocusLogHandler(IFocusStore store) : ICommandHandler
{
    public string Path => "progress focus log";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var (s, problem) = await FocusViews.FindAsync(ctx, store, "log", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        var now = ctx.Now.UtcDateTime;
        if (s!.State == FocusState.Running && !FocusViews.IsOver(s, now))
        {
            return FocusViews.Running(ctx, s, ctx.T("Focus.StillRuns"));
        }

        if (!FocusViews.IsOver(s, now))
        {
            return new Reply { Tone = ReplyTone.Info, Text = FocusViews.AlreadyAnswered(ctx, s) };
        }

        var today = ctx.Today;
        var todayMinutes = ctx.Snapshot.Days.Where(d => d.Date == today).Sum(d => d.TotalMinutes);
        var room = Math.Max(0, LogHandler.MaxMinutesPerDay - todayMinutes);
        var changes = ctx.NewChanges();
        if (room == 0)
        {
            changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Discarded) with { EndedAtUtc = s.EndedAtUtc ?? now } };
            return new CommandResult(
                new Reply { Tone = ReplyTone.Warning, Text = ctx.T("Focus.DayFull") },
                changes);
        }

        var minutes = Math.Min(s.Minutes, room);
        var points = Points.ForMinutes(todayMinutes, minutes);
        changes.Logs.Add(new NewStudyLog(minutes, s.Kind, s.ItemId, null, points, StudySource.Focus));
        changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Logged) with { EndedAtUtc = s.EndedAtUtc ?? s.EndsAtUtc } };
        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = today, DisplayName = ctx.Who.DisplayName };
        }

        // The same summary as /progress log: today, the week against the goal, and the 70/20/10 balance.
        var weekStart = TimeZones.WeekStart(today);
        var todayTotal = ctx.Snapshot.Days.FirstOrDefault(d => d.Date == today) ?? new DailyTotal(today, 0, 0, 0, 0, 0);
        todayTotal = s.Kind switch
        {
            StudyKind.Practice => todayTotal with { PracticeMinutes = todayTotal.PracticeMinutes + minutes },
            StudyKind.Learning => todayTotal with { LearningMinutes = todayTotal.LearningMinutes + minutes },
            _ => todayTotal with { ReviewMinutes = todayTotal.ReviewMinutes + minutes },
        };
        var weekDays = ctx.Snapshot.Days.Where(d => d.Date >= weekStart && d.Date < today).Append(todayTotal).ToList();
        var week = weekDays.Sum(d => d.TotalMinutes);
        var goal = ctx.Snapshot.CurrentGoal(GoalPeriod.Week);
        var weekLine = goal is { Unit: GoalUnit.Hours }
            ? ctx.T("Focus.WeekGoal", Format.Minutes(week, ctx.Culture), goal.Target, week >= goal.Target * 60 ? ctx.T("Focus.GoalMet") : "")
            : ctx.T("Focus.Week", Format.Minutes(week, ctx.Culture));
        var balance = Balance.For(ctx.Roadmap, weekDays);
        var capped = minutes < s.Minutes ? ctx.T("Focus.Capped") : "";
        var text = ctx.T("Focus.Logged", FocusViews.What(minutes, s.Kind, FocusViews.Title(ctx, s.ItemId), ctx.Culture), capped, Format.Points(points, ctx.Culture)) + "\n"
            + ctx.T("Focus.Today", Format.Minutes(todayMinutes + minutes, ctx.Culture), weekLine) + "\n" + ctx.T("Focus.Balance", LocalViews.BalanceSummary(ctx, balance));
        if (LocalViews.BalanceNudge(ctx, balance) is { } nudge)
        {
            text += $"\n💡 {nudge}";
        }
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = text,
                Buttons = [new ReplyButton(ctx.T("Focus.BreakButton"), "progress focus break", ButtonStyle.Primary), LocalViews.UndoButton(ctx)],
            },
            changes);
    }
}

/// <summary><c>/progress focus extend [session]</c>: five more minutes, for a running session or one that just ended.</summary>
internal sealed class FocusExtendHandler(IFocusStore store) : ICommandHandler
{
    public string Path => "progress focus extend";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var (s, problem) = await FocusViews.FindAsync(ctx, store, "extend", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (s!.State is not (FocusState.Running or FocusState.Ended))
        {
            return new Reply { Tone = ReplyTone.Info, Text = ctx.T("Focus.StartNew", FocusViews.AlreadyAnswered(ctx, s)) };
        }

        if (s.Minutes + FocusRules.ExtendMinutes > FocusRules.MaxMinutes)
        {
            return LocalViews.Error(ctx, ctx.T("Focus.TooLong", FocusRules.MaxMinutes, s.Minutes), "/progress focus log");
        }

        var now = ctx.Now.UtcDateTime;
        var running = s.State == FocusState.Running && s.EndsAtUtc > now;
        var ends = running ? s.EndsAtUtc.AddMinutes(FocusRules.ExtendMinutes) : now.AddMinutes(FocusRules.ExtendMinutes);
        var extended = s with { Minutes = s.Minutes + FocusRules.ExtendMinutes, EndsAtUtc = ends, State = FocusState.Running, Extensions = s.Extensions + 1, EndedAtUtc = null };
        var changes = ctx.NewChanges();
        changes.Focus = new FocusChange { Move = new FocusMove(s.Id, s.State, s.Extensions, FocusState.Running, extended.Minutes, ends, extended.Extensions, null) };
        return new CommandResult(FocusViews.Running(ctx, extended) with { Tone = ReplyTone.Success, Text = ctx.T("Focus.Extended", FocusRules.ExtendMinutes) + FocusViews.Running(ctx, extended).Text }, changes);
    }
}

/// <summary><c>/progress focus discard [session]</c>: the session is not logged.</summary>
internal sealed class FocusDiscardHandler(IFocusStore store) : ICommandHandler
{
    public string Path => "progress focus discard";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var (s, problem) = await FocusViews.FindAsync(ctx, store, "discard", cancellationToken);
        if (problem is not null)
        {
            return problem;
        }

        if (s!.State is not (FocusState.Running or FocusState.Ended))
        {
            return new Reply { Tone = ReplyTone.Info, Text = FocusViews.AlreadyAnswered(ctx, s) };
        }

        var changes = ctx.NewChanges();
        changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Discarded) with { EndedAtUtc = s.EndedAtUtc ?? ctx.Now.UtcDateTime } };
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Focus.Discarded", FocusViews.What(ctx, s)),
                Buttons = [new ReplyButton(ctx.T("Focus.FocusButton"), "progress focus", ButtonStyle.Primary)],
            },
            changes);
    }
}

/// <summary><c>/progress me focus autolog on|off</c>.</summary>
internal sealed class MeFocusHandler : ICommandHandler
{
    public string Path => "progress me focus";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var on = ctx.Request.String("value") != "off";
        var changes = ctx.NewChanges();
        changes.Focus = new FocusChange { AutoLog = on };
        var text = on ? ctx.T("Focus.AutoOn") : ctx.T("Focus.AutoOff");
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes));
    }
}
