using System.Buffers;
using System.Text.Json.Nodes;
using System.Text.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using StudyBot.Core.Operations;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack.Http;

public static class SlackEndpoints
{
    /// <summary>
    /// Maps <c>POST /slack/commands</c>, <c>/slack/interactivity</c> and <c>/slack/events</c> when the Slack
    /// adapter runs in Http mode; does nothing otherwise (Socket Mode needs no public endpoint).
    /// </summary>
    public static IEndpointRouteBuilder MapSlackEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        // Options are validated later, at start, where a bad value gets its clear message; here only the
        // raw mode decides whether the routes exist.
        var services = endpoints.ServiceProvider;
        var registered = services.GetService<IServiceProviderIsService>()?.IsService(typeof(SlackHttpHandler)) == true;
        var mode = services.GetService<IConfiguration>()?[$"{SlackOptions.Section}:{nameof(SlackOptions.Mode)}"]?.Trim();
        if (!registered || !string.Equals(mode, nameof(SlackMode.Http), StringComparison.OrdinalIgnoreCase))
        {
            return endpoints;
        }

        var group = endpoints.MapGroup("/slack");
        group.MapPost("/commands", (HttpContext context, SlackHttpHandler handler) => handler.CommandsAsync(context));
        group.MapPost("/interactivity", (HttpContext context, SlackHttpHandler handler) => handler.InteractivityAsync(context));
        group.MapPost("/events", (HttpContext context, SlackHttpHandler handler) => handler.EventsAsync(context));
        return endpoints;
    }
}

