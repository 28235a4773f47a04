using StudyBot.Core.Chat;
using StudyBot.Core.Focus;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>The words and buttons the focus commands and the focus job share.</summary>
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
            : $"today {Format.Minutes(totals.TodayMinutes)}, this week {Format.Minutes(totals.WeekMinutes)}";
    }

    public static string KindWord(StudyKind kind) => kind.ToString().ToLowerInvariant();

    public static string? Title(CommandContext ctx, string? itemId) => itemId is null ? null : ctx.Roadmap.FindItem(itemId)?.DisplayTitle;

    public static string What(CommandContext ctx, FocusSession s) => What(FocusViews.Title(ctx, s.ItemId), s);

    public static string What(string? itemTitle, FocusSession s) =>
        $"{Format.Minutes(s.Minutes)} of {KindWord(s.Kind)}{(itemTitle is null ? "" : $" on {itemTitle}")}";

    /// <summary>Over, and waiting for an answer: ended, or running past its end while the job has not come round yet.</summary>
    public static bool IsOver(FocusSession s, DateTime nowUtc) =>
        s.State == FocusState.Ended || (s.State == FocusState.Running && s.EndsAtUtc <= nowUtc);

    public static IReadOnlyList<ReplyButton> EndButtons(long sessionId) =>
    [
        new ReplyButton("Log it", $"progress focus log {sessionId}", ButtonStyle.Primary),
        new ReplyButton($"+{FocusRules.ExtendMinutes} minutes", $"progress focus extend {sessionId}"),
        new ReplyButton("Start a break", "progress focus break"),
        new ReplyButton("Discard", $"progress focus discard {sessionId}", ButtonStyle.Danger),
    ];

    public static string AutoLogLine(bool autoLog) => autoLog
        ? "No answer within an hour and I'll log it for you (`/progress me focus autolog off` to stop that)."
        : "It waits for your answer (autolog is off).";

    /// <summary>The end-of-session message, as the job DMs it and <c>focus stop</c> answers it.</summary>
    public static Reply Ended(string? itemTitle, FocusSession s, bool autoLog, bool early) => new()
    {
        Tone = ReplyTone.Success,
        Title = early ? "Focus session stopped" : "⏰ Focus session done",
        Text = $"{(early ? "⏹️ Stopped after" : "Time's up:")} {What(itemTitle, s)}. Nice focus!\n"
            + $"Log it, add {FocusRules.ExtendMinutes} minutes, take a break or discard it. {AutoLogLine(autoLog)}",
        Buttons = EndButtons(s.Id),
    };

    public static Reply BreakOver() => new()
    {
        Tone = ReplyTone.Info,
        Title = "☕ Break's over",
        Text = "Ready for the next round? Start a focus session when you are.",
        Buttons = [new ReplyButton("Focus 25 min", "progress focus", ButtonStyle.Primary)],
    };

    public static Reply Running(CommandContext ctx, FocusSession s, string? lead = null)
    {
        var left = FocusRules.Left(s.LeftAt(ctx.Now.UtcDateTime));
        var text = s.IsBreak
            ? $"☕ You're on a {Format.Minutes(s.Minutes)} break: {left} left."
            : $"🎯 Focusing: {What(ctx, s)}, {left} left. I'll message you when it ends.";
        return new Reply
        {
            Tone = lead is null ? ReplyTone.Info : ReplyTone.Warning,
            Text = lead is null ? text : $"{lead}\n{text}",
            Buttons = s.IsBreak
                ? [new ReplyButton("End break", "progress focus stop")]
                : [new ReplyButton($"+{FocusRules.ExtendMinutes} minutes", $"progress focus extend {s.Id}"), new ReplyButton("Stop", "progress focus stop", ButtonStyle.Danger)],
        };
    }

    /// <summary>A session that is over but not answered yet: ask for the answer.</summary>
    public static Reply Waiting(CommandContext ctx, FocusSession s, string lead) => new()
    {
        Tone = ReplyTone.Warning,
        Text = $"{lead}\nYour focus session ({What(ctx, s)}) is over: log it, add {FocusRules.ExtendMinutes} minutes or discard it first.",
        Buttons = EndButtons(s.Id),
    };

    /// <summary>The session a log, extend or discard means: the one named, or the member's latest that waits for an answer.</summary>
    public static async Task<(FocusSession? Session, Reply? Problem)> FindAsync(CommandContext ctx, IFocusStore store, string verb, CancellationToken ct)
    {
        if (ctx.Member.IsNew)
        {
            return (null, Reply.Error("You have no focus session yet. Start one with `/progress focus`.", "/progress focus 25 practice"));
        }

        if (ctx.Request.Integer("session") is { } id)
        {
            var found = await store.FindAsync(ctx.Who, id, ct);
            return found is null || found.IsBreak
                ? (null, Reply.Error($"I can't find your focus session {id}. `/progress focus {verb}` on its own takes your latest one.", $"/progress focus {verb}"))
                : (found, null);
        }

        var state = await store.LoadAsync(ctx.Who, ctx.Today, ct);
        if (state.Running is { IsBreak: false } running)
        {
            return (running, null);
        }

        return state.LatestEnded is { } ended
            ? (ended, null)
            : (null, Reply.Error($"You have no focus session waiting to {verb}. Start one with `/progress focus`.", "/progress focus 25 practice"));
    }

    public static FocusMove Move(FocusSession s, FocusState to) =>
        new(s.Id, s.State, s.Extensions, to, s.Minutes, s.EndsAtUtc, s.Extensions, s.EndedAtUtc);

    public static string AlreadyAnswered(CommandContext ctx, FocusSession s) => s.State switch
    {
        FocusState.Logged => $"✅ That focus session ({What(ctx, s)}) is already logged, once. Nothing more to do.",
        FocusState.Discarded => $"That focus session ({What(ctx, s)}) was discarded, so it stays unlogged.",
        _ => "That session is already over.",
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
                return FocusViews.Waiting(ctx, running, "Your focus session just ended.");
            }

            if (running.IsBreak && running.EndsAtUtc > now && !asked)
            {
                return FocusViews.Running(ctx, running);
            }

            if (!running.IsBreak || running.EndsAtUtc > now)
            {
                return asked
                    ? FocusViews.Running(ctx, running, running.IsBreak
                        ? "You're on a break. End it with `/progress focus stop` first; nothing new was started."
                        : "One focus session at a time: this one still runs, so nothing new was started. `/progress focus stop` ends it early.")
                    : FocusViews.Running(ctx, running);
            }

            // A break whose end has come: the job ends it; the member may start focusing now.
            return new Reply { Tone = ReplyTone.Warning, Text = "Your break just ended. Send `/progress focus` again in a moment to start." };
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
            var (found, problem) = Views.ResolveItem(ctx, query, "focus 25 practice");
            if (problem is not null)
            {
                // "/progress focus 25 sleeping": a word that is no kind is read as an item; say both.
                return problem.Tone == ReplyTone.Error
                    ? Reply.Error($"{Views.ItemNotFound(query, ItemFinder.Find(ctx.Roadmap, query))}\nThe kind of study is practice, learning or review.", "/progress focus 25 learning pandas")
                    : problem;
            }

            item = found;
        }

        var changes = ctx.NewChanges();
        var session = new NewFocusSession(now, now.AddMinutes(minutes), minutes, item?.Id, kind, false, ctx.Today);
        changes.Focus = new FocusChange { Start = session };
        var on = item is null ? "" : $" on {item.DisplayTitle}";
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"🎯 Focus: {Format.Minutes(minutes)} of {FocusViews.KindWord(kind)}{on}, until {TimeZones.ToLocal(ctx.Now.AddMinutes(minutes), ctx.Member.TimeZoneId):HH:mm}. "
                + "I'll message you when it ends. `/progress focus` shows what's left.",
            Buttons = [new ReplyButton("Stop", "progress focus stop", ButtonStyle.Danger)],
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
            return new Reply { Tone = ReplyTone.Warning, Text = "No focus session or break is running, so there's nothing to stop. Start one with `/progress focus`.", Buttons = [new ReplyButton("Focus 25 min", "progress focus", ButtonStyle.Primary)] };
        }

        var changes = ctx.NewChanges();
        if (s.IsBreak)
        {
            changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Done) with { EndedAtUtc = now } };
            return new CommandResult(FocusViews.BreakOver() with { Title = null, Text = "☕ Break ended. Ready for the next round?" }, changes);
        }

        if (FocusViews.IsOver(s, now))
        {
            return FocusViews.Waiting(ctx, s, "Your focus session had already ended.");
        }

        var done = (int)Math.Floor((now - s.StartedAtUtc).TotalMinutes);
        if (done < 1)
        {
            changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Discarded) with { Minutes = 0, EndedAtUtc = now } };
            return new CommandResult(new Reply { Tone = ReplyTone.Success, Text = "⏹️ Stopped after less than a minute: nothing to log." }, changes);
        }

        var ended = s with { Minutes = Math.Min(done, s.Minutes), State = FocusState.Ended, EndedAtUtc = now };
        changes.Focus = new FocusChange { Move = FocusViews.Move(s, FocusState.Ended) with { Minutes = ended.Minutes, EndedAtUtc = now } };
        return new CommandResult(FocusViews.Ended(FocusViews.Title(ctx, s.ItemId), ended, state.AutoLog, early: true), changes);
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
                return FocusViews.Waiting(ctx, running, "Your focus session just ended.");
            }

            return FocusViews.Running(ctx, running, running.IsBreak
                ? "You're already on a break."
                : "You're focusing right now: a break comes after. `/progress focus stop` ends the session early.");
        }

        var minutes = FocusRules.BreakMinutes(state.EndedToday);
        var changes = ctx.NewChanges();
        changes.Focus = new FocusChange { Start = new NewFocusSession(now, now.AddMinutes(minutes), minutes, null, StudyKind.Practice, true, ctx.Today) };
        var buttons = new List<ReplyButton>();
        var waiting = "";
        if (state.LatestEnded is { } ended)
        {
            waiting = $"\nYour last session ({FocusViews.What(ctx, ended)}) isn't logged yet.";
            buttons.Add(new ReplyButton("Log it", $"progress focus log {ended.Id}", ButtonStyle.Primary));
        }

        buttons.Add(new ReplyButton("End break", "progress focus stop"));
        var kind = minutes == FocusRules.LongBreak ? "long break (four sessions done today!)" : "break";
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"☕ A {Format.Minutes(minutes)} {kind}: stand up, stretch, drink some water. I'll message you when it's over.{waiting}",
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
            return FocusViews.Running(ctx, s, "This session still runs: I'll offer to log it when it ends (or `/progress focus stop` ends it now).");
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
                new Reply { Tone = ReplyTone.Warning, Text = "You've logged 16 hours today, and I count at most that: rest is part of the plan. This session was not logged." },
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
            ? $"This week: {Format.Minutes(week)} of your {goal.Target}h goal{(week >= goal.Target * 60 ? " ✅ goal met!" : "")}"
            : $"This week: {Format.Minutes(week)}";
        var balance = Balance.For(ctx.Roadmap, weekDays);
        var capped = minutes < s.Minutes ? $" (capped: at most 16 hours a day)" : "";
        var title = FocusViews.Title(ctx, s.ItemId);
        var on = title is null ? "" : $" on {title}";
        var text = $"📝 Logged {Format.Minutes(minutes)} of {FocusViews.KindWord(s.Kind)}{on} from your focus session{capped} (+{Format.Points(points)}).\n"
            + $"Today: {Format.Minutes(todayMinutes + minutes)} · {weekLine}\nBalance this week: {balance.Summary}";
        if (balance.Nudge is not null)
        {
            text += $"\n💡 {balance.Nudge}";
        }
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = text,
                Buttons = [new ReplyButton("Start a break", "progress focus break", ButtonStyle.Primary), new ReplyButton("Undo", "progress undo")],
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
            return new Reply { Tone = ReplyTone.Info, Text = $"{FocusViews.AlreadyAnswered(ctx, s)} Start a new one with `/progress focus`." };
        }

        if (s.Minutes + FocusRules.ExtendMinutes > FocusRules.MaxMinutes)
        {
            return Reply.Error($"A focus session lasts at most {FocusRules.MaxMinutes} minutes, and this one has {s.Minutes}. Log it and start another after a break.", "/progress focus log");
        }

        var now = ctx.Now.UtcDateTime;
        var running = s.State == FocusState.Running && s.EndsAtUtc > now;
        var ends = running ? s.EndsAtUtc.AddMinutes(FocusRules.ExtendMinutes) : now.AddMinutes(FocusRules.ExtendMinutes);
        var extended = s with { Minutes = s.Minutes + FocusRules.ExtendMinutes, EndsAtUtc = ends, State = FocusState.Running, Extensions = s.Extensions + 1, EndedAtUtc = null };
        var changes = ctx.NewChanges();
        changes.Focus = new FocusChange { Move = new FocusMove(s.Id, s.State, s.Extensions, FocusState.Running, extended.Minutes, ends, extended.Extensions, null) };
        return new CommandResult(FocusViews.Running(ctx, extended) with { Tone = ReplyTone.Success, Text = $"➕ {FocusRules.ExtendMinutes} more minutes. " + FocusViews.Running(ctx, extended).Text }, changes);
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
                Text = $"🗑️ Discarded: {FocusViews.What(ctx, s)} stays unlogged.",
                Buttons = [new ReplyButton("Focus 25 min", "progress focus", ButtonStyle.Primary)],
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
        var text = on
            ? "⏱️ Autolog on: a focus session you don't answer within an hour of its end is logged for you."
            : "⏱️ Autolog off: ended focus sessions wait for you to log or discard them.";
        return ValueTask.FromResult(new CommandResult(new Reply { Tone = ReplyTone.Success, Text = text }, changes));
    }
}
