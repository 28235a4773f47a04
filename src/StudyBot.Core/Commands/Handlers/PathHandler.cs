using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

internal sealed class PathHandler(RoadmapCatalog? roadmaps = null, ICommunityRoadmapStore? store = null) : ICommandHandler
{
    public string Path => "progress path";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        // Several roadmaps per community (issue 17): "/progress path roadmap <id>" switches; the path view names the others.
        var others = "";
        if (roadmaps is not null && (roadmaps.All.Count > 1 || ctx.Request.Has("roadmap")))
        {
            var (settings, _) = await RoadmapChoice.LoadAsync(roadmaps, store, ctx, cancellationToken);
            if (ctx.Request.String("roadmap") is { } requested)
            {
                return SwitchTo(ctx, settings, requested);
            }

            others = RoadmapChoice.OthersLine(settings, ctx.Roadmap);
        }

        return Change(ctx, others);
    }

    private CommandResult SwitchTo(CommandContext ctx, CommunityRoadmapSettings settings, string requested)
    {
        var (chosen, refusal) = RoadmapChoice.Choose(roadmaps!, settings, ctx, requested, "/progress path roadmap <id>");
        if (refusal is not null)
        {
            return refusal;
        }

        var roadmap = chosen!;
        var standing = RoadmapChoice.Standing(roadmap, ctx.State);
        if (roadmap.Id == ctx.Roadmap.Id && ctx.Member.Onboarded)
        {
            return Reply.Info($"You already follow **{roadmap.Title}**: {standing}.");
        }

        var member = ctx.Member with
        {
            RoadmapId = roadmap.Id,
            StartDate = ctx.Member.StartDate ?? ctx.Today,
            Onboarded = true,
            DisplayName = ctx.Who.DisplayName,
        };
        var changes = ctx.NewChanges();
        changes.Profile = member;
        var phases = ProgressMath.Phases(roadmap, ctx.State);
        var next = ProgressMath.NextItems(roadmap, ctx.State, Views.NextCount);
        var kept = ctx.Member.Onboarded ? $" Your progress on **{ctx.Roadmap.Title}** is kept." : "";
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"You now follow **{roadmap.Title}**: {standing}.{kept}",
                Fields =
                [
                    new ReplyField("Next", Views.NextLines(next, ctx.State)),
                    new ReplyField("Estimated finish", Views.EtaLine(Eta.Compute(roadmap, member, phases, ctx.Snapshot.Days, ctx.Today))),
                ],
                Buttons = [.. Views.NextButtons(next, ctx.State), new ReplyButton("See the roadmap", "progress roadmap")],
            },
            changes);
    }

    private static CommandResult Change(CommandContext ctx, string others)
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
            return new Reply
            {
                Title = "Your path",
                Text = (others.Length > 0 ? $"You follow **{ctx.Roadmap.Title}**. " : "") + $"You're on the **{Format.PathName(ctx.Member.Path)}** path at a {Format.Pace(ctx.Roadmap, ctx.Member)} pace.{steps}{others}",
                Fields = [new ReplyField("Estimated finish", Views.EtaLine(eta))],
                Buttons =
                [
                    new ReplyButton("Standard, part-time", "progress path standard part-time"),
                    new ReplyButton("Standard, full-time", "progress path standard full-time"),
                    new ReplyButton("Accelerated", "progress path accelerated full-time"),
                ],
            };
        }

        var (pace, hours, problem) = StartHandler.PaceFrom(ctx.Request, ctx.Member with { Onboarded = true });
        if (problem is not null)
        {
            return problem;
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
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = $"Done: **{Format.PathName(path)}** path at a {Format.Pace(ctx.Roadmap, member)} pace.{warning}",
                Fields = [new ReplyField("Estimated finish", Views.EtaLine(newEta))],
            },
            changes);
    }
}
