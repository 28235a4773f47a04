using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StudyBot.Discord.Tests.Fakes;

/// <summary>A rate-limit bucket the fake enforces for one route template, per top-level resource.</summary>
public sealed record FakeBucket(int Limit, TimeSpan Window, string Hash);

/// <summary>
/// A one-shot fault for the next REST request that matches. <paramref name="Body"/> replaces the error body of a
/// 4xx answer (for example a documented 50035 with its <c>errors</c> tree).
/// <paramref name="AbortAfterHandling"/> lets Discord do the work (a message is created) and then drops the connection
/// before the answer leaves: the client cannot know whether the request took effect.
/// </summary>
public sealed record FakeFault(Func<FakeRequest, bool> Matches, int Status = 0, string? Scope = null, double RetryAfter = 0, TimeSpan Delay = default, bool Abort = false, int Times = 1, JsonNode? Body = null, bool AbortAfterHandling = false)
{
    internal int Used;
}

/// <summary>A file uploaded as a multipart part.</summary>
public sealed record FakeFile(string Part, string FileName, string ContentType, byte[] Content);

public sealed record FakeRequest(string Method, string Path, string Template, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At)
{
    /// <summary>Files of a multipart request; <see cref="Body"/> is then its <c>payload_json</c>.</summary>
    public IReadOnlyList<FakeFile> Files { get; init; } = [];

    public int Status { get; internal set; }

    /// <summary>The request was handled but its answer was dropped (<see cref="FakeFault.AbortAfterHandling"/>).</summary>
    public bool AbortAfterHandling { get; internal set; }

    public JsonNode? Json => Body.Length == 0 ? null : JsonNode.Parse(Body);
}

/// <summary>What the fake knows about one interaction it dispatched (or a test posted in HTTP mode).</summary>
public sealed class FakeInteraction(ulong id, string token, long dispatchedAt, bool answeredOverHttp = false)
{
    /// <summary>HTTP mode: the initial response went back as the answer to Discord's POST, which the fake does not see.</summary>
    public bool AnsweredOverHttp { get; } = answeredOverHttp;

    public ulong Id { get; } = id;

    public string Token { get; } = token;

    public long DispatchedAt { get; } = dispatchedAt;

    public ConcurrentQueue<JsonNode> Callbacks { get; } = new();

    public ConcurrentQueue<JsonNode> Edits { get; } = new();

    public ConcurrentQueue<JsonNode> FollowUps { get; } = new();

    private int _callbackAttempts;
    private int _alreadyAcknowledged;
    private int _late;
    private int _expired;

    /// <summary>Webhook calls (edits, follow-ups) refused with 50027 because the token's 15 minutes were over.</summary>
    public int ExpiredTokenAnswers => Volatile.Read(ref _expired);

    internal void CountExpired() => Interlocked.Increment(ref _expired);

    public int CallbackAttempts => Volatile.Read(ref _callbackAttempts);

    public int AlreadyAcknowledgedAnswers => Volatile.Read(ref _alreadyAcknowledged);

    public int LateCallbacks => Volatile.Read(ref _late);

    internal void CountAttempt() => Interlocked.Increment(ref _callbackAttempts);

    internal void CountAlreadyAcknowledged() => Interlocked.Increment(ref _alreadyAcknowledged);

    internal void CountLate() => Interlocked.Increment(ref _late);

    public TaskCompletionSource<JsonNode> Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<JsonNode> Edited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class FakeGatewaySession(string id, int shardId, int shardCount = 1)
{
    private readonly List<(long Seq, string Frame)> _log = [];

    public string Id { get; } = id;

    public int ShardId { get; } = shardId;

    /// <summary>The shard count the session identified with.</summary>
    public int ShardCount { get; } = shardCount;

    public long Seq { get; private set; }

    public bool Invalidated { get; set; }

    internal SemaphoreSlim Lock { get; } = new(1, 1);

    internal FakeGatewayConnection? Live { get; set; }

    internal string Append(string type, JsonNode? data)
    {
        Seq++;
        var frame = new JsonObject { ["op"] = 0, ["s"] = Seq, ["t"] = type, ["d"] = data?.DeepClone() }.ToJsonString();
        _log.Add((Seq, frame));
        return frame;
    }

    internal IEnumerable<string> After(long seq) => _log.Where(e => e.Seq > seq).Select(e => e.Frame).ToList();
}

public sealed class FakeGatewayConnection(WebSocket socket, string path, HttpContext context, int number)
{
    private readonly SemaphoreSlim _send = new(1, 1);

