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

            others = RoadmapChoice.OthersLine(ctx, settings, ctx.Roadmap);
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
        var standing = RoadmapChoice.Standing(ctx, roadmap, ctx.State);
        if (roadmap.Id == ctx.Roadmap.Id && ctx.Member.Onboarded)
        {
            return Reply.Info(ctx.T("Path.AlreadyFollow", roadmap.Title, standing));
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
        var kept = ctx.Member.Onboarded ? " " + ctx.T("Start.Kept", ctx.Roadmap.Title) : "";
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Path.NowFollow", roadmap.Title, standing) + kept,
                Fields =
                [
                    new ReplyField(ctx.T("Path.Next"), LocalViews.NextLines(ctx, next, ctx.State)),
                    new ReplyField(ctx.T("Path.EstimatedFinish"), Views.EtaLine(ctx, Eta.Compute(roadmap, member, phases, ctx.Snapshot.Days, ctx.Today))),
                ],
                Buttons = [.. LocalViews.NextButtons(ctx, next, ctx.State), new ReplyButton(ctx.T("Path.ButtonRoadmap"), "progress roadmap")],
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
                : "\n\n" + ctx.T("Path.AcceleratedHeader", accelerated.Audience.ToLowerInvariant()) + "\n"
                  + string.Join('\n', accelerated.Steps.Select(s => Views.Step(ctx, s)));
            return new Reply
            {
                Title = ctx.T("Path.Title"),
                Text = (others.Length > 0 ? ctx.T("Path.YouFollow", ctx.Roadmap.Title) : "") + ctx.T("Path.OnPath", Views.PathName(ctx, ctx.Member.Path), Views.Pace(ctx, ctx.Roadmap, ctx.Member)) + steps + others,
                Fields = [new ReplyField(ctx.T("Path.EstimatedFinish"), Views.EtaLine(ctx, eta))],
                Buttons =
                [
                    new ReplyButton(ctx.T("Path.ButtonStandardPartTime"), "progress path standard part-time"),
                    new ReplyButton(ctx.T("Path.ButtonStandardFullTime"), "progress path standard full-time"),
                    new ReplyButton(ctx.T("Path.ButtonAccelerated"), "progress path accelerated full-time"),
                ],
            };
        }

        var (pace, hours, problem) = StartHandler.PaceFrom(ctx, ctx.Member with { Onboarded = true });
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
            ? "\n" + ctx.T("Path.Warning", accelerated.Audience.ToLowerInvariant(), accelerated.Summary.ToLowerInvariant())
            : "";
        return new CommandResult(
            new Reply
            {
                Tone = ReplyTone.Success,
                Text = ctx.T("Path.Done", Views.PathName(ctx, path), Views.Pace(ctx, ctx.Roadmap, member)) + warning,
                Fields = [new ReplyField(ctx.T("Path.EstimatedFinish"), Views.EtaLine(ctx, newEta))],
            },
            changes);
    }
}
