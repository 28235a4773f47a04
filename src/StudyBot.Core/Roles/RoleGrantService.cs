using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Roles;

/// <summary>What one sync (or one run) did.</summary>
public sealed record RoleSyncReport(int Granted, int AlreadyHad, IReadOnlyDictionary<RoleGrantOutcome, int> Failed, int StillQueued)
{
    public int FailedTotal => Failed.Values.Sum();
}

/// <summary>
/// Hands out phase roles. Phase completions are turned into grant rows (after the same grace as celebrations, so an
/// immediate undo grants nothing), and each grant is applied through the platform's <see cref="ICommunityRoles"/>.
/// It runs apart from celebrations, so a grant that fails never holds one up. A transient failure waits and tries
/// again; a lasting one (permission, hierarchy, role gone) stops the grant and is reported to the admins once per
/// role and problem, in the channel where the mapping was made (or the celebration channel).
/// </summary>
public sealed partial class RoleGrantService(
    IServiceScopeFactory scopes,
    IEnumerable<ICommunityRoles> platforms,
    TimeProvider time,
    ILogger<RoleGrantService> logger,
    Telemetry.StudyBotMetrics? metrics = null)
{
    public const int BatchSize = 100;

    public const string ProblemKind = "role-problem";

    /// <summary>How long a claimed grant is held by one run; a run that died frees it after this.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private int _released;

    /// <summary>The job's run: queue new completions, then apply what is due, everywhere, for at most <paramref name="budget"/>.</summary>
    public async Task<RoleSyncReport> RunAsync(TimeSpan budget, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // The first run frees what this instance held before a restart (other instances' claims run out on their own).
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                try
                {
                    await scope.ServiceProvider.GetRequiredService<IRoleStore>().ReleaseClaimsAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    Volatile.Write(ref _released, 0);
                    LogReleaseFailed(ex);
                }
            }

            await scope.ServiceProvider.GetRequiredService<IRoleStore>().QueueAsync(null, now - CelebrationService.Grace, includePast: false, now, cancellationToken);
        }

        return await ApplyAsync(null, budget, cancellationToken);
    }

    /// <summary>
    /// <c>/studybot roles sync</c>: queues the mapping's roles for every past completion in the community (failed grants
    /// too) and applies them, paced by the platform client, for at most <paramref name="budget"/>; the rest is left to
    /// the job.
    /// </summary>
    public async Task<RoleSyncReport> SyncAsync(CommunityRef community, TimeSpan budget, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IRoleStore>().QueueAsync(community, now - CelebrationService.Grace, includePast: true, now, cancellationToken);
        }

        return await ApplyAsync(community, budget, cancellationToken);
    }

    private async Task<RoleSyncReport> ApplyAsync(CommunityRef? community, TimeSpan budget, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var granted = 0;
        var had = 0;
        var failed = new Dictionary<RoleGrantOutcome, int>();
        var seen = new HashSet<long>();
        var transient = 0;

        // A role that failed for a lasting reason fails the same way for everyone else in this run: no need to ask
        // the platform again (on Discord each refusal counts against the invalid-request budget).
        var blocked = new Dictionary<(string Platform, string Community, string Role), RoleGrantResult>();
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IRoleStore>();
        var outOfTime = false;
        while (!outOfTime)
        {
            var batch = await store.ClaimAsync(community, time.GetUtcNow().UtcDateTime, BatchSize, Lease, cancellationToken);
            var fresh = batch.Where(g => seen.Add(g.Id)).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            foreach (var grant in fresh)
            {
                if (outOfTime || time.GetElapsedTime(started) > budget)
                {
                    // Out of time: free the claim; the job carries on where this stopped.
                    outOfTime = true;
                    await store.MarkAsync(grant.Id, RoleGrantState.Pending, null, time.GetUtcNow().UtcDateTime, time.GetUtcNow().UtcDateTime, cancellationToken);
                    continue;
                }

                RoleGrantOutcome outcome;
                try
                {
                    outcome = await ApplyOneAsync(store, grant, blocked, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The store failed on this grant: its claim runs out and it is tried again; the others go on.
                    LogGrantFailed(ex, grant.Id);
                    outcome = RoleGrantOutcome.Transient;
                }

                switch (outcome)
                {
                    case RoleGrantOutcome.Granted:
                        granted++;
                        break;
                    case RoleGrantOutcome.AlreadyHad:
                        had++;
                        break;
                    case RoleGrantOutcome.Transient:
                        transient++;
                        break;
                    default:
                        failed[outcome] = failed.GetValueOrDefault(outcome) + 1;
                        break;
                }
            }
        }

        var stillQueued = community is null ? transient : (await store.TotalsAsync(community, cancellationToken)).Pending;
        return new RoleSyncReport(granted, had, failed, stillQueued);
    }

    private async Task<RoleGrantOutcome> ApplyOneAsync(IRoleStore store, PendingRoleGrant grant, Dictionary<(string, string, string), RoleGrantResult> blocked, CancellationToken cancellationToken)
    {
        var community = grant.Member.Community;
        var key = (community.Platform, community.ExternalId, grant.RoleId);
        var platform = platforms.FirstOrDefault(p => p.Platform == community.Platform);
        RoleGrantResult result;
        try
        {
            result = blocked.TryGetValue(key, out var known) ? known
                : platform is null ? new RoleGrantResult(RoleGrantOutcome.NotSupported, "This platform has no roles.")
                : await platform.GrantAsync(community, grant.Member.UserId, grant.RoleId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug or an unexpected answer: keep the grant and try again later rather than lose it.
            LogGrantFailed(ex, grant.Id);
            result = new RoleGrantResult(RoleGrantOutcome.Transient, ex.Message);
        }

        if (result.IsRoleProblem)
        {
            blocked[key] = result;
        }

        var now = time.GetUtcNow().UtcDateTime;
        metrics?.RoleGrant(result.Outcome switch
        {
            RoleGrantOutcome.Granted => "granted",
            RoleGrantOutcome.AlreadyHad => "already_had",
            RoleGrantOutcome.Transient => "retried",
            _ => "stopped",
        });
        switch (result.Outcome)
        {
            case RoleGrantOutcome.Granted or RoleGrantOutcome.AlreadyHad:
                await store.MarkAsync(grant.Id, result.Outcome == RoleGrantOutcome.Granted ? RoleGrantState.Granted : RoleGrantState.AlreadyHad, null, null, now, cancellationToken);
                await store.ClearProblemsAsync(community, grant.RoleId, cancellationToken);
                LogGranted(grant.Member.UserId, grant.RoleId, result.Outcome);
                break;
            case RoleGrantOutcome.Transient:
                var wait = result.RetryAfter ?? Backoff(grant.Attempts);
                await store.MarkAsync(grant.Id, RoleGrantState.Pending, Clip(result.Detail), now + wait, now, cancellationToken);
                LogRetry(grant.Id, result.Detail ?? "", wait.TotalSeconds);
                break;
            default:
                await store.MarkAsync(grant.Id, RoleGrantState.Failed, RoleTexts.Problem(result.Outcome), null, now, cancellationToken);
                if (result.IsRoleProblem)
                {
                    await ReportAsync(store, grant, result, now, cancellationToken);
                }

                break;
        }

        return result.Outcome;
    }

    private async Task ReportAsync(IRoleStore store, PendingRoleGrant grant, RoleGrantResult result, DateTime now, CancellationToken cancellationToken)
    {
        var community = grant.Member.Community;
        var problem = new RoleProblem(grant.RoleId, grant.RoleName, result.Outcome, now);
        var channel = grant.ReportChannelId ?? grant.CelebrationChannelId;
        var notice = channel is null
            ? null
            : new OutboxMessage(
                $"{ProblemKind}:{community.Platform}:{community.ExternalId}:{grant.RoleId}:{result.Outcome}:{now:yyyyMMddHHmmssfff}",
                ProblemKind,
                OutboxTarget.Channel,
                community.Platform,
                community.ExternalId,
                community.Name,
                channel,
                channel,
                RoleTexts.ProblemNotice(grant.RoleName, result.Outcome, Languages.Culture(grant.Language)),
                now);
        if (await store.ReportProblemAsync(community, problem, notice, cancellationToken))
        {
            LogProblem(community.ExternalId, grant.RoleId, result.Outcome, result.Detail ?? "");
        }
    }

    /// <summary>30 s, 1 min, 2 min ... up to an hour.</summary>
    private static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Math.Min(attempts, 7))));

    private static string? Clip(string? text) => text is null ? null : text.Length <= 200 ? text : text[..200];

    [LoggerMessage(Level = LogLevel.Information, Message = "Role {RoleId} for member {UserId}: {Outcome}")]
    private partial void LogGranted(string userId, string roleId, RoleGrantOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Role grant {GrantId} failed for now ({Reason}); retrying in {Seconds:0} s")]
    private partial void LogRetry(long grantId, string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Community {Community}: role {RoleId} cannot be granted ({Problem}: {Detail}); admins are told once")]
    private partial void LogProblem(string community, string roleId, RoleGrantOutcome problem, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Freeing role grants claimed before a restart failed; the next run tries again")]
    private partial void LogReleaseFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Role grant {GrantId} failed unexpectedly; it stays queued")]
    private partial void LogGrantFailed(Exception ex, long grantId);
}

/// <summary>The words for role problems, in replies and in the admins' notice (Resources/Roles.resx; English when no culture is given).</summary>
public static class RoleTexts
{
    public const string Sync = "/studybot roles sync";

    /// <summary>A short reason, for counts and the stored grant (stored in English).</summary>
    public static string Problem(RoleGrantOutcome outcome, CultureInfo? culture = null) => Text.Get(culture ?? Languages.Default, outcome switch
    {
        RoleGrantOutcome.MissingPermission => "Roles.Problem.MissingPermission",
        RoleGrantOutcome.RoleAboveBot => "Roles.Problem.RoleAboveBot",
        RoleGrantOutcome.RoleNotFound => "Roles.Problem.RoleNotFound",
        RoleGrantOutcome.RoleNotAssignable => "Roles.Problem.RoleNotAssignable",
        RoleGrantOutcome.RoleElevated => "Roles.Problem.RoleElevated",
        RoleGrantOutcome.MemberGone => "Roles.Problem.MemberGone",
        RoleGrantOutcome.NotSupported => "Roles.Problem.NotSupported",
        RoleGrantOutcome.Transient => "Roles.Problem.Transient",
        RoleGrantOutcome.AlreadyHad => "Roles.Problem.AlreadyHad",
        _ => "Roles.Problem.Granted",
    });

    /// <summary>What an admin should do about a lasting problem.</summary>
    public static string Fix(RoleGrantOutcome outcome, CultureInfo? culture = null) => Text.Get(culture ?? Languages.Default, outcome switch
    {
        RoleGrantOutcome.MissingPermission => "Roles.Fix.MissingPermission",
        RoleGrantOutcome.RoleAboveBot => "Roles.Fix.RoleAboveBot",
        RoleGrantOutcome.RoleNotFound => "Roles.Fix.RoleNotFound",
        RoleGrantOutcome.RoleNotAssignable => "Roles.Fix.RoleNotAssignable",
        RoleGrantOutcome.RoleElevated => "Roles.Fix.RoleElevated",
        _ => "Roles.Fix.Other",
    });

    /// <summary>The notice admins get once per role and problem, in the community's language. It names no member: it is about the role.</summary>
    public static Reply ProblemNotice(string roleName, RoleGrantOutcome outcome, CultureInfo? culture = null)
    {
        culture ??= Languages.Default;
        return new()
        {
            Tone = ReplyTone.Warning,
            Visibility = Visibility.Public,
            Title = Text.Get(culture, "Roles.NoticeTitle"),
            Text = Text.Get(culture, "Roles.Notice", roleName, Problem(outcome, culture), Fix(outcome, culture), Sync),
        };
    }
}
