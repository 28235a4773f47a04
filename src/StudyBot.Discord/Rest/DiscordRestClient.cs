using System.Net;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Discord.Json;

namespace StudyBot.Discord.Rest;

/// <summary>The answer to a REST call that succeeded (2xx).</summary>
internal sealed record DiscordResponse(int Status, byte[] Body)
{
    public T Read<T>(JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(Body, type) ?? throw new JsonException($"Discord sent an empty {typeof(T).Name}.");
}

/// <summary>What an interaction callback achieved.</summary>
internal enum CallbackOutcome
{
    Accepted = 0,

    /// <summary>40060: an earlier attempt (or another instance) already answered it.</summary>
    AlreadyAcknowledged = 1,

    /// <summary>10062: the token expired, usually because the 3-second deadline passed.</summary>
    Expired = 2,
}

/// <summary>
/// Discord REST v10 on one <see cref="HttpClient"/>: rate limits (<see cref="RateLimiter"/>), the invalid-request
/// guard, 429 handling by scope, and retries with backoff for 5xx and network errors. Only message sends that
/// carry a nonce with enforce_nonce, idempotent methods and interaction callbacks (where 40060 on a retry means
/// success) are retried after a failure that may have reached Discord.
/// </summary>
internal sealed partial class DiscordRestClient
{
    public const int MaxRateLimitRetries = 3;
    public const int MaxTransientRetries = 3;

    /// <summary>
    /// How long StudyBot counts on Discord to remember a message nonce sent with enforce_nonce. Discord says "the past few
    /// minutes"; within this, a send whose outcome is unknown is repeated with the same nonce, and Discord returns the
    /// message it already created. After it, the channel's recent messages are checked first (see DiscordNotifier).
    /// </summary>
    public static readonly TimeSpan NonceWindow = TimeSpan.FromMinutes(2);

    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    private readonly HttpClient _http;
    private readonly RateLimiter _limiter;
    private readonly InvalidRequestGuard _guard;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscordRestClient> _logger;
    private readonly string _baseUrl;
    private readonly AuthenticationHeaderValue? _authorization;
    private readonly TimeSpan _timeout;
    private readonly StudyBot.Core.Telemetry.StudyBotMetrics? _metrics;

    public DiscordRestClient(HttpClient http, RateLimiter limiter, InvalidRequestGuard guard, IOptions<DiscordOptions> options, TimeProvider time, ILogger<DiscordRestClient> logger, StudyBot.Core.Telemetry.StudyBotMetrics? metrics = null)
    {
        _metrics = metrics;
        _http = http;
        _limiter = limiter;
        _guard = guard;
        _time = time;
        _logger = logger;
        var o = options.Value;
        _baseUrl = o.ApiBaseUrl.TrimEnd('/');
        _authorization = string.IsNullOrWhiteSpace(o.Token) ? null : new AuthenticationHeaderValue("Bot", o.Token);
        _timeout = o.RequestTimeout;
    }

    /// <summary><c>DiscordBot (url, version)</c>, as Discord requires; Cloudflare may block requests without it.</summary>
    public static string UserAgent { get; } = BuildUserAgent();

    public RateLimiter Limiter => _limiter;

    public InvalidRequestGuard Guard => _guard;

    public async Task<DiscordUser> GetCurrentUserAsync(CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetCurrentUser(), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.DiscordUser);

    public async Task<DiscordApplication> GetCurrentApplicationAsync(CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetCurrentApplication(), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.DiscordApplication);

    public async Task<GatewayBotInfo> GetGatewayBotAsync(CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetGatewayBot(), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.GatewayBotInfo);

    public async Task<DiscordChannel> CreateDmAsync(ulong userId, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new CreateDmRequest(userId), DiscordJsonContext.Default.CreateDmRequest);

        // Opening a DM returns the existing channel when there is one, so a retry cannot create a second.
        return (await SendAsync(DiscordRoute.CreateDm(), body, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.DiscordChannel);
    }

    public async Task<DiscordChannel> GetChannelAsync(ulong channelId, CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetChannel(channelId), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.DiscordChannel);

    /// <summary>The channel's newest messages, newest first (<paramref name="limit"/> 1-100).</summary>
    public async Task<IReadOnlyList<DiscordMessage>> GetChannelMessagesAsync(ulong channelId, int limit, CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetChannelMessages(channelId, Math.Clamp(limit, 1, 100)), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.ListDiscordMessage);

