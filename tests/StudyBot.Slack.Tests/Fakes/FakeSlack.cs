using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>A fault to inject into the next call of one Web API method.</summary>
public sealed record ApiFault
{
    /// <summary>Slack's error code, answered as <c>{"ok":false,"error":…}</c> (or with <see cref="Status"/>).</summary>
    public string? Error { get; init; }

    /// <summary>HTTP status; 429 adds <c>Retry-After</c>.</summary>
    public int Status { get; init; } = 200;

    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>Real time to wait before answering (a slow response).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Answer only once this completes (a response held until the test lets it go).</summary>
    public Task? Gate { get; init; }

    /// <summary>Carry the call out, then fail anyway (what internal_error/fatal_error may do).</summary>
    public bool CommitFirst { get; init; }

    /// <summary>Answer with this whole body (e.g. a fixture such as web_api_error_missing_scope.json) instead of <c>{"ok":false,"error":…}</c>.</summary>
    public JsonObject? Body { get; init; }

    public static ApiFault Fails(string error) => new() { Error = error };

    public static ApiFault RateLimited(int retryAfterSeconds) => new() { Status = 429, Error = "ratelimited", RetryAfterSeconds = retryAfterSeconds };

    /// <summary>Answers with a fixture's body as it is (its <c>error</c> is the code).</summary>
    public static ApiFault Fixture(string name)
    {
        var body = Fixtures.Json(name);
        body.Remove("_source");
        return new() { Body = body, Error = body["error"]?.GetValue<string>() };
    }
}

public sealed record ApiCall(string Method, string ContentType, string? Authorization, string Body, JsonObject? Json, Dictionary<string, string> Form, DateTimeOffset At, int Status, string? Error);

public sealed record PostedMessage(string Channel, string Ts, string Text, JsonArray? Blocks, string Method, string? User = null, IReadOnlyList<string>? FileIds = null);

/// <summary>A file id handed out by files.getUploadURLExternal, with what the client declared.</summary>
public sealed record PendingUpload(string FileId, string FileName, long Length, string? AltText);

/// <summary>One POST to an upload URL as the fake saw it.</summary>
public sealed record UploadPost(string FileId, long Bytes, string? Authorization, string? ContentType, int Status);

/// <summary>A file shared by files.completeUploadExternal: one row per share, so a double share shows as two.</summary>
public sealed record SharedFile(string FileId, string Channel, string FileName, string? Title, string? AltText, byte[] Content, string? InitialComment, string Ts);

public sealed record FakeAck(string EnvelopeId, JsonNode? Payload, int SocketId, DateTimeOffset At, bool Late);

public sealed record ResponseUrlPost(string Id, JsonObject Body, DateTimeOffset At);

public sealed record FakeUser(string Id, string Name, string? TimeZone, bool IsAdmin = false, bool IsBot = false)
{
    /// <summary>The user's Slack language, sent as "locale" only when users.info is asked with include_locale=true, as Slack does.</summary>
    public string? Locale { get; init; }
}

/// <summary>
/// A fake Slack on 127.0.0.1 with a real port: the Web API (/api/{method}), Socket Mode WebSockets
/// (/link) and response_url receivers (/response/{id}). It answers with the shapes of the shared fixtures,
/// enforces the documented limits (per-method per-minute windows, one post a second per channel, Block Kit
/// limits) and can inject faults: errors, 429 with Retry-After, slow or held answers, disconnects of each
/// reason, dropped and silent sockets, duplicate and redelivered envelopes.
/// </summary>
public sealed class FakeSlack : IAsyncDisposable
{
    public const string BotToken = "xoxb-1111-2222-fakebottoken";
    public const string AppToken = "xapp-1-A0789MNOPQR-1-fakeapptoken";
    public const string TeamId = "T0001ABCD";
    public const string TeamDomain = "studygroup";
    public const string BotUserId = "U0BOTUSER1";

    private readonly WebApplication _app;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ApiFault>> _faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FakeUser> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, FakeSocket> _sockets = new();
    private readonly ConcurrentDictionary<string, SentEnvelope> _envelopes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _ownFaults = new();
    private readonly ConcurrentQueue<ApiCall> _calls = new();
    private readonly ConcurrentQueue<PostedMessage> _messages = new();
    private readonly ConcurrentDictionary<(string Channel, string Ts), PostedMessage> _edits = new();
    private readonly ConcurrentQueue<FakeAck> _acks = new();
    private readonly ConcurrentQueue<ResponseUrlPost> _responses = new();
    private readonly ConcurrentQueue<(string Id, int Status, string Error)> _refusedResponses = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _responseUrlIssued = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _responseUrlUses = new(StringComparer.Ordinal);
    private readonly Lock _responseLock = new();
    private readonly ConcurrentQueue<string> _socketLog = new();
    private readonly ConcurrentDictionary<string, JsonObject> _homeViews = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PendingUpload> _pendingUploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _uploadedBytes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<UploadPost> _uploadPosts = new();
    private readonly ConcurrentQueue<SharedFile> _sharedFiles = new();
    private int _fileIds;
    private readonly Dictionary<string, Queue<TimeSpan>> _windows = new(StringComparer.Ordinal);
    private readonly Lock _windowLock = new();
    private readonly Lock _tsLock = new();
    private readonly SemaphoreSlim _socketEvents = new(0);
    private long _lastTs;
    private int _socketIds;
    private int _maxSockets;
    private int _totalSockets;
    private int _tickets;
    private int _rateLimited;

