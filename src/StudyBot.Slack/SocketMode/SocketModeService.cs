using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Slack.Api;

namespace StudyBot.Slack.SocketMode;

/// <summary>
/// Keeps <see cref="SlackOptions.Connections"/> Socket Mode connections open, each in its own slot owned
/// by one task. On <c>warning</c> or <c>refresh_requested</c> the slot opens the new connection (fresh URL,
/// hello) before closing the old one; on a lost socket or <c>too_many_websockets</c> it reconnects after a
/// jittered backoff; on <c>link_disabled</c> the process stops with a clear message. Sockets are always
/// closed or aborted and disposed, so they never pile up on Slack's side.
/// </summary>
internal sealed partial class SocketModeService(
    SlackApiClient api,
    SocketEnvelopeHandler handler,
    SlackFatal fatal,
    IOptions<SlackOptions> options,
    TimeProvider time,
    ILogger<SocketModeService> logger,
    StudyBot.Core.Operations.ConnectionStates? states = null) : IHostedService, IAsyncDisposable
{
    /// <summary>The platform's name in <see cref="StudyBot.Core.Operations.ConnectionStates"/>.</summary>
    public const string Platform = "slack";

    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(3);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<int, SocketModeConnection> _sockets = new();
    private Task[] _slots = [];
    private long _reconnects;
    private long _opened;
    private int _disposed;

    /// <summary>Sockets that exist right now (connecting, live, or being replaced).</summary>
    public int OpenSockets => _sockets.Count;

    public int LiveConnections => _sockets.Values.Count(s => s.HelloAt is not null && s.IsOpen);

    public long Reconnects => Interlocked.Read(ref _reconnects);

    public long SocketsOpened => Interlocked.Read(ref _opened);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // The bot token was refused (the start-up check has said so): nothing to connect.
        if (fatal.IsStopping)
        {
            return;
        }

        // The first URL checks the app token, so a wrong one stops the host now with a message naming it.
        var first = await OpenUrlAsync(startup: true, cancellationToken).ConfigureAwait(false);
        if (fatal.IsStopping)
        {
            return;
        }

        states?.Plan(Platform, options.Value.Connections);
        _slots = Enumerable.Range(0, options.Value.Connections)
            .Select(slot =>
            {
                var url = slot == 0 ? first : null;
                return Task.Run(() => RunSlotAsync(slot, url, _stopping.Token), CancellationToken.None);
            })
            .ToArray();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_slots).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutdown timeout: whatever is left is aborted in DisposeAsync.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Registered both as itself and as a hosted service, so the container disposes it twice.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets.Values)
        {
            await socket.DisposeAsync().ConfigureAwait(false);
        }

        _sockets.Clear();
        _stopping.Dispose();
    }

    private async Task RunSlotAsync(int slot, Uri? firstUrl, CancellationToken cancellationToken)
    {
        SocketModeConnection? current = null;
        var failures = 0;
        var name = "socket " + slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (current is null)
                {
                    states?.Connecting(Platform, name);
                    current = await ConnectAsync(firstUrl, cancellationToken).ConfigureAwait(false);
                    firstUrl = null;
                    if (current is not null)
                    {
                        states?.Connected(Platform, name);
                    }
                    else
                    {
                        states?.Disconnected(Platform, name);
                        failures++;
                        await Task.Delay(Backoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), time, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    failures = 0;
                }

                var signal = await current.Signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (signal is { End: ConnectionEnd.Disconnect, Reason: "link_disabled" })
                {
                    fatal.Stop("Slack disabled Socket Mode for this app (disconnect reason link_disabled). Turn Socket Mode back on under Settings > Socket Mode, or set Slack:Mode=Http with a signing secret.");
                    await CloseAsync(current).ConfigureAwait(false);
                    current = null;
                    return;
                }

                if (signal is { End: ConnectionEnd.Disconnect, Reason: "warning" or "refresh_requested" })
                {
                    // Make before break: the old socket keeps serving until the new one has said hello.
                    LogRefreshing(slot, current.Id, signal.Reason);
                    var next = await ConnectReplacementAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref _reconnects);

                    // Make before break: the slot never stopped serving, so it stays connected since when it was.
                    states?.Refreshed(Platform, name);
                    await CloseAsync(current).ConfigureAwait(false);
                    current = next;
                    continue;
                }

                LogReplacing(slot, current.Id, signal.End.ToString(), signal.Reason);
                states?.Disconnected(Platform, name);
                await CloseAsync(current).ConfigureAwait(false);
                current = null;
                Interlocked.Increment(ref _reconnects);

                // too_many_websockets means sockets are piling up somewhere: back off harder before adding one.
                failures = signal.Reason == "too_many_websockets" ? Math.Max(failures + 1, 3) : failures + 1;
                await Task.Delay(Backoff.Delay(failures, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            // A slot must never die silently: that is the "connected but deaf" failure.
            LogSlotCrashed(ex, slot);
            fatal.Stop($"Socket Mode connection slot {slot} failed unexpectedly: {ex.Message}");
        }
        finally
        {
            states?.Remove(Platform, name);
            if (current is not null)
            {
                await CloseAsync(current).ConfigureAwait(false);
            }
        }
    }

    private async Task<SocketModeConnection> ConnectReplacementAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var next = await ConnectAsync(null, cancellationToken).ConfigureAwait(false);
            if (next is not null)
            {
                return next;
            }

            await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)), time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SocketModeConnection?> ConnectAsync(Uri? url, CancellationToken cancellationToken)
    {
        url ??= await OpenUrlAsync(startup: false, cancellationToken).ConfigureAwait(false);
        if (url is null || fatal.IsStopping)
        {
            return null;
        }

        var o = options.Value;
        var connection = new SocketModeConnection(url, o.KeepAliveInterval, o.KeepAliveTimeout, handler.HandleAsync, time, logger);
        _sockets[connection.Id] = connection;
        Interlocked.Increment(ref _opened);
        if (await connection.ConnectAsync(o.HelloTimeout, cancellationToken).ConfigureAwait(false))
        {
            LogConnected(connection.Id, _sockets.Count);
            return connection;
        }

        _sockets.TryRemove(connection.Id, out _);
        await connection.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    private async Task CloseAsync(SocketModeConnection connection)
    {
        try
        {
            if (connection.IsOpen)
            {
                await connection.CloseAsync(CloseGrace).ConfigureAwait(false);
            }
            else
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _sockets.TryRemove(connection.Id, out _);
        }
    }

    /// <summary>apps.connections.open with the app token: a fresh wss:// URL for each connection.</summary>
    private async Task<Uri?> OpenUrlAsync(bool startup, CancellationToken cancellationToken)
    {
        var response = await api.CallAsync(
            new SlackApiCall("apps.connections.open") { Token = SlackTokenKind.App, StopOnFatal = !startup },
            cancellationToken).ConfigureAwait(false);
        if (response.IsOk)
        {
            if (Uri.TryCreate(response.String("url"), UriKind.Absolute, out var url) && url.Scheme is "wss" or "ws")
            {
                return url;
            }

            LogBadUrl();
            return null;
        }

        if (startup && response.Outcome is SlackOutcome.Fatal or SlackOutcome.Failed)
        {
            fatal.StopAtStart($"Slack refused Slack:AppToken on apps.connections.open ({response.Error}). Generate an app-level token with the connections:write scope under Basic Information > App-Level Tokens and set it as Slack__AppToken.");
            return null;
        }

        LogOpenFailed(response.Error, response.RetryAfter?.TotalSeconds);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Socket {Id} is live ({Count} socket(s) open)")]
    private partial void LogConnected(int id, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Slot {Slot}: Slack sent {Reason} for socket {Id}; opening its replacement before closing it")]
    private partial void LogRefreshing(int slot, int id, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slot {Slot}: socket {Id} ended ({End}: {Reason}); reconnecting after a backoff")]
    private partial void LogReplacing(int slot, int id, string end, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "apps.connections.open failed ({Error}, retry after {RetryAfter} s); backing off")]
    private partial void LogOpenFailed(string? error, double? retryAfter);

    [LoggerMessage(Level = LogLevel.Error, Message = "apps.connections.open returned no usable wss:// URL")]
    private partial void LogBadUrl();

    [LoggerMessage(Level = LogLevel.Critical, Message = "Socket Mode slot {Slot} crashed")]
    private partial void LogSlotCrashed(Exception ex, int slot);
}
