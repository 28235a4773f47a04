using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Operations;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord.Gateway;

/// <summary>Receives gateway dispatches. Called on the receive loop: it must return quickly.</summary>
internal interface IGatewayEventSink
{
    void OnDispatch(string type, JsonElement data);
}

internal sealed record GatewaySettings(string Token, int ShardId, int ShardCount, string? GatewayUrlOverride, bool MemberEvents = false)
{
    /// <summary>GUILDS: interactions arrive without an intent, and nothing privileged is needed.</summary>
    public const int Guilds = 1;

    /// <summary>GUILD_MEMBERS (privileged): only with Discord:MemberEvents, to hear of members leaving.</summary>
    public const int GuildMembers = 1 << 1;

    /// <summary>GUILD_VOICE_STATES (not privileged): VOICE_STATE_UPDATE and GUILD_CREATE's voice_states, for voice study rooms.</summary>
    public const int GuildVoiceStates = 1 << 7;

    public int Intents => (MemberEvents ? Guilds | GuildMembers : Guilds) | GuildVoiceStates;
}

internal enum GatewayStatus
{
    Disconnected = 0,
    Connecting = 1,
    Identifying = 2,
    Resuming = 3,
    Ready = 4,
    Stopped = 5,
}

/// <summary>
/// One gateway v10 shard (JSON encoding): GET /gateway/bot, Hello, a jittered heartbeat with zombie detection,
/// Identify (GUILDS), READY, Resume on resume_gateway_url, op 7 and op 9, and the close-code table.
/// <see cref="RunAsync"/> keeps the session alive until cancelled (then closes with 1000) or until Discord
/// says the configuration is wrong (<see cref="GatewayFatalException"/>).
/// </summary>
internal sealed partial class GatewayClient(
    GatewaySettings settings,
    DiscordRestClient rest,
    IdentifyLimiter identifyLimiter,
    IGatewayEventSink sink,
    TimeProvider time,
    ILogger<GatewayClient> logger,
    ConnectionStates? states = null,
    LoopHeartbeats? loops = null)
{
    /// <summary>The platform's name in <see cref="ConnectionStates"/>.</summary>
    public const string Platform = "discord";

    /// <summary>Below this many remaining session starts, StudyBot waits for the reset rather than risk a token reset.</summary>
    public const int SessionStartReserve = 10;

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(30);
    private const int MaxMessageBytes = 64 * 1024 * 1024;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private string? _sessionId;
    private string? _resumeUrl;
    private string? _gatewayUrl;
    private int _resumeConnectFailures;
    private long _seq = -1;
    private int _maxConcurrency = 1;
    private volatile GatewayStatus _status;
    private long _latencyTicks = -1;
    private long _acks;

    /// <summary>Heartbeat ACKs taken in since the client was made, on every connection (for tests on fake time).</summary>
    internal long HeartbeatAcks => Interlocked.Read(ref _acks);

    public GatewayStatus Status => _status;

    public string? SessionId => _sessionId;

    public long Sequence => Interlocked.Read(ref _seq);

    /// <summary>The last heartbeat round trip, or null before the first ACK.</summary>
    public TimeSpan? Latency
    {
        get
        {
            var ticks = Interlocked.Read(ref _latencyTicks);
            return ticks >= 0 ? TimeSpan.FromTicks(ticks) : null;
        }
    }

    public ulong? ApplicationId { get; private set; }

    /// <summary>Connections opened so far, for health checks and tests.</summary>
    public int Connections { get; private set; }

    /// <summary>This shard's name in <see cref="ConnectionStates"/> and <see cref="LoopHeartbeats"/>.</summary>
    private string ConnectionName => "shard " + settings.ShardId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private string LoopName => "discord gateway " + ConnectionName;

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var resuming = _sessionId is not null && _resumeUrl is not null;
                Uri url;
                if (resuming)
                {
                    // After resume_gateway_url could not be reached, every other attempt resumes through the
                    // gateway URL instead (the docs' fallback), in case only that one host is down.
                    url = WithQuery(_resumeConnectFailures % 2 == 1 && _gatewayUrl is not null ? _gatewayUrl : _resumeUrl!);
                }
                else
                {
                    url = await PrepareIdentifyAsync(stoppingToken);
                    await identifyLimiter.WaitAsync(settings.ShardId, _maxConcurrency, stoppingToken);
                }

                var result = await RunConnectionAsync(url, resuming, stoppingToken);
                var delay = TimeSpan.Zero;
                failures = result.Established ? 0 : failures + 1;
                _resumeConnectFailures = result.ConnectFailed && resuming ? _resumeConnectFailures + 1 : 0;
                switch (result.Next)
                {
                    case Next.Stop:
                        return;
                    case Next.Fatal:
                        throw new GatewayFatalException(GatewayCloseCodes.FatalMessage(result.CloseCode ?? 0), result.CloseCode);
                    case Next.Resume when result.ConnectFailed && resuming:
                        // Discord keeps a session for a while: after a short outage, a resume replays what was
                        // missed and spends no identify. Only Discord's word (op 9 d:false, 4007, 4009) ends it.
                        delay = Backoff(failures);
                        break;
                    case Next.Resume:
                        delay = failures == 0 ? TimeSpan.Zero : Backoff(failures);
                        break;
                    case Next.Reidentify:
                        ClearSession();
                        delay = failures == 0 ? TimeSpan.Zero : Backoff(failures);
                        break;
                    case Next.InvalidSession:
                        ClearSession();

                        // Waiting 1-5 s keeps a fleet of shards from tripping max_concurrency together.
                        delay = TimeSpan.FromMilliseconds(1000 + Random.Shared.Next(4000));
                        break;
                }

                LogReconnecting(settings.ShardId, result.Next, result.Reason, delay.TotalMilliseconds);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _status = GatewayStatus.Stopped;
            loops?.Rest(LoopName);
            states?.Remove(Platform, ConnectionName);
        }
    }

    private async Task<Uri> PrepareIdentifyAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            GatewayBotInfo info;
            try
            {
                info = await rest.GetGatewayBotAsync(cancellationToken);
            }
            catch (Exception ex) when (TokenRefusal.IsRefusal(ex))
            {
                // Any 4xx but 429 on sign-in is the token (or the URL): retrying would only burn requests.
                throw new GatewayFatalException(TokenRefusal.Message("GET /gateway/bot", ex));
            }
            catch (Exception ex) when (ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordApiException or JsonException)
            {
                var wait = ex switch
                {
                    DiscordRateLimitedException r => r.RetryAfter,
                    DiscordCircuitOpenException c => c.RetryAfter,
                    _ => Backoff(++failures),
                };
                LogGatewayBotFailed(ex.Message, wait.TotalSeconds);
                await Task.Delay(wait, time, cancellationToken);
                continue;
            }

            var limit = info.SessionStartLimit;
            _maxConcurrency = Math.Max(1, limit.MaxConcurrency);
            if (info.Shards > settings.ShardCount)
            {
                LogMoreShardsRecommended(info.Shards, settings.ShardCount);
            }

            if (limit.Remaining <= SessionStartReserve)
            {
                var reset = TimeSpan.FromMilliseconds(Math.Max(1000, limit.ResetAfter));
                LogSessionLimitLow(limit.Remaining, limit.Total, reset.TotalMinutes);
                await Task.Delay(reset, time, cancellationToken);
                continue;
            }

            _gatewayUrl = string.IsNullOrWhiteSpace(settings.GatewayUrlOverride) ? info.Url : settings.GatewayUrlOverride;
            return WithQuery(_gatewayUrl);
        }
    }

    private async Task<ConnectionResult> RunConnectionAsync(Uri url, bool resuming, CancellationToken stoppingToken)
    {
        _status = GatewayStatus.Connecting;
        states?.Connecting(Platform, ConnectionName);
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.SetRequestHeader("User-Agent", DiscordRestClient.UserAgent);
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            connectTimeout.CancelAfter(ConnectTimeout);
            await socket.ConnectAsync(url, connectTimeout.Token);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is WebSocketException or HttpRequestException or OperationCanceledException or IOException)
        {
            return new ConnectionResult(Next.Resume, false, null, $"cannot connect: {ex.Message}", ConnectFailed: true);
        }

        Connections++;

        // Not linked to stoppingToken: cancelling a pending receive aborts the socket, and a shutdown should
        // send a close frame first. The registration below closes gracefully, then cancels if Discord is silent.
        using var connection = new CancellationTokenSource();
        await using var shutdown = stoppingToken.Register(() => _ = CloseForShutdownAsync(socket, connection));
        var state = new ConnectionState();
        var sender = new GatewaySender((bytes, ct) => socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct), time);
        var senderTask = sender.RunAsync(connection.Token);
        Task heartbeatTask = Task.CompletedTask;
        ConnectionResult result;
        try
        {
            result = await ReceiveLoopAsync(socket, sender, state, resuming, connection, t => heartbeatTask = t, stoppingToken);
        }
        catch (Exception ex) when (stoppingToken.IsCancellationRequested && ex is OperationCanceledException or WebSocketException or IOException)
        {
            result = new ConnectionResult(Next.Stop, state.Established, null, "stopping");
        }
        catch (OperationCanceledException) when (state.Zombie)
        {
            result = new ConnectionResult(Next.Resume, state.Established, null, "no heartbeat ACK between two heartbeats (zombie connection)");
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or InvalidOperationException)
        {
            result = new ConnectionResult(Next.Resume, state.Established, null, $"connection lost: {ex.Message}");
        }

        if (stoppingToken.IsCancellationRequested)
        {
            result = result with { Next = Next.Stop };
        }

        await connection.CancelAsync();
        await CloseAsync(socket, result.Next == Next.Stop);
        await Quietly(senderTask);
        await Quietly(heartbeatTask);
        _status = GatewayStatus.Disconnected;
        loops?.Rest(LoopName);
        states?.Disconnected(Platform, ConnectionName);
        return result;
    }

    private async Task<ConnectionResult> ReceiveLoopAsync(
        ClientWebSocket socket,
        GatewaySender sender,
        ConnectionState state,
        bool resuming,
        CancellationTokenSource connection,
        Action<Task> heartbeatStarted,
        CancellationToken stoppingToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var helloDeadline = CancellationTokenSource.CreateLinkedTokenSource(connection.Token);
        helloDeadline.CancelAfter(HelloTimeout);
        try
        {
            while (true)
            {
                buffer.ResetWrittenCount();
                var token = state.HelloSeen ? connection.Token : helloDeadline.Token;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (buffer.WrittenCount > MaxMessageBytes)
                    {
                        return new ConnectionResult(Next.Resume, state.Established, null, "message too large");
                    }

                    received = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), token);
                    buffer.Advance(received.Count);
                }
                while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                // Discord sends at least a heartbeat ACK every interval: a receive loop that reads nothing for two intervals
                // and the Hello deadline is stuck (the heartbeat's own zombie check would have ended the connection by then).
                loops?.Beat(LoopName, (2 * state.HeartbeatInterval) + HelloTimeout);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    var code = (int?)socket.CloseStatus;
                    var action = GatewayCloseCodes.ActionFor(code);
                    if (stoppingToken.IsCancellationRequested && code == (int)WebSocketCloseStatus.NormalClosure)
                    {
                        // Discord answering StudyBot's own 1000 at shutdown: the end of the handshake, not a problem.
                        LogClosedAtShutdown(GatewayCloseCodes.Describe(code));
                        return new ConnectionResult(Next.Stop, state.Established, code, "stopping");
                    }

                    LogClosedByDiscord(GatewayCloseCodes.Describe(code), socket.CloseStatusDescription);
                    return action switch
                    {
                        CloseAction.Fatal => new ConnectionResult(Next.Fatal, state.Established, code, GatewayCloseCodes.Describe(code)),
                        CloseAction.Reidentify => new ConnectionResult(Next.Reidentify, state.Established, code, GatewayCloseCodes.Describe(code)),
                        _ => new ConnectionResult(Next.Resume, state.Established, code, GatewayCloseCodes.Describe(code)),
                    };
                }

                ConnectionResult? next;
                try
                {
                    next = Handle(buffer.WrittenMemory, sender, state, resuming, connection, heartbeatStarted, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One message StudyBot could not handle must not end the session (a bug, or a shape Discord changed).
                    LogHandleFailed(ex, buffer.WrittenCount);
                    next = null;
                }

                if (next is not null)
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException) when (!state.HelloSeen && helloDeadline.IsCancellationRequested && !connection.IsCancellationRequested)
        {
            return new ConnectionResult(Next.Resume, false, null, "no Hello from Discord");
        }
        finally
        {
            helloDeadline.Dispose();
        }
    }

    /// <summary>Handles one gateway message; returns how the connection ends, or null to keep reading.</summary>
    private ConnectionResult? Handle(
        ReadOnlyMemory<byte> message,
        GatewaySender sender,
        ConnectionState state,
        bool resuming,
        CancellationTokenSource connection,
        Action<Task> heartbeatStarted,
        CancellationToken stoppingToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(message);
        }
        catch (JsonException)
        {
            LogUnreadable(message.Length);
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("op", out var opElement) || !opElement.TryGetInt32(out var op))
            {
                return null;
            }

            root.TryGetProperty("d", out var d);
            switch (op)
            {
                case 10:
                    var hello = d.Deserialize(DiscordJsonContext.Default.GatewayHello);
                    var interval = TimeSpan.FromMilliseconds(Math.Max(1, hello?.HeartbeatInterval ?? 45000));
                    state.HelloSeen = true;
                    state.HeartbeatInterval = interval;
                    if (state.HeartbeatStarted)
                    {
                        return null;
                    }

                    state.HeartbeatStarted = true;
                    heartbeatStarted(HeartbeatLoopAsync(interval, sender, state, connection));
                    _status = resuming ? GatewayStatus.Resuming : GatewayStatus.Identifying;
                    _ = (resuming ? SendResume(sender) : SendIdentify(sender)).ContinueWith(
                        static (t, s) => ((CancellationTokenSource)s!).Cancel(),
                        connection,
                        CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted,
                        TaskScheduler.Default);
                    return null;
                case 11:
                    state.Acked = true;
                    Interlocked.Increment(ref _acks);
                    Interlocked.Exchange(ref _latencyTicks, time.GetElapsedTime(state.LastBeat).Ticks);
                    return null;
                case 1:
                    _ = sender.EnqueueAsync(HeartbeatPayload(), heartbeat: true);
                    return null;
                case 7:
                    return new ConnectionResult(Next.Resume, state.Established, null, "Discord asked to reconnect (op 7)");
                case 9:
                    var resumable = d.ValueKind == JsonValueKind.True;
                    return resumable
                        ? new ConnectionResult(Next.Resume, state.Established, null, "invalid session (op 9, resumable)")
                        : new ConnectionResult(Next.InvalidSession, state.Established, null, "invalid session (op 9, not resumable)");
                case 0:
                    if (root.TryGetProperty("s", out var s) && s.TryGetInt64(out var seq))
                    {
                        Interlocked.Exchange(ref _seq, seq);
                    }

                    var type = root.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                    OnDispatch(type, d, state, stoppingToken);
                    return null;
                default:
                    LogUnknownOpcode(op);
                    return null;
            }
        }
    }

    private void OnDispatch(string type, JsonElement data, ConnectionState state, CancellationToken stoppingToken)
    {
        switch (type)
        {
            case "READY":
                GatewayReady? ready;
                try
                {
                    ready = data.Deserialize(DiscordJsonContext.Default.GatewayReady);
                }
                catch (JsonException ex)
                {
                    LogBadReady(ex.Message);
                    return;
                }

                if (ready is null)
                {
                    return;
                }

                _sessionId = ready.SessionId;
                _resumeUrl = ready.ResumeGatewayUrl;
                ApplicationId = ready.Application?.Id ?? ApplicationId;
                state.Established = true;
                _status = GatewayStatus.Ready;
                states?.Connected(Platform, ConnectionName);
                if (ready.V != 10)
                {
                    LogOtherVersion(ready.V);
                }

                LogReady(ready.User.Username ?? Snowflake.Format(ready.User.Id), ready.Guilds?.Count ?? 0, settings.ShardId, settings.ShardCount);
                break;
            case "RESUMED":
                state.Established = true;
                _status = GatewayStatus.Ready;
                states?.Connected(Platform, ConnectionName, resumed: true);
                LogResumed(Sequence);
                break;
        }

        if (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                sink.OnDispatch(type, data);
            }
            catch (Exception ex)
            {
                // Whatever went wrong with one dispatch, the session and every other dispatch carry on.
                LogSinkFailed(ex, type);
            }
        }
    }

    private async Task HeartbeatLoopAsync(TimeSpan interval, GatewaySender sender, ConnectionState state, CancellationTokenSource connection)
    {
        var token = connection.Token;
        try
        {
            // The docs: the first beat after interval * jitter, so a fleet reconnecting together spreads out.
            await Task.Delay(interval * Random.Shared.NextDouble(), time, token);
            state.Acked = true;
            while (!token.IsCancellationRequested)
            {
                if (!state.Acked)
                {
                    LogZombie(interval.TotalMilliseconds);
                    state.Zombie = true;
                    await connection.CancelAsync();
                    return;
                }

                state.Acked = false;
                state.LastBeat = time.GetTimestamp();
                await sender.EnqueueAsync(HeartbeatPayload(), heartbeat: true);
                await Task.Delay(interval, time, token);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is WebSocketException or InvalidOperationException or IOException)
        {
            // The receive loop sees the broken socket too and decides what to do.
        }
    }

    private Task SendIdentify(GatewaySender sender)
    {
        LogIdentifying(settings.ShardId, settings.ShardCount);
        var payload = new OutgoingPayload<IdentifyData>(2, new IdentifyData(
            settings.Token,
            settings.Intents,
            new IdentifyProperties(OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "macos" : "linux", "studybot", "studybot"),
            [settings.ShardId, settings.ShardCount]));
        return sender.EnqueueAsync(JsonSerializer.SerializeToUtf8Bytes(payload, DiscordJsonContext.Default.OutgoingPayloadIdentifyData), heartbeat: false);
    }

    private Task SendResume(GatewaySender sender)
    {
        LogResuming(Sequence);
        var payload = new OutgoingPayload<ResumeData>(6, new ResumeData(settings.Token, _sessionId!, Math.Max(0, Sequence)));
        return sender.EnqueueAsync(JsonSerializer.SerializeToUtf8Bytes(payload, DiscordJsonContext.Default.OutgoingPayloadResumeData), heartbeat: false);
    }

    private byte[] HeartbeatPayload()
    {
        var seq = Sequence;
        return JsonSerializer.SerializeToUtf8Bytes(new OutgoingPayload<long?>(1, seq >= 0 ? seq : null), DiscordJsonContext.Default.OutgoingPayloadNullableInt64);
    }

    private void ClearSession()
    {
        _sessionId = null;
        _resumeUrl = null;
        Interlocked.Exchange(ref _seq, -1);
    }

    private static async Task CloseAsync(ClientWebSocket socket, bool endSession)
    {
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                if (endSession)
                {
                    // Only at shutdown: 1000 ends the session and the bot shows offline at once.
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "shutting down", timeout.Token);
                }
                else
                {
                    // Anything but 1000/1001 keeps the session resumable.
                    await socket.CloseOutputAsync((WebSocketCloseStatus)GatewayCloseCodes.ResumableClose, "reconnecting", timeout.Token);
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            socket.Abort();
        }
    }

    /// <summary>At shutdown: send 1000 while the receive loop keeps reading, so it sees Discord's close reply.</summary>
    private static async Task CloseForShutdownAsync(ClientWebSocket socket, CancellationTokenSource connection)
    {
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout);
            if (socket.State == WebSocketState.Open)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "shutting down", timeout.Token);
            }

            await Task.Delay(CloseTimeout, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }

        try
        {
            await connection.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The connection already ended on its own.
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or InvalidOperationException or IOException or ObjectDisposedException)
        {
        }
    }

    private static Uri WithQuery(string url)
    {
        var builder = new UriBuilder(url) { Query = "v=10&encoding=json" };
        return builder.Uri;
    }

    /// <summary>1 s, 2 s, 4 s ... up to 60 s, plus up to 250 ms jitter; never a quick loop that burns identifies.</summary>
    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromMilliseconds(Math.Min(60_000, 1000 * Math.Pow(2, Math.Max(0, failures - 1))) + Random.Shared.Next(250));

    private enum Next
    {
        Resume = 0,
        Reidentify = 1,
        InvalidSession = 2,
        Fatal = 3,
        Stop = 4,
    }

    private sealed record ConnectionResult(Next Next, bool Established, int? CloseCode, string Reason, bool ConnectFailed = false);

    private sealed class ConnectionState
    {
        public volatile bool HelloSeen;
        public volatile bool HeartbeatStarted;
        public volatile bool Acked;
        public volatile bool Zombie;
        public volatile bool Established;
        public long LastBeat;

        /// <summary>Hello's heartbeat interval (zero until Hello).</summary>
        public TimeSpan HeartbeatInterval;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord gateway: identifying shard {ShardId}/{ShardCount}")]
    private partial void LogIdentifying(int shardId, int shardCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord gateway: resuming at sequence {Sequence}")]
    private partial void LogResuming(long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord gateway ready as {User} with {Guilds} guilds (shard {ShardId}/{ShardCount})")]
    private partial void LogReady(string user, int guilds, int shardId, int shardCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord gateway resumed at sequence {Sequence}")]
    private partial void LogResumed(long sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord READY reports gateway version {Version}; StudyBot speaks v10 and carries on")]
    private partial void LogOtherVersion(int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord gateway shard {ShardId}: reconnecting ({Next}) because {Reason}; waiting {DelayMs:0} ms")]
    private partial void LogReconnecting(int shardId, Next next, string reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord closed the gateway: {Code}, answering StudyBot's own close at shutdown")]
    private partial void LogClosedAtShutdown(string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord closed the gateway: {Code} {Description}")]
    private partial void LogClosedByDiscord(string code, string? description);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord gateway: no heartbeat ACK within {IntervalMs:0} ms; the connection is a zombie, reconnecting to resume")]
    private partial void LogZombie(double intervalMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Discord allows only {Remaining} of {Total} session starts until its limit resets; StudyBot will not identify for {Minutes:0.#} minutes, so the token is not reset by Discord")]
    private partial void LogSessionLimitLow(int remaining, int total, double minutes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GET /gateway/bot failed ({Reason}); trying again in {Seconds:0.#} s")]
    private partial void LogGatewayBotFailed(string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord recommends {Recommended} shards but Discord:ShardCount is {Configured}")]
    private partial void LogMoreShardsRecommended(int recommended, int configured);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Discord gateway: ignoring unknown opcode {Op}")]
    private partial void LogUnknownOpcode(int op);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord gateway: ignoring a message that is not JSON ({Bytes} bytes)")]
    private partial void LogUnreadable(int bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Discord gateway: READY could not be read: {Reason}")]
    private partial void LogBadReady(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Discord gateway: a message of {Bytes} bytes could not be handled; the session carries on")]
    private partial void LogHandleFailed(Exception ex, int bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Discord gateway: handling dispatch {Type} failed")]
    private partial void LogSinkFailed(Exception ex, string type);
}