    public int Number { get; } = number;

    public string Path { get; } = path;

    public string Query { get; } = context.Request.QueryString.Value ?? "";

    public ConcurrentQueue<JsonNode> Received { get; } = new();

    public int? ClientCloseCode { get; internal set; }

    public bool ClosedByServer { get; internal set; }

    public bool AckHeartbeats { get; set; } = true;

    public FakeGatewaySession? Session { get; internal set; }

    public bool Identified { get; internal set; }

    public int Heartbeats => Received.Count(r => (int?)r["op"] == 1);

    internal WebSocket Socket => socket;

    internal Queue<long> SendTimes { get; } = new();

    public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task SendAsync(string frame)
    {
        await Bounded.EnterAsync(_send, $"the send lock of fake gateway connection {Number}");
        try
        {
            if (socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
        }
        finally
        {
            _send.Release();
        }
    }

    public async Task CloseAsync(int code, string reason)
    {
        ClosedByServer = true;
        await Bounded.EnterAsync(_send, $"the send lock of fake gateway connection {Number}");
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Drops the TCP connection without a close frame.</summary>
    public void Drop()
    {
        ClosedByServer = true;
        if (Closed.Task.IsCompleted)
        {
            return;
        }

        try
        {
            context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already ended.
        }
    }
}

public sealed class FakeDiscordOptions
{
    public const string Token = "fake-bot-token";
    public const ulong ApplicationId = 1196393339289731072;
    public const ulong BotUserId = 1196393339289731072;

    /// <summary>Clock for rate-limit windows, the 3-second interaction deadline, the 15-minute token and the nonce window.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>
    /// How long an interaction token works for follow-ups and <c>@original</c> edits (15 minutes, as documented); after it
    /// the webhook routes answer 401 with code 50027 Invalid Webhook Token.
    /// </summary>
    public TimeSpan InteractionTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a message nonce sent with <c>enforce_nonce</c> is remembered. Discord says "the past few minutes";
    /// the fake keeps five. After it, the same nonce creates a new message.
    /// </summary>
    public TimeSpan NonceWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Guild owners (GET /guilds/{guild_id} owner_id). The owner may do anything, whatever their roles; in the Study Hall
    /// that is the fixtures' user, who holds every permission in the interaction fixtures.
    /// </summary>
    public Dictionary<ulong, ulong> GuildOwners { get; } = new() { [290926798626357999] = 53908232506183680 };

    public int HeartbeatIntervalMs { get; set; } = 45000;

    public int ReadyVersion { get; set; } = 10;

    public int GlobalLimit { get; set; } = 50;

    public bool EnforceGlobalLimit { get; set; } = true;

    public bool EnforceInteractionDeadline { get; set; } = true;

    public bool EnforceGatewaySendLimit { get; set; } = true;

    public int SessionStartRemaining { get; set; } = 999;

    public long SessionStartResetAfterMs { get; set; } = 14_400_000;

    public int MaxConcurrency { get; set; } = 1;

    /// <summary>The shard count GET /gateway/bot recommends.</summary>
    public int RecommendedShards { get; set; } = 1;

    /// <summary>Privileged intents switched on for the application in the Developer Portal (none by default).</summary>
    public int AllowedPrivilegedIntents { get; set; }

    /// <summary>Guilds sent as GUILD_CREATE after READY: id and name.</summary>
    public Dictionary<ulong, string> Guilds { get; } = new() { [290926798626357999] = "Study Hall" };

    /// <summary>Rate limits by route template key, e.g. "POST /channels/{channel_id}/messages".</summary>
    public Dictionary<string, FakeBucket> Buckets { get; } = new(StringComparer.Ordinal)
    {
        ["POST /channels/{channel_id}/messages"] = new(5, TimeSpan.FromSeconds(5), "msg-bucket-0001"),
        ["POST /users/@me/channels"] = new(50, TimeSpan.FromSeconds(1), "dm-open-bucket-01"),
        ["PUT /applications/{application_id}/commands"] = new(2, TimeSpan.FromSeconds(20), "cmd-bucket-00001"),
        ["PUT /applications/{application_id}/guilds/{guild_id}/commands"] = new(2, TimeSpan.FromSeconds(20), "cmd-bucket-00001"),
        ["GET /gateway/bot"] = new(2, TimeSpan.FromSeconds(5), "gateway-bot-0001"),
    };

    /// <summary>Checks a request body against the documented schema; returns the problem or null. Null skips checks.</summary>
    public Func<string, string, string, string?>? BodyValidator { get; set; }

    /// <summary>
    /// Off by default, as on Discord, whose schemas allow <c>null</c> for many optional fields (and refuse it, through
    /// <see cref="BodyValidator"/>, where they do not). On, the fake behaves like stricter re-implementations of the
    /// API, which answer 50035 to any property sent as an explicit <c>null</c>.
    /// </summary>
    public bool RefuseExplicitNulls { get; set; }

    /// <summary>Guild channels: id, guild, name, type (0 text, 2 voice, 5 announcement, 13 stage).</summary>
    public List<(ulong Id, ulong GuildId, string Name, int Type)> Channels { get; } =
    [
        (645027906669510667, 290926798626357999, "study-hall", 0),
        (645027906669510668, 290926798626357999, "wins", 0),
        (645027906669510669, 290926798626357999, "Lounge", 2),
        (645027906669510670, 290926798626357999, "Study Room", 2),
        (645027906669510671, 290926798626357999, "Quiet Room", 2),
        (645027906669510672, 290926798626357999, "Stage", 13),
        (700000000000000001, 41771983423143937, "other-guild", 0),
    ];

    /// <summary>The bot's own role in the Study Hall guild: managed, position 10, with Manage Roles.</summary>
    public const ulong BotRoleId = 1196393339289731100;

    /// <summary>Guild roles; the @everyone role's id is the guild's.</summary>
    public List<FakeRole> Roles { get; } =
    [
        new(290926798626357999, 290926798626357999, "@everyone", 0, 1024 | 2048),
        new(BotRoleId, 290926798626357999, "StudyBot", 10, FakeDiscordServer.ManageRoles | 19456, managed: true),
    ];

    /// <summary>Guild members and the ids of their roles. The bot and the fixtures' user are in the Study Hall.</summary>
    public ConcurrentDictionary<(ulong Guild, ulong User), ConcurrentDictionary<ulong, bool>> Members { get; } = new()
    {
        [(290926798626357999, BotUserId)] = new() { [BotRoleId] = true },
        [(290926798626357999, 53908232506183680)] = new(),
    };

    /// <summary>Users whose DMs are closed: sends to their DM channel answer 403 / 50007.</summary>
    public HashSet<ulong> ClosedDms { get; } = [];

    /// <summary>
    /// As on Discord, a post to a channel the fake does not know (not one of <see cref="Channels"/>, not a DM channel it
    /// opened or was given with <see cref="FakeDiscordServer.AddDmChannel"/>) answers 404 / 10003 Unknown Channel. Off by
    /// default: the REST client's tests post to made-up channel ids. A DM channel closed with
    /// <see cref="FakeDiscordServer.CloseDmChannel"/> answers 10003 either way.
    /// </summary>
    public bool KnownChannelsOnly { get; set; }

    /// <summary>Keep every request (tests); a benchmark turns this off to save memory.</summary>
    public bool RecordRequests { get; set; } = true;
}

/// <summary>
/// A fake Discord on 127.0.0.1 (real Kestrel, real port) for the adapter's tests and benchmarks: the gateway
/// WebSocket (Hello, heartbeats, Identify, READY, Resume with replay, op 7/9, close codes, send limits) and the
/// REST routes StudyBot uses, with real rate-limit headers, 429s by scope, the 3-second interaction deadline,
/// 40060 on a second acknowledgement, nonce dedupe, 50007 for closed DMs, and injectable faults.
/// </summary>
public sealed partial class FakeDiscordServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = false };

