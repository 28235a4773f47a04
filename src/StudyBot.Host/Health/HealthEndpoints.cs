using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;
using StudyBot.Core.Operations;
using StudyBot.Host.Options;

namespace StudyBot.Host.Health;

/// <summary>What this process runs, so readiness checks exactly the parts that are switched on.</summary>
internal sealed record HealthParts(bool Discord, bool DiscordGateway, bool Slack, bool SlackSocketMode, bool Scheduling);

/// <summary>
/// <c>GET /healthz/live</c>, <c>GET /healthz/ready</c> and <c>GET /healthz</c> (live) on ASP.NET Core's health checks.
/// Each answers JSON naming every check, its state, a short description and since when it is in that state.
/// </summary>
internal static class HealthEndpoints
{
    public const string LivePath = "/healthz/live";
    public const string ReadyPath = "/healthz/ready";
    public const string AliasPath = "/healthz";

    private const string Live = "live";
    private const string Ready = "ready";

    public static void AddStudyBotHealth(this IServiceCollection services, IConfiguration config, HealthParts parts)
    {
        services.AddOptions<HealthOptions>().Bind(config.GetSection(HealthOptions.Section)).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        services.AddSingleton<StoreProbe>();
        services.AddSingleton<HealthHistory>();

        // ASP.NET Core's health check service writes an error line for every unhealthy check of every probe: a flood of
        // probes while the database is away would flood the log. HealthHistory writes one line when a state changes.
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        var checks = services.AddHealthChecks()
            .AddCheck<ProcessCheck>("process", tags: [Live])
            .AddCheck<LoopsCheck>("loops", tags: [Live])
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<OutboxCheck>("outbox", tags: [Ready]);
        if (parts.Discord)
        {
            checks.Add(new HealthCheckRegistration(
                "discord",
                sp => parts.DiscordGateway
                    ? new ConnectionsCheck(sp.GetRequiredService<ConnectionStates>(), "discord", "Discord gateway", anyServes: false)
                    : new HttpEndpointCheck("Discord: interactions arrive over HTTP at /discord/interactions."),
                failureStatus: null,
                tags: [Ready]));
        }

        if (parts.Slack)
        {
            checks.Add(new HealthCheckRegistration(
                "slack",
                sp => parts.SlackSocketMode
                    ? new ConnectionsCheck(sp.GetRequiredService<ConnectionStates>(), "slack", "Slack Socket Mode", anyServes: true)
                    : new HttpEndpointCheck("Slack: requests arrive over HTTP at /slack/commands, /slack/interactivity and /slack/events."),
                failureStatus: null,
                tags: [Ready]));
        }

        if (parts.Scheduling)
        {
            checks.Add(new HealthCheckRegistration("scheduler", sp => new SchedulerCheck(sp.GetRequiredService<ISchedulerFactory>()), failureStatus: null, tags: [Ready]));
        }
    }

    public static void MapStudyBotHealth(this WebApplication app)
    {
        var history = app.Services.GetRequiredService<HealthHistory>();
        var time = app.Services.GetRequiredService<TimeProvider>();
        var live = Options(Live, history, time);
        app.MapHealthChecks(LivePath, live).WithMetadata(GetOrHead);
        app.MapHealthChecks(AliasPath, live).WithMetadata(GetOrHead);
        app.MapHealthChecks(ReadyPath, Options(Ready, history, time)).WithMetadata(GetOrHead);
    }

    /// <summary>Probes read nothing from a request: any other method is answered 405 by routing, before a check runs.</summary>
    private static readonly Microsoft.AspNetCore.Routing.HttpMethodMetadata GetOrHead = new(["GET", "HEAD"]);

    private static HealthCheckOptions Options(string tag, HealthHistory history, TimeProvider time) => new()
    {
        Predicate = r => r.Tags.Contains(tag),
        AllowCachingResponses = false,
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = (context, report) => WriteAsync(context, report, history, time),
    };

    private static async Task WriteAsync(HttpContext context, HealthReport report, HealthHistory history, TimeProvider time)
    {
        var now = time.GetUtcNow();
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("status", Name(report.Status));
        json.WriteString("checkedAt", Iso(now));
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            // A check that threw says only what kind of exception: its message is for the log, not for whoever can reach a probe.
            var description = entry.Exception is { } ex ? $"The check failed ({ex.GetType().Name})." : entry.Description ?? "";
            var seen = history.Observe(name, entry.Status, description, now);
            var since = entry.Data.TryGetValue(HealthData.Since, out var value) && value is DateTimeOffset known ? known : seen;
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("state", Name(entry.Status));
            json.WriteString("description", description);
            json.WriteString("since", Iso(since));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Since when each check has been in the state the probes last saw (for checks that do not know it themselves), and one
/// log line each time a check changes state: a flood of probes while something is down writes nothing more.
/// </summary>
internal sealed partial class HealthHistory(ILogger<HealthHistory> logger)
{
    private readonly ConcurrentDictionary<string, (HealthStatus Status, DateTimeOffset Since)> _seen = new(StringComparer.Ordinal);

    public DateTimeOffset Observe(string check, HealthStatus status, string description, DateTimeOffset now)
    {
        var changed = false;
        var seen = _seen.AddOrUpdate(
            check,
            _ =>
            {
                changed = status != HealthStatus.Healthy;
                return (status, now);
            },
            (_, old) =>
            {
                changed = old.Status != status;
                return changed ? (status, now) : old;
            });
        if (changed)
        {
            if (status == HealthStatus.Healthy)
            {
                LogHealthy(check, description);
            }
            else
            {
                LogNotHealthy(check, status == HealthStatus.Degraded ? "degraded" : "unhealthy", description);
            }
        }

        return seen.Since;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health check {Check} is {State}: {Description}")]
    private partial void LogNotHealthy(string check, string state, string description);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health check {Check} is healthy again: {Description}")]
    private partial void LogHealthy(string check, string description);
}