    private FakeSlack(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>
    /// Slack's own clock for its rate windows: monotonic, so the bot's wall clock being corrected (a test's
    /// <see cref="SteppingClock"/>) changes nothing on Slack's side, as with the real service.
    /// </summary>
    private TimeSpan Elapsed => _time.GetElapsedTime(_origin);

    public Uri BaseUri { get; private set; } = null!;

    public string ApiBaseUrl => new Uri(BaseUri, "api").ToString();

    /// <summary>Enforce Slack's per-minute budgets (429 + Retry-After when exceeded). Off by default in tests that are about something else.</summary>
    public bool EnforceRateLimits { get; set; } = true;

    /// <summary>Calls per minute per method (tier "+" values; chat.postMessage's workspace limit).</summary>
    public Dictionary<string, int> PerMinute { get; } = new(StringComparer.Ordinal)
    {
        ["chat.postMessage"] = 300,
        ["users.info"] = 100,
        ["chat.postEphemeral"] = 100,
        ["views.publish"] = 100,
        ["auth.test"] = 100,
        ["conversations.open"] = 50,
        ["conversations.history"] = 50,
        ["conversations.info"] = 50,
        ["chat.update"] = 50,
        ["apps.connections.open"] = 20,
        ["files.getUploadURLExternal"] = 100,
        ["files.completeUploadExternal"] = 100,
    };

    /// <summary>chat.postMessage per channel per second.</summary>
    public int PerChannelPerSecond { get; set; } = 1;

    /// <summary>Envelopes not acknowledged within this (on the fake's clock) are redelivered with retry_attempt + 1, up to 3 times.</summary>
    public TimeSpan AckDeadline { get; set; } = TimeSpan.FromSeconds(3);

    public bool RedeliverUnacked { get; set; } = true;

    /// <summary>Sockets that connect while this is false never get hello.</summary>
    public bool SendHello { get; set; } = true;

    /// <summary>response_url ids that answer 404 expired_url whatever their age and uses.</summary>
    public HashSet<string> ExpiredResponseUrls { get; } = new(StringComparer.Ordinal);

    /// <summary>"These responses can be sent up to 5 times within 30 minutes of receiving the payload."</summary>
    public const int ResponseUrlUses = 5;

    public static readonly TimeSpan ResponseUrlLifetime = TimeSpan.FromMinutes(30);

    /// <summary>The longest <c>text</c> a message may have: Slack documents cutting longer ones (and the error msg_too_long); the fake refuses them, so a message that would be cut shows up in a test.</summary>
    public const int MaxTextLength = 40_000;

    /// <summary>Posts to a response_url that were refused (expired, used up, or a bad body), by id.</summary>
    public IReadOnlyList<(string Id, int Status, string Error)> RefusedResponseUrlPosts => _refusedResponses.ToArray();

    /// <summary>Channels that exist (besides DMs); posting elsewhere gives channel_not_found.</summary>
    public HashSet<string> Channels { get; } = new(StringComparer.Ordinal) { "C0123ABCDEF" };

    /// <summary>Channels the bot is not in (not_in_channel).</summary>
    public HashSet<string> ChannelsWithoutBot { get; } = new(StringComparer.Ordinal);

    /// <summary>Archived channels: they still exist (conversations.info finds them), but nothing can be posted there (is_archived).</summary>
    public HashSet<string> ArchivedChannels { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Private channels (besides every G… id). Slack hides a private channel from an app that is not in it:
    /// conversations.info and chat.postMessage answer channel_not_found, not not_in_channel.
    /// </summary>
    public HashSet<string> PrivateChannels { get; } = new(StringComparer.Ordinal);

    /// <summary>Channel names by id, for conversations.info; a channel without one is named after its id.</summary>
    public Dictionary<string, string> ChannelNames { get; } = new(StringComparer.Ordinal) { ["C0123ABCDEF"] = "wins" };

    /// <summary>
    /// The bot token's scopes. By default those the Socket Mode manifest in deploy/ asks for, so a scope the adapter
    /// needs and the manifest lacks fails here as it would on Slack: missing_scope with <c>needed</c> and <c>provided</c>.
    /// </summary>
    public HashSet<string> Scopes { get; } = new(ManifestScopes.Value, StringComparer.Ordinal);

    public IReadOnlyList<ApiCall> Calls => _calls.ToArray();

    /// <summary>Every message in every conversation, as it reads now (after any chat.update), in the order posted.</summary>
    public IReadOnlyList<PostedMessage> Messages => [.. _messages.Select(m => _edits.TryGetValue((m.Channel, m.Ts), out var edited) ? edited : m)];

    /// <summary>The <see cref="PostedMessage.Method"/> of a message a member wrote (see <see cref="AddMemberMessage"/>).</summary>
    public const string MemberMessage = "member";

    /// <summary>A message a member wrote in a conversation, which the bot can read but not update.</summary>
    public PostedMessage AddMemberMessage(string channel, string userId, string text)
    {
        var message = new PostedMessage(channel, NextTs(), text, null, MemberMessage, userId);
        _messages.Enqueue(message);
        return message;
    }

    public IReadOnlyList<FakeAck> Acks => _acks.ToArray();

    public IReadOnlyList<ResponseUrlPost> ResponseUrlPosts => _responses.ToArray();

    public IReadOnlyDictionary<string, JsonObject> HomeViews => _homeViews;

    /// <summary>When true, files.getUploadURLExternal answers file_uploads_disabled (a workspace setting).</summary>
    public bool FileUploadsDisabled { get; set; }

    public IReadOnlyList<UploadPost> UploadPosts => _uploadPosts.ToArray();

    public IReadOnlyList<SharedFile> SharedFiles => _sharedFiles.ToArray();

    public IReadOnlyCollection<PendingUpload> PendingUploads => _pendingUploads.Values.ToArray();

    /// <summary>The method name under which faults for the upload URL (not a Web API method) are injected.</summary>
    public const string UploadEndpoint = "upload";

    /// <summary>"open:N", "hello:N", "ended:N:how" in the order they happened.</summary>
    public IReadOnlyList<string> SocketLog => _socketLog.ToArray();

    public IReadOnlyCollection<FakeSocket> OpenSockets => _sockets.Values.Where(s => !s.Ended.IsCompleted).ToArray();

    public IReadOnlyCollection<FakeSocket> AllSockets => _sockets.Values.OrderBy(s => s.Id).ToArray();

    public int MaxConcurrentSockets => Volatile.Read(ref _maxSockets);

    public int TotalSockets => Volatile.Read(ref _totalSockets);

    public int RateLimitedCount => Volatile.Read(ref _rateLimited);

    public int CallCount(string method) => _calls.Count(c => c.Method == method);

    public static async Task<FakeSlack> StartAsync(TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var fake = new FakeSlack(app, time ?? TimeProvider.System);

        // A fault in the fake itself (a missing fixture, a bug in a handler) is kept for the test to report,
        // and the request gets a 500, as a broken server would answer, instead of vanishing.
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                fake._ownFaults.Enqueue($"{context.Request.Method} {context.Request.Path}: {ex.GetType().Name}: {ex.Message}");
                if (!context.Response.HasStarted)
                {
                    context.Response.StatusCode = 500;
                }
            }
        });
        app.MapPost("/api/{method}", (HttpContext context, string method) => fake.ApiAsync(context, method));
        app.Map("/link", (HttpContext context) => fake.SocketAsync(context));
        app.MapPost("/response/{id}", (HttpContext context, string id) => fake.ResponseUrlAsync(context, id));
        app.MapPost("/upload/{fileId}", (HttpContext context, string fileId) => fake.UploadAsync(context, fileId));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseUri = new Uri(address.EndsWith('/') ? address : address + "/");
        fake.AddUser(new FakeUser("U0456GHIJKL", "ada", "Europe/Berlin"));
        return fake;
    }

    /// <summary>Faults of the fake itself, e.g. a fixture it could not read; a test that hangs or fails names them.</summary>
    public IReadOnlyCollection<string> OwnFaults => _ownFaults;

    /// <summary>The response_url with this id, as carried by a payload sent now: its 30 minutes and 5 uses start here.</summary>
    public string ResponseUrl(string id)
    {
        _responseUrlIssued.TryAdd(id, Elapsed);
        return new Uri(BaseUri, $"response/{id}").ToString();
    }

    /// <summary>The upload URL files.getUploadURLExternal hands out for a file id.</summary>
    public string UploadUrl(string fileId) => new Uri(BaseUri, $"upload/{fileId}").ToString();

    public void AddUser(FakeUser user) => _users[user.Id] = user;

    public void Inject(string method, params ApiFault[] faults)
    {
        var queue = _faults.GetOrAdd(method, _ => new ConcurrentQueue<ApiFault>());
        foreach (var fault in faults)
        {
            queue.Enqueue(fault);
        }
    }

    public IReadOnlyList<PostedMessage> MessagesIn(string channel) => [.. Messages.Where(m => m.Channel == channel)];

    public static string DmChannelFor(string userId) => "D" + userId[1..];

    // ---------------------------------------------------------------- Socket Mode

    private static readonly TimeSpan SocketPoll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until at least <paramref name="count"/> sockets are open and have been sent hello.</summary>
    public async Task<IReadOnlyList<FakeSocket>> WaitForSocketsAsync(int count, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var open = _sockets.Values.Where(s => !s.Ended.IsCompleted && s.HelloSent).OrderBy(s => s.Id).ToList();
            if (open.Count >= count)
            {
                return open;
            }

            try
            {
                // A short poll (the semaphore answers false when it passes); the whole wait is bounded by cts.
                await _socketEvents.WaitAsync(SocketPoll, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw Bounded.TimedOut(timeout ?? TimeSpan.FromSeconds(20), $"{count} live socket(s); have {open.Count} (total accepted {TotalSockets})");
            }
        }
    }

    /// <summary>Sends an envelope on a socket and remembers it for acknowledgement tracking and redelivery.</summary>
    public async Task SendEnvelopeAsync(FakeSocket socket, JsonObject envelope)
    {
        var id = envelope["envelope_id"]!.GetValue<string>();
        var sent = _envelopes.GetOrAdd(id, _ => new SentEnvelope(envelope.DeepClone().AsObject()));
        sent.SentAt.Enqueue(_time.GetUtcNow());
        ScheduleRedelivery(sent, envelope["retry_attempt"]?.GetValue<int>() ?? 0);
        await socket.SendAsync(envelope).ConfigureAwait(false);
    }

    public async Task<FakeAck> WaitForAckAsync(string envelopeId, int count = 1, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => _acks.Count(a => a.EnvelopeId == envelopeId) >= count, timeout, $"ack #{count} of {envelopeId}").ConfigureAwait(false);
        return _acks.Where(a => a.EnvelopeId == envelopeId).ElementAt(count - 1);
    }

    public async Task<ResponseUrlPost> WaitForResponseAsync(string id, TimeSpan? timeout = null)
    {
        await WaitUntilAsync(() => _responses.Any(r => r.Id == id), timeout, $"response_url post {id}").ConfigureAwait(false);
        return _responses.First(r => r.Id == id);
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        // A hang guard, not a timing assertion: the condition is what the test checks.
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            try
            {
                await Task.Delay(10, cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw Bounded.TimedOut(timeout ?? TimeSpan.FromSeconds(20), what ?? "a condition");
            }
        }
    }

    internal void OnAck(FakeSocket socket, string envelopeId, JsonNode? payload)
    {
        var now = _time.GetUtcNow();
        var late = false;
        if (_envelopes.TryGetValue(envelopeId, out var sent))
        {
            late = sent.SentAt.TryPeek(out var first) && now - first > AckDeadline && sent.AckedAt is null;
            sent.AckedAt ??= now;
        }

        _acks.Enqueue(new FakeAck(envelopeId, payload, socket.Id, now, late));
    }

    internal void OnSocketChanged() => _socketEvents.Release();

    private void ScheduleRedelivery(SentEnvelope sent, int attempt)
    {
        if (!RedeliverUnacked || attempt >= 3)
        {
            return;
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(
            _ =>
            {
                timer?.Dispose();
                if (sent.AckedAt is not null)
                {
                    return;
                }

                var target = OpenSockets.Where(s => s.HelloSent).OrderBy(_ => Random.Shared.Next()).FirstOrDefault();
                if (target is null)
                {
                    return;
                }

                var retry = sent.Envelope.DeepClone().AsObject();
                retry["retry_attempt"] = attempt + 1;
                retry["retry_reason"] = "timeout";
                _ = SendEnvelopeAsync(target, retry);
            },
            null,
            AckDeadline + TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);
    }

    private async Task SocketAsync(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (upgrade is null || !upgrade.IsUpgradableRequest || context.Request.Headers.SecWebSocketKey.Count == 0)
        {
            context.Response.StatusCode = 400;
            return;
        }

        var sendHello = SendHello;

        // Upgraded by hand so the socket sits on a stream the fake can freeze (a silent, half-open connection).
        var key = context.Request.Headers.SecWebSocketKey.ToString();
        var accept = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers.SecWebSocketAccept = accept;
        var stream = new FreezableStream(await upgrade.UpgradeAsync().ConfigureAwait(false));
        var ws = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var socket = new FakeSocket(Interlocked.Increment(ref _socketIds), ws, stream, context, this);
        _sockets[socket.Id] = socket;
        _socketLog.Enqueue($"open:{socket.Id}");
        Interlocked.Increment(ref _totalSockets);
        var open = OpenSockets.Count;
        int max;
        do
        {
            max = Volatile.Read(ref _maxSockets);
        }
        while (open > max && Interlocked.CompareExchange(ref _maxSockets, open, max) != max);

        if (sendHello)
        {
            var hello = Fixtures.Json("socket_mode_hello.json");
            hello["num_connections"] = open;
            await socket.SendAsync(hello).ConfigureAwait(false);
            socket.HelloSent = true;
            _socketLog.Enqueue($"hello:{socket.Id}");
        }

        OnSocketChanged();
        await socket.RunAsync().ConfigureAwait(false);
        _socketLog.Enqueue($"ended:{socket.Id}:{await socket.Ended.ConfigureAwait(false)}");
        OnSocketChanged();
    }

    // ---------------------------------------------------------------- response_url

    private async Task ResponseUrlAsync(HttpContext context, string id)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync().ConfigureAwait(false);
        var (status, answer) = AcceptResponse(id, raw);
        if (status != 200)
        {
            _refusedResponses.Enqueue((id, status, answer));
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsync(answer).ConfigureAwait(false);
    }

    private (int Status, string Answer) AcceptResponse(string id, string raw)
    {
        lock (_responseLock)
        {
            // Past 30 minutes or 5 uses the URL is gone (404 expired_url); an unknown id never existed.
            var issued = _responseUrlIssued.GetOrAdd(id, _ => Elapsed);
            var uses = _responseUrlUses.GetValueOrDefault(id);
            if (ExpiredResponseUrls.Contains(id) || Elapsed - issued > ResponseUrlLifetime || uses >= ResponseUrlUses)
            {
                return (404, "expired_url");
            }

            JsonObject body;
            try
            {
                body = JsonNode.Parse(raw) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException)
            {
                return (400, "invalid_payload");
            }

            if (body["response_type"] is { } type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() is not ("ephemeral" or "in_channel"))
            {
                return (400, "invalid_payload");
            }

            if (CheckMessage(body["text"] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null, body["blocks"]) is { } refused)
            {
                return (400, refused["error"]!.GetValue<string>());
            }

            _responseUrlUses[id] = uses + 1;
            _responses.Enqueue(new ResponseUrlPost(id, body, _time.GetUtcNow()));
            return (200, "ok");
        }
    }

    /// <summary>
    /// Slack's checks on a message body (chat.postMessage, chat.postEphemeral, chat.update, response_url): Block Kit's
    /// limits, text or blocks present, text no longer than <see cref="MaxTextLength"/>. Null when the body is fine.
    /// </summary>
    public static JsonObject? CheckMessage(string? text, JsonNode? blocks)
    {
        var errors = BlockKitRules.Validate(blocks);
        if (errors.Count > 0)
        {
            var body = Error("invalid_blocks");
            body["errors"] = new JsonArray([.. errors.Select(e => (JsonNode)e)]);
            body["response_metadata"] = new JsonObject { ["messages"] = new JsonArray([.. errors.Select(e => (JsonNode)("[ERROR] " + e))]) };
            return body;
        }

        if (string.IsNullOrEmpty(text) && blocks is not JsonArray { Count: > 0 })
        {
            return Error("no_text");
        }

        return text is { Length: > MaxTextLength } ? Error("msg_too_long") : null;
    }

    // ---------------------------------------------------------------- upload URLs (files.getUploadURLExternal)

    private async Task UploadAsync(HttpContext context, string fileId)
    {
        var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        var auth = context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization.ToString();
        int status;
        string answer;
        ApiFault? fault = null;
        if (_faults.TryGetValue(UploadEndpoint, out var queue))
        {
            queue.TryDequeue(out fault);
        }

        if (fault is not null && fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay).ConfigureAwait(false);
        }

        if (fault?.Gate is not null)
        {
            await Bounded.WaitAsync(fault.Gate, "the test to release a held answer (ApiFault.Gate)").ConfigureAwait(false);
        }

        if (!_pendingUploads.TryGetValue(fileId, out var pending))
        {
            (status, answer) = (404, "unknown upload URL");
        }
        else if (fault is not null && fault.Status != 200)
        {
            if (fault.CommitFirst)
            {
                _uploadedBytes[fileId] = bytes;
            }

            (status, answer) = (fault.Status, "upload failed");
        }
        else if (bytes.LongLength != pending.Length)
        {
            // The file must be exactly what files.getUploadURLExternal was told.
            (status, answer) = (400, $"expected {pending.Length} bytes, got {bytes.LongLength}");
        }
        else
        {
            _uploadedBytes[fileId] = bytes;
            (status, answer) = (200, $"OK - {bytes.LongLength}");
        }

        _uploadPosts.Enqueue(new UploadPost(fileId, bytes.LongLength, auth, context.Request.ContentType, status));
        context.Response.StatusCode = status;
        if (status == 429)
        {
            context.Response.Headers.RetryAfter = (fault?.RetryAfterSeconds ?? 1).ToString(CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync(answer).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- Web API

    private async Task ApiAsync(HttpContext context, string method)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync().ConfigureAwait(false);
        var contentType = request.ContentType ?? "";
        JsonObject? json = null;
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        string? warning = null;
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            if (!contentType.Contains("charset=utf-8", StringComparison.OrdinalIgnoreCase))
            {
                warning = "missing_charset";
            }

            try
            {
                json = JsonNode.Parse(raw) as JsonObject;
            }
            catch (JsonException)
            {
                json = null;
            }

            if (json is null)
            {
                await Answer(context, method, raw, contentType, json, form, new JsonObject { ["ok"] = false, ["error"] = "invalid_json" }).ConfigureAwait(false);
                return;
            }
        }
        else
        {
            foreach (var (k, v) in QueryHelpers.ParseQuery(raw))
            {
                form[k] = v.ToString();
            }
        }

        string? Arg(string name) => json?[name] is JsonValue v ? v.ToString() : form.TryGetValue(name, out var f) ? f : null;

        if (!MethodScopes.ContainsKey(method))
        {
            await Answer(context, method, raw, contentType, json, form, Error("unknown_method")).ConfigureAwait(false);
            return;
        }

        var expected = method == "apps.connections.open" ? AppToken : BotToken;
        var other = method == "apps.connections.open" ? BotToken : AppToken;
        var auth = request.Headers.Authorization.ToString();
        if (auth.Length == 0)
        {
            await Answer(context, method, raw, contentType, json, form, Error("not_authed")).ConfigureAwait(false);
            return;
        }

        if (auth != $"Bearer {expected}")
        {
            // A valid token of the wrong kind (the app-level token on a bot method, or the other way round).
            await Answer(context, method, raw, contentType, json, form, Error(auth == $"Bearer {other}" ? "not_allowed_token_type" : "invalid_auth")).ConfigureAwait(false);
            return;
        }

        if (EnforceRateLimits && RetryAfter(method, method == "chat.postMessage" ? Arg("channel") : null) is { } retryAfter)
        {
            Interlocked.Increment(ref _rateLimited);
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await Answer(context, method, raw, contentType, json, form, Error("ratelimited"), 429).ConfigureAwait(false);
            return;
        }

        ApiFault? fault = null;
        if (_faults.TryGetValue(method, out var queue))
        {
            queue.TryDequeue(out fault);
        }

        if (fault is not null)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                await Task.Delay(fault.Delay).ConfigureAwait(false);
            }

            if (fault.Gate is not null)
            {
                await Bounded.WaitAsync(fault.Gate, "the test to release a held answer (ApiFault.Gate)").ConfigureAwait(false);
            }

            if (fault.Error is not null || fault.Status != 200)
            {
                if (fault.CommitFirst)
                {
                    Handle(method, Arg, json);
                }

                if (fault.Status == 429)
                {
                    Interlocked.Increment(ref _rateLimited);
                    context.Response.Headers.RetryAfter = fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                }

                var body = fault.Body?.DeepClone().AsObject()
                    ?? (fault.Error == "invalid_blocks" ? Fixtures.Json("web_api_error_invalid_blocks.json") : Error(fault.Error ?? "internal_error"));
                body.Remove("_source");
                await Answer(context, method, raw, contentType, json, form, body, fault.Status).ConfigureAwait(false);
                return;
            }
        }

        var result = MissingScope(method, Arg) ?? Handle(method, Arg, json);
        if (warning is not null && result["ok"]?.GetValue<bool>() == true)
        {
            result["warning"] = warning;
            result["response_metadata"] = new JsonObject { ["warnings"] = new JsonArray(warning) };
        }

        await Answer(context, method, raw, contentType, json, form, result).ConfigureAwait(false);
    }

    /// <summary>Runs before each Web API method is handled; a test that throws here breaks the fake itself.</summary>
    public Action<string>? BeforeMethod { get; set; }

    /// <summary>The bot scopes deploy/slack-app-manifest.yaml asks for.</summary>
    public sealed class ManifestReader
    {
        public IReadOnlySet<string> BotScopes { get; } = new HashSet<string>(ManifestScopes.Value, StringComparer.Ordinal);
    }

    private static readonly Lazy<string[]> ManifestScopes = new(() =>
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        using (var reader = new StringReader(File.ReadAllText(Path.Combine(Fixtures.Repository, "deploy", "slack-app-manifest.yaml"))))
        {
            yaml.Load(reader);
        }

        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;
        var oauth = (YamlDotNet.RepresentationModel.YamlMappingNode)root.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("oauth_config")];
        var scopes = (YamlDotNet.RepresentationModel.YamlMappingNode)oauth.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("scopes")];
        var bot = (YamlDotNet.RepresentationModel.YamlSequenceNode)scopes.Children[new YamlDotNet.RepresentationModel.YamlScalarNode("bot")];
        return [.. bot.Children.Select(n => ((YamlDotNet.RepresentationModel.YamlScalarNode)n).Value!)];
    });

    /// <summary>Whether the channel id names a private channel (G…, or one marked private).</summary>
    public bool IsPrivate(string channel) => channel.StartsWith('G') || PrivateChannels.Contains(channel);

    /// <summary>
    /// Every Web API method the fake serves and the scope Slack's method reference lists for it (the OpenAPI spec's
    /// <c>security</c>, or the method's page for those the spec lacks): empty for none, and for the conversations.*
    /// methods one scope per kind of conversation (public|private|DM). A method not in this table is answered
    /// <c>unknown_method</c>, so a call StudyBot starts making cannot go unchecked.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> MethodScopes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["auth.test"] = "",
        ["apps.connections.open"] = "connections:write",
        ["users.info"] = "users:read",
        ["conversations.open"] = "im:write",
        ["conversations.info"] = "channels:read|groups:read|im:read",
        ["conversations.history"] = "channels:history|groups:history|im:history",
        ["chat.postMessage"] = "chat:write",
        ["chat.postEphemeral"] = "chat:write",
        ["chat.update"] = "chat:write",
        ["views.publish"] = "",
        ["files.getUploadURLExternal"] = "files:write",
        ["files.completeUploadExternal"] = "files:write",
    };

    /// <summary>The app-level token's scopes (apps.connections.open needs connections:write).</summary>
    public HashSet<string> AppScopes { get; } = new(StringComparer.Ordinal) { "connections:write" };

    /// <summary>The scope this call needs (by the kind of conversation for the conversations.* readers); null for none.</summary>
    private string? ScopeFor(string method, Func<string, string?> arg)
    {
        if (!MethodScopes.TryGetValue(method, out var scopes) || scopes.Length == 0)
        {
            return null;
        }

        var kinds = scopes.Split('|');
        if (kinds.Length == 1)
        {
            return kinds[0];
        }

        var channel = arg("channel") ?? "";
        return channel.StartsWith('D') ? kinds[2] : IsPrivate(channel) ? kinds[1] : kinds[0];
    }

    /// <summary>Slack's missing_scope answer, shaped like web_api_error_missing_scope.json, when the token lacks the method's scope.</summary>
    private JsonObject? MissingScope(string method, Func<string, string?> arg)
    {
        var granted = method == "apps.connections.open" ? AppScopes : Scopes;
        if (ScopeFor(method, arg) is not { } needed || granted.Contains(needed))
        {
            return null;
        }

        var body = Fixtures.Json("web_api_error_missing_scope.json");
        body["needed"] = needed;
        body["provided"] = string.Join(",", granted.Order(StringComparer.Ordinal));
        return body;
    }

    private JsonObject Handle(string method, Func<string, string?> arg, JsonObject? json)
    {
        BeforeMethod?.Invoke(method);
        switch (method)
        {
            case "auth.test":
            {
                var body = Fixtures.Json("auth_test_ok.json");
                body["team_id"] = TeamId;
                body["team"] = "Study Group";
                body["user_id"] = BotUserId;
                return body;
            }

            case "apps.connections.open":
                return new JsonObject
                {
                    ["ok"] = true,
                    ["url"] = $"ws://{BaseUri.Authority}/link/?ticket={Interlocked.Increment(ref _tickets)}",
                };

            case "users.info":
            {
                if (arg("user") is not { } id || !_users.TryGetValue(id, out var user))
                {
                    return Error("user_not_found");
                }

                var body = Fixtures.Json("users_info_ok.json");
                var u = body["user"]!.AsObject();
                u["id"] = user.Id;
                u["name"] = user.Name;
                u["real_name"] = user.Name;
                u["team_id"] = TeamId;
                u["is_admin"] = user.IsAdmin;
                u["is_owner"] = false;
                u["is_bot"] = user.IsBot;
                u["tz"] = user.TimeZone;
                if (arg("include_locale") == "true" && user.Locale is not null)
                {
                    u["locale"] = user.Locale;
                }
                u["profile"]!["display_name"] = user.Name;
                u["profile"]!["real_name"] = user.Name;
                return body;
            }

            case "conversations.open":
            {
                var users = arg("users");
                if (users is null || !_users.TryGetValue(users, out var user))
                {
                    return Error("user_not_found");
                }

                return user.IsBot ? Error("cannot_dm_bot") : new JsonObject { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = DmChannelFor(users) } };
            }

            case "chat.postMessage":
            case "chat.postEphemeral":
            {
                var channel = arg("channel") ?? "";
                if (channel.StartsWith('U') || channel.StartsWith('W'))
                {
                    if (!_users.TryGetValue(channel, out var user))
                    {
                        return Error("channel_not_found");
                    }

                    if (user.IsBot)
                    {
                        return Error("cannot_dm_bot");
                    }

                    channel = DmChannelFor(channel);
                }
                else if (!channel.StartsWith('D') && !Channels.Contains(channel))
                {
                    return Error("channel_not_found");
                }
                else if (ChannelsWithoutBot.Contains(channel))
                {
                    // A private channel the app is not in is invisible to it; a public one says why.
                    return Error(IsPrivate(channel) ? "channel_not_found" : "not_in_channel");
                }
                else if (ArchivedChannels.Contains(channel))
                {
                    return Error("is_archived");
                }

                var ephemeralFor = arg("user");
                if (method == "chat.postEphemeral" && (ephemeralFor is null || !_users.ContainsKey(ephemeralFor)))
                {
                    return Error("user_not_in_channel");
                }

                var blocks = json?["blocks"];
                var text = arg("text");
                if (CheckMessage(text, blocks) is { } refused)
                {
                    return refused;
                }

                var ts = NextTs();
                _messages.Enqueue(new PostedMessage(channel, ts, text ?? "", blocks?.DeepClone() as JsonArray, method, ephemeralFor));
                if (method == "chat.postEphemeral")
                {
                    return new JsonObject { ["ok"] = true, ["message_ts"] = ts };
                }

                var ok = Fixtures.Json("chat_postMessage_ok.json");
                ok["channel"] = channel;
                ok["ts"] = ts;
                ok["message"]!["ts"] = ts;
                ok["message"]!["text"] = text;
                return ok;
            }

            case "conversations.info":
            {
                // docs.slack.dev/reference/methods/conversations.info: channel_not_found for an unknown id, and for a
                // private channel the app is not in; an archived channel is still found (is_archived: true).
                var channel = arg("channel");
                if (string.IsNullOrEmpty(channel) || !Channels.Contains(channel) || (IsPrivate(channel) && ChannelsWithoutBot.Contains(channel)))
                {
                    return Error("channel_not_found");
                }

                var body = Fixtures.Json("conversations_info_ok.json");
                var info = body["channel"]!.AsObject();
                var isPrivate = IsPrivate(channel);
                info["id"] = channel;
                info["name"] = ChannelNames.GetValueOrDefault(channel, channel.ToLowerInvariant());
                info["name_normalized"] = info["name"]!.GetValue<string>();
                info["is_channel"] = !isPrivate;
                info["is_group"] = isPrivate;
                info["is_private"] = isPrivate;
                info["is_general"] = false;
                info["is_archived"] = ArchivedChannels.Contains(channel);
                info["is_member"] = !ChannelsWithoutBot.Contains(channel);
                return body;
            }

            case "chat.update":
            {
                // docs.slack.dev/reference/methods/chat.update: only a message that exists (not an ephemeral one) and
                // that the app posted itself can be updated.
                var channel = arg("channel") ?? "";
                var ts = arg("ts");
                if (channel.Length == 0 || string.IsNullOrEmpty(ts))
                {
                    return Error("invalid_arguments");
                }

                var current = Messages.FirstOrDefault(m => m.Channel == channel && m.Ts == ts && m.Method != "chat.postEphemeral");
                if (current is null)
                {
                    return Error("message_not_found");
                }

                if (current.Method == MemberMessage)
                {
                    return Error("cant_update_message");
                }

                var blocks = json?["blocks"];
                var text = arg("text");
                if (CheckMessage(text, blocks) is { } refused)
                {
                    return refused;
                }

                _edits[(channel, ts)] = current with { Text = text ?? "", Blocks = blocks?.DeepClone() as JsonArray };
                return new JsonObject { ["ok"] = true, ["channel"] = channel, ["ts"] = ts, ["text"] = text };
            }

            case "files.getUploadURLExternal":
            {
                if (FileUploadsDisabled)
                {
                    return Error("file_uploads_disabled");
                }

                var filename = arg("filename");
                if (string.IsNullOrWhiteSpace(filename) || !long.TryParse(arg("length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length <= 0)
                {
                    return Error("invalid_arguments");
                }

                var alt = arg("alt_txt");
                if (alt is { Length: > 1000 })
                {
                    return Error("alt_txt_too_large");
                }

                var fileId = "F" + Interlocked.Increment(ref _fileIds).ToString("D10", CultureInfo.InvariantCulture);
                _pendingUploads[fileId] = new PendingUpload(fileId, filename, length, alt);
                return new JsonObject { ["ok"] = true, ["upload_url"] = UploadUrl(fileId), ["file_id"] = fileId };
            }

            case "files.completeUploadExternal":
            {
                JsonArray? files = null;
                try
                {
                    files = json?["files"] as JsonArray ?? (arg("files") is { } text ? JsonNode.Parse(text) as JsonArray : null);
                }
                catch (JsonException)
                {
                    files = null;
                }

                var channel = arg("channel_id");
                if (files is null || files.Count == 0 || string.IsNullOrEmpty(channel))
                {
                    // Slack would keep a file without a channel private; StudyBot always means to share it.
                    return Error("invalid_arguments");
                }

                if (!channel.StartsWith('D') && !Channels.Contains(channel))
                {
                    return Error("channel_not_found");
                }

                if (ChannelsWithoutBot.Contains(channel))
                {
                    return Error("not_in_channel");
                }

                var shares = new List<(PendingUpload Pending, byte[] Bytes, string? Title)>();
                foreach (var f in files)
                {
                    var id = f?["id"]?.GetValue<string>();
                    if (id is null || !_pendingUploads.TryGetValue(id, out var pending) || !_uploadedBytes.TryGetValue(id, out var bytes) || bytes.LongLength != pending.Length)
                    {
                        return Error("file_not_found");
                    }

                    shares.Add((pending, bytes, f?["title"]?.GetValue<string>()));
                }

                var ts = NextTs();
                var comment = arg("initial_comment");
                foreach (var (pending, bytes, title) in shares)
                {
                    _sharedFiles.Enqueue(new SharedFile(pending.FileId, channel, pending.FileName, title, pending.AltText, bytes, comment, ts));
                }

                _messages.Enqueue(new PostedMessage(channel, ts, comment ?? "", null, method, FileIds: [.. shares.Select(x => x.Pending.FileId)]));
                return new JsonObject
                {
                    ["ok"] = true,
                    ["files"] = new JsonArray([.. shares.Select(x => (JsonNode)new JsonObject { ["id"] = x.Pending.FileId, ["title"] = x.Title ?? x.Pending.FileName })]),
                };
            }

            case "views.publish":
            {
                var view = json?["view"] as JsonObject;
                var user = arg("user_id");
                if (view is null || user is null)
                {
                    return Error("invalid_arguments");
                }

                var errors = BlockKitRules.Validate(view["blocks"], maxBlocks: 100);
                if (errors.Count > 0 || view["type"]?.GetValue<string>() != "home")
                {
                    return Error("invalid_blocks");
                }

                _homeViews[user] = view.DeepClone().AsObject();
                return new JsonObject { ["ok"] = true, ["view"] = new JsonObject { ["id"] = "V" + user, ["type"] = "home" } };
            }

            case "conversations.history":
            {
                var channel = arg("channel") ?? "";
                var oldest = double.TryParse(arg("oldest"), NumberStyles.Float, CultureInfo.InvariantCulture, out var o) ? o : 0;
                var messages = new JsonArray();
                foreach (var m in Messages.Where(m => m.Channel == channel && m.Method is "chat.postMessage" or "files.completeUploadExternal" or MemberMessage && double.Parse(m.Ts, CultureInfo.InvariantCulture) >= oldest).Reverse())
                {
                    var message = new JsonObject
                    {
                        ["type"] = "message",
                        ["text"] = m.Text,
                        ["ts"] = m.Ts,
                        ["blocks"] = m.Blocks?.DeepClone(),
                    };
                    if (m.Method == MemberMessage)
                    {
                        message["user"] = m.User;
                    }
                    else
                    {
                        message["bot_id"] = "B0BOTBOT";
                    }

                    if (m.FileIds is { Count: > 0 } ids)
                    {
                        message["files"] = new JsonArray([.. ids.Select(id => (JsonNode)new JsonObject { ["id"] = id })]);
                    }

                    messages.Add(message);
                }

                return new JsonObject { ["ok"] = true, ["messages"] = messages, ["has_more"] = false };
            }

            default:
                return Error("unknown_method");
        }
    }

    private async Task Answer(HttpContext context, string method, string raw, string contentType, JsonObject? json, Dictionary<string, string> form, JsonObject body, int status = 200)
    {
        _calls.Enqueue(new ApiCall(method, contentType, context.Request.Headers.Authorization.ToString(), raw, json, form, _time.GetUtcNow(), status, body["ok"]?.GetValue<bool>() == false ? body["error"]?.GetValue<string>() : null));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(body.ToJsonString()).ConfigureAwait(false);
    }

    private static JsonObject Error(string error) => new() { ["ok"] = false, ["error"] = error };

    /// <summary>Sliding windows as Slack describes them: per method per minute, plus one post a second per channel.</summary>
    private int? RetryAfter(string method, string? channel)
    {
        var now = Elapsed;
        lock (_windowLock)
        {
            var checks = new List<(string Key, int Limit, TimeSpan Window)>();
            if (PerMinute.TryGetValue(method, out var limit))
            {
                checks.Add((method, limit, TimeSpan.FromMinutes(1)));
            }

            if (channel is not null)
            {
                checks.Add(($"{method}#{channel}", PerChannelPerSecond, TimeSpan.FromSeconds(1)));
            }

            foreach (var (key, max, window) in checks)
            {
                var q = Window(key);
                while (q.TryPeek(out var head) && now - head >= window)
                {
                    q.Dequeue();
                }

                if (q.Count >= max)
                {
                    var wait = q.Peek() + window - now;
                    return Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                }
            }

            foreach (var (key, _, _) in checks)
            {
                Window(key).Enqueue(now);
            }

            return null;
        }
    }

    private Queue<TimeSpan> Window(string key)
    {
        if (!_windows.TryGetValue(key, out var q))
        {
            q = new Queue<TimeSpan>();
            _windows[key] = q;
        }

        return q;
    }

    private string NextTs()
    {
        lock (_tsLock)
        {
            var micros = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            _lastTs = Math.Max(_lastTs + 1, micros);
            return (_lastTs / 1_000_000).ToString(CultureInfo.InvariantCulture) + "." + (_lastTs % 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _sockets.Values)
        {
            socket.Drop();
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _socketEvents.Dispose();
    }

    private sealed class SentEnvelope(JsonObject envelope)
    {
        public JsonObject Envelope { get; } = envelope;

        public ConcurrentQueue<DateTimeOffset> SentAt { get; } = new();

        public DateTimeOffset? AckedAt { get; set; }
    }
}

/// <summary>One Socket Mode connection as the fake sees it.</summary>
public sealed class FakeSocket
{
    private readonly WebSocket _ws;
    private readonly FreezableStream _stream;
    private readonly HttpContext _context;
    private readonly FakeSlack _owner;
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal FakeSocket(int id, WebSocket ws, FreezableStream stream, HttpContext context, FakeSlack owner)
    {
        Id = id;
        _ws = ws;
        _stream = stream;
        _context = context;
        _owner = owner;
    }

    public int Id { get; }

    public bool HelloSent { get; internal set; }

    /// <summary>Completes with how the socket ended: "closed by client", "dropped", "error: …".</summary>
    public Task<string> Ended => _ended.Task;

    public bool ClosedByClient => _ended.Task.IsCompletedSuccessfully && _ended.Task.Result == "closed by client";

    public async Task SendAsync(JsonNode message)
    {
        await Bounded.EnterAsync(_send, $"the send lock of fake socket {Id}").ConfigureAwait(false);
        try
        {
            await _ws.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends raw text (e.g. something that is not JSON).</summary>
    public async Task SendRawAsync(string text)
    {
        await Bounded.EnterAsync(_send, $"the send lock of fake socket {Id}").ConfigureAwait(false);
        try
        {
            await _ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends the fixture's <c>disconnect</c> message for a reason (refresh_requested, warning, link_disabled, too_many_websockets).</summary>
    public Task DisconnectAsync(string reason)
    {
        var file = reason switch
        {
            "refresh_requested" => "socket_mode_disconnect.json",
            "warning" => "socket_mode_disconnect_warning.json",
            "link_disabled" => "socket_mode_disconnect_link_disabled.json",
            "too_many_websockets" => "socket_mode_disconnect_too_many_websockets.json",
            _ => throw new ArgumentOutOfRangeException(nameof(reason)),
        };
        return SendAsync(Fixtures.Json(file));
    }

    /// <summary>Kills the TCP connection without a close handshake.</summary>
    public void Drop()
    {
        if (!_ended.TrySetResult("dropped"))
        {
            return;
        }

        try
        {
            _context.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request already finished.
        }
    }

    /// <summary>Stops reading and writing, without closing: PINGs go unanswered, like a half-open connection.</summary>
    public void GoSilent() => _stream.Freeze();

    /// <summary>Closes from Slack's side with a close handshake.</summary>
    public async Task CloseAsync()
    {
        await Bounded.EnterAsync(_send, $"the send lock of fake socket {Id}").ConfigureAwait(false);
        try
        {
            await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    internal async Task RunAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (_ws.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await _ws.ReceiveAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_ws.State == WebSocketState.CloseReceived)
                    {
                        await Bounded.EnterAsync(_send, $"the send lock of fake socket {Id}").ConfigureAwait(false);
                        try
                        {
                            await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None).ConfigureAwait(false);
                        }
                        finally
                        {
                            _send.Release();
                        }
                    }

                    _ended.TrySetResult("closed by client");
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                var node = JsonNode.Parse(text);
                if (node?["envelope_id"]?.GetValue<string>() is { } envelopeId)
                {
                    _owner.OnAck(this, envelopeId, node["payload"]?.DeepClone());
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            _ended.TrySetResult($"error: {ex.Message}");
        }
        finally
        {
            _ended.TrySetResult("ended");
            _stream.Unfreeze();
        }
    }
}

/// <summary>A stream that can stop moving bytes in both directions without closing (a silent peer).</summary>
internal sealed class FreezableStream(Stream inner) : Stream
{
    private volatile bool _frozen;

    public void Freeze() => _frozen = true;

    public void Unfreeze() => _frozen = false;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);

            // While frozen, whatever arrives (PINGs, acks) is swallowed: the peer is gone as far as the client
            // can tell. The end of the connection still gets through, so the fake notices the client leaving.
            if (!_frozen || read == 0)
            {
                return read;
            }
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_frozen)
        {
            return;
        }

        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Unfreeze();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
