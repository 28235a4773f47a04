using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace StudyBot.Slack.SocketMode;

/// <summary>Why a connection has to be replaced.</summary>
internal enum ConnectionEnd
{
    /// <summary>Slack sent <c>disconnect</c>; see <see cref="ConnectionSignal.Reason"/>.</summary>
    Disconnect = 0,

    /// <summary>The socket closed, failed, or stopped answering PINGs.</summary>
    Lost = 1,
}

internal sealed record ConnectionSignal(ConnectionEnd End, string Reason);

/// <summary>The acknowledgement owed for one envelope, on the socket it arrived on. Only the first call sends.</summary>
internal interface IEnvelopeAck
{
    int ConnectionId { get; }

    bool IsDone { get; }

    /// <summary>Sends <c>{"envelope_id":…}</c> (with <paramref name="payload"/> when given); false when the socket can no longer send or this envelope was already acknowledged.</summary>
    Task<bool> AckAsync(JsonNode? payload, CancellationToken cancellationToken);
}

/// <summary>
/// One Socket Mode WebSocket, owned by exactly one task: connects, waits for <c>hello</c>, reads whole
/// messages, hands envelopes to the handler, acknowledges on this same socket, and reports (once) why it
/// must be replaced. Closing waits for outstanding acknowledgements; disposing always aborts the socket.
/// </summary>
internal sealed partial class SocketModeConnection : IAsyncDisposable
{
    private const int MaxMessageBytes = 4 * 1024 * 1024;
    private static int s_nextId;

    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource<bool> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<ConnectionSignal> _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _acksDrained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Uri _url;
    private readonly Func<IEnvelopeAck, SocketEnvelope, Task> _onEnvelope;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private Task _receiveLoop = Task.CompletedTask;
    private int _pendingAcks;
    private int _closing;
    private int _disposed;

    public SocketModeConnection(Uri url, TimeSpan keepAliveInterval, TimeSpan keepAliveTimeout, Func<IEnvelopeAck, SocketEnvelope, Task> onEnvelope, TimeProvider time, ILogger logger)
    {
        Id = Interlocked.Increment(ref s_nextId);
        _url = url;
        _onEnvelope = onEnvelope;
        _time = time;
        _logger = logger;

        // Real PING/PONG: without a timeout ClientWebSocket only sends unsolicited PONGs and never notices a dead peer.
        _socket.Options.KeepAliveInterval = keepAliveInterval;
        _socket.Options.KeepAliveTimeout = keepAliveTimeout;
    }

    public int Id { get; }

    public int? NumConnections { get; private set; }

    public DateTimeOffset? HelloAt { get; private set; }

    public DateTimeOffset? LastFrameAt { get; private set; }

    /// <summary>Completes (once) with the reason this connection has to be replaced.</summary>
    public Task<ConnectionSignal> Signal => _signal.Task;

    public bool IsOpen => _socket.State == WebSocketState.Open;

    /// <summary>Connects and waits for <c>hello</c>; false (socket aborted) when either fails or takes longer than <paramref name="helloTimeout"/>.</summary>
    public async Task<bool> ConnectAsync(TimeSpan helloTimeout, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(helloTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken, _lifetime.Token);
        try
        {
            await _socket.ConnectAsync(_url, linked.Token).ConfigureAwait(false);
            _receiveLoop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
            return await _hello.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpRequestException or IOException)
        {
            LogConnectFailed(_logger, Id, timeout.IsCancellationRequested ? "no hello in time" : ex.Message);
            _socket.Abort();
            return false;
        }
    }

