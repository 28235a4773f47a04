using System.Globalization;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using StudyBot.Core.Telemetry;
using StudyBot.Host.Options;

namespace StudyBot.Host.Telemetry;

/// <summary>Settings of the Prometheus endpoint (section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>The standard variable naming an OTLP collector; when set, metrics and traces are pushed there too.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Semicolon-separated listen URLs for <c>GET /metrics</c>, each with a port of its own (not one of <c>Http:Urls</c>),
    /// e.g. <c>http://127.0.0.1:9464</c>; empty (the default) serves no metrics.
    /// </summary>
    public string? Urls { get; set; }

    internal IReadOnlyList<string> UrlList =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The ports the metrics listen on (validated: each URL has one, none shared with Http:Urls).</summary>
    internal IReadOnlySet<int> Ports => UrlList.Select(Port).Where(p => p > 0).ToHashSet();

    internal static int Port(string url) =>
        Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) && !uri.IsDefaultPort
            ? uri.Port
            : url.EndsWith(":80", StringComparison.Ordinal) ? 80 : url.EndsWith(":443", StringComparison.Ordinal) ? 443 : -1;
}

internal sealed class MetricsOptionsValidator(IOptions<HttpOptions> http) : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var httpPorts = (http.Value.Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(MetricsOptions.Port)
            .ToHashSet();
        foreach (var url in options.UrlList)
        {
            if (!Uri.TryCreate(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || (uri.Scheme != "http" && uri.Scheme != "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                return ValidateOptionsResult.Fail($"Metrics:Urls contains '{url}', which is not an http(s) address such as 'http://127.0.0.1:9464'.");
            }

            var port = MetricsOptions.Port(url);
            if (port <= 0)
            {
                return ValidateOptionsResult.Fail($"Metrics:Urls contains '{url}', which has no port of its own; give one, e.g. 'http://127.0.0.1:9464'.");
            }

            if (httpPorts.Contains(port))
            {
                return ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture, $"Metrics:Urls contains '{url}', whose port {port} is also in Http:Urls; metrics need a port of their own, so they are not served to the internet, e.g. 'http://127.0.0.1:9464'."));
            }
        }

        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// OpenTelemetry for the host: StudyBot's <see cref="StudyBotMetrics"/> with the runtime, ASP.NET Core and HttpClient
/// instrumentation, exported for Prometheus at <c>GET /metrics</c> on the <c>Metrics:Urls</c> listener(s) only, and
/// over OTLP (metrics and traces, <see cref="StudyBotTrace"/>) when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. With
/// neither, no OpenTelemetry is registered at all, so nothing collects and the instruments cost a check each.
/// </summary>
internal static class HostTelemetry
{
    public static void Add(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MetricsOptions>().Bind(builder.Configuration.GetSection(MetricsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton<OutboxBacklogReader>();

        var prometheus = ReadUrls(builder.Configuration).Count > 0;
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[MetricsOptions.OtlpEndpointVariable]);
        if (!prometheus && !otlp)
        {
            return;
        }

        services.AddSingleton<OtlpFailureLog>();
        services.AddHostedService(sp => sp.GetRequiredService<OtlpFailureLog>());
        var telemetry = services.AddOpenTelemetry().WithMetrics(metrics =>
        {
            metrics.AddMeter(StudyBotMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation();
            if (prometheus)
            {
                metrics.AddPrometheusExporter();
            }

            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(StudyBotTrace.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"))
                .AddHttpClientInstrumentation(o =>
                {
                    // Discord's interaction webhooks carry the interaction's token in the path, and Slack's response_url is a
                    // signed URL: a span keeps the scheme and host only.
                    o.EnrichWithHttpRequestMessage = (activity, request) =>
                    {
                        if (request.RequestUri is { } uri)
                        {
                            activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}/");
                            activity.SetTag("url.path", null);
                            activity.SetTag("url.query", null);
                        }
                    };
                })
                .AddOtlpExporter());
        }
    }

    /// <summary>The URLs Kestrel listens on for the metrics (added to <c>Http:Urls</c>'s).</summary>
    public static IReadOnlyList<string> ReadUrls(IConfiguration config) =>
        new MetricsOptions { Urls = config[$"{MetricsOptions.Section}:{nameof(MetricsOptions.Urls)}"] }.UrlList;

    /// <summary>
    /// Serves <c>GET /metrics</c> on the metrics listener(s) and nothing else there; on the public (<c>Http:Urls</c>)
    /// listener <c>/metrics</c> is not found. The connection's local port decides, never the Host header a client sends.
    /// </summary>
    public static void Map(WebApplication app)
    {
        var config = app.Configuration;
        var reader = app.Services.GetRequiredService<OutboxBacklogReader>();
        app.Services.GetRequiredService<StudyBotMetrics>().ObserveOutbox(reader.Current);
        reader.StartWhenHostStarts();
        if (ReadUrls(config).Count == 0)
        {
            return;
        }

        var ports = new MetricsOptions { Urls = config[$"{MetricsOptions.Section}:{nameof(MetricsOptions.Urls)}"] }.Ports;
        app.Use(async (context, next) =>
        {
            if (!ports.Contains(context.Connection.LocalPort))
            {
                await next(context);
                return;
            }

            if (context.Request.Path != "/metrics")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                context.Response.Headers.Allow = "GET, HEAD";
                return;
            }

            await next(context);
        });
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path == "/metrics" && ports.Contains(context.Connection.LocalPort));
    }
}