    public async Task<DiscordGuild> GetGuildAsync(ulong guildId, CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetGuild(guildId), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.DiscordGuild);

    public async Task<IReadOnlyList<DiscordChannel>> GetGuildChannelsAsync(ulong guildId, CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetGuildChannels(guildId), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.ListDiscordChannel);

    public async Task<IReadOnlyList<DiscordRole>> GetGuildRolesAsync(ulong guildId, CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetGuildRoles(guildId), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.ListDiscordRole);

    public async Task<GuildMember> GetGuildMemberAsync(ulong guildId, ulong userId, CancellationToken cancellationToken) =>
        (await SendAsync(DiscordRoute.GetGuildMember(guildId, userId), null, RetryMode.Idempotent, cancellationToken)).Read(DiscordJsonContext.Default.GuildMember);

    /// <summary>Gives a member a role (204). Adding a role the member has is a no-op, so the call may be retried.</summary>
    public Task AddGuildMemberRoleAsync(ulong guildId, ulong userId, ulong roleId, CancellationToken cancellationToken) =>
        SendAsync(DiscordRoute.AddGuildMemberRole(guildId, userId, roleId), null, RetryMode.Idempotent, cancellationToken);

    /// <summary>
    /// Posts a message. Give it a nonce: then enforce_nonce is set, and a send whose outcome is unknown (a timeout after
    /// the request left, a dropped connection, a 5xx) is repeated with the same nonce while Discord still de-duplicates it:
    /// <see cref="NonceWindow"/> from <paramref name="nonceSince"/> (when the nonce was first sent; now by default). After
    /// that it throws <see cref="DiscordUnavailableException"/> with <see cref="DiscordUnavailableException.OutcomeUnknown"/>.
    /// </summary>
    public async Task<DiscordMessage> CreateMessageAsync(ulong channelId, MessagePayload message, CancellationToken cancellationToken, long? nonceSince = null)
    {
        var retry = RetryMode.Never;
        Func<bool>? mayRepeat = null;
        if (message.Nonce is not null)
        {
            message = message with { EnforceNonce = true };
            retry = RetryMode.Idempotent;
            var since = nonceSince ?? _time.GetTimestamp();
            mayRepeat = () => _time.GetElapsedTime(since) < NonceWindow;
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(message, DiscordJsonContext.Default.MessagePayload);
        return (await SendAsync(DiscordRoute.CreateMessage(channelId), body, retry, cancellationToken, files: message.Files, mayRepeat: mayRepeat)).Read(DiscordJsonContext.Default.DiscordMessage);
    }

    public async Task<CallbackOutcome> CreateInteractionResponseAsync(ulong interactionId, string token, InteractionResponse response, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(response, DiscordJsonContext.Default.InteractionResponse);
        var attempts = 0;
        try
        {
            await SendAsync(DiscordRoute.InteractionCallback(interactionId, token), body, RetryMode.Idempotent, cancellationToken, () => attempts++);
            return CallbackOutcome.Accepted;
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.InteractionAlreadyAcknowledged)
        {
            // On a retry this means an earlier attempt got through; on a first attempt, someone else answered.
            if (attempts > 1)
            {
                return CallbackOutcome.Accepted;
            }

            LogAlreadyAcknowledged(interactionId);
            return CallbackOutcome.AlreadyAcknowledged;
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.UnknownInteraction)
        {
            return CallbackOutcome.Expired;
        }
    }

    public Task EditOriginalResponseAsync(ulong applicationId, string token, MessagePayload message, CancellationToken cancellationToken)
    {
        // Editing the same message to the same content twice is harmless, so the edit may be retried.
        var body = JsonSerializer.SerializeToUtf8Bytes(message with { Flags = null, Nonce = null, EnforceNonce = null }, DiscordJsonContext.Default.MessagePayload);
        return SendAsync(DiscordRoute.EditOriginal(applicationId, token), body, RetryMode.Idempotent, cancellationToken, files: message.Files);
    }

    public Task CreateFollowupAsync(ulong applicationId, string token, MessagePayload message, CancellationToken cancellationToken)
    {
        // Webhook executions have no nonce, so a retry after a 5xx or a lost answer could post a follow-up twice if
        // Discord had created it before failing. Follow-ups carry celebrations and notices the member should get:
        // a rare repeat is the smaller harm than a lost one, so they are retried like idempotent calls.
        var body = JsonSerializer.SerializeToUtf8Bytes(message with { Nonce = null, EnforceNonce = null }, DiscordJsonContext.Default.MessagePayload);
        return SendAsync(DiscordRoute.CreateFollowup(applicationId, token), body, RetryMode.Idempotent, cancellationToken, files: message.Files);
    }

    public async Task<DiscordResponse> BulkOverwriteCommandsAsync(ulong applicationId, ulong? guildId, byte[] commandsJson, CancellationToken cancellationToken)
    {
        var route = guildId is { } g ? DiscordRoute.BulkOverwriteGuildCommands(applicationId, g) : DiscordRoute.BulkOverwriteGlobalCommands(applicationId);
        return await SendAsync(route, commandsJson, RetryMode.Idempotent, cancellationToken);
    }

    internal enum RetryMode
    {
        /// <summary>Retry only failures that certainly did not reach Discord (and 429s).</summary>
        Never = 0,

        /// <summary>Repeating the request is harmless: retry 5xx, timeouts and network errors too.</summary>
        Idempotent = 1,
    }

    /// <param name="mayRepeat">For a request that may have taken effect: whether repeating it is still harmless (a nonce Discord still remembers).</param>
    internal async Task<DiscordResponse> SendAsync(DiscordRoute route, byte[]? body, RetryMode retry, CancellationToken cancellationToken, Action? onAttempt = null, IReadOnlyList<StudyBot.Core.Chat.ReplyAttachment>? files = null, Func<bool>? mayRepeat = null)
    {
        var rateLimited = 0;
        var transient = 0;
        while (true)
        {
            _guard.ThrowIfOpen();
            var lease = await _limiter.AcquireAsync(route, cancellationToken);
            onAttempt?.Invoke();
            using var request = BuildRequest(route, body, files);
            HttpResponseMessage response;
            using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attemptTimeout.CancelAfter(_timeout);
            var sent = _time.GetTimestamp();
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptTimeout.Token);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                lease.Abandon(mayHaveReachedDiscord: true);
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                // Status 0: no answer. The route is its template (ids and interaction tokens are never tags).
                _metrics?.PlatformCall(StudyBot.Core.Chat.Platforms.Discord, route.RouteKey, 0, _time.GetElapsedTime(sent));
                var timedOut = ex is OperationCanceledException;
                var reached = timedOut || ex is not HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError };
                lease.Abandon(reached);
                if ((reached && (retry == RetryMode.Never || mayRepeat?.Invoke() == false)) || ++transient > MaxTransientRetries)
                {
                    throw new DiscordUnavailableException($"{route.RouteKey} failed: {(timedOut ? "timed out" : ex.Message)}", ex) { OutcomeUnknown = reached };
                }

                var backoff = Backoff(transient);
                LogTransient(route.RouteKey, timedOut ? "timeout" : ex.GetType().Name, transient, backoff.TotalMilliseconds);
                await Task.Delay(backoff, _time, cancellationToken);
                continue;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                _metrics?.PlatformCall(StudyBot.Core.Chat.Platforms.Discord, route.RouteKey, status, _time.GetElapsedTime(sent));
                var headers = RateLimitHeaders.Parse(response.Headers);
                var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                lease.Complete(headers, status == 429);
                if (status is 401 or 403 or 429)
                {
                    // Only a route the bot token authorised can say the bot token is bad; an interaction token that
                    // outlived its 15 minutes (401, 50027 Invalid Webhook Token) is that interaction's problem alone.
                    _guard.Record(status, headers.Scope, botToken: route.Authenticated);
                }

                if (status is >= 200 and < 300)
                {
                    return new DiscordResponse(status, bytes);
                }

                var error = TryReadError(bytes);
                if (status == 429)
                {
                    var wait = TimeSpan.FromSeconds(Math.Max(error?.RetryAfter ?? 0, headers.RetryAfter?.TotalSeconds ?? 0));
                    if (wait <= TimeSpan.Zero)
                    {
                        wait = TimeSpan.FromSeconds(1);
                    }

                    var global = headers.Global || headers.Scope == RateLimitScope.Global || error?.Global == true;
                    if (global)
                    {
                        _limiter.BlockGlobal(wait);
                    }
                    else
                    {
                        _limiter.BlockRoute(route, wait);
                    }

                    LogRateLimited(route.RouteKey, global ? RateLimitScope.Global : headers.Scope, wait.TotalSeconds);
                    _metrics?.RateLimited(StudyBot.Core.Chat.Platforms.Discord, route.RouteKey, wait);
                    if (++rateLimited > MaxRateLimitRetries || wait > RateLimiter.MaxQueueWait)
                    {
                        throw new DiscordRateLimitedException(wait, global ? RateLimitScope.Global : headers.Scope);
                    }

                    continue;
                }

                if (status == 401 && route.Authenticated)
                {
                    throw new DiscordAuthException("Discord answered 401 Unauthorized: Discord:Token is not a valid bot token (it may have been reset).");
                }

                if (status == 401)
                {
                    // Not retried: the token will not come back. The caller logs it once, for its interaction.
                    throw new DiscordApiException(status, error?.Code, error?.Message ?? "Unauthorized");
                }

                if (status >= 500)
                {
                    if (retry == RetryMode.Never || mayRepeat?.Invoke() == false || ++transient > MaxTransientRetries)
                    {
                        // Discord may have done the work before failing.
                        throw new DiscordUnavailableException($"{route.RouteKey} failed: Discord answered {status}") { OutcomeUnknown = true };
                    }

                    var backoff = Backoff(transient);
                    LogTransient(route.RouteKey, status.ToString(System.Globalization.CultureInfo.InvariantCulture), transient, backoff.TotalMilliseconds);
                    await Task.Delay(backoff, _time, cancellationToken);
                    continue;
                }

                var errors = error?.Errors is { ValueKind: JsonValueKind.Object } tree ? DiscordErrors.Describe(tree) : null;
                LogRejected(route.RouteKey, status, error?.Code, error?.Message, errors ?? "");
                throw new DiscordApiException(status, error?.Code, error?.Message ?? response.ReasonPhrase ?? "error", errors);
            }
        }
    }

    private HttpRequestMessage BuildRequest(DiscordRoute route, byte[]? body, IReadOnlyList<StudyBot.Core.Chat.ReplyAttachment>? files)
    {
        var request = new HttpRequestMessage(route.Method, _baseUrl + route.Path);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (route.Authenticated && _authorization is not null)
        {
            request.Headers.Authorization = _authorization;
        }

        if (body is not null && files is { Count: > 0 })
        {
            // Files go as multipart: the JSON in payload_json, each file as files[n] (n = its attachments id).
            var form = new MultipartFormDataContent();
            var json = new ByteArrayContent(body);
            json.Headers.ContentType = JsonType;
            form.Add(json, "payload_json");
            for (var i = 0; i < files.Count; i++)
            {
                var part = new ByteArrayContent(files[i].Content);
                part.Headers.ContentType = MediaTypeHeaderValue.TryParse(files[i].ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
                form.Add(part, $"files[{i}]", files[i].FileName);
            }

            request.Content = form;
        }
        else if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = JsonType;
        }

        return request;
    }

    private static DiscordErrorBody? TryReadError(byte[] bytes)
    {
        try
        {
            return bytes.Length == 0 ? null : JsonSerializer.Deserialize(bytes, DiscordJsonContext.Default.DiscordErrorBody);
        }
        catch (JsonException)
        {
            // A Cloudflare ban answers with HTML, not JSON.
            return null;
        }
    }

    /// <summary>0.5 s, 1 s, 2 s ... with up to 25% jitter, so a fleet does not retry in step.</summary>
    private static TimeSpan Backoff(int attempt) =>
        TimeSpan.FromMilliseconds(500 * Math.Pow(2, attempt - 1) * (1 + (Random.Shared.NextDouble() * 0.25)));

    private static string BuildUserAgent()
    {
        var assembly = typeof(DiscordRestClient).Assembly;
        var url = assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryUrl")?.Value
            ?? "https://github.com/studybot/studybot";
        var version = assembly.GetName().Version ?? new Version(0, 1, 0);
        return $"DiscordBot ({url}, {version.ToString(3)})";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord rate limited {Route} (scope {Scope}); waiting {Seconds:0.###} s")]
    private partial void LogRateLimited(string route, RateLimitScope scope, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord request {Route} failed ({Reason}), retry {Attempt} in {DelayMs:0} ms")]
    private partial void LogTransient(string route, string reason, int attempt, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord rejected {Route}: {Status} code {Code} {Message} {Errors}")]
    private partial void LogRejected(string route, int status, int? code, string? message, string errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction {InteractionId} was already acknowledged by someone else (is a second bot instance running with the same token?)")]
    private partial void LogAlreadyAcknowledged(ulong interactionId);
}
