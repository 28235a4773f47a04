using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal static class RemindViews
{
    /// <summary>The plan as an if-then sentence: "On Monday at 19:00 at the library, you study ...".</summary>
    public static string IfThen(CommandContext ctx, ReminderPlan plan)
    {
        var when = plan.Frequency == ReminderFrequency.Weekly
            ? ctx.T("Remind.OnDay", DayName(ctx.Culture, Clock.ToDayOfWeek(ReminderSchedule.FirstDay(plan.Days))))
            : plan.Days == StudyDays.Every ? ctx.T("Remind.EveryDay") : Capitalize(ctx.T("Remind.OnDays", Days(ctx.Culture, plan.Days)), ctx.Culture);
        var place = plan.Place is { Length: > 0 } p ? ctx.T("Remind.Place", IsEnglish(ctx.Culture) ? p : WithoutArticle(p)) : "";
        var goal = ctx.Snapshot.CurrentGoal(GoalPeriod.Week);
        var toward = goal is null ? "" : ctx.T("Remind.Toward", GoalSetHandler.Describe(ctx, goal));
        var next = ProgressMath.NextItems(ctx.Roadmap, ctx.State, 1).FirstOrDefault();
        var starting = next is null ? "" : ctx.T("Remind.Starting", next.DisplayTitle);
        return ctx.T("Remind.IfThen", when, Clock.Format(plan.MinutesOfDay), place, toward, starting);
    }

    private static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName != Languages.German;

    /// <summary>"the library" was added for English sentences; other languages show the place as the member named it.</summary>
    private static string WithoutArticle(string place) =>
        place.StartsWith("the ", StringComparison.OrdinalIgnoreCase) ? place[4..] : place;

    private static string Capitalize(string text, CultureInfo culture) =>
        text.Length == 0 ? text : char.ToUpper(text[0], culture) + text[1..];

    /// <summary>"Monday" in English (as the day's name always read), "Montag" in German.</summary>
    public static string DayName(CultureInfo culture, DayOfWeek day) =>
        IsEnglish(culture) ? day.ToString() : culture.DateTimeFormat.GetDayName(day);

    /// <summary>
    /// Planned days in words, as <see cref="Clock.DescribeDays"/> says them in English ("weekdays", "Monday, Friday");
    /// in German "wochentags", "montags und freitags".
    /// </summary>
    public static string Days(CultureInfo culture, StudyDays days)
    {
        if (IsEnglish(culture))
        {
            return Clock.DescribeDays(days);
        }

        switch (days)
        {
            case StudyDays.Every:
                return Text.Get(culture, "Remind.Daily");
            case StudyDays.Weekdays:
                return Text.Get(culture, "Remind.Weekdays");
            case StudyDays.Weekend:
                return Text.Get(culture, "Remind.Weekends");
        }

        DayOfWeek[] week = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];
        var names = week.Where(d => days.HasFlag(Clock.FromDayOfWeek(d))).Select(d => culture.DateTimeFormat.GetDayName(d).ToLower(culture) + "s").ToList();
        return names.Count <= 1 ? string.Concat(names) : string.Join(", ", names.SkipLast(1)) + Text.Get(culture, "Remind.And") + names[^1];
    }

    public static string NextReminder(CommandContext ctx, DateTime? nextUtc)
    {
        if (nextUtc is not { } next)
        {
            return ctx.T("Remind.NoneScheduled");
        }

        var local = TimeZones.ToLocal(new DateTimeOffset(next, TimeSpan.Zero), ctx.Member.TimeZoneId);
        return IsEnglish(ctx.Culture)
            ? $"{local:ddd d MMM HH:mm} ({ctx.Member.TimeZoneId})"
            : ctx.T("Remind.When", local.ToString("ddd d. MMM HH:mm", ctx.Culture), ctx.Member.TimeZoneId);
    }

    public static string ZoneHint(CommandContext ctx) =>
        ctx.Member.TimeZoneId is "UTC" or "Etc/UTC"
            ? "\n" + ctx.T("Remind.ZoneHint")
            : "";

    public static Reply NoPlan(CommandContext ctx) => new()
    {
        Text = ctx.T("Remind.NoPlan"),
        Buttons = [new ReplyButton(ctx.T("Remind.WeekdaysButton"), "progress remind plan weekdays 19:00", ButtonStyle.Primary)],
    };
}

