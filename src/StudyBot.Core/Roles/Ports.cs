using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Roles;

/// <summary>What happened when StudyBot tried to give a member a role (or checked whether it could).</summary>
public enum RoleGrantOutcome
{
    /// <summary>The member has the role now (for a check: a grant would work).</summary>
    Granted = 0,

    /// <summary>The member had the role already; nothing changed.</summary>
    AlreadyHad = 1,

    /// <summary>The bot lacks the platform's permission to manage roles (Discord: Manage Roles).</summary>
    MissingPermission = 2,

    /// <summary>The role sits at or above the bot's highest role, so the platform refuses.</summary>
    RoleAboveBot = 3,

    /// <summary>The role does not exist (any more).</summary>
    RoleNotFound = 4,

    /// <summary>No one can be given this role by hand (Discord: @everyone, bot and integration roles).</summary>
    RoleNotAssignable = 5,

    /// <summary>The member is no longer in the community.</summary>
    MemberGone = 6,

    /// <summary>Rate limit, 5xx, network: try again later; nothing is lost.</summary>
    Transient = 7,

    /// <summary>The platform has no roles (Slack, console).</summary>
    NotSupported = 8,

    /// <summary>
    /// The role carries moderator or admin permissions (Discord: Administrator, Manage Server, Manage Roles, ...): handing
    /// it out for finishing a phase would give those powers away, so StudyBot never does.
    /// </summary>
    RoleElevated = 9,
}

public sealed record RoleGrantResult(RoleGrantOutcome Outcome, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public static readonly RoleGrantResult Ok = new(RoleGrantOutcome.Granted);

    /// <summary>A problem with the role or the bot's permissions that lasts until an admin fixes it.</summary>
    public bool IsRoleProblem => Outcome is RoleGrantOutcome.MissingPermission or RoleGrantOutcome.RoleAboveBot or RoleGrantOutcome.RoleNotFound or RoleGrantOutcome.RoleNotAssignable or RoleGrantOutcome.RoleElevated;
}

/// <summary>Whether a member may tie a role to a phase.</summary>
public enum RoleMapVerdict
{
    Allowed = 0,

    /// <summary>The member could not hand the role out by hand (Discord: no Manage Roles).</summary>
    MemberLacksPermission = 1,

    /// <summary>The role is at or above the member's highest role, so the platform would not let them give it.</summary>
    RoleNotBelowMember = 2,

    /// <summary>The role carries moderator or admin permissions; <see cref="RoleMapCheck.Detail"/> names them.</summary>
    RoleElevated = 3,

    /// <summary>The platform did not answer; nothing is decided (and nothing saved).</summary>
    Unknown = 4,
}

/// <param name="Detail">For people: which permissions, which positions.</param>
public sealed record RoleMapCheck(RoleMapVerdict Verdict, string? Detail = null)
{
    public static readonly RoleMapCheck Allowed = new(RoleMapVerdict.Allowed);
}

/// <summary>A role as the platform names it.</summary>
public sealed record RoleInfo(string Id, string Name);

/// <summary>
/// The community's roles on its platform: find one, check whether the bot may hand it out, give it to a member.
/// Implemented by the adapters whose platform has roles (Discord); the others have none.
/// </summary>
public interface ICommunityRoles
{
    string Platform { get; }

    /// <summary>The role the text names (a mention such as &lt;@&amp;id&gt;, an id, or a name with or without @), or null.</summary>
    Task<RoleInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <paramref name="who"/> may tie the role to a phase: as on the platform itself, only someone who could hand it
    /// out by hand (Discord: Manage Roles and a highest role above it; the owner always), and never a role that carries
    /// moderator or admin permissions, whoever asks.
    /// </summary>
    Task<RoleMapCheck> MayMapAsync(MemberRef who, string roleId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a grant of the role would work now; <see cref="RoleGrantOutcome.Granted"/> when it would. A role that came to
    /// carry elevated permissions since it was mapped is <see cref="RoleGrantOutcome.RoleElevated"/>, here and in a grant.
    /// </summary>
    Task<RoleGrantResult> CheckAsync(CommunityRef community, string roleId, CancellationToken cancellationToken);

    /// <summary>Gives the member the role. Safe to repeat: a member who has it already is <see cref="RoleGrantOutcome.AlreadyHad"/>.</summary>
    Task<RoleGrantResult> GrantAsync(CommunityRef community, string userId, string roleId, CancellationToken cancellationToken);
}

/// <summary>Completing <see cref="PhaseId"/> grants the role. <see cref="ReportChannelId"/> is where it was set up: problems are reported there.</summary>
public sealed record PhaseRoleMapping(string PhaseId, string RoleId, string RoleName, string? ReportChannelId, DateTime CreatedAtUtc);

public enum RoleGrantState
{
    Pending = 0,
    Granted = 1,
    AlreadyHad = 2,

