using System.Threading.Channels;

namespace StudyBot.Discord.Gateway;

/// <summary>
/// The one writer of a gateway connection (ClientWebSocket allows one send at a time). It keeps every
/// connection under Discord's 120 events per 60 s, with <see cref="HeartbeatReserve"/> of them kept for
/// heartbeats, and refuses payloads over 4096 bytes, which Discord would answer by closing with 4002.
/// </summary>
internal sealed class GatewaySender(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> transport, TimeProvider time)
{
    public const int MaxPayloadBytes = 4096;
    public const int WindowLimit = 120;
    public const int HeartbeatReserve = 3;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly Channel<Outgoing> _priority = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Outgoing> _normal = Channel.CreateUnbounded<Outgoing>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<long> _sent = new();
    private int _total;

    /// <summary>Events sent on this connection so far.</summary>
    public int Total => Volatile.Read(ref _total);

    /// <summary>Queues a payload; the task completes once it is on the wire.</summary>
    public Task EnqueueAsync(byte[] payload, bool heartbeat)
    {
        if (payload.Length > MaxPayloadBytes)
        {
            throw new ArgumentException($"A gateway payload is {payload.Length} bytes; Discord allows at most {MaxPayloadBytes}.", nameof(payload));
        }

        var item = new Outgoing(payload, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!(heartbeat ? _priority : _normal).Writer.TryWrite(item))
        {
            item.Done.TrySetException(new InvalidOperationException("The gateway connection is closed."));
        }

        return item.Done.Task;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_priority.Reader.TryRead(out var beat))
                {
                    await WaitForSlotAsync(WindowLimit, cancellationToken);
                    await SendAsync(beat, cancellationToken);
                    continue;
                }

                if (_normal.Reader.TryPeek(out _))
                {
                    // Whenever a wait ends, go round again so a heartbeat that arrived meanwhile goes first.
                    var wait = UntilSlot(WindowLimit - HeartbeatReserve);
                    if (wait > TimeSpan.Zero)
                    {
                        await WaitOrHeartbeatAsync(wait, cancellationToken);
                        continue;
                    }

                    if (_normal.Reader.TryRead(out var item))
                    {
                        await SendAsync(item, cancellationToken);
                    }

                    continue;
                }

                var priorityReady = _priority.Reader.WaitToReadAsync(cancellationToken).AsTask();
                var normalReady = _normal.Reader.WaitToReadAsync(cancellationToken).AsTask();
                await Task.WhenAny(priorityReady, normalReady);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
            if (ex is not OperationCanceledException)
            {
                throw;
            }
        }
        finally
        {
            Fail(new OperationCanceledException("The gateway connection closed before this payload was sent."));
        }
    }

    private async Task SendAsync(Outgoing item, CancellationToken cancellationToken)
    {
        try
        {
            await transport(item.Payload, cancellationToken);
        }
        catch (Exception ex)
        {
            item.Done.TrySetException(ex);
            throw;
        }

        _sent.Enqueue(time.GetTimestamp());
        Interlocked.Increment(ref _total);
        item.Done.TrySetResult();
    }

    /// <summary>Waits until a normal slot frees up, or until a heartbeat is queued.</summary>
    private async Task WaitOrHeartbeatAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(Task.Delay(wait, time, cts.Token), _priority.Reader.WaitToReadAsync(cts.Token).AsTask());
        await cts.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task WaitForSlotAsync(int limit, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        while ((wait = UntilSlot(limit)) > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private TimeSpan UntilSlot(int limit)
    {
        var now = time.GetTimestamp();
        while (_sent.Count > 0 && time.GetElapsedTime(_sent.Peek(), now) >= Window)
        {
            _sent.Dequeue();
        }

        return _sent.Count < limit ? TimeSpan.Zero : Window - time.GetElapsedTime(_sent.Peek(), now);
    }

    private void Fail(Exception ex)
    {
        _priority.Writer.TryComplete();
        _normal.Writer.TryComplete();
        while (_priority.Reader.TryRead(out var a))
        {
            a.Done.TrySetException(ex);
        }

        while (_normal.Reader.TryRead(out var b))
        {
            b.Done.TrySetException(ex);
        }
    }

    private sealed record Outgoing(byte[] Payload, TaskCompletionSource Done);
}