internal sealed class RemindPlanHandler : ICommandHandler
{
    public string Path => "progress remind plan";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var daysText = ctx.Request.String("days")!;
        if (!Clock.TryParseDays(daysText, out var days))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                ctx,
                ctx.T("Remind.BadDays", TextInput.Quote(daysText, 30)),
                "/progress remind plan weekdays 19:00 library"));
        }

        var timeText = ctx.Request.String("time")!;
        if (!Clock.TryParse(timeText, out var minutes))
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                ctx,
                ctx.T("Remind.BadTime", TextInput.Quote(timeText, 20), ctx.T("Remind.ClockExamples")),
                "/progress remind plan weekdays 19:00 library"));
        }

        var frequency = ctx.Request.String("frequency") switch
        {
            "daily" => ReminderFrequency.Daily,
            "weekly" => ReminderFrequency.Weekly,
            _ => daysText.Trim().ToLowerInvariant() is "daily" or "everyday" or "every-day" ? ReminderFrequency.Daily : ReminderFrequency.Weekly,
        };
        var place = ctx.Request.String("where")?.Trim();
        if (place is not null)
        {
            foreach (var prefix in new[] { "at ", "in " })
            {
                if (place.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    place = place[prefix.Length..].Trim();
                }
            }

            // "library" reads as "at the library"; "home", names and phrases with their own article stay as typed.
            string[] bare = ["home", "work", "school", "uni", "university", "college", "campus"];
            place = place.Length == 0 ? null
                : place.StartsWith("the ", StringComparison.OrdinalIgnoreCase) || place.StartsWith("my ", StringComparison.OrdinalIgnoreCase) || char.IsUpper(place[0]) || bare.Contains(place.ToLowerInvariant()) ? place
                : $"the {place}";
        }

        var plan = new ReminderPlan(days, minutes, frequency, place);
        var prefs = ctx.Member.Preferences with { Plan = plan, RemindersOn = true, SnoozedUntilUtc = null };
        var next = ReminderSchedule.NextOccurrence(plan, ctx.Member.TimeZoneId, ctx.Now)?.UtcDateTime;
        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = prefs, DisplayName = ctx.Who.DisplayName, StartDate = ctx.Member.StartDate ?? ctx.Today };
        changes.Reminders = new ReminderReset(next, ClearDmClosed: true);
        var how = frequency == ReminderFrequency.Weekly ? ctx.T("Remind.HowWeekly") : ctx.T("Remind.HowDaily");
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Title = ctx.T("Remind.Title"),
                Text = $"{RemindViews.IfThen(ctx, plan)}\n{ctx.T("Remind.Planned", how, RemindViews.NextReminder(ctx, next))}{RemindViews.ZoneHint(ctx)}",
                Buttons = [new ReplyButton(ctx.T("Remind.QuietButton"), "progress remind quiet 22:00 07:00"), new ReplyButton(ctx.T("Remind.OffButton"), "progress remind off")],
            },
            changes));
    }
}

internal sealed class RemindShowHandler : ICommandHandler
{
    public string Path => "progress remind show";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var prefs = ctx.Member.Preferences;
        if (prefs.Plan is not { } plan)
        {
            return ValueTask.FromResult<CommandResult>(RemindViews.NoPlan(ctx));
        }

        var state = ctx.Member.Reminders;
        var status = !prefs.RemindersOn ? ctx.T("Remind.Status.Off")
            : state.DmClosedAtUtc is not null ? ctx.T("Remind.Status.DmClosed")
            : state.Paused ? ctx.T("Remind.Status.Paused")
            : ctx.Snapshot.RestingOn(ctx.Today) is { } rest ? (rest.Until is { } u ? ctx.T("Remind.Status.RestingUntil", Format.Date(u, ctx.Culture)) : ctx.T("Remind.Status.RestingOpen"))
            : ctx.T("Remind.Status.On");
        var fields = new List<ReplyField>
        {
            new(ctx.T("Remind.Field.Reminders"), status),
            new(ctx.T("Remind.Field.Next"), RemindViews.NextReminder(ctx, prefs.RemindersOn ? state.NextAtUtc : null), true),
            new(ctx.T("Remind.Field.Quiet"), prefs.Quiet?.ToString() ?? ctx.T("Remind.QuietNone"), true),
            new(ctx.T("Remind.Field.Limit"), Format.Plural(ctx.Snapshot.Community.Settings.RemindersMaxPerWeek, ctx.T("Remind.Reminder"), ctx.T("Remind.Reminders"), ctx.Culture), true),
        };
        if (prefs.SnoozedUntilUtc is { } snoozed && snoozed > ctx.Now.UtcDateTime)
        {
            fields.Add(new ReplyField(ctx.T("Remind.Field.Snoozed"), RemindViews.NextReminder(ctx, snoozed), true));
        }

        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = ctx.T("Remind.Title"),
            Text = RemindViews.IfThen(ctx, plan) + RemindViews.ZoneHint(ctx),
            Fields = fields,
            Buttons = prefs.RemindersOn
                ? [new ReplyButton(ctx.T("Remind.SnoozeButton"), "progress remind snooze 1w"), new ReplyButton(ctx.T("Remind.OffButton"), "progress remind off")]
                : [new ReplyButton(ctx.T("Remind.OnButton"), "progress remind on", ButtonStyle.Primary)],
        });
    }
}

