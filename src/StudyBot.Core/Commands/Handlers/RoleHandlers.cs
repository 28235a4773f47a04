using StudyBot.Core.Chat;
using StudyBot.Core.Roadmaps;
using StudyBot.Core.Roles;

namespace StudyBot.Core.Commands.Handlers;

internal static class RoleViews
{
    public const string MapExample = "/studybot roles map ml-basics @ML Basics graduate";

    /// <summary>Slack and the console have no roles: say so politely, whatever the roles command.</summary>
    public static Reply NotSupported(string platform) => new()
    {
        Tone = ReplyTone.Info,
        Text = $"Phase roles are a Discord feature: {PlatformName(platform)} has no roles for me to hand out. Celebrations and everything else work as usual.",
    };

    public static ICommunityRoles? For(IEnumerable<ICommunityRoles> platforms, CommandContext ctx) =>
        platforms.FirstOrDefault(p => p.Platform == ctx.Who.Community.Platform);

    /// <summary>A phase by number, id or title, or by a unique part of its title.</summary>
    public static Phase? FindPhase(Roadmap roadmap, string text)
    {
        var phase = roadmap.FindPhase(text);
        if (phase is not null)
        {
            return phase;
        }

        var matches = roadmap.Phases.Where(p => p.Title.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase) || p.Id.StartsWith(text.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>A phase of another roadmap of the folder, by its exact id (issue 17: ids are unique across roadmaps).</summary>
    public static Phase? FindPhaseById(RoadmapCatalog? roadmaps, string text) =>
        roadmaps?.All.Select(r => r.FindPhaseById(text.Trim())).FirstOrDefault(p => p is not null);

    public static Reply UnknownPhase(Roadmap roadmap, string text, string example) => Reply.Error(
        $"`{TextInput.Quote(text, 40)}` isn't a phase of the roadmap. Phases: {string.Join(", ", roadmap.Phases.Select(p => $"{p.Number} `{p.Id}`"))}.",
        example);

    public static string PhaseName(Roadmap roadmap, string phaseId) =>
        roadmap.FindPhaseById(phaseId) is { } phase ? Format.PhaseName(phase) : phaseId;

    private static string PlatformName(string platform) => platform switch
    {
        Platforms.Slack => "Slack",
        Platforms.Console => "the console",
        _ => "this platform",
    };
}

internal sealed class RolesMapHandler(IEnumerable<ICommunityRoles> platforms, IRoleStore store, RoadmapCatalog? roadmaps = null) : ICommandHandler
{
    public string Path => "studybot roles map";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        var roles = RoleViews.For(platforms, ctx);
        if (roles is null)
        {
            return RoleViews.NotSupported(ctx.Who.Community.Platform);
        }

        var phaseText = ctx.Request.String("phase")!;
        var phase = RoleViews.FindPhase(ctx.Roadmap, phaseText) ?? RoleViews.FindPhaseById(roadmaps, phaseText);
        if (phase is null)
        {
            return RoleViews.UnknownPhase(ctx.Roadmap, phaseText, RoleViews.MapExample);
        }

        var roleText = ctx.Request.String("role")!;
        var role = await roles.FindAsync(ctx.Who.Community, roleText, cancellationToken);
        if (role is null)
        {
            return Reply.Error(
                $"There is no role `{TextInput.Quote(roleText, 40)}` in this server (or I can't see it). Create the role first (Server Settings → Roles), or pick an existing one.",
                RoleViews.MapExample);
        }

        // Only someone who could give the role by hand may have StudyBot give it, and never a role with powers in it:
        // otherwise mapping it and finishing (or skipping) the phase would be a way to take the role for oneself.
        var may = await roles.MayMapAsync(ctx.Who, role.Id, cancellationToken);
        if (may.Verdict != RoleMapVerdict.Allowed)
        {
            return Reply.Error(Refusal(role.Name, may));
        }

        // Saved even when the check finds a problem: the admin can fix the role or my permissions next, and `roles sync`
        // then hands out what waited. Refusing would only make them map it again.
        var check = await roles.CheckAsync(ctx.Who.Community, role.Id, cancellationToken);
        var channel = ctx.Who.ChannelId ?? ctx.Snapshot.Community.Settings.CelebrationChannel;
        await store.SaveMappingAsync(ctx.Snapshot.Community, new PhaseRoleMapping(phase.Id, role.Id, role.Name, channel, ctx.Now.UtcDateTime), ctx.Now.UtcDateTime, cancellationToken);
        var saved = $"✅ Completing {Format.PhaseName(phase)} now grants **@{role.Name}**.";
        var past = $" Members who completed it before get it with `{RoleTexts.Sync}`.";
        if (check.Outcome is RoleGrantOutcome.Granted or RoleGrantOutcome.AlreadyHad)
        {
            return new Reply { Tone = ReplyTone.Success, Text = saved + past };
        }

        if (check.Outcome == RoleGrantOutcome.Transient)
        {
            return new Reply { Tone = ReplyTone.Success, Text = saved + past + " (I couldn't check my permissions just now; if something is wrong, I'll say so here once.)" };
        }

        return new Reply
        {
            Tone = ReplyTone.Warning,
            Text = $"{saved} But I can't hand it out yet: {RoleTexts.Problem(check.Outcome)}. {RoleTexts.Fix(check.Outcome)}, then run `{RoleTexts.Sync}`. Until then, celebrations go out without the role.",
        };
    }

    private static string Refusal(string roleName, RoleMapCheck check) => check.Verdict switch
    {
        RoleMapVerdict.RoleElevated =>
            $"I won't hand out **@{roleName}**: it carries moderator or admin permissions ({check.Detail}), and everyone who finishes the phase would get them. "
            + "Map the phase to a plain role, or take those permissions off this one first. Nothing was saved.",
        RoleMapVerdict.MemberLacksPermission =>
            $"Only members who could give **@{roleName}** by hand can map it: that takes the **Manage Roles** permission, which you don't have here. "
            + "Ask someone who has it. Nothing was saved.",
        RoleMapVerdict.RoleNotBelowMember =>
            $"**@{roleName}** is at or above your highest role, so you couldn't give it by hand, and I won't give it for you. "
            + "Pick a role below your highest one, or ask someone higher up. Nothing was saved.",
        _ => "I couldn't check the role's permissions with the server just now, so I saved nothing. Please try again in a moment.",
    };
}

internal sealed class RolesUnmapHandler(IEnumerable<ICommunityRoles> platforms, IRoleStore store, RoadmapCatalog? roadmaps = null) : ICommandHandler
{
    public string Path => "studybot roles unmap";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (RoleViews.For(platforms, ctx) is null)
        {
            return RoleViews.NotSupported(ctx.Who.Community.Platform);
        }

