using System.Text.Json;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Telemetry;
using StudyBot.Slack.Http;
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
    ILogger<SocketEnvelopeHandler> logger,
    StudyBot.Core.Chat.ISeenDeliveries? shared = null)
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
        string[] keys = eventId is null ? [$"envelope:{envelope.EnvelopeId}"] : [$"envelope:{envelope.EnvelopeId}", $"event:{eventId}"];
        var first = _seen.TryMark(keys) && await SharedFirstAsync(shared, keys, time, logger).ConfigureAwait(false);
        if (!first)
        {
            Interlocked.Increment(ref _duplicates);
            LogDuplicate(envelope.EnvelopeId, envelope.Type, envelope.RetryAttempt, envelope.RetryReason ?? "", ack.ConnectionId);
            await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        Interlocked.Increment(ref _handled);

        // The adapter's span over Socket Mode: a command's trace starts here (over HTTP, under ASP.NET Core's request).
        using var span = StudyBotTrace.Source.StartActivity("slack envelope");
        span?.SetTag("studybot.platform", StudyBot.Core.Chat.Platforms.Slack);
        span?.SetTag("studybot.envelope", envelope.Type is "slash_commands" or "interactive" or "events_api" ? envelope.Type : "other");
        try
        {
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
        catch (Exception ex)
        {
            await FailedAsync(ex, ack, envelope).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// With several instances on one database (<paramref name="shared"/> registered), Slack may redeliver an envelope to
    /// another instance's connection: the database says whether any instance has seen it. When it cannot be asked (it is
    /// down, or does not answer within <see cref="SharedCheckTimeout"/>, which keeps the acknowledgement inside Slack's 3
    /// seconds), the envelope is handled: a command is still applied once by its receipt, and nothing is dropped.
    /// </summary>
    internal static async Task<bool> SharedFirstAsync(StudyBot.Core.Chat.ISeenDeliveries? shared, string[] keys, TimeProvider time, ILogger logger)
    {
        if (shared is null)
        {
            return true;
        }

        try
        {
            using var timeout = new CancellationTokenSource(SharedCheckTimeout, time);
            return await shared.TryMarkAsync([.. keys.Select(k => "slack:" + k)], RecentKeys.DefaultTtl, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSharedDedupeFailed(logger, ex, ex.GetType().Name);
            return true;
        }
    }

    /// <summary>How long the shared check may take before the envelope is handled without it.</summary>
    public static readonly TimeSpan SharedCheckTimeout = TimeSpan.FromSeconds(1);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check with the database whether another instance saw this delivery ({Error}); handling it (its receipt still applies a command once)")]
    private static partial void LogSharedDedupeFailed(ILogger logger, Exception ex, string error);

    /// <summary>
    /// A bug while handling one envelope: logged with what identifies it (never the member's text), the member is
    /// told (in the acknowledgement when it can carry an answer, otherwise through response_url), and every other
    /// envelope goes on as usual.
    /// </summary>
    private async Task FailedAsync(Exception ex, IEnvelopeAck ack, SocketEnvelope envelope)
    {
        var command = envelope.Type == "slash_commands" ? SlashCommand.FromJson(envelope.Payload) : null;
        var action = envelope.Type == "interactive" ? BlockAction.FromJson(envelope.Payload) : null;
        var origin = command is not null ? SlackOrigin.Of(command) : action is not null ? SlackOrigin.Of(action) : null;
        LogEnvelopeFailed(ex, envelope.Type, "slack", envelope.EnvelopeId, origin?.Command ?? "-", origin?.DeliveryId ?? "-", origin?.TeamId ?? "-");
        if (command is not null && envelope.AcceptsResponsePayload && !ack.IsDone
            && await ack.AckAsync(SlackDispatcher.ApologyMessage().ToResponse(), CancellationToken.None).ConfigureAwait(false))
        {
            return;
        }

        if (!ack.IsDone)
        {
            await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
        }

        if (command is not null)
        {
            dispatcher.Apologize(command);
        }
        else if (action is not null)
        {
            dispatcher.Apologize(action);
        }
    }

    private async Task HandleSlashCommandAsync(IEnvelopeAck ack, SocketEnvelope envelope)
    {
        var command = SlashCommand.FromJson(envelope.Payload);
        if (command is null)
        {
            // As over HTTP: whoever typed it sees a short note rather than nothing at all.
            LogBadCommand(envelope.EnvelopeId);
            await ack.AckAsync(envelope.AcceptsResponsePayload ? SlackHttpHandler.Unreadable() : null, CancellationToken.None).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling {Type} envelope {EnvelopeId} failed on {Platform} (command {Command}, trigger {DeliveryId}, team {TeamId}); acknowledged, the member is told")]
    private partial void LogEnvelopeFailed(Exception ex, string type, string platform, string envelopeId, string command, string deliveryId, string teamId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Acknowledged an envelope of unknown type {Type}")]
    private partial void LogUnknownEnvelope(string type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slash command envelope {EnvelopeId} had no usable payload; acknowledged")]
    private partial void LogBadCommand(string envelopeId);
}
