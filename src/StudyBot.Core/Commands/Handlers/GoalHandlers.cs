using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class GoalSetHandler : ICommandHandler
{
    public string Path => "progress goal set";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var requested = ctx.Request.Integer("amount")!.Value;
        var unit = ctx.Request.String("unit") == "items" ? GoalUnit.Items : GoalUnit.Hours;
        var period = ctx.Request.String("period") == "month" ? GoalPeriod.Month : GoalPeriod.Week;
        if (requested > GoalLimits.Max(unit, period, ctx.Roadmap))
        {
            return ValueTask.FromResult<CommandResult>(Reply.Error(
                GoalLimits.Describe(unit, period, ctx.Roadmap),
                unit == GoalUnit.Hours ? "/progress goal set 10 hours week" : "/progress goal set 3 items week"));
        }

        var amount = (int)requested;
        var goal = new Goal(period, unit, amount, ctx.Today);
        var current = ctx.Snapshot.CurrentGoal(period);
        if (current is not null && current.Unit == unit && current.Target == amount)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = $"Your goal is already {goal.Describe()}." });
        }

        var changes = ctx.NewChanges();
        changes.Goals.Add(goal);
        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = ctx.Today, DisplayName = ctx.Who.DisplayName };
        }

        var achieved = Streaks.AchievedInPeriod(goal, ctx.Snapshot.Days, ctx.Today);
        var so = period == GoalPeriod.Week ? "this week" : "this month";
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = $"🎯 Goal set: {goal.Describe()}. So far {so}: {Format.GoalAmount(achieved, unit)}."
                + (period == GoalPeriod.Week ? " Weeks start on Monday in your time zone; each week you meet it grows your streak." : ""),
        };
        return ValueTask.FromResult(new CommandResult(reply, changes));
    }
}

internal sealed class GoalShowHandler : ICommandHandler
{
    public string Path => "progress goal show";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var week = ctx.Snapshot.CurrentGoal(GoalPeriod.Week);
        var month = ctx.Snapshot.CurrentGoal(GoalPeriod.Month);
        if (week is null && month is null)
        {
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Text = "You have no goal yet. The guide's first motivation tip is to set weekly and monthly targets.",
                Buttons = [new ReplyButton("Suggest a goal", "progress goal suggest", ButtonStyle.Primary)],
            });
        }

        var bars = new List<ProgressBar>();
        var fields = new List<ReplyField>();
        foreach (var goal in new[] { week, month }.OfType<Goal>())
        {
            var achieved = Streaks.AchievedInPeriod(goal, ctx.Snapshot.Days, ctx.Today);
            var label = goal.Period == GoalPeriod.Week ? "This week" : "This month";
            bars.Add(new ProgressBar(label, (int)Math.Min(100, Math.Floor(achieved * 100 / goal.Target))));
            fields.Add(new ReplyField(label, $"{Views.GoalLine(ctx, goal.Period)} (goal: {goal.Describe()})", true));
        }

        var weekStart = TimeZones.WeekStart(ctx.Today);
        var balance = Balance.For(ctx.Roadmap, ctx.Snapshot.Days.Where(d => d.Date >= weekStart));
        fields.Add(new ReplyField("Balance this week", balance.Summary + (balance.Nudge is null ? "" : $"\n💡 {balance.Nudge}")));
        return ValueTask.FromResult<CommandResult>(new Reply { Title = "Your goals", Bars = bars, Fields = fields });
    }
}

internal sealed class GoalSuggestHandler : ICommandHandler
{
    public string Path => "progress goal suggest";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var phases = Views.Progress(ctx);
        var current = ProgressMath.CurrentPhase(phases);
        var progress = phases.First(p => p.Phase.Id == current.Id);
        var hours = (int)Math.Round(Eta.PlannedHoursPerWeek(ctx.Roadmap, ctx.Member));
        var (pace, fromLogs) = Eta.EffectivePace(Eta.PlannedHoursPerWeek(ctx.Roadmap, ctx.Member), ctx.Snapshot.Days, ctx.Today);

        // Someone logging far less than their plan gets a goal they can meet, then grows it: early wins keep people going.
        var basis = $"your {Format.Pace(ctx.Roadmap, ctx.Member)} pace";
        if (fromLogs && pace < hours * 0.75)
        {
            hours = Math.Max(1, (int)Math.Ceiling(pace * 1.2));
            basis = $"the {Format.Hours(pace)} h/week you've been studying lately, plus a little";
        }

        var effort = Eta.EffortHours(ctx.Roadmap, ctx.Member, current);
        var phaseWeeks = Math.Max(1, effort / Eta.PlannedHoursPerWeek(ctx.Roadmap, ctx.Member));
        var remainingItems = progress.Total - progress.Learned;
        var items = Math.Max(1, (int)Math.Ceiling(remainingItems / Math.Max(1, phaseWeeks * (1 - (progress.Percent / 100.0)))));
        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = "A goal that fits",
            Text = $"From {basis}: **{Format.Plural(hours, "hour", "hours")} a week**. Or count progress: **{Format.Plural(items, "item", "items")} a week** keeps {Format.PhaseName(current)} on schedule "
                + $"({remainingItems} left; the guide allows {Eta.DescribeWeeks(phaseWeeks)} for it).",
            Buttons =
            [
                new ReplyButton($"{Format.Plural(hours, "hour", "hours")} a week", $"progress goal set {hours} hours week", ButtonStyle.Primary),
                new ReplyButton($"{Format.Plural(items, "item", "items")} a week", $"progress goal set {items} items week"),
            ],
        });
    }
}
