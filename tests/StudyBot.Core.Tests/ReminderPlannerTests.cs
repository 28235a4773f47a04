using StudyBot.Core.Notifications;

namespace StudyBot.Core.Tests;

public sealed class ReminderPlannerTests
{
    private static readonly ReminderPlan Plan = new(StudyDays.Monday, 19 * 60, ReminderFrequency.Weekly, null);
    private static readonly MemberPreferences On = new() { Plan = Plan, RemindersOn = true };
    private static readonly DateTimeOffset MondayAt19 = new(2026, 11, 23, 19, 0, 0, TimeSpan.Zero);

    private static ReminderDecision Decide(MemberPreferences? prefs = null, ReminderState? state = null, IReadOnlyList<RestPeriod>? rest = null, int sentThisWeek = 0, DateTimeOffset? now = null) =>
        ReminderPlanner.Decide(prefs ?? On, state ?? new ReminderState { NextAtUtc = MondayAt19.UtcDateTime }, "UTC", rest ?? [], 2, sentThisWeek, now ?? MondayAt19);

    [Fact]
    public void A_due_reminder_is_sent_and_the_next_week_scheduled()
    {
        var decision = Decide();

        Assert.Equal(ReminderAction.SendReminder, decision.Action);
        Assert.Equal(MondayAt19.AddDays(7).UtcDateTime, decision.NextAtUtc);
        Assert.Equal(1, decision.State.Unanswered);
    }

    [Fact]
    public void Nothing_is_sent_while_resting_and_reminders_resume_after_the_rest()
    {
        var decision = Decide(rest: [new RestPeriod(new DateOnly(2026, 11, 20), new DateOnly(2026, 12, 2))]);

        Assert.Equal(ReminderAction.Skip, decision.Action);
        Assert.Equal(new DateTime(2026, 12, 7, 19, 0, 0), decision.NextAtUtc);
    }

    [Fact]
    public void An_open_ended_rest_drops_reminders_until_it_ends()
    {
        var decision = Decide(rest: [new RestPeriod(new DateOnly(2026, 11, 20), null)]);

        Assert.Equal(ReminderAction.Drop, decision.Action);
        Assert.Null(decision.NextAtUtc);
    }

    [Fact]
    public void A_snooze_defers_to_its_end()
    {
        var until = MondayAt19.AddHours(1).UtcDateTime;

        var decision = Decide(prefs: On with { SnoozedUntilUtc = until });

        Assert.Equal(ReminderAction.Defer, decision.Action);
        Assert.Equal(until, decision.NextAtUtc);
    }

    [Fact]
    public void Quiet_hours_defer_to_their_end()
    {
        var decision = Decide(prefs: On with { Quiet = new QuietHours(18 * 60, 21 * 60) });

        Assert.Equal(ReminderAction.Defer, decision.Action);
        Assert.Equal(new DateTime(2026, 11, 23, 21, 0, 0), decision.NextAtUtc);
    }

    [Fact]
    public void The_weekly_cap_skips_to_next_week()
    {
        var decision = Decide(sentThisWeek: 2);

        Assert.Equal(ReminderAction.Skip, decision.Action);
        Assert.Equal(MondayAt19.AddDays(7).UtcDateTime, decision.NextAtUtc);
    }

    [Fact]
    public void After_three_unanswered_reminders_a_fresh_start_is_scheduled_then_reminders_pause()
    {
        var third = Decide(state: new ReminderState { NextAtUtc = MondayAt19.UtcDateTime, Unanswered = 2, LastSentAtUtc = MondayAt19.AddDays(-7).UtcDateTime });

        Assert.Equal(ReminderAction.SendReminder, third.Action);
        Assert.True(third.State.FreshStartPending);
        Assert.Equal(new DateTime(2026, 11, 30, 19, 0, 0), third.NextAtUtc);

        var fresh = Decide(state: third.State, now: new DateTimeOffset(2026, 11, 30, 19, 0, 0, TimeSpan.Zero));

        Assert.Equal(ReminderAction.SendFreshStart, fresh.Action);
        Assert.True(fresh.State.Paused);
        Assert.Null(fresh.NextAtUtc);

        var after = Decide(state: fresh.State with { NextAtUtc = MondayAt19.UtcDateTime });
        Assert.Equal(ReminderAction.Drop, after.Action);
    }

    [Fact]
    public void Activity_since_the_last_reminder_resets_the_unanswered_count()
    {
        var state = new ReminderState
        {
            NextAtUtc = MondayAt19.UtcDateTime,
            Unanswered = 2,
            LastSentAtUtc = MondayAt19.AddDays(-7).UtcDateTime,
            LastActivityAtUtc = MondayAt19.AddDays(-3).UtcDateTime,
        };

        var decision = Decide(state: state);

        Assert.Equal(1, decision.State.Unanswered);
        Assert.False(decision.State.FreshStartPending);
    }

    [Fact]
    public void Off_or_unplanned_or_undeliverable_reminders_are_dropped()
    {
        Assert.Equal(ReminderAction.Drop, Decide(prefs: On with { RemindersOn = false }).Action);
        Assert.Equal(ReminderAction.Drop, Decide(prefs: new MemberPreferences { RemindersOn = true }).Action);
        Assert.Equal(ReminderAction.Drop, Decide(state: new ReminderState { DmClosedAtUtc = MondayAt19.UtcDateTime }).Action);
    }

    [Fact]
    public void Reminder_wording_varies_and_never_repeats_the_last_template()
    {
        var picks = Enumerable.Range(0, 200).Select(i => MondayAt19.AddMinutes(i)).ToList();
        var last = -1;
        var used = new HashSet<int>();
        foreach (var occurrence in picks)
        {
            var template = ReminderComposer.PickTemplate(last, occurrence);
            Assert.NotEqual(last, template);
            used.Add(template);
            last = template;
        }

        Assert.Equal(ReminderComposer.TemplateCount, used.Count);
    }
}