        var phaseText = ctx.Request.String("phase")!;
        var phase = RoleViews.FindPhase(ctx.Roadmap, phaseText) ?? RoleViews.FindPhaseById(roadmaps, phaseText);
        if (phase is null)
        {
            return RoleViews.UnknownPhase(ctx.Roadmap, phaseText, "/studybot roles unmap ml-basics");
        }

        var removed = await store.RemoveMappingAsync(ctx.Who.Community, phase.Id, cancellationToken);
        return removed is null
            ? new Reply { Tone = ReplyTone.Info, Text = $"{Format.PhaseName(phase)} grants no role, so there was nothing to remove. `/studybot roles show` lists the mappings." }
            : new Reply { Tone = ReplyTone.Success, Text = $"Completing {Format.PhaseName(phase)} no longer grants **@{removed.RoleName}**. Members who have it keep it." };
    }
}

internal sealed class RolesShowHandler(IEnumerable<ICommunityRoles> platforms, IRoleStore store, RoadmapCatalog? roadmaps = null) : ICommandHandler
{
    public string Path => "studybot roles show";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (RoleViews.For(platforms, ctx) is null)
        {
            return RoleViews.NotSupported(ctx.Who.Community.Platform);
        }

        var community = ctx.Who.Community;
        var mappings = await store.MappingsAsync(community, cancellationToken);
        if (mappings.Count == 0)
        {
            return new Reply { Tone = ReplyTone.Info, Text = $"No phase grants a role yet. Try `{RoleViews.MapExample}`." };
        }