    private async Task<bool> SendAckAsync(string envelopeId, JsonNode? payload, CancellationToken cancellationToken)
    {
        var ack = new JsonObject { ["envelope_id"] = envelopeId };
        if (payload is not null)
        {
            ack["payload"] = payload;
        }

        try
        {
            return await SendAsync(JsonSerializer.SerializeToUtf8Bytes(ack), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (Interlocked.Decrement(ref _pendingAcks) == 0 && Volatile.Read(ref _closing) == 1)
            {
                _acksDrained.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Make-before-break's last step: waits (briefly) for acknowledgements still owed on this socket, sends
    /// a normal close, waits for Slack's close frame, then disposes.
    /// </summary>
    public async Task CloseAsync(TimeSpan grace)
    {
        // StudyBot is the one ending this socket (a shutdown or a replacement): its closing is no news, so the
        // receive loop must not report it as lost.
        _signal.TrySetResult(new ConnectionSignal(ConnectionEnd.Lost, "closed by StudyBot"));
        Volatile.Write(ref _closing, 1);
        if (Volatile.Read(ref _pendingAcks) == 0)
        {
            _acksDrained.TrySetResult();
        }

        try
        {
            await _acksDrained.Task.WaitAsync(grace, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogAcksAbandoned(_logger, Id, Volatile.Read(ref _pendingAcks));
        }

        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(grace, _time);
                await _sendLock.WaitAsync(cts.Token).ConfigureAwait(false);
                try
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "replaced", cts.Token).ConfigureAwait(false);
                }
                finally
                {
                    _sendLock.Release();
                }

                await _receiveLoop.WaitAsync(grace, _time).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Closing politely failed; disposing aborts the socket either way.
        }

        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _signal.TrySetResult(new ConnectionSignal(ConnectionEnd.Lost, "disposed"));
        await _lifetime.CancelAsync().ConfigureAwait(false);
        _socket.Abort();
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The loop ends with the abort.
        }

        _socket.Dispose();
        _lifetime.Dispose();
        LogClosed(_logger, Id);
    }

    private async Task<bool> SendAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        try
        {
            await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        try
        {
            if (_socket.State != WebSocketState.Open)
            {
                return false;
            }

            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return false;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var message = new ArrayBufferWriter<byte>(16 * 1024);
        var reason = "closed";
        try
        {
            while (_socket.State == WebSocketState.Open || _socket.State == WebSocketState.CloseSent)
            {
                var result = await _socket.ReceiveAsync(buffer, _lifetime.Token).ConfigureAwait(false);
                LastFrameAt = _time.GetUtcNow();
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    reason = $"closed by Slack ({result.CloseStatus})";
                    break;
                }

                if (message.WrittenCount + result.Count > MaxMessageBytes)
                {
                    reason = "message too large";
                    break;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    try
                    {
                        Dispatch(message.WrittenSpan);
                    }
                    catch (Exception ex)
                    {
                        // One message must never end the connection (nor, through it, the host): log it and read on.
                        LogDispatchFailed(_logger, ex, Id);
                    }
                }

                message.ResetWrittenCount();
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            reason = "disposed";
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Includes a missed PONG (KeepAliveTimeout) and a dropped TCP connection.
            reason = ex.Message;
        }
        catch (Exception ex)
        {
            // Anything else is a bug: the connection is replaced like a lost one, never left to fault unobserved.
            LogReceiveFailed(_logger, ex, Id);
            reason = ex.GetType().Name;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _hello.TrySetResult(false);
            if (_signal.TrySetResult(new ConnectionSignal(ConnectionEnd.Lost, reason)))
            {
                LogLost(_logger, Id, reason);
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> utf8)
    {
        SocketMessage parsed;
        try
        {
            parsed = SocketMessage.Parse(utf8);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Unparsable, but if it names an envelope it must still be acknowledged or Slack redelivers it forever.
            var text = Encoding.UTF8.GetString(utf8);
            var match = EnvelopeIdPattern().Match(text);
            LogUnparsable(_logger, Id, match.Success);
            if (match.Success)
            {
                _ = NewAck(match.Groups[1].Value).AckAsync(null, CancellationToken.None);
            }

            return;
        }

        switch (parsed)
        {
            case SocketHello hello:
                HelloAt = _time.GetUtcNow();
                NumConnections = hello.NumConnections;
                LogHello(_logger, Id, hello.NumConnections, hello.ApproximateConnectionTime);
                _hello.TrySetResult(true);
                break;
            case SocketDisconnect disconnect:
                LogDisconnect(_logger, Id, disconnect.Reason);
                _signal.TrySetResult(new ConnectionSignal(ConnectionEnd.Disconnect, disconnect.Reason));
                break;
            case SocketEnvelope envelope:
                _ = HandleAsync(envelope, NewAck(envelope.EnvelopeId));
                break;
            default:
                LogUnknownMessage(_logger, Id);
                break;
        }
    }

    private EnvelopeAck NewAck(string envelopeId)
    {
        Interlocked.Increment(ref _pendingAcks);
        return new EnvelopeAck(this, envelopeId);
    }

    private async Task HandleAsync(SocketEnvelope envelope, EnvelopeAck ack)
    {
        try
        {
            await _onEnvelope(ack, envelope).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogEnvelopeFailed(_logger, ex, Id, envelope.Type, envelope.EnvelopeId);
        }
        finally
        {
            // Every envelope is acknowledged, even one whose handling failed, or Slack redelivers it.
            if (!ack.IsDone)
            {
                await ack.AckAsync(null, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private sealed class EnvelopeAck(SocketModeConnection connection, string envelopeId) : IEnvelopeAck
    {
        private int _done;

        public int ConnectionId => connection.Id;

        public bool IsDone => Volatile.Read(ref _done) == 1;

        public Task<bool> AckAsync(JsonNode? payload, CancellationToken cancellationToken) =>
            Interlocked.Exchange(ref _done, 1) == 1
                ? Task.FromResult(false)
                : connection.SendAckAsync(envelopeId, payload, cancellationToken);
    }

    [GeneratedRegex("\"envelope_id\"\\s*:\\s*\"([^\"]{1,200})\"")]
    private static partial Regex EnvelopeIdPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket {Id}: hello (Slack counts {NumConnections} connection(s); lifetime about {Lifetime} s)")]
    private static partial void LogHello(ILogger logger, int id, int? numConnections, int? lifetime);

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket {Id}: Slack asked to disconnect ({Reason})")]
    private static partial void LogDisconnect(ILogger logger, int id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket {Id}: could not connect ({Problem})")]
    private static partial void LogConnectFailed(ILogger logger, int id, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket {Id}: connection lost ({Reason})")]
    private static partial void LogLost(ILogger logger, int id, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Socket {Id}: closed")]
    private static partial void LogClosed(ILogger logger, int id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket {Id}: closing with {Count} acknowledgement(s) still unsent")]
    private static partial void LogAcksAbandoned(ILogger logger, int id, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Socket {Id}: unparsable message (envelope id found: {Found})")]
    private static partial void LogUnparsable(ILogger logger, int id, bool found);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Socket {Id}: ignoring a message of unknown type")]
    private static partial void LogUnknownMessage(ILogger logger, int id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket {Id}: handling {Type} envelope {EnvelopeId} failed on slack; it was acknowledged and the socket carries on")]
    private static partial void LogEnvelopeFailed(ILogger logger, Exception ex, int id, string type, string envelopeId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket {Id}: reading failed unexpectedly; the connection is replaced")]
    private static partial void LogReceiveFailed(ILogger logger, Exception ex, int id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Socket {Id}: a message could not be handled; the socket carries on")]
    private static partial void LogDispatchFailed(ILogger logger, Exception ex, int id);
}
