using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;
using StudyBot.Core.Operations;

namespace StudyBot.Host.Health;

/// <summary>Each check may say since when its state holds (UTC), when it knows better than the first probe that saw it.</summary>
internal static class HealthData
{
    public const string Since = "since";

    public static HealthCheckResult With(HealthCheckResult result, DateTimeOffset? since) =>
        since is { } at ? new HealthCheckResult(result.Status, result.Description, data: new Dictionary<string, object> { [Since] = at }) : result;

    /// <summary>A span in plain words: 45 s, 2 min 5 s, 12 min, 3 h 5 min, 2 days.</summary>
    public static string Span(TimeSpan span)
    {
        span = span.Duration();
        return span.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalSeconds):0} s")
            : span.TotalMinutes < 10 && span.Seconds != 0 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalMinutes):0} min {span.Seconds} s")
            : span.TotalMinutes < 90 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalMinutes):0} min")
            : span.TotalHours < 48 ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalHours):0} h {span.Minutes} min")
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalDays):0} days");
    }
}

/// <summary>Liveness: the process answers at all.</summary>
internal sealed class ProcessCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("StudyBot is running."));
}

/// <summary>Liveness: no long-running loop has missed its own heartbeat deadline (<see cref="LoopHeartbeats"/>).</summary>
internal sealed class LoopsCheck(LoopHeartbeats loops, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var all = loops.Snapshot();
        var stuck = all.Where(l => l.OverdueAt(now)).ToList();
        if (stuck.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy(all.Count == 0 ? "No loop is busy." : $"{all.Count} busy loop(s), each beating in time."));
        }

        var first = stuck[0];
        return Task.FromResult(HealthData.With(
            HealthCheckResult.Unhealthy($"Stuck: {string.Join(", ", stuck.Select(l => l.Loop))} (no heartbeat for {HealthData.Span(now - first.LastBeat)})."),
            stuck.Min(l => l.Deadline)));
    }
}

/// <summary>Readiness: the database answers within the probe's timeout and every migration this version knows is applied.</summary>
internal sealed class DatabaseCheck(StoreProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await probe.GetAsync(cancellationToken);
        if (result.Probe is not { } answer)
        {
            return HealthCheckResult.Unhealthy($"The database does not answer ({result.Problem}).");
        }

        return answer.PendingMigrations > 0
            ? HealthCheckResult.Unhealthy($"{answer.PendingMigrations} database migration(s) are not applied; restart StudyBot to apply them.")
            : HealthCheckResult.Healthy("The database answers and its migrations are applied.");
    }
}

/// <summary>Readiness: the oldest due, unsent outbox message is younger than <c>Health:OutboxMaxAge</c>.</summary>
internal sealed class OutboxCheck(StoreProbe probe, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await probe.GetAsync(cancellationToken);
        if (result.Probe is not { } answer)
        {
            return HealthCheckResult.Unhealthy("Unknown: the database does not answer.");
        }

        if (answer.OldestDueUtc is not { } oldest)
        {
            return HealthCheckResult.Healthy("Nothing is waiting to be sent.");
        }

        var max = options.Value.OutboxMaxAge;
        var due = new DateTimeOffset(oldest, TimeSpan.Zero);
        var age = result.At - due;
        return age > max
            ? HealthData.With(
                HealthCheckResult.Unhealthy($"Behind: the oldest message due has waited {HealthData.Span(age)}, longer than Health:OutboxMaxAge ({HealthData.Span(max)})."),
                due + max)
            : HealthCheckResult.Healthy($"Sending: the oldest message due has waited {HealthData.Span(age)} (allowed: {HealthData.Span(max)}).");
    }
}

/// <summary>
/// Readiness of a platform whose adapter keeps connections (Discord's gateway, Slack's Socket Mode): every connection this
/// process means to keep (<see cref="ConnectionStates.Plan"/>) is connected. Slack serves on any one of its sockets, so
/// some down is only degraded there; each Discord shard serves guilds no other does.
/// </summary>
internal sealed class ConnectionsCheck(ConnectionStates states, string platform, string label, bool anyServes) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check());

    private HealthCheckResult Check()
    {
        var planned = states.Planned(platform);
        var connections = states.Snapshot().Where(s => s.Platform == platform).ToList();
        if (planned is null)
        {
            return HealthCheckResult.Unhealthy($"{label}: starting, not connected yet.");
        }

        if (planned == 0 && connections.Count == 0)
        {
            return HealthCheckResult.Healthy($"{label}: other instances run every connection; none is needed here.");
        }

        var up = connections.Where(c => c.State == ConnectionState.Connected).ToList();
        var down = connections.Where(c => c.State != ConnectionState.Connected).ToList();
        if (up.Count >= planned && down.Count == 0)
        {
            return HealthData.With(
                HealthCheckResult.Healthy($"{label}: connected ({string.Join(", ", up.Select(c => c.Connection))})."),
                up.Max(c => c.Since));
        }

        var missing = Math.Max(0, planned.Value - up.Count - down.Count);
        var what = down.Select(c => $"{c.Connection} {(c.State == ConnectionState.Connecting ? "connecting" : "disconnected")}")
            .Concat(missing > 0 ? [$"{missing} not started"] : [])
            .ToList();
        var description = $"{label}: {up.Count} of {planned} connection(s) up; {string.Join(", ", what)}.";
        var since = down.Count > 0 ? down.Min(c => c.Since) : (DateTimeOffset?)null;
        return HealthData.With(
            up.Count > 0 && anyServes ? HealthCheckResult.Degraded(description) : HealthCheckResult.Unhealthy(description),
            since);
    }
}

/// <summary>Readiness of an adapter that receives over HTTP: its endpoint is configured, there is nothing to connect.</summary>
internal sealed class HttpEndpointCheck(string description) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(description));
}

/// <summary>Readiness: the Quartz scheduler that runs reminders, celebrations and the outbox is started, not in standby or shut down.</summary>
internal sealed class SchedulerCheck(ISchedulerFactory factory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // Only the schedulers that exist: asking for "the" scheduler would build it, before its hosted service does.
        var scheduler = (await factory.GetAllSchedulers(cancellationToken)).FirstOrDefault();
        if (scheduler is null)
        {
            return HealthCheckResult.Unhealthy("The scheduler has not started yet.");
        }

        return await scheduler.GetStatus(cancellationToken) switch
        {
            SchedulerStatus.Running => HealthCheckResult.Healthy("The scheduler runs the jobs."),
            SchedulerStatus.Created => HealthCheckResult.Unhealthy("The scheduler has not started yet."),
            SchedulerStatus.Standby => HealthCheckResult.Unhealthy("The scheduler is paused (standby): no reminders or deliveries run."),
            SchedulerStatus.ShuttingDown or SchedulerStatus.Shutdown => HealthCheckResult.Unhealthy("The scheduler is shut down: no reminders or deliveries run."),
            _ => HealthCheckResult.Unhealthy("The scheduler's state is unknown."),
        };
    }
}
