using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class PathHandler : ICommandHandler
{
    public string Path => "progress path";

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var phases = Views.Progress(ctx);
        var accelerated = ctx.Roadmap.AcceleratedPath;
        if (!ctx.Request.Has("path") && !ctx.Request.Has("pace") && !ctx.Request.Has("hours"))
        {
            var eta = Eta.Compute(ctx.Roadmap, ctx.Member, phases, ctx.Snapshot.Days, ctx.Today);
            var steps = accelerated is null
                ? ""
                : "\n\n**Accelerated path** (" + accelerated.Audience.ToLowerInvariant() + "):\n"
                  + string.Join('\n', accelerated.Steps.Select(s => s.FromWeek == s.ToWeek ? $"• Week {s.FromWeek}: {s.Title}" : $"• Weeks {s.FromWeek}-{s.ToWeek}: {s.Title}"));
            return ValueTask.FromResult<CommandResult>(new Reply
            {
                Title = "Your path",
                Text = $"You're on the **{Format.PathName(ctx.Member.Path)}** path at a {Format.Pace(ctx.Roadmap, ctx.Member)} pace.{steps}",
                Fields = [new ReplyField("Estimated finish", Views.EtaLine(eta))],
                Buttons =
                [
                    new ReplyButton("Standard, part-time", "progress path standard part-time"),
                    new ReplyButton("Standard, full-time", "progress path standard full-time"),
                    new ReplyButton("Accelerated", "progress path accelerated full-time"),
                ],
            });
        }

        var (pace, hours, problem) = StartHandler.PaceFrom(ctx.Request, ctx.Member with { Onboarded = true });
        if (problem is not null)
        {
            return ValueTask.FromResult<CommandResult>(problem);
        }

        var path = ctx.Request.String("path") switch
        {
            "accelerated" => PathKind.Accelerated,
            "standard" => PathKind.Standard,
            _ => ctx.Member.Path,
        };
        var member = ctx.Member with
        {
            Path = path,
            Pace = pace,
            CustomHoursPerWeek = hours,
            StartDate = ctx.Member.StartDate ?? ctx.Today,
            Onboarded = true,
            DisplayName = ctx.Who.DisplayName,
        };
        var changes = ctx.NewChanges();
        changes.Profile = member;
        var newEta = Eta.Compute(ctx.Roadmap, member, phases, ctx.Snapshot.Days, ctx.Today);
        var warning = path == PathKind.Accelerated && accelerated is not null
            ? $"\nThe accelerated path is for {accelerated.Audience.ToLowerInvariant()}: {accelerated.Summary.ToLowerInvariant()}."
            : "";
        return ValueTask.FromResult(new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"Done: **{Format.PathName(path)}** path at a {Format.Pace(ctx.Roadmap, member)} pace.{warning}",
                Fields = [new ReplyField("Estimated finish", Views.EtaLine(newEta))],
            },
            changes));
    }
}
