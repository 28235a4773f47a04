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
            fields.Add(new ReplyField(milestone.Title, $"{ticked} of {Format.Plural(milestone.Items.Count, "checkpoint", "checkpoints")} ({milestone.Duration} in the guide)"));
        }

        var quickWin = Views.QuickWinLine(ctx);
        if (quickWin.Length > 0)
        {
            fields.Add(new ReplyField("Quick wins", quickWin));
        }

        return ValueTask.FromResult<CommandResult>(new Reply
        {
            Title = "What's next",
            Text = Views.NextLines(next, ctx.State),
            Fields = fields,
            Buttons = Views.NextButtons(next, ctx.State).ToList(),
        });
    }
}
