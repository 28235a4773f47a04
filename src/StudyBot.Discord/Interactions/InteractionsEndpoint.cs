using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Operations;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord.Interactions;

/// <summary>HTTP mode: the interaction's initial response is the answer to Discord's POST.</summary>
internal sealed class HttpResponder : IInteractionResponder
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<InteractionResponse> _initial = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _delivered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<InteractionResponse> Initial => _initial.Task;

    public async Task<CallbackOutcome> RespondAsync(InteractionResponse response, CancellationToken cancellationToken)
    {
        if (!_initial.TrySetResult(response))
        {
            return CallbackOutcome.AlreadyAcknowledged;
        }

        // An edit of @original must not overtake the deferral it edits.
        var delivered = await _delivered.Task.WaitAsync(DeliveryTimeout, cancellationToken);
        return delivered ? CallbackOutcome.Accepted : CallbackOutcome.Expired;
    }

    public void Delivered(bool ok) => _delivered.TrySetResult(ok);
}

/// <summary>
/// <c>POST /discord/interactions</c>: verifies the Ed25519 signature over the raw body before reading it
/// (401 otherwise, as Discord's own probes expect), refuses stale timestamps and replayed interaction ids,
/// answers PING with PONG, and otherwise answers with the processor's initial response.
/// </summary>
internal sealed partial class InteractionsEndpoint(
    SignatureVerifier verifier,
    InteractionProcessor processor,
    DiscordRuntime runtime,
    TimeProvider time,
    ILogger<InteractionsEndpoint> logger)
{
    public const string Path = "/discord/interactions";
    public const int MaxBodyBytes = 1 << 20;

    /// <summary>A flood of forged, stale or replayed requests writes two log lines a minute, not one per request.</summary>
    private readonly RefusalLog _refusals = new(time);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var body = await ReadBodyAsync(request, context.RequestAborted);
        if (body is null)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        // The timestamp's age first: it costs nothing, while checking an Ed25519 signature is the dearest step of a
        // request, so a stale one (a replay) is refused without it.
        var timestamp = request.Headers["X-Signature-Timestamp"].ToString();
        if (!SignatureVerifier.IsFresh(timestamp, time.GetUtcNow()))
        {
            Refused("timestamp missing or too far from now");
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var signature = request.Headers["X-Signature-Ed25519"].ToString();
        if (!verifier.Verify(timestamp, signature, body))
        {
            Refused("invalid or missing signature");
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        Interaction? interaction;
        try
        {
            interaction = JsonSerializer.Deserialize(body, DiscordJsonContext.Default.Interaction);
        }
        catch (JsonException)
        {
            interaction = null;
        }

        if (interaction is null)
        {
            response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        if (!await processor.TryClaimSharedAsync(interaction.Id))
        {
            Refused("replayed interaction id");
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (interaction.Type == InteractionTypes.Ping)
        {
            await WriteAsync(response, InteractionResponse.Pong, context.RequestAborted);
            return;
        }

        var responder = new HttpResponder();
        var work = processor.Start(interaction, responder, runtime.Stopping);
        var first = await Task.WhenAny(responder.Initial, work);
        if (first != responder.Initial)
        {
            responder.Delivered(false);
            response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        try
        {
            await WriteAsync(response, await responder.Initial, context.RequestAborted);
            await response.CompleteAsync();
            responder.Delivered(true);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            responder.Delivered(false);
        }
    }

    private static async Task WriteAsync(HttpResponse response, InteractionResponse answer, CancellationToken cancellationToken)
    {
        var bytes = answer.Json ?? JsonSerializer.SerializeToUtf8Bytes(answer, DiscordJsonContext.Default.InteractionResponse);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }

    /// <summary>The raw body bytes (the signature covers exactly these), or null when larger than allowed.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is > MaxBodyBytes)
        {
            return null;
        }

        if (request.ContentLength is { } length)
        {
            var exact = new byte[length];
            await request.Body.ReadExactlyAsync(exact, cancellationToken);
            return exact;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private void Refused(string reason)
    {
        if (_refusals.Admit(reason, out var held))
        {
            if (held is not null)
            {
                LogHeldBack(held.Count, held.FirstUtc, held.LastUtc, held.Reasons);
            }

            LogRefused(reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a request to /discord/interactions: {Reason}")]
    private partial void LogRefused(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Also refused {Count} more requests to /discord/interactions between {FirstUtc:HH:mm:ss} and {LastUtc:HH:mm:ss} UTC, not logged one by one ({Reasons})")]
    private partial void LogHeldBack(int count, DateTimeOffset firstUtc, DateTimeOffset lastUtc, string reasons);
}