internal sealed class RemindOnHandler : ICommandHandler
{
    public string Path => "progress remind on";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var prefs = ctx.Member.Preferences;
        if (prefs.Plan is null)
        {
            return ValueTask.FromResult<CommandResult>(RemindViews.NoPlan(ctx));
        }

        var on = prefs with { RemindersOn = true };
        var next = ReminderPlanner.Resume(on, ctx.Member.TimeZoneId, ctx.Now);
        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = on, DisplayName = ctx.Who.DisplayName };
        changes.Reminders = new ReminderReset(next, ClearDmClosed: true);
        return ValueTask.FromResult(new CommandResult(
            new Reply { Tone = ReplyTone.Success, Text = ctx.T("Remind.AreOn", RemindViews.NextReminder(ctx, next)) },
            changes));
    }
}

internal sealed class RemindOffHandler : ICommandHandler
{
    public string Path => "progress remind off";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (!ctx.Member.Preferences.RemindersOn)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = ctx.T("Remind.AlreadyOff") });
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = ctx.Member.Preferences with { RemindersOn = false }, DisplayName = ctx.Who.DisplayName };
        changes.Reminders = new ReminderReset(null);
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Remind.AreOff"),
                Buttons = [new ReplyButton(ctx.T("Remind.OnButton"), "progress remind on")],
            },
            changes));
    }
}

internal sealed class RemindSnoozeHandler : ICommandHandler
{
    public string Path => "progress remind snooze";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var prefs = ctx.Member.Preferences;
        if (prefs.Plan is not { } plan || !prefs.RemindersOn)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = ctx.T("Remind.NothingToSnooze") });
        }

        var zone = ctx.Member.TimeZoneId;
        var local = TimeZones.ToLocal(ctx.Now, zone);
        var today = ctx.Today;
        var until = ctx.Request.String("duration") switch
        {
            "1h" => ctx.Now.AddHours(1),
            "tonight" => local.Hour < 19 ? ReminderSchedule.ToInstant(today, 20 * 60, zone) : ctx.Now.AddHours(1),
            "tomorrow" => ReminderSchedule.ToInstant(today.AddDays(1), plan.MinutesOfDay, zone),
            _ => ctx.Now.AddDays(7),
        };
        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = prefs with { SnoozedUntilUtc = until.UtcDateTime }, DisplayName = ctx.Who.DisplayName };
        changes.Reminders = new ReminderReset(until.UtcDateTime);
        return ValueTask.FromResult(new CommandResult(
            new Reply { Tone = ReplyTone.Success, Text = ctx.T("Remind.Snoozed", RemindViews.NextReminder(ctx, until.UtcDateTime)) },
            changes));
    }
}

internal sealed class RemindQuietHandler : ICommandHandler
{
    public string Path => "progress remind quiet";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var from = ctx.Request.String("from")!;
        var to = ctx.Request.String("to");
        QuietHours? quiet = null;
        if (from.Trim().ToLowerInvariant() is not ("off" or "none"))
        {
            if (!Clock.TryParse(from, out var start) || to is null || !Clock.TryParse(to, out var end))
            {
                return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Remind.QuietNeeds"), "/progress remind quiet 22:00 07:00"));
            }

            if (start == end)
            {
                return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Remind.QuietSame"), "/progress remind quiet 22:00 07:00"));
            }

            quiet = new QuietHours(start, end);
        }
        else if (to is not null)
        {
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(ctx, ctx.T("Remind.QuietOffExtra"), "/progress remind quiet off"));
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = ctx.Member.Preferences with { Quiet = quiet }, DisplayName = ctx.Who.DisplayName };
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = quiet is null
                    ? ctx.T("Remind.QuietOff")
                    : ctx.T("Remind.QuietSet", quiet, ctx.Member.TimeZoneId, Clock.Format(quiet.EndMinutes)),
            },
            changes));
    }
}
