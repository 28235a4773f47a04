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
            var since = entry.Data.TryGetValue(HealthData.Since, out var value) && value is DateTimeOffset known ? known : history.Observe(name, entry.Status, now);
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("state", Name(entry.Status));
            json.WriteString("description", entry.Description ?? (entry.Exception is { } ex ? $"The check failed ({ex.GetType().Name})." : ""));
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

/// <summary>Since when each check has been in the state the probes last saw (for checks that do not know it themselves).</summary>
internal sealed class HealthHistory
{
    private readonly ConcurrentDictionary<string, (HealthStatus Status, DateTimeOffset Since)> _seen = new(StringComparer.Ordinal);

    public DateTimeOffset Observe(string check, HealthStatus status, DateTimeOffset now) =>
        _seen.AddOrUpdate(check, (status, now), (_, old) => old.Status == status ? old : (status, now)).Since;
}
