using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Onboarding: the learner profile proposes a path; the member picks a pace.</summary>
internal sealed class StartHandler(RoadmapCatalog? roadmaps = null, ICommunityRoadmapStore? store = null) : ICommandHandler
{
    public string Path => "progress start";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        // Several roadmaps per community (issue 17): the one asked for (it must be enabled here), else the one followed.
        var roadmap = ctx.Roadmap;
        var others = "";
        var several = false;
        if (roadmaps is not null && roadmaps.All.Count > 1)
        {
            var (settings, _) = await RoadmapChoice.LoadAsync(roadmaps, store, ctx, cancellationToken);
            if (ctx.Request.String("roadmap") is { } requested)
            {
                var (chosen, refusal) = RoadmapChoice.Choose(roadmaps, settings, ctx, requested, "/progress start programmer part-time roadmap <id>");
                if (refusal is not null)
                {
                    return refusal;
                }

                roadmap = chosen!;
            }

            several = settings.Enabled.Count > 1 || roadmap.Id != settings.Default;
            others = RoadmapChoice.OthersLine(ctx, settings, roadmap, ctx.T(ctx.Member.Onboarded ? "Start.OthersSwitch" : "Start.OthersStart"));
        }

        var profileId = ctx.Request.String("profile");
        if (profileId is null)
        {
            return ChooseProfile(ctx, roadmap, others);
        }

        var profile = roadmap.FindProfile(profileId);
        if (profile is null)
        {
            return LocalViews.Error(ctx, ctx.T("Start.NoProfile", profileId), "/progress start programmer");
        }

        var (pace, hours, problem) = PaceFrom(ctx, ctx.Member);
        if (problem is not null)
        {
            return problem;
        }

        var path = profile.Path == "accelerated" ? PathKind.Accelerated : PathKind.Standard;
        var member = ctx.Member with
        {
            LearnerProfileId = profile.Id,
            Path = path,
            Pace = pace,
            CustomHoursPerWeek = hours,
            StartDate = ctx.Member.StartDate ?? ctx.Today,
            Onboarded = true,
            DisplayName = ctx.Who.DisplayName,
            RoadmapId = roadmap.Id,
        };
        var changes = ctx.NewChanges();
        changes.Profile = member;

        var phases = ProgressMath.Phases(roadmap, ctx.State);
        var eta = Eta.Compute(roadmap, member, phases, ctx.Snapshot.Days, ctx.Today);
        var next = ProgressMath.NextItems(roadmap, ctx.State, Views.NextCount);
        var tips = string.Join('\n', profile.Advice.Select(a => $"• **{a.Title}**: {a.Text}"));
        var skipHint = path == PathKind.Accelerated
            ? "\n" + ctx.T("Start.AcceleratedHint")
            : profile.Id == "programmer"
                ? "\n" + ctx.T("Start.ProgrammerHint")
                : "";
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Title = ctx.T("Start.Title", ctx.Who.DisplayName, profile.Title),
            Text = (several ? ctx.T("Start.RoadmapPrefix", roadmap.Title) : "") + ctx.T("Start.PathPace", Views.PathName(ctx, path), Views.Pace(ctx, roadmap, member)) + $"\n{tips}{skipHint}"
                + (ctx.Member.Onboarded && roadmap.Id != ctx.Roadmap.Id ? "\n" + ctx.T("Start.Kept", ctx.Roadmap.Title) : ""),
            Fields =
            [
                new ReplyField(ctx.T("Start.FirstSteps"), LocalViews.NextLines(ctx, next, ctx.State)),
                new ReplyField(ctx.T("Start.EstimatedFinish"), Views.EtaLine(ctx, eta)),
                new ReplyField(ctx.T("Start.Tip"), ctx.T("Start.TipText")),
            ],
            Buttons = [.. LocalViews.NextButtons(ctx, next, ctx.State), new ReplyButton(ctx.T("Start.SuggestGoal"), "progress goal suggest")],
        };
        return new CommandResult(reply, changes);
    }

    private static Reply ChooseProfile(CommandContext ctx, Roadmap roadmap, string others)
    {
        var lines = roadmap.Profiles.Select(p =>
            ctx.T("Start.ProfileLine", p.Title, p.Id, Views.PathName(ctx, p.Path == "accelerated" ? PathKind.Accelerated : PathKind.Standard), string.Join("; ", p.Advice.Take(2).Select(a => a.Title))));
        var current = ctx.Member.Onboarded && roadmap.Id == ctx.Roadmap.Id && ctx.Member.LearnerProfileId is { } id && roadmap.FindProfile(id) is { } mine
            ? "\n" + ctx.T("Start.Current", mine.Title, Views.PathName(ctx, ctx.Member.Path), Views.Pace(ctx, roadmap, ctx.Member))
            : "";
        var chosen = roadmap.Id == ctx.Roadmap.Id ? "" : $" roadmap {roadmap.Id}";
        return new Reply
        {
            Title = ctx.T("Start.ChooseTitle", roadmap.Title),
            Text = ctx.T("Start.ChooseQuestion") + "\n" + string.Join('\n', lines)
                + "\n" + ctx.T("Start.ChoosePace")
                + "\n" + ctx.T("Start.ChooseExample", chosen) + current + others,
            Buttons = roadmap.Profiles.Select(p => new ReplyButton(p.Title, $"progress start {p.Id}{chosen}", ButtonStyle.Primary)).ToList(),
        };
    }

    /// <summary>Reads pace and hours: hours alone mean a custom pace; a custom pace needs hours.</summary>
    internal static (PaceKind Pace, int? Hours, Reply? Problem) PaceFrom(CommandContext ctx, MemberProfile member)
    {
        var request = ctx.Request;
        var hours = (int?)request.Integer("hours");
        var paceText = request.String("pace") ?? (hours is not null ? "custom" : null);
        var pace = paceText switch
        {
            "full-time" => PaceKind.FullTime,
            "custom" => PaceKind.Custom,
            "part-time" => PaceKind.PartTime,
            _ => member.Onboarded ? member.Pace : PaceKind.PartTime,
        };
        if (pace == PaceKind.Custom && hours is null && member.CustomHoursPerWeek is null)
        {
            return (pace, null, LocalViews.Error(ctx, ctx.T("Start.CustomNeedsHours"), "/progress start programmer custom 8"));
        }

        if (pace != PaceKind.Custom && hours is not null)
        {
            return (pace, null, LocalViews.Error(ctx, ctx.T("Start.HoursOnlyCustom", paceText), "/progress path standard custom 8"));
        }

        return (pace, pace == PaceKind.Custom ? hours ?? member.CustomHoursPerWeek : null, null);
    }
}