    private readonly WebApplication _app;
    private readonly FakeDiscordOptions _options;
    private readonly ConcurrentDictionary<string, FakeGatewaySession> _sessions = new();
    private readonly ConcurrentDictionary<ulong, FakeInteraction> _interactions = new();
    private readonly ConcurrentDictionary<string, BucketState> _buckets = new();
    private readonly ConcurrentDictionary<string, (JsonNode Message, long At)> _nonces = new();
    private readonly ConcurrentDictionary<ulong, ulong> _dmChannels = new();
    private readonly ConcurrentDictionary<ulong, ulong> _dmRecipients = new();
    private readonly ConcurrentDictionary<ulong, bool> _goneChannels = new();
    private readonly ConcurrentQueue<long> _globalWindow = new();
    private readonly Lock _globalLock = new();
    private readonly List<FakeFault> _faults = [];
    private readonly List<FakeGatewayConnection> _connections = [];
    private long _ids = 1_500_000_000_000_000_000;
    private int _connectionCount;
    private TaskCompletionSource _connectionChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeDiscordServer(WebApplication app, FakeDiscordOptions options)
    {
        _app = app;
        _options = options;
    }

    public FakeDiscordOptions Options => _options;

    public Uri BaseAddress { get; private set; } = null!;

    public string ApiBaseUrl => new Uri(BaseAddress, "api/v10").ToString();

