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
                others = $"\nYou follow this roadmap (`{roadmap.Id}`, version {roadmap.Version})." + RoadmapChoice.OthersLine(ctx, settings, roadmap);
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
            "tips" or "strategies" or "profiles" => Tips(roadmap),
            "accelerated" or "accelerated-path" => Accelerated(roadmap),
            "quick-wins" or "quickwins" or "wins" => QuickWins(roadmap),
            "estimates" or "time" or "time-estimates" => Estimates(roadmap),
            "motivation" or "loop" or "next-steps" or "certification" => Motivation(roadmap),
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
            return Reply.Error(
                $"There's no phase `{TextInput.Quote(query)}`. Phases: {names}. Also: projects, levels, tips, accelerated, quick-wins, estimates.",
                "/progress roadmap 1");
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
            var estimate = row is null ? "" : $" · {row.FullTime} full-time, {row.PartTime} part-time";
            var done = p.Complete ? " ✅" : p.Percent > 0 ? $" · {p.Percent}%" : "";
            return $"**{p.Phase.Number}. {p.Phase.Title}**{done}{estimate}\n   {string.Join(", ", p.Phase.Modules.Select(m => m.Title))}";
        });
        var t = roadmap.TimeEstimates;
        return new Reply
        {
            Title = roadmap.Title,
            Text = string.Join('\n', lines)
                + $"\nThe guide's stated total: {t.StatedTotalFullTime} full-time or {t.StatedTotalPartTime} part-time."
                + $"\nSee a phase with `/progress roadmap {roadmap.Phases[Math.Min(2, roadmap.Phases.Count - 1)].Number}`; also {Extras(roadmap)}.",
            Buttons =
            [
                new ReplyButton("What's next", "progress next", ButtonStyle.Primary),
                .. roadmap.Levels.Count > 0 ? [new ReplyButton("Projects", "progress roadmap projects")] : Array.Empty<ReplyButton>(),
                .. roadmap.Profiles.Count > 0 ? [new ReplyButton("Tips", "progress roadmap tips")] : Array.Empty<ReplyButton>(),
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
            new("Modules", string.Join('\n', phase.Modules.Select(m => $"{Format.Icon(ctx.State(m.Id))} {Format.Item(roadmap.FindItem(m.Id)!)}"))),
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
            fields.Add(new ReplyField("Time", $"{row.FullTime} full-time · {row.PartTime} part-time", true));
        }

        var next = ProgressMath.NextItems(roadmap, id => roadmap.FindItem(id)?.PhaseId == phase.Id ? ctx.State(id) : new ItemState(ItemStatus.Done), 2);
        return new Reply
        {
            Title = $"{Format.PhaseName(phase)}{(phase.Ongoing ? " (ongoing)" : "")}",
            Bars = [new ProgressBar(phase.Title, progress.Percent)],
            Fields = fields,
            Buttons = Views.NextButtons(next, ctx.State).ToList(),
        };
    }

    private static Reply Levels(CommandContext ctx) => new()
    {
        Title = "Levels and projects",
        Fields = ctx.Roadmap.Levels.Select(l => new ReplyField(
            $"{l.Title} ({l.WeeksLabel})",
            $"Skills: {string.Join(", ", l.Skills)}\n" + string.Join('\n', l.Projects.Select(p => $"{Format.Icon(ctx.State(p.Id))} {p.Title} (`{p.Id}`)")))).ToList(),
        Text = "Mark a project with `/progress doing titanic-survival` and `/progress done titanic-survival`.",
    };

    private static Reply Tips(Roadmap roadmap) => new()
    {
        Title = "Learning strategies",
        Fields = roadmap.Profiles.Select(p => new ReplyField(p.Title, string.Join('\n', p.Advice.Select(a => $"• **{a.Title}**: {a.Text}"))))
            .Append(new ReplyField("Split your time", string.Join(" · ", roadmap.Allocation.Select(a => $"{a.Percent}% {a.Title.ToLowerInvariant()} ({string.Join(", ", a.Activities).ToLowerInvariant()})"))))
            .ToList(),
    };

    private static Reply Accelerated(Roadmap roadmap)
    {
        var path = roadmap.AcceleratedPath;
        if (path is null)
        {
            return new Reply { Text = "This roadmap has no accelerated path." };
        }

        return new Reply
        {
            Title = $"Accelerated path ({path.TotalWeeks} weeks)",
            Text = $"For {path.Audience.ToLowerInvariant()}.\n"
                + string.Join('\n', path.Steps.Select(s => s.FromWeek == s.ToWeek ? $"• Week {s.FromWeek}: {s.Title}" : $"• Weeks {s.FromWeek}-{s.ToWeek}: {s.Title}"))
                + $"\n{path.Summary}. Switch with `/progress path accelerated full-time`.",
        };
    }

    private static Reply QuickWins(Roadmap roadmap) => new()
    {
        Title = "Quick wins",
        Fields = roadmap.QuickWins.Select(q => new ReplyField($"Week {q.Week}", string.Join('\n', q.Wins.Select(w => $"• {w.Title}")), true)).ToList(),
    };

    private static Reply Estimates(Roadmap roadmap)
    {
        var t = roadmap.TimeEstimates;
        var lines = t.Rows.Select(r => $"• {r.Label}: {r.FullTime} full-time, {r.PartTime} part-time");
        return new Reply
        {
            Title = "Time estimates",
            Text = string.Join('\n', lines)
                + $"\nFull-time is {t.FullTime.MinHoursPerWeek}-{t.FullTime.MaxHoursPerWeek} h/week; part-time {t.PartTime.MinHoursPerWeek}-{t.PartTime.MaxHoursPerWeek} h/week."
                + $"\nThe guide states {t.StatedTotalFullTime} full-time or {t.StatedTotalPartTime} part-time in total; the rows add up to {t.SumOfRowsFullTime} and {t.SumOfRowsPartTime}. Your ETA uses the rows."
                + (t.Note is null ? "" : $"\n{t.Note}"),
        };
    }

    private static Reply Motivation(Roadmap roadmap) => new()
    {
        Title = "Staying motivated",
        Fields =
        [
            new ReplyField("Habits", string.Join('\n', roadmap.Motivation.Select(m => $"• **{m.Title}**: {m.Text}"))),
            new ReplyField("The learning loop", string.Join(" → ", roadmap.LearningLoop.Select(l => l.Title)) + " → (repeat)"),
            new ReplyField("Show your work", string.Join('\n', (roadmap.Certification?.Steps ?? []).Select(s => $"• **{s.Title}**: {s.Text}"))),
            new ReplyField("Next steps", string.Join('\n', roadmap.NextSteps.Select((s, i) => $"{i + 1}. **{s.Title}**: {s.Text}"))),
        ],
    };
}