/// <summary>
/// Slack's HTTP delivery: read the raw body once, verify its signature (401 otherwise), acknowledge within
/// Slack's 3 seconds, and leave the work to <see cref="SlackDispatcher"/>.
/// </summary>
internal sealed partial class SlackHttpHandler(
    SlackSignatureVerifier verifier,
    SlackDispatcher dispatcher,
    SlackBackgroundWork work,
    TimeProvider time,
    ILogger<SlackHttpHandler> logger)
{
    private const int MaxBodyBytes = 1024 * 1024;

    /// <summary>A flood of forged or stale requests writes two log lines a minute, not one per request.</summary>
    private readonly RefusalLog _refusals = new(time);

    /// <summary>The note for a slash command StudyBot cannot read (no team, user or command).</summary>
    internal static JsonObject Unreadable() => new() { ["response_type"] = "ephemeral", ["text"] = "Sorry, I could not read that command." };

    public async Task CommandsAsync(HttpContext context)
    {
        SlashCommand? command = null;
        SlackMessage? answer = null;
        try
        {
            var body = await VerifiedBodyAsync(context).ConfigureAwait(false);
            if (body is null)
            {
                return;
            }

            // Only the fields a command needs are decoded (as ParseForm would decode them).
            command = SlashCommand.FromBody(body, out var sslCheck);
            if (sslCheck)
            {
                command = null;
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            if (command is null)
            {
                // Processing problems answer 200 with a note: a 4xx/5xx only shows the member a generic failure.
                LogBadCommand();
                await WriteJsonAsync(context, Unreadable()).ConfigureAwait(false);
                return;
            }

            answer = await dispatcher.StartSlashCommandAsync(command, context.RequestAborted).ConfigureAwait(false);
            if (answer is null)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            await WriteAnswerAsync(context, answer).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            var origin = command is null ? null : SlackOrigin.Of(command);
            LogRequestFailed(ex, context.Request.Path, "slack", origin?.Command ?? "-", origin?.DeliveryId ?? "-", origin?.TeamId ?? "-");
            if (answer is not null && command is not null)
            {
                // The command ran; only handing its answer back failed: it goes to response_url instead.
                dispatcher.DeliverLater(command, Task.FromResult(answer));
                return;
            }

            // Never a 500: Slack would only show the member a generic failure.
            await TryWriteJsonAsync(context, SlackDispatcher.ApologyMessage().ToResponse()).ConfigureAwait(false);
        }
    }

    public async Task InteractivityAsync(HttpContext context)
    {
        BlockAction? action = null;
        try
        {
            var body = await VerifiedBodyAsync(context).ConfigureAwait(false);
            if (body is null)
            {
                return;
            }

            var form = ParseForm(body);
            JsonElement payload;
            try
            {
                using var doc = JsonDocument.Parse(form.TryGetValue("payload", out var p) ? p.ToString() : "");
                payload = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                LogBadPayload("interactivity");
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            action = BlockAction.FromJson(payload);
            work.Run("interaction", ct => dispatcher.HandleInteractionAsync(payload, ct));
            context.Response.StatusCode = StatusCodes.Status200OK;
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Before the press was handed on, nothing ran: acknowledged all the same (a retry would not help), and
            // the member who pressed is told.
            var origin = action is null ? null : SlackOrigin.Of(action);
            LogRequestFailed(ex, context.Request.Path, "slack", origin?.Command ?? "-", origin?.DeliveryId ?? "-", origin?.TeamId ?? "-");
            TrySetStatus(context, StatusCodes.Status200OK);
            if (action is not null)
            {
                dispatcher.Apologize(action);
            }
        }
    }

    public async Task EventsAsync(HttpContext context)
    {
        try
        {
            await HandleEventsAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogRequestFailed(ex, context.Request.Path, "slack", "-", "-", "-");
            TrySetStatus(context, StatusCodes.Status200OK);
        }
    }

    private async Task HandleEventsAsync(HttpContext context)
    {
        var body = await VerifiedBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return;
        }

        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(body);
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            LogBadPayload("events");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var type = BlockAction.Str(root, "type");
        if (type == "url_verification")
        {
            await WriteJsonAsync(context, new JsonObject { ["challenge"] = BlockAction.Str(root, "challenge") ?? "" }).ConfigureAwait(false);
            return;
        }

        if (EventCallback.FromJson(root) is { } callback)
        {
            // Deduplicate by event_id, never by the retry header alone: a retry may be the only copy that arrived.
            var retry = context.Request.Headers["X-Slack-Retry-Num"].ToString();
            if (callback.EventId is { } eventId && !await dispatcher.IsFirstDeliveryAsync(eventId).ConfigureAwait(false))
            {
                LogRetrySkipped(eventId, retry, context.Request.Headers["X-Slack-Retry-Reason"].ToString());
            }
            else
            {
                work.Run("event", ct => dispatcher.HandleEventAsync(callback, ct));
            }
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private async Task<byte[]?> VerifiedBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return null;
        }

        // The signature covers the raw bytes: read them once, verify, and only then parse.
        var body = await ReadAllAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return null;
        }

        var check = verifier.Verify(
            request.Headers[SlackSignatureVerifier.TimestampHeader].ToString(),
            request.Headers[SlackSignatureVerifier.SignatureHeader].ToString(),
            body);
        if (check != SignatureCheck.Valid)
        {
            if (_refusals.Admit(Reason(check), out var held))
            {
                if (held is not null)
                {
                    LogHeldBack(request.Path, held.Count, held.FirstUtc, held.LastUtc, held.Reasons);
                }

                LogRejected(request.Path, check);
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return null;
        }

        return body;
    }

    private static async Task<byte[]?> ReadAllAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (result.Buffer.Length > MaxBodyBytes)
            {
                reader.AdvanceTo(result.Buffer.End);
                return null;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    internal static Dictionary<string, StringValues> ParseForm(byte[] body) =>
        QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body));

    private static async Task TryWriteJsonAsync(HttpContext context, JsonObject body)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await WriteJsonAsync(context, body).ConfigureAwait(false);
        }
    }

    private static void TrySetStatus(HttpContext context, int status)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = status;
        }
    }

    /// <summary>A slash command's answer, as <see cref="SlackMessage.ToResponse"/> would serialize it, with its length.</summary>
    private static Task WriteAnswerAsync(HttpContext context, SlackMessage answer)
    {
        var response = context.Response;
        if (answer.KnownResponse is { } known)
        {
            // A kept answer (help): its bytes are ready.
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json; charset=utf-8";
            response.ContentLength = known.Length;
            return response.BodyWriter.WriteAsync(known, context.RequestAborted).AsTask();
        }

        // Written into this thread's buffer and copied into the response before any await, so the buffer is free again.
        var buffer = t_answerBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            answer.WriteResponse(writer);
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = buffer.WrittenCount;
        response.BodyWriter.Write(buffer.WrittenSpan);
        if (buffer.Capacity > 64 * 1024)
        {
            // A rare very long answer does not keep its buffer.
            t_answerBuffer = null;
        }

        return response.BodyWriter.FlushAsync(context.RequestAborted).AsTask();
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_answerBuffer;

    private static async Task WriteJsonAsync(HttpContext context, JsonObject body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body), context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A request to {Path} failed on {Platform} (command {Command}, trigger {DeliveryId}, team {TeamId}); answered 200, the member is told")]
    private partial void LogRequestFailed(Exception ex, PathString path, string platform, string command, string deliveryId, string teamId);

    private static string Reason(SignatureCheck check) => check switch
    {
        SignatureCheck.MissingHeaders => "no signature",
        SignatureCheck.BadTimestamp => "unreadable timestamp",
        SignatureCheck.Stale => "timestamp too far from now",
        _ => "invalid signature",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a request to {Path}: signature check {Check}")]
    private partial void LogRejected(PathString path, SignatureCheck check);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Also rejected {Count} more requests to {Path} between {FirstUtc:HH:mm:ss} and {LastUtc:HH:mm:ss} UTC, not logged one by one ({Reasons})")]
    private partial void LogHeldBack(PathString path, int count, DateTimeOffset firstUtc, DateTimeOffset lastUtc, string reasons);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed slash command request had no team, user or command")]
    private partial void LogBadCommand();

    [LoggerMessage(Level = LogLevel.Warning, Message = "A signed {Endpoint} request carried unreadable JSON")]
    private partial void LogBadPayload(string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event {EventId} already handled; acknowledging retry {RetryNum} ({RetryReason}) without handling it again")]
    private partial void LogRetrySkipped(string eventId, string retryNum, string retryReason);
}
