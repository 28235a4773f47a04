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
                Title = $"Welcome to {ctx.Roadmap.Title}, {ctx.Who.DisplayName}!",
                Text = "Eight phases take you from Python basics to deploying models. Start by telling me how you learn "
                    + "(`/progress start`), or jump in with `/progress doing python-basics`.",
                Buttons =
                [
                    new ReplyButton("Start", "progress start", ButtonStyle.Primary),
                    new ReplyButton("See the roadmap", "progress roadmap"),
                    new ReplyButton("Help", "progress help"),
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
            new("Now", module is null ? Format.PhaseName(current) : $"{Format.PhaseName(current)} · {module.DisplayTitle}"),
            new("Next", Views.NextLines(next, ctx.State)),
            new("This week", Views.GoalLine(ctx, GoalPeriod.Week), true),
            new("Streak", Views.StreakLine(streak), true),
            new("Finish", Views.EtaLine(eta), true),
        };
        if (level is not null)
        {
            fields.Add(new("Level", $"{level.Title} (week {week})", true));
        }

        if (focus is not null && await FocusViews.TotalsLineAsync(ctx, focus, cancellationToken) is { } focused)
        {
            fields.Add(new("Focus", focused, true));
        }

        var quickWin = Views.QuickWinLine(ctx);
        return new Reply
        {
            Title = $"{ctx.Who.DisplayName}'s progress: {overall}% of {ctx.Roadmap.Title}",
            Text = await Roadmaps.RoadmapNotices.PrependAsync(notices, ctx, quickWin, cancellationToken),
            Bars = phases.Select(p => new ProgressBar($"{p.Phase.Number} {p.Phase.Title}", p.Percent)).ToList(),
            Fields = fields,
            Buttons = [.. Views.NextButtons(next, ctx.State), new ReplyButton("Log 30 min", "progress log 30 practice"), new ReplyButton("Roadmap", "progress roadmap")],
        };
    }
}
