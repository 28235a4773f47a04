using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal static class RemindViews
{
    /// <summary>The plan as an if-then sentence: "On Monday at 19:00 at the library, you study ...".</summary>
    public static string IfThen(CommandContext ctx, ReminderPlan plan)
    {
        var when = plan.Frequency == ReminderFrequency.Weekly
            ? $"On {Clock.ToDayOfWeek(ReminderSchedule.FirstDay(plan.Days))}"
            : plan.Days == StudyDays.Every ? "Every day" : $"On {Clock.DescribeDays(plan.Days)}";
        var place = plan.Place is { Length: > 0 } p ? $" at {p}" : "";
        var goal = ctx.Snapshot.CurrentGoal(GoalPeriod.Week);
        var toward = goal is null ? "" : $" toward your goal of {goal.Describe()}";
        var next = ProgressMath.NextItems(ctx.Roadmap, ctx.State, 1).FirstOrDefault();
        var starting = next is null ? "" : $", starting with {next.DisplayTitle}";
        return $"{when} at {Clock.Format(plan.MinutesOfDay)}{place}, you study{toward}{starting}.";
    }

    public static string NextReminder(CommandContext ctx, DateTime? nextUtc)
    {
        if (nextUtc is not { } next)
        {
            return "none scheduled";
        }

        var local = TimeZones.ToLocal(new DateTimeOffset(next, TimeSpan.Zero), ctx.Member.TimeZoneId);
        return $"{local:ddd d MMM HH:mm} ({ctx.Member.TimeZoneId})";
    }

    public static string ZoneHint(CommandContext ctx) =>
        ctx.Member.TimeZoneId is "UTC" or "Etc/UTC"
            ? "\nTimes are in UTC until you set your zone: `/progress timezone Europe/Berlin` (your zone)."
            : "";

    public static Reply NoPlan() => new()
    {
        Text = "You have no study plan yet. Tell me when you study and I'll remind you by DM.",
        Buttons = [new ReplyButton("Weekdays at 19:00", "progress remind plan weekdays 19:00", ButtonStyle.Primary)],
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
            return ValueTask.FromResult<CommandResult>(Reply.Error(
                $"I couldn't read the days `{TextInput.Quote(daysText, 30)}`. Use weekdays, weekends, daily, or days like mon,wed,fri.",
                "/progress remind plan weekdays 19:00 library"));
        }

        var timeText = ctx.Request.String("time")!;
        if (!Clock.TryParse(timeText, out var minutes))
        {
            return ValueTask.FromResult<CommandResult>(Reply.Error(
                $"`{TextInput.Quote(timeText, 20)}` isn't a time of day. Write it like {Clock.Examples}.",
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
        var how = frequency == ReminderFrequency.Weekly
            ? "I'll remind you by DM once a week, at the start of your first planned day's session."
            : "I'll remind you by DM at each planned session.";
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Title = "📅 Your study plan",
                Text = $"{RemindViews.IfThen(ctx, plan)}\n{how} Next reminder: {RemindViews.NextReminder(ctx, next)}.{RemindViews.ZoneHint(ctx)}",
                Buttons = [new ReplyButton("Quiet hours 22-07", "progress remind quiet 22:00 07:00"), new ReplyButton("Reminders off", "progress remind off")],
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
            return ValueTask.FromResult<CommandResult>(RemindViews.NoPlan());
        }

        var state = ctx.Member.Reminders;
        var status = !prefs.RemindersOn ? "off (`/progress remind on` to resume)"
            : state.DmClosedAtUtc is not null ? "stopped: your DMs are closed to me. Open them, then `/progress remind on`."
            : state.Paused ? "paused after a quiet spell; any command brings them back"
            : ctx.Snapshot.RestingOn(ctx.Today) is { } rest ? $"resting {(rest.Until is { } u ? $"until {Format.Date(u)}" : "until you end it")}"
            : "on";
        var fields = new List<ReplyField>
        {
            new("Reminders", status),
            new("Next reminder", RemindViews.NextReminder(ctx, prefs.RemindersOn ? state.NextAtUtc : null), true),
            new("Quiet hours", prefs.Quiet?.ToString() ?? "none", true),
            new("Weekly limit", Format.Plural(ctx.Snapshot.Community.Settings.RemindersMaxPerWeek, "reminder", "reminders"), true),
        };
        if (prefs.SnoozedUntilUtc is { } snoozed && snoozed > ctx.Now.UtcDateTime)
        {
            fields.Add(new ReplyField("Snoozed until", RemindViews.NextReminder(ctx, snoozed), true));
        }

        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = "📅 Your study plan",
            Text = RemindViews.IfThen(ctx, plan) + RemindViews.ZoneHint(ctx),
            Fields = fields,
            Buttons = prefs.RemindersOn
                ? [new ReplyButton("Snooze a week", "progress remind snooze 1w"), new ReplyButton("Reminders off", "progress remind off")]
                : [new ReplyButton("Reminders on", "progress remind on", ButtonStyle.Primary)],
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
            return ValueTask.FromResult<CommandResult>(RemindViews.NoPlan());
        }

        var on = prefs with { RemindersOn = true };
        var next = ReminderPlanner.Resume(on, ctx.Member.TimeZoneId, ctx.Now);
        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = on, DisplayName = ctx.Who.DisplayName };
        changes.Reminders = new ReminderReset(next, ClearDmClosed: true);
        return ValueTask.FromResult(new CommandResult(
            new Reply { Tone = ReplyTone.Success, Text = $"🔔 Reminders are on. Next one: {RemindViews.NextReminder(ctx, next)}." },
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
            return ValueTask.FromResult<CommandResult>(new Reply { Text = "Your reminders are already off." });
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = ctx.Member.Preferences with { RemindersOn = false }, DisplayName = ctx.Who.DisplayName };
        changes.Reminders = new ReminderReset(null);
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = "🔕 Reminders are off. Your plan is kept: `/progress remind on` brings them back.",
                Buttons = [new ReplyButton("Reminders on", "progress remind on")],
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
            return ValueTask.FromResult<CommandResult>(new Reply { Text = "There's nothing to snooze: your reminders are off or you have no plan. `/progress remind plan weekdays 19:00` sets one." });
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
            new Reply { Tone = ReplyTone.Success, Text = $"😴 Snoozed. I'll remind you {RemindViews.NextReminder(ctx, until.UtcDateTime)}." },
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
                return ValueTask.FromResult<CommandResult>(Reply.Error(
                    "Quiet hours need a start and an end, like `22:00 07:00` or `10pm 7am`, or `off`.", "/progress remind quiet 22:00 07:00"));
            }

            if (start == end)
            {
                return ValueTask.FromResult<CommandResult>(Reply.Error("Quiet hours can't start and end at the same time.", "/progress remind quiet 22:00 07:00"));
            }

            quiet = new QuietHours(start, end);
        }
        else if (to is not null)
        {
            return ValueTask.FromResult<CommandResult>(Reply.Error("`off` takes nothing after it.", "/progress remind quiet off"));
        }

        var changes = ctx.NewChanges();
        changes.Profile = ctx.Member with { Preferences = ctx.Member.Preferences with { Quiet = quiet }, DisplayName = ctx.Who.DisplayName };
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = quiet is null
                    ? "Quiet hours are off."
                    : $"🌙 Quiet hours {quiet} ({ctx.Member.TimeZoneId}): no DMs then; a reminder that falls inside waits until {Clock.Format(quiet.EndMinutes)}.",
            },
            changes));
    }
}
