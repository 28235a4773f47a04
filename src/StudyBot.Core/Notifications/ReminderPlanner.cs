using StudyBot.Core.Progress;

namespace StudyBot.Core.Notifications;

public enum ReminderAction
{
    /// <summary>No reminders for this member (off, no plan, paused): clear the schedule.</summary>
    Drop = 0,

    /// <summary>Skip this occurrence (rest, weekly cap) and schedule the next.</summary>
    Skip = 1,

    /// <summary>Not now (quiet hours, snoozed): try again at <see cref="ReminderDecision.NextAtUtc"/>.</summary>
    Defer = 2,

    /// <summary>Send the weekly goal reminder.</summary>
    SendReminder = 3,

    /// <summary>Send the one "fresh start" message, then pause until the member comes back.</summary>
    SendFreshStart = 4,
}

/// <summary>What to do with a due reminder, and the member's reminder state afterwards.</summary>
public sealed record ReminderDecision(ReminderAction Action, DateTime? NextAtUtc, ReminderState State, string Why);

/// <summary>
/// Decides, for a member whose reminder is due, whether to send, defer or skip it. Pure: no clock, no I/O.
/// The rules: nothing during rest or snooze or quiet hours (deferred to their end), never above the
/// community's weekly cap, and after three reminders in a row with no activity one fresh-start message at
/// the next Monday or first of the month, then silence until the member comes back.
/// </summary>
public static class ReminderPlanner
{
    public const int UnansweredBeforeFreshStart = 3;

    public static ReminderDecision Decide(
        MemberPreferences prefs,
        ReminderState state,
        string zoneId,
        IReadOnlyList<RestPeriod> rest,
        int maxPerWeek,
        int sentThisWeek,
        DateTimeOffset now)
    {
        if (!prefs.RemindersOn || prefs.Plan is not { } plan || state.Paused || state.DmClosedAtUtc is not null)
        {
            return new(ReminderAction.Drop, null, state with { NextAtUtc = null }, "reminders are off, unplanned, paused or undeliverable");
        }

        var today = TimeZones.LocalDate(now, zoneId);
        var resting = rest.FirstOrDefault(r => r.Covers(today));
        if (resting is not null)
        {
            var next = resting.Until is { } until ? ReminderSchedule.FirstOnOrAfter(plan, zoneId, until.AddDays(1)) : null;
            return new(next is null ? ReminderAction.Drop : ReminderAction.Skip, next?.UtcDateTime, state with { NextAtUtc = next?.UtcDateTime }, "resting");
        }

        if (prefs.SnoozedUntilUtc is { } snoozed && snoozed > now.UtcDateTime)
        {
            return new(ReminderAction.Defer, snoozed, state with { NextAtUtc = snoozed }, "snoozed");
        }

        var afterQuiet = ReminderSchedule.AfterQuietHours(now, prefs.Quiet, zoneId);
        if (afterQuiet > now)
        {
            return new(ReminderAction.Defer, afterQuiet.UtcDateTime, state with { NextAtUtc = afterQuiet.UtcDateTime }, "quiet hours");
        }

        if (state.FreshStartPending)
        {
            return new(ReminderAction.SendFreshStart, null, state with
            {
                NextAtUtc = null,
                FreshStartPending = false,
                Paused = true,
                LastSentAtUtc = now.UtcDateTime,
            }, "fresh start after reminders without activity");
        }

        var following = ReminderSchedule.NextOccurrence(plan, zoneId, now)?.UtcDateTime;
        if (sentThisWeek >= maxPerWeek)
        {
            var nextWeek = ReminderSchedule.FirstOnOrAfter(plan, zoneId, TimeZones.WeekStart(today).AddDays(7))?.UtcDateTime;
            return new(ReminderAction.Skip, nextWeek, state with { NextAtUtc = nextWeek }, "weekly cap reached");
        }

        var cameBack = state.LastActivityAtUtc is { } active && (state.LastSentAtUtc is null || active > state.LastSentAtUtc);
        var unanswered = (cameBack ? 0 : state.Unanswered) + 1;
        var sent = state with
        {
            Unanswered = unanswered,
            LastSentAtUtc = now.UtcDateTime,
            NextAtUtc = following,
        };
        if (unanswered >= UnansweredBeforeFreshStart)
        {
            var fresh = ReminderSchedule.FreshStartTime(plan, zoneId, now).UtcDateTime;
            sent = sent with { NextAtUtc = fresh, FreshStartPending = true };
        }

        return new(ReminderAction.SendReminder, sent.NextAtUtc, sent, "due");
    }

    /// <summary>Where a member's reminders stand after they act: any activity lifts a fresh-start pause.</summary>
    public static DateTime? Resume(MemberPreferences prefs, string zoneId, DateTimeOffset now) =>
        prefs.RemindersOn && prefs.Plan is { } plan ? ReminderSchedule.NextOccurrence(plan, zoneId, now)?.UtcDateTime : null;
}