    public string GatewayUrl => $"ws://{BaseAddress.Authority}/gateway";

    public string ResumeGatewayUrl => $"ws://{BaseAddress.Authority}/resume";

    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    public ConcurrentQueue<string> SchemaViolations { get; } = new();

    public ConcurrentQueue<(int ShardId, int ShardCount, int Intents, long At)> Identifies { get; } = new();

    public ConcurrentQueue<(string Path, string SessionId, long Seq)> Resumes { get; } = new();

    /// <summary>
    /// Every time a connection took up a shard (by Identify or Resume): the shard, the shard count, the session and the
    /// connection's number, in order. A test sees from it how often each shard was connected.
    /// </summary>
    public ConcurrentQueue<(int ShardId, int ShardCount, string SessionId, int Connection, long At)> ShardSessions { get; } = new();

    /// <summary>
    /// Moments a connection took up a shard while another open connection still had it: two connections receiving one
    /// shard's events, which a bot's instances must never cause. Each entry names the shard and both connections.
    /// </summary>
    public ConcurrentQueue<string> ShardOverlaps { get; } = new();

    /// <summary>Discord's routing: a guild's events go to shard <c>(guild_id &gt;&gt; 22) % shard_count</c>.</summary>
    public static int ShardOf(ulong guildId, int shardCount) => (int)((guildId >> 22) % (ulong)Math.Max(1, shardCount));

    /// <summary>The open connections that hold a session of each shard now, by shard id.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<FakeGatewayConnection>> LiveShards() =>
        Connections
            .Where(c => !c.Closed.Task.IsCompleted && c.Identified && c.Session is not null)
            .GroupBy(c => c.Session!.ShardId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<FakeGatewayConnection>)g.ToList());

    public ConcurrentDictionary<ulong, ConcurrentQueue<JsonNode>> Messages { get; } = new();

    public ConcurrentDictionary<string, JsonNode> RegisteredCommands { get; } = new();

    /// <summary>The DM channel the fake opened for a user, if any.</summary>
    public ulong? DmChannelOf(ulong userId) => _dmChannels.TryGetValue(userId, out var channel) ? channel : null;

    /// <summary>
    /// A DM channel between the bot and a user that already exists (opened in an earlier week, say): posts to it are
    /// accepted, and opening the user's DM returns it, as Discord returns an existing DM channel.
    /// </summary>
    public void AddDmChannel(ulong userId, ulong channelId)
    {
        _dmChannels[userId] = channelId;
        _dmRecipients[channelId] = userId;
    }

