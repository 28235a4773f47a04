using StudyBot.Core.Chat;
using StudyBot.Core.Roadmaps;
using StudyBot.Core.Roles;

namespace StudyBot.Core.Commands.Handlers;

internal static class RoleViews
{
    public const string MapExample = "/studybot roles map ml-basics @ML Basics graduate";

    /// <summary>Slack and the console have no roles: say so politely, whatever the roles command.</summary>
    public static Reply NotSupported(CommandContext ctx) => new()
    {
        Tone = ReplyTone.Info,
        Text = ctx.T("Roles.NotSupported", PlatformName(ctx, ctx.Who.Community.Platform)),
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

    public static Reply UnknownPhase(CommandContext ctx, string text, string example) => LocalViews.Error(
        ctx,
        ctx.T("Roles.UnknownPhase", TextInput.Quote(text, 40), string.Join(", ", ctx.Roadmap.Phases.Select(p => $"{p.Number} `{p.Id}`"))),
        example);

    public static string PhaseName(CommandContext ctx, Roadmap roadmap, string phaseId) =>
        roadmap.FindPhaseById(phaseId) is { } phase ? Format.PhaseName(phase, ctx.Culture) : phaseId;

    private static string PlatformName(CommandContext ctx, string platform) => ctx.T(platform switch
    {
        Platforms.Slack => "Roles.Slack",
        Platforms.Console => "Roles.Console",
        _ => "Roles.ThisPlatform",
    });
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
            return RoleViews.NotSupported(ctx);
        }

        var phaseText = ctx.Request.String("phase")!;
        var phase = RoleViews.FindPhase(ctx.Roadmap, phaseText) ?? RoleViews.FindPhaseById(roadmaps, phaseText);
        if (phase is null)
        {
            return RoleViews.UnknownPhase(ctx, phaseText, RoleViews.MapExample);
        }

        var roleText = ctx.Request.String("role")!;
        var role = await roles.FindAsync(ctx.Who.Community, roleText, cancellationToken);
        if (role is null)
        {
            return LocalViews.Error(ctx, ctx.T("Roles.NoRole", TextInput.Quote(roleText, 40)), RoleViews.MapExample);
        }

        // Only someone who could give the role by hand may have StudyBot give it, and never a role with powers in it:
        // otherwise mapping it and finishing (or skipping) the phase would be a way to take the role for oneself.
        var may = await roles.MayMapAsync(ctx.Who, role.Id, cancellationToken);
        if (may.Verdict != RoleMapVerdict.Allowed)
        {
            return LocalViews.Error(ctx, Refusal(ctx, role.Name, may));
        }

        // Saved even when the check finds a problem: the admin can fix the role or my permissions next, and `roles sync`
        // then hands out what waited. Refusing would only make them map it again.
        var check = await roles.CheckAsync(ctx.Who.Community, role.Id, cancellationToken);
        var channel = ctx.Who.ChannelId ?? ctx.Snapshot.Community.Settings.CelebrationChannel;
        await store.SaveMappingAsync(ctx.Snapshot.Community, new PhaseRoleMapping(phase.Id, role.Id, role.Name, channel, ctx.Now.UtcDateTime), ctx.Now.UtcDateTime, cancellationToken);
        var saved = ctx.T("Roles.Saved", Format.PhaseName(phase, ctx.Culture), role.Name);
        var past = ctx.T("Roles.Past", RoleTexts.Sync);
        if (check.Outcome is RoleGrantOutcome.Granted or RoleGrantOutcome.AlreadyHad)
        {
            return new Reply { Tone = ReplyTone.Success, Text = saved + past };
        }

        if (check.Outcome == RoleGrantOutcome.Transient)
        {
            return new Reply { Tone = ReplyTone.Success, Text = saved + past + ctx.T("Roles.Unchecked") };
        }

        return new Reply
        {
            Tone = ReplyTone.Warning,
            Text = ctx.T("Roles.CantYet", saved, RoleTexts.Problem(check.Outcome, ctx.Culture), RoleTexts.Fix(check.Outcome, ctx.Culture), RoleTexts.Sync),
        };
    }

    private static string Refusal(CommandContext ctx, string roleName, RoleMapCheck check) => check.Verdict switch
    {
        RoleMapVerdict.RoleElevated => ctx.T("Roles.RefuseElevated", roleName, check.Detail),
        RoleMapVerdict.MemberLacksPermission => ctx.T("Roles.RefuseMember", roleName),
        RoleMapVerdict.RoleNotBelowMember => ctx.T("Roles.RefuseAbove", roleName),
        _ => ctx.T("Roles.RefuseUnchecked"),
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
            return RoleViews.NotSupported(ctx);
        }

        var phaseText = ctx.Request.String("phase")!;
        var phase = RoleViews.FindPhase(ctx.Roadmap, phaseText) ?? RoleViews.FindPhaseById(roadmaps, phaseText);
        if (phase is null)
        {
            return RoleViews.UnknownPhase(ctx, phaseText, "/studybot roles unmap ml-basics");
        }

        var removed = await store.RemoveMappingAsync(ctx.Who.Community, phase.Id, cancellationToken);
        return removed is null
            ? new Reply { Tone = ReplyTone.Info, Text = ctx.T("Roles.NothingToRemove", Format.PhaseName(phase, ctx.Culture)) }
            : new Reply { Tone = ReplyTone.Success, Text = ctx.T("Roles.Removed", Format.PhaseName(phase, ctx.Culture), removed.RoleName) };
    }
}