        var problems = await store.ProblemsAsync(community, cancellationToken);
        var totals = await store.TotalsAsync(community, cancellationToken);
        var lines = mappings
            .OrderBy(m => ctx.Roadmap.FindPhaseById(m.PhaseId)?.Number ?? int.MaxValue)
            .Select(m => $"• {RoleViews.PhaseName(roadmaps?.Holding(m.PhaseId, ctx.Roadmap) ?? ctx.Roadmap, m.PhaseId)} → **@{m.RoleName}**");
        var fields = new List<ReplyField>
        {
            new("Grants", $"{totals.Granted + totals.AlreadyHad} given, {totals.Pending} waiting, {totals.Failed} stopped", true),
        };
        if (problems.Count > 0)
        {
            fields.Add(new ReplyField("Problems", string.Join('\n', problems.Select(p => $"⚠️ **@{p.RoleName}**: {RoleTexts.Problem(p.Problem)}. {RoleTexts.Fix(p.Problem)}, then `{RoleTexts.Sync}`."))));
        }

        return new Reply
        {
            Title = "Phase roles",
            Text = string.Join('\n', lines),
            Fields = fields,
        };
    }
}

internal sealed class RolesSyncHandler(IEnumerable<ICommunityRoles> platforms, IRoleStore store, RoleGrantService service) : ICommandHandler
{
    /// <summary>
    /// How long the command hands out roles itself. Discord's adapter defers after 1.5 s and may edit the answer for
    /// 15 minutes; whatever is left after this is granted by the background job at the same pace.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(60);

    public string Path => "studybot roles sync";

    public bool SavesOwnChanges => true;

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (RoleViews.For(platforms, ctx) is null)
        {
            return RoleViews.NotSupported(ctx.Who.Community.Platform);
        }

        if ((await store.MappingsAsync(ctx.Who.Community, cancellationToken)).Count == 0)
        {
            return new Reply { Tone = ReplyTone.Info, Text = $"No phase grants a role yet, so there is nothing to sync. Try `{RoleViews.MapExample}` first." };
        }

        var report = await service.SyncAsync(ctx.Who.Community, Budget, cancellationToken);
        var parts = new List<string>
        {
            $"granted {Format.Plural(report.Granted, "role", "roles")}",
            $"{report.AlreadyHad} already had theirs",
        };
        var text = $"🔄 Synced phase roles with past completions: {string.Join(", ", parts)}.";
        if (report.FailedTotal > 0)
        {
            text += $"\nNot granted: {string.Join("; ", report.Failed.OrderByDescending(f => f.Value).Select(f => $"{f.Value} because {RoleTexts.Problem(f.Key)}"))}.";
            var fixes = report.Failed.Keys.Where(k => new RoleGrantResult(k).IsRoleProblem).Select(k => RoleTexts.Fix(k) + ".").Distinct().ToList();
            if (fixes.Count > 0)
            {
                text += " " + string.Join(" ", fixes) + $" Then run `{RoleTexts.Sync}` again.";
            }
        }

        if (report.StillQueued > 0)
        {
            text += $"\n{Format.Plural(report.StillQueued, "grant is", "grants are")} still queued; I'll keep handing them out at Discord's pace.";
        }

        return new Reply { Tone = report.FailedTotal > 0 ? ReplyTone.Warning : ReplyTone.Success, Text = text };
    }
}
