using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Rest mode: the guide says take breaks to avoid burnout, so resting pauses reminders and the streak.</summary>
internal sealed class RestStartHandler : ICommandHandler
{
    public const int MaxRestDays = 365;

    public string Path => "progress rest start";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var today = ctx.Today;
        DateOnly? until = null;
        if (ctx.Request.String("until") is { } given)
        {
            var text = given.StartsWith("until ", StringComparison.OrdinalIgnoreCase) ? given[6..].Trim() : given;
            if (!TryParseUntil(text, today, out var date))
            {
                return ValueTask.FromResult<CommandResult>(Reply.Error(
                    $"I couldn't read `{TextInput.Quote(text, 30)}` as a date. Use a date like {today.AddDays(7):yyyy-MM-dd}, a span like 3d or 2w, or a weekday.",
                    "/progress rest until 2w"));
            }

            if (date < today || date > today.AddDays(MaxRestDays))
            {
                return ValueTask.FromResult<CommandResult>(Reply.Error(
                    $"Rest can end from today up to a year ahead; {date:yyyy-MM-dd} is outside that.", "/progress rest until 2w"));
            }

            until = date;
        }

        var changes = ctx.NewChanges();
        changes.StartRest = new RestPeriod(today, until);
        var already = ctx.Snapshot.RestingOn(today) is not null ? "You were already resting; " : "";
        var end = until is { } u ? $"until {Format.Date(u)}" : "until you end it";
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"🛌 {already}Rest mode is on {end}. Reminders and your streak are paused: enjoy the break. `/progress rest end` when you're back.",
                Buttons = [new ReplyButton("End rest", "progress rest end")],
            },
            changes));
    }

    internal static bool TryParseUntil(string text, DateOnly today, out DateOnly date)
    {
        date = today;
        var t = text.Trim().ToLowerInvariant();
        if (t.StartsWith("until ", StringComparison.Ordinal))
        {
            t = t[6..].Trim();
        }

        if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        if (t is "tomorrow")
        {
            date = today.AddDays(1);
            return true;
        }

        if (t.Length >= 2 && int.TryParse(t[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 400)
        {
            switch (t[^1])
            {
                case 'd':
                    date = today.AddDays(n);
                    return true;
                case 'w':
                    date = today.AddDays(7 * n);
                    return true;
            }
        }

        if (Clock.TryParseDay(t, out var day))
        {
            var ahead = ((int)day - (int)today.DayOfWeek + 7) % 7;
            date = today.AddDays(ahead == 0 ? 7 : ahead);
            return true;
        }

        return false;
    }
}

internal sealed class RestEndHandler : ICommandHandler
{
    public string Path => "progress rest end";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Snapshot.RestingOn(ctx.Today) is null)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = "You're not resting right now. (`/progress rest` starts rest mode.)" });
        }

        var changes = ctx.NewChanges();
        changes.EndRestOn = ctx.Today;
        var next = ReminderPlanner.Resume(ctx.Member.Preferences, ctx.Member.TimeZoneId, ctx.Now);
        changes.Reminders = new ReminderReset(next);
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = "👋 Welcome back! Rest mode is over; your streak picks up from here." + (next is null ? "" : $" Next reminder: {RemindViews.NextReminder(ctx, next)}."),
                Buttons = [new ReplyButton("What's next", "progress next", ButtonStyle.Primary)],
            },
            changes));
    }
}
