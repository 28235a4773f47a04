using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StudyBot.Host;

/// <summary>
/// How the console's log lines look. <c>Logging:Format</c> is <c>text</c> (the default: one short human-readable line
/// each) or <c>json</c> (one JSON object a line, for a log collector: time, level, category, event id, message, the
/// event's fields under <c>State</c>, and under <c>Scopes</c> the request's and, while an <see cref="Activity"/> is
/// current, its <c>TraceId</c> and <c>SpanId</c>). The standard <c>Logging:Console:FormatterName</c> is honoured too
/// (<c>simple</c>, <c>json</c> or <c>systemd</c>) when <c>Logging:Format</c> is not set. Any other value stops the
/// start, naming the key.
/// </summary>
internal static class LogFormat
{
    public const string FormatKey = "Logging:Format";

    public const string FormatterNameKey = "Logging:Console:FormatterName";

    public static void AddConsole(ILoggingBuilder logging, IConfiguration configuration)
    {
        switch (Chosen(configuration))
        {
            case "json":
                logging.AddJsonConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                    o.JsonWriterOptions = new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
                });

                // The trace id of the request or job a line was written in, as a scope of the line.
                logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
                break;
            case "systemd":
                logging.AddSystemdConsole(o => o.TimestampFormat = "HH:mm:ss ");
                break;
            default:
                logging.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss ";
                });
                break;
        }
    }

    /// <summary><c>text</c> (the simple formatter), <c>json</c> or <c>systemd</c>; refuses an unknown value naming its key.</summary>
    internal static string Chosen(IConfiguration configuration)
    {
        if (configuration[FormatKey] is { } format)
        {
            return format.Trim().ToLowerInvariant() switch
            {
                "" or "text" => "text",
                "json" => "json",
                _ => throw new StartupException($"{FormatKey} '{format}' is not a log format; use text (the default) or json."),
            };
        }

        return configuration[FormatterNameKey]?.Trim().ToLowerInvariant() switch
        {
            null or "" or "simple" => "text",
            "json" => "json",
            "systemd" => "systemd",
            _ => throw new StartupException($"{FormatterNameKey} '{configuration[FormatterNameKey]}' is not a console formatter; use simple, json or systemd (or set {FormatKey} to text or json)."),
        };
    }
}