    /// <summary>
    /// The user's DM channel is gone: posts to its id answer 404 / 10003 Unknown Channel from now on, and opening the
    /// user's DM gives a new channel. Returns the old channel's id.
    /// </summary>
    public ulong? CloseDmChannel(ulong userId)
    {
        if (!_dmChannels.TryRemove(userId, out var channel))
        {
            return null;
        }

        _dmRecipients.TryRemove(channel, out _);
        _goneChannels[channel] = true;
        return channel;
    }

    /// <summary>Whether a post to the channel would find it (<see cref="FakeDiscordOptions.KnownChannelsOnly"/>).</summary>
    private bool KnowsChannel(ulong channelId) =>
        !_goneChannels.ContainsKey(channelId)
        && (!_options.KnownChannelsOnly || _dmRecipients.ContainsKey(channelId) || _options.Channels.Any(c => c.Id == channelId));

    /// <summary>Messages in a channel (a DM channel or a guild channel): what its reader sees.</summary>
    public int MessageCount(ulong channelId) => Messages.TryGetValue(channelId, out var messages) ? messages.Count : 0;

    /// <summary>Messages in every DM channel together (closed ones too).</summary>
    public int DirectMessageCount => _dmRecipients.Keys.Concat(_goneChannels.Keys).Sum(MessageCount);

    public IReadOnlyDictionary<ulong, FakeInteraction> Interactions => _interactions;

    public int TooManyRequests => Requests.Count(r => r.Status == 429);

    public long TotalRequests;

    public long Total429;

    /// <summary>The next Identify is answered with op 9 (d:false), as Discord does when identifies come too fast.</summary>
    public int RejectNextIdentifies { get; set; }

    /// <summary>A gateway outage: while true, WebSocket upgrades on both gateway URLs are answered 503, so connecting fails.</summary>
    public bool GatewayUnavailable { get; set; }

    /// <summary>A flakier outage: while true, the gateway accepts the WebSocket and drops it at once, before Hello.</summary>
    public bool GatewayDropsConnections { get; set; }

    private int _refusedConnections;

    /// <summary>Gateway connection attempts refused or dropped during an outage.</summary>
    public int RefusedConnections => Volatile.Read(ref _refusedConnections);

    public IReadOnlyList<FakeGatewayConnection> Connections
    {
        get
        {
            lock (_connections)
            {
                return [.. _connections];
            }
        }
    }

    public FakeGatewayConnection? Current => Connections.LastOrDefault(c => !c.Closed.Task.IsCompleted);

