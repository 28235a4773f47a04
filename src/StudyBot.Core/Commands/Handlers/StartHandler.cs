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
            others = RoadmapChoice.OthersLine(settings, roadmap, ctx.Member.Onboarded ? "Switch with `/progress path roadmap <id>`; your progress on each is kept." : "Start one of them with `/progress start roadmap <id>`.");
        }

        var profileId = ctx.Request.String("profile");
        if (profileId is null)
        {
            return ChooseProfile(ctx, roadmap, others);
        }

        var profile = roadmap.FindProfile(profileId);
        if (profile is null)
        {
            return Reply.Error($"This roadmap has no learner profile `{profileId}`.", "/progress start programmer");
        }

        var (pace, hours, problem) = PaceFrom(ctx.Request, ctx.Member);
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
            ? "\nThe accelerated path assumes Python and basic math: if that's you, `/progress skip foundation known` ticks off Phase 0."
            : profile.Id == "programmer"
                ? "\nAlready know Python? `/progress skip python-basics known` (or a whole phase: `/progress skip foundation known`)."
                : "";
        var reply = new Reply
        {
            Tone = ReplyTone.Success,
            Title = $"You're set, {ctx.Who.DisplayName}: {profile.Title}",
            Text = (several ? $"Roadmap: **{roadmap.Title}** · " : "") + $"Path: {Format.PathName(path)} · pace: {Format.Pace(roadmap, member)}.\n{tips}{skipHint}"
                + (ctx.Member.Onboarded && roadmap.Id != ctx.Roadmap.Id ? $"\nYour progress on **{ctx.Roadmap.Title}** is kept." : ""),
            Fields =
            [
                new ReplyField("First steps", Views.NextLines(next, ctx.State)),
                new ReplyField("Estimated finish", Views.EtaLine(eta)),
                new ReplyField("Tip", "Set a weekly goal with `/progress goal suggest`, and log study time with `/progress log 30 practice`."),
            ],
            Buttons = [.. Views.NextButtons(next, ctx.State), new ReplyButton("Suggest a goal", "progress goal suggest")],
        };
        return new CommandResult(reply, changes);
    }

    private static Reply ChooseProfile(CommandContext ctx, Roadmap roadmap, string others)
    {
        var lines = roadmap.Profiles.Select(p =>
            $"• **{p.Title}** (`{p.Id}`, {p.Path} path): {string.Join("; ", p.Advice.Take(2).Select(a => a.Title))}");
        var current = ctx.Member.Onboarded && roadmap.Id == ctx.Roadmap.Id && ctx.Member.LearnerProfileId is { } id && roadmap.FindProfile(id) is { } mine
            ? $"\nRight now you're on **{mine.Title}**, {Format.PathName(ctx.Member.Path)} path, {Format.Pace(roadmap, ctx.Member)}."
            : "";
        var chosen = roadmap.Id == ctx.Roadmap.Id ? "" : $" roadmap {roadmap.Id}";
        return new Reply
        {
            Title = $"Let's start {roadmap.Title}",
            Text = "Which of these sounds like you?\n" + string.Join('\n', lines)
                + "\nThen pick a pace: part-time (10-15 h/week, the default), full-time (30-40 h/week) or custom hours."
                + $"\nExample: `/progress start programmer part-time{chosen}` or `/progress start complete-beginner custom 6{chosen}`." + current + others,
            Buttons = roadmap.Profiles.Select(p => new ReplyButton(p.Title, $"progress start {p.Id}{chosen}", ButtonStyle.Primary)).ToList(),
        };
    }

    /// <summary>Reads pace and hours: hours alone mean a custom pace; a custom pace needs hours.</summary>
    internal static (PaceKind Pace, int? Hours, Reply? Problem) PaceFrom(CommandRequest request, MemberProfile member)
    {
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
            return (pace, null, Reply.Error("A custom pace needs the hours you can study each week.", "/progress start programmer custom 8"));
        }

        if (pace != PaceKind.Custom && hours is not null)
        {
            return (pace, null, Reply.Error($"Hours only go with the custom pace; {paceText} already sets them.", "/progress path standard custom 8"));
        }

        return (pace, pace == PaceKind.Custom ? hours ?? member.CustomHoursPerWeek : null, null);
    }
}
