using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class NextHandler : ICommandHandler
{
    public string Path => "progress next";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var next = ProgressMath.NextItems(ctx.Roadmap, ctx.State, 5);
        var phases = Views.Progress(ctx);
        var current = ProgressMath.CurrentPhase(phases);
        var milestone = ctx.Roadmap.MilestoneOf(current.Id);
        var fields = new List<ReplyField>();
        if (milestone is not null)
        {
            var ticked = milestone.Items.Count(i => ctx.State(i.Id).IsLearned);
            fields.Add(new ReplyField(milestone.Title, ctx.T(milestone.Items.Count == 1 ? "Next.Checkpoints.One" : "Next.Checkpoints", ticked, milestone.Items.Count, milestone.Duration)));
        }

        // The field says "Quick wins for week N"; its text is only the wins (the overview's one-line version repeats none).
        Views.Level(ctx, out var week);
        if (ProgressMath.QuickWinsFor(ctx.Roadmap, week) is { } wins)
        {
            var list = string.Join(", ", wins.Wins.Select(w => w.Title));
            fields.Add(new ReplyField(ctx.T("Next.QuickWins", week), list + "."));
        }

        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = ctx.T("Next.Title"),
            Text = LocalViews.NextLines(ctx, next, ctx.State),
            Fields = fields,
            Buttons = LocalViews.NextButtons(ctx, next, ctx.State).ToList(),
        });
    }
}
