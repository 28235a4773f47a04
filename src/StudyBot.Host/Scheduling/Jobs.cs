using Quartz;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Core.Privacy;
using StudyBot.Core.Roles;

namespace StudyBot.Host.Scheduling;

/// <summary>The jobs' names: their Quartz identities and what their log lines say.</summary>
internal static class JobNames
{
    public const string Reminders = ReminderService.JobName;
    public const string Celebrations = CelebrationService.JobName;
    public const string Leaderboards = LeaderboardService.JobName;
    public const string Outbox = OutboxDispatcher.JobName;
    public const string Partners = PartnerService.JobName;
    public const string Sessions = StudyBot.Core.Sessions.SessionService.JobName;
    public const string Roles = "roles";
    public const string Retention = "retention";
    public const string Focus = StudyBot.Core.Focus.FocusService.JobName;
}

/// <summary>
/// Runs one part of a job so that nothing it throws escapes: the failure is logged with the job's name (and the
/// services log each item they could not handle, with its id), the job's other parts still run, and Quartz keeps
/// the job on its schedule. Only a shutdown's cancellation ends a run early.
/// </summary>
internal static partial class JobGuard
{
    public static async Task RunAsync(ILogger logger, string job, string part, Func<Task> work, CancellationToken cancellationToken)
    {
        try
        {
            await work();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, job, part);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} failed ({Part}); it runs again at its next time")]
    private static partial void LogFailed(ILogger logger, Exception ex, string job, string part);
}