    public static async Task<FakeDiscordServer> StartAsync(FakeDiscordOptions? options = null)
    {
        options ??= new FakeDiscordOptions();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Limits.MaxConcurrentConnections = null).UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new FakeDiscordServer(app, options);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in Connections)
        {
            connection.Drop();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void AddFault(FakeFault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    public int PendingFaults
    {
        get
        {
            lock (_faults)
            {
                return _faults.Count(f => f.Used < f.Times);
            }
        }
    }

    /// <summary>Waits for a gateway connection (beyond <paramref name="after"/> connections) that satisfies the condition.</summary>
    public async Task<FakeGatewayConnection> WaitForConnectionAsync(Func<FakeGatewayConnection, bool> condition, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var changed = _connectionChanged.Task;
            var match = Connections.LastOrDefault(condition);
            if (match is not null)
            {
                return match;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw Bounded.TimedOut(timeout ?? TimeSpan.FromSeconds(20), $"a gateway connection that fits (have {Connections.Count}, {Connections.Count(c => !c.Closed.Task.IsCompleted)} open)");
            }
        }
    }

    public FakeInteraction Register(ulong id, string token, bool answeredOverHttp = false)
    {
        var interaction = new FakeInteraction(id, token, _options.Time.GetTimestamp(), answeredOverHttp);
        _interactions[id] = interaction;
        return interaction;
    }

    /// <summary>Dispatches an INTERACTION_CREATE on the session (queued for replay when no connection is live).</summary>
    public async Task<FakeInteraction> DispatchInteractionAsync(JsonObject interaction, FakeGatewaySession? session = null)
    {
        var id = ulong.Parse((string)interaction["id"]!, CultureInfo.InvariantCulture);
        var record = _interactions.GetOrAdd(id, _ => new FakeInteraction(id, (string)interaction["token"]!, _options.Time.GetTimestamp()));
        await DispatchAsync("INTERACTION_CREATE", interaction, session);
        return record;
    }

    /// <summary>
    /// Sends a dispatch on the given session, or as Discord routes it: an event of a guild (its <c>guild_id</c>, or the
    /// guild itself for GUILD_* events) to the newest session of the guild's shard, anything else (a DM) to shard 0.
    /// </summary>
    public async Task DispatchAsync(string type, JsonNode? data, FakeGatewaySession? session = null)
    {
        session ??= RouteSession(type, data) ?? throw new InvalidOperationException("No gateway session yet for the shard this event goes to.");
        await Bounded.EnterAsync(session.Lock, $"the lock of fake gateway session {session.Id}");
        try
        {
            var frame = session.Append(type, data);
            if (session.Live is { } live)
            {
                await live.SendAsync(frame);
            }
        }
        finally
        {
            session.Lock.Release();
        }
    }

    public FakeGatewaySession? LatestSession() =>
        Connections.Select(c => c.Session).LastOrDefault(s => s is not null && !s.Invalidated);

    /// <summary>The newest live session of the shard a dispatch goes to (see <see cref="DispatchAsync"/>).</summary>
    public FakeGatewaySession? RouteSession(string type, JsonNode? data)
    {
        var guild = GuildOf(type, data);
        return Connections.Select(c => c.Session)
            .LastOrDefault(s => s is not null && !s.Invalidated && s.ShardId == (guild is { } g ? ShardOf(g, s.ShardCount) : 0));
    }

    private static ulong? GuildOf(string type, JsonNode? data)
    {
        var id = data is JsonObject o ? (string?)(o["guild_id"] ?? (type.StartsWith("GUILD_", StringComparison.Ordinal) && !type.StartsWith("GUILD_MEMBER", StringComparison.Ordinal) ? o["id"] : null)) : null;
        return ulong.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var guild) ? guild : null;
    }

    /// <summary>Records a connection taking up a shard, and an overlap when another open connection still has it.</summary>
    private void TookShard(FakeGatewayConnection connection, FakeGatewaySession session)
    {
        ShardSessions.Enqueue((session.ShardId, session.ShardCount, session.Id, connection.Number, _options.Time.GetTimestamp()));
        foreach (var other in Connections)
        {
            // A connection closing (its close frame in, or dropped by the fake) no longer receives; a resume moves
            // its own session off the old connection.
            if (!ReferenceEquals(other, connection) && !other.Closed.Task.IsCompleted && other.Identified && other.ClientCloseCode is null && !other.ClosedByServer
                && other.Session is { } held && !ReferenceEquals(held, session) && held.ShardId == session.ShardId && held.ShardCount == session.ShardCount)
            {
                ShardOverlaps.Enqueue($"shard {session.ShardId}/{session.ShardCount}: connection {connection.Number} while connection {other.Number} was still open");
            }
        }
    }

    public IReadOnlyCollection<FakeGatewaySession> Sessions => _sessions.Values.ToList();

    public ulong NextId() => (ulong)Interlocked.Increment(ref _ids);

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (path is "/gateway" or "/resume")
        {
            await GatewayAsync(context, path);
            return;
        }

        if (!path.StartsWith("/api/v10/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 404;
            return;
        }

        await RestAsync(context, path["/api/v10".Length..]);
    }

    // ---------------------------------------------------------------- gateway

    private async Task GatewayAsync(HttpContext context, string path)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        if (GatewayUnavailable)
        {
            context.Response.StatusCode = 503;
            Interlocked.Increment(ref _refusedConnections);
            SignalConnections();
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (GatewayDropsConnections)
        {
            Interlocked.Increment(ref _refusedConnections);
            SignalConnections();
            context.Abort();
            return;
        }

        FakeGatewayConnection connection;
        lock (_connections)
        {
            connection = new FakeGatewayConnection(socket, path, context, ++_connectionCount);
            _connections.Add(connection);
        }

        SignalConnections();
        try
        {
            var query = context.Request.Query;
            if (query["v"] != "10" || query["encoding"] != "json")
            {
                await connection.CloseAsync(4012, "Invalid API version");
                await DrainAsync(connection);
                return;
            }

            await connection.SendAsync(Frame(10, new JsonObject { ["heartbeat_interval"] = _options.HeartbeatIntervalMs }));
            await ReceiveAsync(connection);
        }
        finally
        {
            if (connection.Session is { } session && ReferenceEquals(session.Live, connection))
            {
                session.Live = null;
            }

            connection.Closed.TrySetResult();
            SignalConnections();
        }
    }

    private static async Task DrainAsync(FakeGatewayConnection connection)
    {
        var buffer = new byte[1024];
        try
        {
            while (connection.Socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var r = await connection.Socket.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    connection.ClientCloseCode = (int?)connection.Socket.CloseStatus;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException)
        {
        }
    }

    private async Task ReceiveAsync(FakeGatewayConnection connection)
    {
        var socket = connection.Socket;
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    message.Write(buffer, 0, result.Count);
                }
                while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    connection.ClientCloseCode = (int?)socket.CloseStatus;
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        // Complete the closing handshake, as Discord does.
                        await connection.CloseAsync(connection.ClientCloseCode ?? 1000, "bye");
                    }

                    return;
                }

                if (connection.ClosedByServer)
                {
                    continue;
                }

                if (message.Length > 4096)
                {
                    await connection.CloseAsync(4002, "Decode error: payload too large");
                    continue;
                }

                var now = _options.Time.GetTimestamp();
                connection.SendTimes.Enqueue(now);
                while (connection.SendTimes.Count > 0 && _options.Time.GetElapsedTime(connection.SendTimes.Peek(), now) >= TimeSpan.FromSeconds(60))
                {
                    connection.SendTimes.Dequeue();
                }

                if (_options.EnforceGatewaySendLimit && connection.SendTimes.Count > 120)
                {
                    await connection.CloseAsync(4008, "Rate limited");
                    continue;
                }

                JsonNode? payload;
                try
                {
                    payload = JsonNode.Parse(message.ToArray());
                }
                catch (JsonException)
                {
                    await connection.CloseAsync(4002, "Decode error");
                    continue;
                }

                connection.Received.Enqueue(payload!);
                await OnClientFrameAsync(connection, payload!);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task OnClientFrameAsync(FakeGatewayConnection connection, JsonNode payload)
    {
        var op = (int?)payload["op"];
        var d = payload["d"];

        // "You sent us a payload prior to identifying" (4003). Heartbeats are not held against a client: the docs have it
        // heartbeat from Hello on, and its first, jittered beat may leave before Identify.
        if (!connection.Identified && op is not (1 or 2 or 6))
        {
            await connection.CloseAsync(4003, "Not authenticated");
            return;
        }

        switch (op)
        {
            case 1:
                if (connection.AckHeartbeats)
                {
                    await connection.SendAsync(Frame(11, null));
                }

                break;
            case 2:
                await IdentifyAsync(connection, d);
                break;
            case 6:
                await ResumeAsync(connection, d);
                break;
            case 3 or 4 or 8:
                break;
            default:
                await connection.CloseAsync(4001, "Unknown opcode");
                break;
        }
    }

    private async Task IdentifyAsync(FakeGatewayConnection connection, JsonNode? d)
    {
        if (connection.Identified)
        {
            await connection.CloseAsync(4005, "Already authenticated");
            return;
        }

        if ((string?)d?["token"] != FakeDiscordOptions.Token)
        {
            await connection.CloseAsync(4004, "Authentication failed");
            return;
        }

        var intents = (int?)d?["intents"] ?? -1;
        const int privileged = (1 << 1) | (1 << 8) | (1 << 15);
        if (intents < 0 || intents >= 1 << 26)
        {
            await connection.CloseAsync(4013, "Invalid intent(s)");
            return;
        }

        if ((intents & privileged & ~_options.AllowedPrivilegedIntents) != 0)
        {
            await connection.CloseAsync(4014, "Disallowed intent(s)");
            return;
        }

        var shard = d?["shard"] as JsonArray;
        var shardId = (int?)shard?[0] ?? 0;
        var shardCount = (int?)shard?[1] ?? 1;
        if (shardId < 0 || shardId >= shardCount)
        {
            await connection.CloseAsync(4010, "Invalid shard");
            return;
        }

        Identifies.Enqueue((shardId, shardCount, intents, _options.Time.GetTimestamp()));
        if (RejectNextIdentifies > 0)
        {
            RejectNextIdentifies--;
            await connection.SendAsync(Frame(9, false));
            return;
        }

        connection.Identified = true;
        var session = new FakeGatewaySession(Guid.NewGuid().ToString("N"), shardId, shardCount);
        var guilds = _options.Guilds.Where(g => ShardOf(g.Key, shardCount) == shardId).ToList();
        _sessions[session.Id] = session;
        await Bounded.EnterAsync(session.Lock, $"the lock of fake gateway session {session.Id}");
        try
        {
            connection.Session = session;
            session.Live = connection;
            var ready = new JsonObject
            {
                ["v"] = _options.ReadyVersion,
                ["user"] = new JsonObject { ["id"] = FakeDiscordOptions.BotUserId.ToString(CultureInfo.InvariantCulture), ["username"] = "StudyBot", ["global_name"] = null, ["discriminator"] = "0", ["avatar"] = null, ["bot"] = true },
                ["guilds"] = new JsonArray(guilds.Select(g => g.Key).Select(g => (JsonNode)new JsonObject { ["id"] = g.ToString(CultureInfo.InvariantCulture), ["unavailable"] = true }).ToArray()),
                ["session_id"] = session.Id,
                ["resume_gateway_url"] = ResumeGatewayUrl,
                ["shard"] = new JsonArray(shardId, shardCount),
                ["application"] = new JsonObject { ["id"] = FakeDiscordOptions.ApplicationId.ToString(CultureInfo.InvariantCulture), ["flags"] = 0 },
            };
            TookShard(connection, session);
            await connection.SendAsync(session.Append("READY", ready));
            foreach (var (id, name) in guilds)
            {
                var guild = new JsonObject { ["id"] = id.ToString(CultureInfo.InvariantCulture), ["name"] = name, ["unavailable"] = false };
                if ((intents & GuildVoiceStatesIntent) != 0)
                {
                    guild["voice_states"] = VoiceStatesOf(id);
                }

                await connection.SendAsync(session.Append("GUILD_CREATE", guild));
            }
        }
        finally
        {
            session.Lock.Release();
        }

        SignalConnections();
    }

    private async Task ResumeAsync(FakeGatewayConnection connection, JsonNode? d)
    {
        var sessionId = (string?)d?["session_id"] ?? "";
        var seq = (long?)d?["seq"] ?? -1;
        Resumes.Enqueue((connection.Path, sessionId, seq));
        if ((string?)d?["token"] != FakeDiscordOptions.Token)
        {
            await connection.CloseAsync(4004, "Authentication failed");
            return;
        }

        if (!_sessions.TryGetValue(sessionId, out var session) || session.Invalidated || seq > session.Seq)
        {
            await connection.SendAsync(Frame(9, false));
            return;
        }

        connection.Identified = true;
        await Bounded.EnterAsync(session.Lock, $"the lock of fake gateway session {session.Id}");
        try
        {
            if (session.Live is { } previous && !ReferenceEquals(previous, connection))
            {
                previous.Drop();
            }

            connection.Session = session;
            session.Live = connection;
            TookShard(connection, session);
            foreach (var frame in session.After(seq))
            {
                await connection.SendAsync(frame);
            }

            await connection.SendAsync(session.Append("RESUMED", null));
        }
        finally
        {
            session.Lock.Release();
        }

        SignalConnections();
    }

    private static string Frame(int op, JsonNode? d) => new JsonObject { ["op"] = op, ["d"] = d, ["s"] = null, ["t"] = null }.ToJsonString();

    private void SignalConnections()
    {
        var old = Interlocked.Exchange(ref _connectionChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        old.TrySetResult();
    }
}
