using Quartz;
using StudyBot.Core.Notifications;

namespace StudyBot.Host.Scheduling;

[DisallowConcurrentExecution]
internal sealed class ReminderJob(ReminderService service) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await service.RunDueAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class CelebrationJob(CelebrationService service) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await service.RunAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class LeaderboardJob(LeaderboardService service) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await service.RunDueAsync(cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class PartnerJob(StudyBot.Core.Partners.PartnerService service) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await service.RunScheduledAsync(cancellationToken);
        await service.OfferRematchesAsync(cancellationToken);
    }
}

[DisallowConcurrentExecution]
internal sealed class RetentionJob(StudyBot.Core.Privacy.MembershipService service, StudyBot.Core.Commands.CommandExecutor commands) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        await service.PurgeAsync(cancellationToken);
        await commands.PruneReceiptsAsync(cancellationToken);
    }
}

[DisallowConcurrentExecution]
internal sealed class RoleGrantJob(StudyBot.Core.Roles.RoleGrantService service) : IJob
{
    /// <summary>One run grants for at most this long; a big backlog (a sync's leftovers) spreads over runs.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await service.RunAsync(Budget, cancellationToken);
}

[DisallowConcurrentExecution]
internal sealed class OutboxJob(OutboxDispatcher dispatcher) : IJob
{
    /// <summary>One run sends for at most this long, so a big fan-out spreads over runs instead of blocking shutdown.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await dispatcher.DrainAsync(Budget, cancellationToken);
}

internal static class SchedulingSetup
{
    public static IServiceCollection AddStudyBotScheduling(this IServiceCollection services, SchedulingOptions options)
    {
        services.AddQuartz(q =>
        {
            Every<ReminderJob>(q, "reminders", options.ReminderInterval);
            Every<CelebrationJob>(q, "celebrations", options.CelebrationInterval);
            Every<LeaderboardJob>(q, "leaderboards", options.LeaderboardInterval);
            Every<OutboxJob>(q, "outbox", options.OutboxInterval);
            Every<PartnerJob>(q, "partners", options.PartnerInterval);
            Every<RoleGrantJob>(q, "roles", options.RoleInterval);
            Every<RetentionJob>(q, "retention", TimeSpan.FromHours(1));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }

    private static void Every<TJob>(IQuartzBuilder q, string name, TimeSpan interval)
        where TJob : IJob =>
        q.ScheduleJob<TJob>(
            t => t.WithIdentity(name).StartNow().WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()),
            j => j.WithIdentity(name));
}
