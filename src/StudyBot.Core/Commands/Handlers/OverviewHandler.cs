using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class OverviewHandler(Focus.IFocusStore? focus = null, Roadmaps.IRoadmapNoticeStore? notices = null) : ICommandHandler
{
    public string Path => "progress overview";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var phases = Views.Progress(ctx);
        var overall = ProgressMath.OverallPercent(phases);
        var next = ProgressMath.NextItems(ctx.Roadmap, ctx.State, Views.NextCount);
        var isFresh = ctx.Member.IsNew || (!ctx.Member.Onboarded && ctx.Snapshot.Items.Count == 0 && ctx.Snapshot.Days.Count == 0);
        if (isFresh)
        {
            return new Reply
            {
                Title = ctx.T("Overview.WelcomeTitle", ctx.Roadmap.Title, ctx.Who.DisplayName),
                Text = ctx.T("Overview.WelcomeText"),
                Buttons =
                [
                    new ReplyButton(ctx.T("Overview.ButtonStart"), "progress start", ButtonStyle.Primary),
                    new ReplyButton(ctx.T("Overview.ButtonRoadmap"), "progress roadmap"),
                    new ReplyButton(ctx.T("Overview.ButtonHelp"), "progress help"),
                ],
            };
        }

        var current = ProgressMath.CurrentPhase(phases);
        var module = ProgressMath.CurrentModule(ctx.Roadmap, current, ctx.State);
        var streak = Streaks.Compute(ctx.Snapshot.Goals, ctx.Snapshot.Days, ctx.Today, ReminderComposer.PausedWeeks(ctx.Snapshot.Rest, ctx.Today));
        var eta = Eta.Compute(ctx.Roadmap, ctx.Member, phases, ctx.Snapshot.Days, ctx.Today);
        var level = Views.Level(ctx, out var week);

        var fields = new List<ReplyField>
        {
            new(ctx.T("Overview.Now"), module is null ? Format.PhaseName(current, ctx.Culture) : $"{Format.PhaseName(current, ctx.Culture)} · {module.DisplayTitle}"),
            new(ctx.T("Overview.Next"), LocalViews.NextLines(ctx, next, ctx.State)),
            new(ctx.T("Overview.ThisWeek"), Views.GoalLine(ctx, GoalPeriod.Week), true),
            new(ctx.T("Overview.Streak"), Views.StreakLine(ctx, streak), true),
            new(ctx.T("Overview.Finish"), Views.EtaLine(ctx, eta), true),
        };
        if (level is not null)
        {
            fields.Add(new(ctx.T("Overview.Level"), ctx.T("Overview.LevelValue", level.Title, week), true));
        }

        if (focus is not null && await FocusViews.TotalsLineAsync(ctx, focus, cancellationToken) is { } focused)
        {
            fields.Add(new(ctx.T("Overview.Focus"), focused, true));
        }

        var quickWin = LocalViews.QuickWinLine(ctx);
        return new Reply
        {
            Title = ctx.T("Overview.Title", ctx.Who.DisplayName, overall, ctx.Roadmap.Title),
            Text = await Roadmaps.RoadmapNotices.PrependAsync(notices, ctx, quickWin, cancellationToken),
            Bars = phases.Select(p => new ProgressBar($"{p.Phase.Number} {p.Phase.Title}", p.Percent)).ToList(),
            Fields = fields,
            Buttons = [.. LocalViews.NextButtons(ctx, next, ctx.State), new ReplyButton(ctx.T("Overview.ButtonLog"), "progress log 30 practice"), new ReplyButton(ctx.T("Overview.ButtonRoadmapShort"), "progress roadmap")],
        };
    }
}
