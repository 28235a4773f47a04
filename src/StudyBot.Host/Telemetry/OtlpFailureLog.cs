using System.Diagnostics.Tracing;

namespace StudyBot.Host.Telemetry;

/// <summary>
/// OpenTelemetry's exporters never throw into the app: a collector that is down only makes them report on their event
/// source. This turns the first such report into one warning in StudyBot's log (naming the endpoint setting, not the
/// data), and stays quiet after that: an OTLP endpoint that is away must not fill the log, nor touch the commands.
/// </summary>
internal sealed partial class OtlpFailureLog(ILogger<OtlpFailureLog> logger) : EventListener, IHostedService
{
    private int _logged;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name.StartsWith("OpenTelemetry-Exporter-OpenTelemetryProtocol", StringComparison.Ordinal))
        {
            EnableEvents(eventSource, EventLevel.Warning);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // Events can arrive before the constructor's body has run (EventListener calls back from its base constructor).
        if (eventData.Level is EventLevel.Error or EventLevel.Warning or EventLevel.Critical && Interlocked.Exchange(ref _logged, 1) == 0)
        {
            LogExportFailed(logger, eventData.EventName ?? "unknown");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending telemetry to the OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) failed ({Event}); StudyBot keeps running without it and does not say this again")]
    private static partial void LogExportFailed(ILogger logger, string @event);
}
