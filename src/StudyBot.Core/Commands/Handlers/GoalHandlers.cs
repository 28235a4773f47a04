using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
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
            return ValueTask.FromResult<CommandResult>(LocalViews.Error(
                ctx,
                TooBig(ctx, unit, period),
                unit == GoalUnit.Hours ? "/progress goal set 10 hours week" : "/progress goal set 3 items week"));
        }

        var amount = (int)requested;
        var goal = new Goal(period, unit, amount, ctx.Today);
        var current = ctx.Snapshot.CurrentGoal(period);
        if (current is not null && current.Unit == unit && current.Target == amount)
        {
            return ValueTask.FromResult<CommandResult>(new Reply { Text = ctx.T("Goals.Already", Describe(ctx, goal)) });
        }

        var changes = ctx.NewChanges();
        changes.Goals.Add(goal);
        if (ctx.Member.StartDate is null)
        {
            changes.Profile = ctx.Member with { StartDate = ctx.Today, DisplayName = ctx.Who.DisplayName };
        }

        var achieved = Streaks.AchievedInPeriod(goal, ctx.Snapshot.Days, ctx.Today);
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Text = ctx.T(period == GoalPeriod.Week ? "Goals.Set" : "Goals.SetMonth", Describe(ctx, goal), LocalViews.GoalAmount(ctx, achieved, unit)),
        };
        return ValueTask.FromResult(new CommandResult(reply, changes));
    }

    /// <summary>A goal in words: "10 hours a week", "1 item a month"; "10 Stunden pro Woche".</summary>
    public static string Describe(CommandContext ctx, Goal goal) => ProgressTexts.Goal(ctx.Culture, goal);

    /// <summary>The limit in one sentence, as <see cref="GoalLimits.Describe"/> says it in English.</summary>
    private static string TooBig(CommandContext ctx, GoalUnit unit, GoalPeriod period)
    {
        var max = GoalLimits.Max(unit, period, ctx.Roadmap);
        if (unit == GoalUnit.Hours)
        {
            return ctx.T(period == GoalPeriod.Week ? "Goals.TooBigHoursWeek" : "Goals.TooBigHoursMonth", Format.Number(max, ctx.Culture), GoalLimits.MaxHoursPerDay);
        }

        var why = max == ctx.Roadmap.Items.Count ? ctx.T("Goals.WholeRoadmap") : ctx.T("Goals.Sprint");
        return ctx.T(period == GoalPeriod.Week ? "Goals.TooBigItemsWeek" : "Goals.TooBigItemsMonth", Format.Plural(max, ctx.T("Goals.Item"), ctx.T("Goals.Items"), ctx.Culture), why);
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
                Text = ctx.T("Goals.None"),
                Buttons = [new ReplyButton(ctx.T("Goals.Suggest"), "progress goal suggest", ButtonStyle.Primary)],
            });
        }

        var bars = new List<ProgressBar>();
        var fields = new List<ReplyField>();
        foreach (var goal in new[] { week, month }.OfType<Goal>())
        {
            var achieved = Streaks.AchievedInPeriod(goal, ctx.Snapshot.Days, ctx.Today);
            var label = ctx.T(goal.Period == GoalPeriod.Week ? "Goals.ThisWeek" : "Goals.ThisMonth");
            bars.Add(new ProgressBar(label, (int)Math.Min(100, Math.Floor(achieved * 100 / goal.Target))));
            var line = ctx.T("Goals.Line", LocalViews.GoalAmount(ctx, achieved, goal.Unit), LocalViews.GoalAmount(ctx, goal.Target, goal.Unit), achieved >= goal.Target ? " ✅" : "", GoalSetHandler.Describe(ctx, goal));
            fields.Add(new ReplyField(label, line, true));
        }

        var weekStart = TimeZones.WeekStart(ctx.Today);
        var balance = Balance.For(ctx.Roadmap, ctx.Snapshot.Days.Where(d => d.Date >= weekStart));
        var nudge = LocalViews.BalanceNudge(ctx, balance);
        fields.Add(new ReplyField(ctx.T("Goals.Balance"), LocalViews.BalanceSummary(ctx, balance) + (nudge is null ? "" : $"\n💡 {nudge}")));
        return ValueTask.FromResult<CommandResult>(new Reply { Title = ctx.T("Goals.Title"), Bars = bars, Fields = fields });
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
        var basis = ctx.T("Goals.BasisPace", Pace(ctx));
        if (fromLogs && pace < hours * 0.75)
        {
            hours = Math.Max(1, (int)Math.Ceiling(pace * 1.2));
            basis = ctx.T("Goals.BasisLogs", Format.Hours(pace, ctx.Culture));
        }

        var effort = Eta.EffortHours(ctx.Roadmap, ctx.Member, current);
        var phaseWeeks = Math.Max(1, effort / Eta.PlannedHoursPerWeek(ctx.Roadmap, ctx.Member));
        var remainingItems = progress.Total - progress.Learned;
        var items = Math.Max(1, (int)Math.Ceiling(remainingItems / Math.Max(1, phaseWeeks * (1 - (progress.Percent / 100.0)))));
        var hoursText = Format.Plural(hours, ctx.T("Goals.Hour"), ctx.T("Goals.Hours"), ctx.Culture);
        var itemsText = Format.Plural(items, ctx.T("Goals.Item"), ctx.T("Goals.Items"), ctx.Culture);
        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = ctx.T("Goals.SuggestTitle"),
            Text = ctx.T("Goals.Suggestion", basis, hoursText, itemsText, Format.PhaseName(current, ctx.Culture), remainingItems, DescribeWeeks(ctx, phaseWeeks)),
            Buttons =
            [
                new ReplyButton(ctx.T("Goals.ButtonWeek", hoursText), $"progress goal set {hours} hours week", ButtonStyle.Primary),
                new ReplyButton(ctx.T("Goals.ButtonWeek", itemsText), $"progress goal set {items} items week"),
            ],
        });
    }

    /// <summary>The member's pace, as <see cref="Format.Pace"/> says it in English.</summary>
    private static string Pace(CommandContext ctx)
    {
        var estimates = ctx.Roadmap.TimeEstimates;
        return ctx.Member.Pace switch
        {
            PaceKind.FullTime => ctx.T("Goals.Pace.FullTime", estimates.FullTime.MinHoursPerWeek, estimates.FullTime.MaxHoursPerWeek),
            PaceKind.Custom => ctx.T("Goals.Pace.Custom", ctx.Member.CustomHoursPerWeek ?? 0),
            _ => ctx.T("Goals.Pace.PartTime", estimates.PartTime.MinHoursPerWeek, estimates.PartTime.MaxHoursPerWeek),
        };
    }

    /// <summary>A number of weeks in words, as <see cref="Eta.DescribeWeeks"/> says it in English.</summary>
    private static string DescribeWeeks(CommandContext ctx, double weeks) => weeks switch
    {
        <= 0 => ctx.T("Goals.Weeks.Done"),
        < 1 => ctx.T("Goals.Weeks.UnderOne"),
        < 1.5 => ctx.T("Goals.Weeks.One"),
        < 9 => ctx.T("Goals.Weeks.Many", Math.Round(weeks)),
        _ => ctx.T("Goals.Weeks.Months", Math.Round(weeks / Eta.WeeksPerMonth)),
    };
}
