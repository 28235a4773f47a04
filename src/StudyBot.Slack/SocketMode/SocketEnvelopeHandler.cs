using System.Text.Json;
using Microsoft.Extensions.Logging;
using StudyBot.Slack.Inbound;

namespace StudyBot.Slack.SocketMode;

/// <summary>
/// Handles each Socket Mode envelope once, whichever of the connections it arrives on and however often
/// Slack redelivers it: acknowledge first (a slash command's answer rides in the acknowledgement when it is
/// ready within the inline window), then do the work in the background.
/// </summary>
internal sealed partial class SocketEnvelopeHandler(
    SlackDispatcher dispatcher,
    SlackBackgroundWork work,
    TimeProvider time,
    ILogger<SocketEnvelopeHandler> logger)
{
    private readonly RecentKeys _seen = new(time, RecentKeys.DefaultTtl);
    private long _handled;
    private long _duplicates;

    public long Handled => Interlocked.Read(ref _handled);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public async Task HandleAsync(IEnvelopeAck ack, SocketEnvelope envelope)
    {
        // An Events API retry may come in a new envelope; its event_id is what stays the same.
        var eventId = envelope.Type == "events_api" && envelope.Payload.ValueKind == JsonValueKind.Object
            && envelope.Payload.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        var first = eventId is null
            ? _seen.TryMark($"envelope:{envelope.EnvelopeId}")
            : _seen.TryMark($"envelope:{envelope.EnvelopeId}", $"event:{eventId}");
        if (!first)
        {
            Interlocked.Increment(ref _duplicates);
            LogDuplicate(envelope.EnvelopeId, envelope.Type, envelope.RetryAttempt, envelope.RetryReason ?? "", ack.ConnectionId);
            await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _handled);
        switch (envelope.Type)
        {
            case "slash_commands":
                await HandleSlashCommandAsync(ack, envelope).ConfigureAwait(false);
                break;
            case "interactive":
                await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
                var payload = envelope.Payload;
                work.Run("interaction", ct => dispatcher.HandleInteractionAsync(payload, ct));
                break;
            case "events_api":
                await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
                if (EventCallback.FromJson(envelope.Payload) is { } callback)
                {
                    work.Run("event", ct => dispatcher.HandleEventAsync(callback, ct));
                }

                break;
            default:
                LogUnknownEnvelope(envelope.Type);
                await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
                break;
        }
    }

    private async Task HandleSlashCommandAsync(IEnvelopeAck ack, SocketEnvelope envelope)
    {
        var command = SlashCommand.FromJson(envelope.Payload);
        if (command is null)
        {
            LogBadCommand(envelope.EnvelopeId);
            await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var answer = await dispatcher.StartSlashCommandAsync(command, CancellationToken.None).ConfigureAwait(false);
        if (answer is null)
        {
            // Still running: acknowledge now; the dispatcher posts the answer to response_url when it is ready.
            await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        var inAck = envelope.AcceptsResponsePayload
            && await ack.AckAsync(answer.ToResponse(), CancellationToken.None).ConfigureAwait(false);
        if (!inAck)
        {
            // The socket closed under us, or Slack does not take a payload here: the answer must not be lost.
            await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
            dispatcher.DeliverLater(command, Task.FromResult(answer));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate envelope {EnvelopeId} ({Type}, retry attempt {RetryAttempt} {RetryReason}) on socket {Socket}: acknowledged, not handled again")]
    private partial void LogDuplicate(string envelopeId, string type, int retryAttempt, string retryReason, int socket);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acknowledged an envelope of unknown type {Type}")]
    private partial void LogUnknownEnvelope(string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slash command envelope {EnvelopeId} had no usable payload; acknowledged")]
    private partial void LogBadCommand(string envelopeId);
}