[DisallowConcurrentExecution]
internal sealed class ReminderJob(ReminderService service, ILogger<ReminderJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobGuard.RunAsync(logger, JobNames.Reminders, "due reminders", () => service.RunDueAsync(cancellationToken), cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class CelebrationJob(CelebrationService service, ILogger<CelebrationJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobGuard.RunAsync(logger, JobNames.Celebrations, "completions", () => service.RunAsync(cancellationToken), cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class LeaderboardJob(LeaderboardService service, ILogger<LeaderboardJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobGuard.RunAsync(logger, JobNames.Leaderboards, "due leaderboards", () => service.RunDueAsync(cancellationToken), cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class PartnerJob(PartnerService service, ILogger<PartnerJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await JobGuard.RunAsync(logger, JobNames.Partners, "scheduled matching", () => service.RunScheduledAsync(cancellationToken), cancellationToken);
        await JobGuard.RunAsync(logger, JobNames.Partners, "rematch offers", () => service.OfferRematchesAsync(cancellationToken), cancellationToken);
    }
}

[DisallowConcurrentExecution]
internal sealed class SessionJob(StudyBot.Core.Sessions.SessionService service, ILogger<SessionJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobGuard.RunAsync(logger, JobNames.Sessions, "study sessions", () => service.RunDueAsync(cancellationToken), cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class RetentionJob(MembershipService service, CommandExecutor commands, ILogger<RetentionJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await JobGuard.RunAsync(logger, JobNames.Retention, "purging members who left", () => service.PurgeAsync(cancellationToken), cancellationToken);
        await JobGuard.RunAsync(logger, JobNames.Retention, "pruning command receipts", () => commands.PruneReceiptsAsync(cancellationToken), cancellationToken);
    }
}

/// <summary>Ends focus sessions whose time is up (their end message into the outbox) and autologs unanswered ones.</summary>
[DisallowConcurrentExecution]
internal sealed class FocusJob(StudyBot.Core.Focus.FocusService service, ILogger<FocusJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await JobGuard.RunAsync(logger, JobNames.Focus, "ended sessions", () => service.EndDueAsync(cancellationToken), cancellationToken);
        await JobGuard.RunAsync(logger, JobNames.Focus, "autolog", () => service.AutoLogAsync(cancellationToken), cancellationToken);
    }
}

[DisallowConcurrentExecution]
internal sealed class RoleGrantJob(RoleGrantService service, ILogger<RoleGrantJob> logger) : IJob
{
    /// <summary>One run grants for at most this long; a big backlog (a sync's leftovers) spreads over runs.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await JobGuard.RunAsync(logger, JobNames.Roles, "due grants", () => service.RunAsync(Budget, cancellationToken), cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class OutboxJob(OutboxDispatcher dispatcher, ILogger<OutboxJob> logger, StudyBot.Core.Operations.LoopHeartbeats? loops = null) : IJob
{
    /// <summary>The drain's name among the loops liveness watches.</summary>
    public const string Loop = "outbox drain";

    /// <summary>How far past its budget a run may go (a send in flight, a rate limit's wait) before it counts as stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(5);

    /// <summary>
    /// One run sends for at most this long (checked before each message), so a big fan-out spreads over runs instead of
    /// blocking shutdown; every platform drains at once within it.
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        loops?.Beat(Loop, Budget + StuckAfter);
        try
        {
            await JobGuard.RunAsync(logger, JobNames.Outbox, "draining", () => dispatcher.DrainAsync(Budget, cancellationToken), cancellationToken);
        }
        finally
        {
            loops?.Rest(Loop);
        }
    }
}

internal static class SchedulingSetup
{
    /// <summary>The Quartz scheduler name every instance shares: the nodes of one cluster.</summary>
    public const string ClusterName = "StudyBot";

    /// <summary>
    /// The jobs on Quartz. With <paramref name="postgresConnection"/> (PostgreSQL) they live in the database, in Quartz's
    /// clustered ADO store: every instance sharing the database is a node of one cluster named <see cref="ClusterName"/>
    /// (its node id is the instance id), each trigger fires on one node, [DisallowConcurrentExecution] holds across the
    /// cluster, and a node that dies has its work taken over by the others. Quartz creates its tables when missing
    /// (only creates; several instances may start at once). Without it (SQLite), the in-memory store of one process.
    /// Either way the scheduler runs on the container's <see cref="TimeProvider"/>, so tests drive it with fake time.
    /// </summary>
    public static IServiceCollection AddStudyBotScheduling(this IServiceCollection services, SchedulingOptions options, string? postgresConnection = null, string? instanceId = null)
    {
        services.AddQuartz(q =>
        {
            if (postgresConnection is not null)
            {
                q.ConfigureScheduler(o =>
                {
                    o.InstanceName = ClusterName;
                    o.InstanceId = instanceId ?? throw new ArgumentNullException(nameof(instanceId), "a clustered scheduler needs the instance id");
                });
                q.UsePersistentStore(s =>
                {
                    s.UsePostgres(postgresConnection);
                    s.UseClustering(c =>
                    {
                        c.CheckinInterval = ClusterCheckin;
                        c.CheckinMisfireThreshold = ClusterCheckin * 2;
                    });
                    s.ProvisionSchema();
                });
            }

            Every<ReminderJob>(q, JobNames.Reminders, options.ReminderInterval);
            Every<CelebrationJob>(q, JobNames.Celebrations, options.CelebrationInterval);
            Every<LeaderboardJob>(q, JobNames.Leaderboards, options.LeaderboardInterval);
            Every<OutboxJob>(q, JobNames.Outbox, options.OutboxInterval);
            Every<PartnerJob>(q, JobNames.Partners, options.PartnerInterval);
            Every<SessionJob>(q, JobNames.Sessions, options.ReminderInterval);
            Every<RoleGrantJob>(q, JobNames.Roles, options.RoleInterval);
            Every<RetentionJob>(q, JobNames.Retention, TimeSpan.FromHours(1));
            Every<FocusJob>(q, JobNames.Focus, options.ReminderInterval);
        });
        var before = services.Count;
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        if (postgresConnection is null)
        {
            // Off the path to the first reply: Quartz's hosted service builds the scheduler (its store, threads and the
            // seven jobs) inside the host's start, before the adapters and the HTTP endpoint; here it does so once the
            // host has started. Its jobs waited for that moment already. (PostgreSQL keeps Quartz's own start: its
            // clustered store reaches the database, and a failure there is a start-up failure.)
            var quartz = services.Skip(before).Last(d => d.ServiceType == typeof(IHostedService));
            services.Remove(quartz);
            services.AddHostedService(sp => new SchedulerAfterStart(Create(quartz, sp), sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetService<WarmUpDone>()));
        }

        return services;
    }

    private static IHostedService Create(ServiceDescriptor descriptor, IServiceProvider services) =>
        (IHostedService)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));

    /// <summary>How often a node tells the cluster it is alive; one silent for twice this is taken to be dead.</summary>
    public static readonly TimeSpan ClusterCheckin = TimeSpan.FromSeconds(15);

    private static void Every<TJob>(IQuartzBuilder q, string name, TimeSpan interval)
        where TJob : IJob =>
        q.ScheduleJob<TJob>(
            t => t.WithIdentity(name).StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()),
            j => j.WithIdentity(name));
}

/// <summary>
/// Starts Quartz's own hosted service once the host has started (the console reads, the HTTP endpoint listens) and the
/// start-up warm-up is over (at most <see cref="WarmUpPatience"/> later), instead of during the start, and stops it as
/// the host stops. Should building or starting the scheduler fail, this service fails, and the host stops with exit
/// code 1 naming it.
/// </summary>
internal sealed class SchedulerAfterStart(IHostedService quartz, IHostApplicationLifetime lifetime, WarmUpDone? warmUp) : BackgroundService
{
    /// <summary>How long the jobs wait for the warm-up at most (real time: it is about the machine, not the bot's clock).</summary>
    public static readonly TimeSpan WarmUpPatience = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        if (warmUp is not null)
        {
            try
            {
                await warmUp.Task.WaitAsync(WarmUpPatience, TimeProvider.System, stoppingToken);
            }
            catch (TimeoutException)
            {
                // A slow warm-up does not keep the jobs waiting for long.
            }
        }

        await quartz.StartAsync(stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The start is over (or cancelled) first; then Quartz shuts down whatever it started, waiting for running jobs.
        await base.StopAsync(cancellationToken);
        await quartz.StopAsync(cancellationToken);
    }
}
