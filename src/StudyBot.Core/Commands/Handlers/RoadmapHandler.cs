using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>The roadmap itself: all phases, one phase in detail, or the guide's extras (projects, levels, tips...).</summary>
internal sealed class RoadmapHandler(RoadmapCatalog? roadmaps = null, ICommunityRoadmapStore? store = null) : ICommandHandler
{
    public string Path => "progress roadmap";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var query = ctx.Request.String("phase");
        var roadmap = ctx.Roadmap;
        if (query is null)
        {
            // Several roadmaps per community (issue 17): this is the one the member follows; the others are named.
            var others = "";
            if (roadmaps is { All.Count: > 1 })
            {
                var (settings, _) = await RoadmapChoice.LoadAsync(roadmaps, store, ctx, cancellationToken);
                others = "\n" + ctx.T("Roadmap.Following", roadmap.Id, roadmap.Version) + RoadmapChoice.OthersLine(ctx, settings, roadmap);
            }

            var overview = Overview(ctx);
            return overview with { Text = overview.Text + others };
        }

        return Section(ctx, query);
    }

    private static CommandResult Section(CommandContext ctx, string query)
    {
        var roadmap = ctx.Roadmap;
        var section = query.Trim().ToLowerInvariant().Replace(' ', '-');
        Reply? extra = section switch
        {
            "levels" or "projects" or "project" => Levels(ctx),
            "tips" or "strategies" or "profiles" => Tips(ctx, roadmap),
            "accelerated" or "accelerated-path" => Accelerated(ctx, roadmap),
            "quick-wins" or "quickwins" or "wins" => QuickWins(ctx, roadmap),
            "estimates" or "time" or "time-estimates" => Estimates(ctx, roadmap),
            "motivation" or "loop" or "next-steps" or "certification" => Motivation(ctx, roadmap),
            _ => null,
        };
        if (extra is not null && roadmap.FindPhase(query) is null)
        {
            return extra;
        }

        var phase = roadmap.FindPhase(query);
        if (phase is null)
        {
            var names = string.Join(", ", roadmap.Phases.Select(p => $"{p.Number} {p.Id}"));
            return LocalViews.Error(ctx, ctx.T("Roadmap.NoPhase", TextInput.Quote(query), names), "/progress roadmap 1");
        }

        return PhaseDetail(ctx, phase);
    }

    private static Reply Overview(CommandContext ctx)
    {
        var roadmap = ctx.Roadmap;
        var phases = ProgressMath.Phases(roadmap, ctx.State);
        var lines = phases.Select(p =>
        {
            var row = roadmap.EstimateFor(p.Phase.Id);
            var estimate = row is null ? "" : ctx.T("Roadmap.EstimateInline", Views.Months(ctx, row.FullTime), Views.Months(ctx, row.PartTime));
            var done = p.Complete ? " ✅" : p.Percent > 0 ? $" · {p.Percent}%" : "";
            return $"**{p.Phase.Number}. {p.Phase.Title}**{done}{estimate}\n   {string.Join(", ", p.Phase.Modules.Select(m => m.Title))}";
        });
        var t = roadmap.TimeEstimates;
        return new Reply
        {
            Title = roadmap.Title,
            Text = string.Join('\n', lines)
                + "\n" + ctx.T("Roadmap.StatedTotal", Views.Months(ctx, t.StatedTotalFullTime), Views.Months(ctx, t.StatedTotalPartTime))
                + "\n" + ctx.T("Roadmap.SeePhase", roadmap.Phases[Math.Min(2, roadmap.Phases.Count - 1)].Number, Extras(roadmap)),
            Buttons =
            [
                new ReplyButton(ctx.T("Roadmap.ButtonNext"), "progress next", ButtonStyle.Primary),
                .. roadmap.Levels.Count > 0 ? [new ReplyButton(ctx.T("Roadmap.ButtonProjects"), "progress roadmap projects")] : Array.Empty<ReplyButton>(),
                .. roadmap.Profiles.Count > 0 ? [new ReplyButton(ctx.T("Roadmap.ButtonTips"), "progress roadmap tips")] : Array.Empty<ReplyButton>(),
            ],
        };
    }

    /// <summary>The extras this roadmap has (a second roadmap may have no levels, quick wins or accelerated path).</summary>
    private static string Extras(Roadmap roadmap)
    {
        var extras = new List<string>();
        if (roadmap.Levels.Count > 0)
        {
            extras.AddRange(["projects", "levels"]);
        }

        if (roadmap.Profiles.Count > 0)
        {
            extras.Add("tips");
        }

        if (roadmap.AcceleratedPath is not null)
        {
            extras.Add("accelerated");
        }

        if (roadmap.QuickWins.Count > 0)
        {
            extras.Add("quick-wins");
        }

        extras.Add("estimates");
        return string.Join(", ", extras.Select(e => $"`{e}`"));
    }

    private static Reply PhaseDetail(CommandContext ctx, Phase phase)
    {
        var roadmap = ctx.Roadmap;
        var progress = ProgressMath.PhaseOf(roadmap, phase, ctx.State);
        var fields = new List<ReplyField>
        {
            new(ctx.T("Roadmap.Modules"), string.Join('\n', phase.Modules.Select(m => $"{Format.Icon(ctx.State(m.Id))} {Format.Item(roadmap.FindItem(m.Id)!)}"))),
        };
        var milestone = roadmap.MilestoneOf(phase.Id);
        if (milestone is not null)
        {
            fields.Add(new ReplyField(
                $"{milestone.Title} ({milestone.Duration})",
                string.Join('\n', milestone.Items.Select(i => $"{Format.Icon(ctx.State(i.Id))} {Format.Item(roadmap.FindItem(i.Id)!)}"))));
        }

        var row = roadmap.EstimateFor(phase.Id);
        if (row is not null)
        {
            fields.Add(new ReplyField(ctx.T("Roadmap.Time"), ctx.T("Roadmap.TimeValue", Views.Months(ctx, row.FullTime), Views.Months(ctx, row.PartTime)), true));
        }

        var next = ProgressMath.NextItems(roadmap, id => roadmap.FindItem(id)?.PhaseId == phase.Id ? ctx.State(id) : new ItemState(ItemStatus.Done), 2);
        return new Reply
        {
            Title = Format.PhaseName(phase, ctx.Culture) + (phase.Ongoing ? ctx.T("Roadmap.Ongoing") : ""),
            Bars = [new ProgressBar(phase.Title, progress.Percent)],
            Fields = fields,
            Buttons = LocalViews.NextButtons(ctx, next, ctx.State).ToList(),
        };
    }

    private static Reply Levels(CommandContext ctx) => new()
    {
        Title = ctx.T("Roadmap.LevelsTitle"),
        Fields = ctx.Roadmap.Levels.Select(l => new ReplyField(
            $"{l.Title} ({l.WeeksLabel})",
            ctx.T("Roadmap.Skills", string.Join(", ", l.Skills)) + "\n" + string.Join('\n', l.Projects.Select(p => $"{Format.Icon(ctx.State(p.Id))} {p.Title} (`{p.Id}`)")))).ToList(),
        Text = ctx.T("Roadmap.LevelsText"),
    };

    private static Reply Tips(CommandContext ctx, Roadmap roadmap) => new()
    {
        Title = ctx.T("Roadmap.TipsTitle"),
        Fields = roadmap.Profiles.Select(p => new ReplyField(p.Title, string.Join('\n', p.Advice.Select(a => $"• **{a.Title}**: {a.Text}"))))
            .Append(new ReplyField(ctx.T("Roadmap.SplitTime"), string.Join(" · ", roadmap.Allocation.Select(a => ctx.T("Roadmap.Allocation", a.Percent, a.Title.ToLowerInvariant(), string.Join(", ", a.Activities).ToLowerInvariant())))))
            .ToList(),
    };

    private static Reply Accelerated(CommandContext ctx, Roadmap roadmap)
    {
        var path = roadmap.AcceleratedPath;
        if (path is null)
        {
            return new Reply { Text = ctx.T("Roadmap.NoAccelerated") };
        }

        return new Reply
        {
            Title = ctx.T("Roadmap.AcceleratedTitle", path.TotalWeeks),
            Text = ctx.T("Roadmap.AcceleratedFor", path.Audience.ToLowerInvariant()) + "\n"
                + string.Join('\n', path.Steps.Select(s => Views.Step(ctx, s)))
                + "\n" + ctx.T("Roadmap.AcceleratedSwitch", path.Summary),
        };
    }

    private static Reply QuickWins(CommandContext ctx, Roadmap roadmap) => new()
    {
        Title = ctx.T("Roadmap.QuickWinsTitle"),
        Fields = roadmap.QuickWins.Select(q => new ReplyField(ctx.T("Roadmap.Week", q.Week), string.Join('\n', q.Wins.Select(w => $"• {w.Title}")), true)).ToList(),
    };

    private static Reply Estimates(CommandContext ctx, Roadmap roadmap)
    {
        var t = roadmap.TimeEstimates;
        var lines = t.Rows.Select(r => ctx.T("Roadmap.EstimateLine", r.Label, Views.Months(ctx, r.FullTime), Views.Months(ctx, r.PartTime)));
        return new Reply
        {
            Title = ctx.T("Roadmap.EstimatesTitle"),
            Text = string.Join('\n', lines)
                + "\n" + ctx.T("Roadmap.Paces", t.FullTime.MinHoursPerWeek, t.FullTime.MaxHoursPerWeek, t.PartTime.MinHoursPerWeek, t.PartTime.MaxHoursPerWeek)
                + "\n" + ctx.T("Roadmap.Totals", Views.Months(ctx, t.StatedTotalFullTime), Views.Months(ctx, t.StatedTotalPartTime), Views.Months(ctx, t.SumOfRowsFullTime), Views.Months(ctx, t.SumOfRowsPartTime))
                + (t.Note is null ? "" : $"\n{t.Note}"),
        };
    }

    private static Reply Motivation(CommandContext ctx, Roadmap roadmap) => new()
    {
        Title = ctx.T("Roadmap.MotivationTitle"),
        Fields =
        [
            new ReplyField(ctx.T("Roadmap.Habits"), string.Join('\n', roadmap.Motivation.Select(m => $"• **{m.Title}**: {m.Text}"))),
            new ReplyField(ctx.T("Roadmap.Loop"), string.Join(" → ", roadmap.LearningLoop.Select(l => l.Title)) + " → " + ctx.T("Roadmap.Repeat")),
            new ReplyField(ctx.T("Roadmap.ShowWork"), string.Join('\n', (roadmap.Certification?.Steps ?? []).Select(s => $"• **{s.Title}**: {s.Text}"))),
            new ReplyField(ctx.T("Roadmap.NextSteps"), string.Join('\n', roadmap.NextSteps.Select((s, i) => $"{i + 1}. **{s.Title}**: {s.Text}"))),
        ],
    };
}
