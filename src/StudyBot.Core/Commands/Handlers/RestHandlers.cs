using System.Globalization;
using System.Text.RegularExpressions;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Rest mode: the guide says take breaks to avoid burnout, so resting pauses reminders and the streak.</summary>
internal sealed partial class RestStartHandler : ICommandHandler
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
                return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                    ctx,
                    ctx.T("Rest.BadDate", TextInput.Quote(text, 30), today.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                    "/progress rest until 2w"));
            }

            if (date < today)
            {
                return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                    ctx, ctx.T("Rest.Passed", Format.Date(date, ctx.Culture)), "/progress rest until 2w"));
            }

            if (date > today.AddDays(MaxRestDays))
            {
                return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                    ctx,
                    ctx.T("Rest.TooLong", Format.Number(MaxRestDays, ctx.Culture), Format.Date(date, ctx.Culture), Format.Number(date.DayNumber - today.DayNumber, ctx.Culture)),
                    "/progress rest until 2w"));
            }

            until = date;
        }

        var changes = ctx.NewChanges();
        changes.StartRest = new RestPeriod(today, until);
        var end = until is { } u ? ctx.T("Rest.Until", Format.Date(u, ctx.Culture)) : ctx.T("Rest.UntilEnded");
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T(ctx.Snapshot.RestingOn(today) is not null ? "Rest.StartedAgain" : "Rest.Started", end),
                Buttons = [new ReplyButton(ctx.T("Rest.EndButton"), "progress rest end")],
            },
            changes));
    }

    /// <summary>
    /// The last day of rest from "today", "tomorrow", "next week", a weekday ("friday", "next fri": the next one after
    /// today), a span ("3d", "3 days", "2w", "2 weeks") or a date ("2026-12-31", "31 Dec", "Dec 31 2026"), in any digits.
    /// </summary>
    internal static bool TryParseUntil(string text, DateOnly today, out DateOnly date)
    {
        date = today;
        var t = string.Join(' ', Numerals.ToAscii(text).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (t.StartsWith("until ", StringComparison.Ordinal))
        {
            t = t[6..];
        }

        switch (t)
        {
            case "today" or "tonight":
                return true;
            case "tomorrow":
                date = today.AddDays(1);
                return true;
            case "next week" or "a week":
                date = today.AddDays(7);
                return true;
        }

        if (DateOnly.TryParseExact(t, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
        {
            return true;
        }

        if (SpanPattern().Match(t) is { Success: true } span && int.TryParse(span.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 400)
        {
            date = span.Groups["unit"].Value.StartsWith('d') ? today.AddDays(n) : today.AddDays(7 * n);
            return true;
        }

        var weekday = t.StartsWith("next ", StringComparison.Ordinal) ? t[5..] : t.StartsWith("this ", StringComparison.Ordinal) ? t[5..] : t;
        if (Clock.TryParseDay(weekday, out var day))
        {
            var ahead = ((int)day - (int)today.DayOfWeek + 7) % 7;
            date = today.AddDays(ahead == 0 ? 7 : ahead);
            return true;
        }

        if (DateTime.TryParseExact(t.Replace(",", "", StringComparison.Ordinal), DatesWithYear, CultureInfo.InvariantCulture, DateTimeStyles.None, out var withYear))
        {
            date = DateOnly.FromDateTime(withYear);
            return true;
        }

        if (DateTime.TryParseExact($"{t} {today.Year}", DatesWithYear, CultureInfo.InvariantCulture, DateTimeStyles.None, out var thisYear))
        {
            // "31 Dec" is the next 31 December: this year's, or next year's once it has passed.
            date = DateOnly.FromDateTime(thisYear);
            date = date < today ? date.AddYears(1) : date;
            return true;
        }

        date = today;
        return false;
    }

    private static readonly string[] DatesWithYear = ["d MMM yyyy", "d MMMM yyyy", "MMM d yyyy", "MMMM d yyyy"];

    [GeneratedRegex("^(?<n>[0-9]{1,3}) ?(?<unit>d|days?|w|wks?|weeks?)$")]
    private static partial Regex SpanPattern();
}

internal sealed class RestEndHandler : ICommandHandler
{
    public string Path => "progress rest end";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (ctx.Snapshot.RestingOn(ctx.Today) is null)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = ctx.T("Rest.NotResting") });
        }

        var changes = ctx.NewChanges();
        changes.EndRestOn = ctx.Today;
        var next = ReminderPlanner.Resume(ctx.Member.Preferences, ctx.Member.TimeZoneId, ctx.Now);
        changes.Reminders = new ReminderReset(next);
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Rest.Back") + (next is null ? "" : ctx.T("Rest.NextReminder", RemindViews.NextReminder(ctx, next))),
                Buttons = [new ReplyButton(ctx.T("Rest.NextButton"), "progress next", ButtonStyle.Primary)],
            },
            changes));
    }
}