internal sealed class RolesShowHandler(IEnumerable<ICommunityRoles> platforms, IRoleStore store, RoadmapCatalog? roadmaps = null) : ICommandHandler
{
    public string Path => "studybot roles show";

    public async ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken)
    {
        if (RoleViews.For(platforms, ctx) is null)
        {
            return RoleViews.NotSupported(ctx);
        }

        var community = ctx.Who.Community;
        var mappings = await store.MappingsAsync(community, cancellationToken);
        if (mappings.Count == 0)
        {
            return new Reply { Tone = ReplyTone.Info, Text = ctx.T("Roles.NoneMapped", RoleViews.MapExample) };
        }

        var problems = await store.ProblemsAsync(community, cancellationToken);
        var totals = await store.TotalsAsync(community, cancellationToken);
        var lines = mappings
            .OrderBy(m => ctx.Roadmap.FindPhaseById(m.PhaseId)?.Number ?? int.MaxValue)
            .Select(m => $"• {RoleViews.PhaseName(ctx, roadmaps?.Holding(m.PhaseId, ctx.Roadmap).In(ctx.Language) ?? ctx.Roadmap, m.PhaseId)} → **@{m.RoleName}**");
        var fields = new List<ReplyField>
        {
            new(ctx.T("Roles.GrantsField"), ctx.T("Roles.Grants", totals.Granted + totals.AlreadyHad, totals.Pending, totals.Failed), true),
        };
        if (problems.Count > 0)
        {
            fields.Add(new ReplyField(ctx.T("Roles.ProblemsField"), string.Join('\n', problems.Select(p => ctx.T("Roles.ProblemLine", p.RoleName, RoleTexts.Problem(p.Problem, ctx.Culture), RoleTexts.Fix(p.Problem, ctx.Culture), RoleTexts.Sync)))));
        }

        return new Reply
        {
            Title = ctx.T("Roles.Title"),
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
            return RoleViews.NotSupported(ctx);
        }

        if ((await store.MappingsAsync(ctx.Who.Community, cancellationToken)).Count == 0)
        {
            return new Reply { Tone = ReplyTone.Info, Text = ctx.T("Roles.NothingToSync", RoleViews.MapExample) };
        }

        var report = await service.SyncAsync(ctx.Who.Community, Budget, cancellationToken);
        var parts = new List<string>
        {
            ctx.T("Roles.Granted", Format.Plural(report.Granted, ctx.T("Roles.Role"), ctx.T("Roles.RolesPlural"), ctx.Culture)),
            ctx.T("Roles.AlreadyHad", report.AlreadyHad),
        };
        var text = ctx.T("Roles.Synced", string.Join(", ", parts));
        if (report.FailedTotal > 0)
        {
            text += "\n" + ctx.T("Roles.NotGranted", string.Join("; ", report.Failed.OrderByDescending(f => f.Value).Select(f => ctx.T("Roles.Because", f.Value, RoleTexts.Problem(f.Key, ctx.Culture)))));
            var fixes = report.Failed.Keys.Where(k => new RoleGrantResult(k).IsRoleProblem).Select(k => RoleTexts.Fix(k, ctx.Culture) + ".").Distinct().ToList();
            if (fixes.Count > 0)
            {
                text += " " + string.Join(" ", fixes) + ctx.T("Roles.ThenAgain", RoleTexts.Sync);
            }
        }

        if (report.StillQueued > 0)
        {
            text += "\n" + ctx.T(report.StillQueued == 1 ? "Roles.StillQueuedOne" : "Roles.StillQueued", Format.Plural(report.StillQueued, ctx.T("Roles.Grant"), ctx.T("Roles.GrantsPlural"), ctx.Culture));
        }

        return new Reply { Tone = report.FailedTotal > 0 ? ReplyTone.Warning : ReplyTone.Success, Text = text };
    }
}