    /// <summary>Stopped by a lasting problem (role or permission, or the member left); <c>roles sync</c> tries again.</summary>
    Failed = 3,
}

/// <summary>A grant waiting to be applied, claimed for one run.</summary>
public sealed record PendingRoleGrant(long Id, MemberRef Member, string PhaseId, string RoleId, string RoleName, string? ReportChannelId, string? CelebrationChannelId, int Attempts)
{
    /// <summary>The community's language ("en", "de"; from the store): the admins' notice, a channel post, is written in it.</summary>
    public string? Language { get; init; }
}

/// <summary>A lasting problem with a mapped role, reported to admins once.</summary>
public sealed record RoleProblem(string RoleId, string RoleName, RoleGrantOutcome Problem, DateTime ReportedAtUtc);

/// <summary>How the grants of a community stand.</summary>
public sealed record RoleGrantTotals(int Pending, int Granted, int AlreadyHad, int Failed);

/// <summary>Phase-role mappings, grants and reported problems. Every call is scoped to one community.</summary>
public interface IRoleStore
{
    Task<IReadOnlyList<PhaseRoleMapping>> MappingsAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>
    /// Saves (or replaces) the phase's mapping, creating the community row if needed. Open problems of the role are
    /// forgotten and failed grants of the phase pending again: whoever maps again has just looked at the role.
    /// </summary>
    Task SaveMappingAsync(Community community, PhaseRoleMapping mapping, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Removes the phase's mapping and its grants still waiting; returns the removed mapping.</summary>
    Task<PhaseRoleMapping?> RemoveMappingAsync(CommunityRef community, string phaseId, CancellationToken cancellationToken);

    /// <summary>
    /// Queues a grant for each phase completion with a mapping and no grant yet, recorded before
    /// <paramref name="recordedBeforeUtc"/> (the undo grace). Without <paramref name="includePast"/> only completions
    /// from after the mapping was made count; with it (sync) all do, and failed grants are pending again.
    /// <paramref name="community"/> null means every community. Returns how many grants are new or pending again.
    /// </summary>
    Task<int> QueueAsync(CommunityRef? community, DateTime recordedBeforeUtc, bool includePast, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Claims for this instance up to <paramref name="limit"/> pending grants that are due (unclaimed, or whose claim ran
    /// out), for <paramref name="lease"/>; no other instance sharing the database gets the same ones.
    /// </summary>
    Task<IReadOnlyList<PendingRoleGrant>> ClaimAsync(CommunityRef? community, DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// At start-up: frees this instance's own claims left by an earlier run under the same instance id. Other instances'
    /// claims are left alone until their lease runs out.
    /// </summary>
    Task ReleaseClaimsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records the result of an attempt on a grant this instance holds (a grant another instance took over is left as
    /// that one has it). Pending with <paramref name="retryAtUtc"/> tries again then.
    /// </summary>
    Task MarkAsync(long grantId, RoleGrantState state, string? problem, DateTime? retryAtUtc, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Records a lasting problem of the role and writes the admins' notice, in one transaction, the first time only:
    /// returns false, writing nothing, when the same problem of the role is already on record.
    /// </summary>
    Task<bool> ReportProblemAsync(CommunityRef community, RoleProblem problem, OutboxMessage? notice, CancellationToken cancellationToken);

    /// <summary>The role works again (a grant succeeded): forget its problems, so a new one is reported again.</summary>
    Task ClearProblemsAsync(CommunityRef community, string roleId, CancellationToken cancellationToken);

    Task<IReadOnlyList<RoleProblem>> ProblemsAsync(CommunityRef community, CancellationToken cancellationToken);

    Task<RoleGrantTotals> TotalsAsync(CommunityRef community, CancellationToken cancellationToken);
}
