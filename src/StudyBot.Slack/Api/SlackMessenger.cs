using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack.Api;

/// <summary>The result of posting one message.</summary>
internal sealed record PostOutcome(DeliveryResult Result, string? Channel = null, string? Ts = null);

/// <summary>
/// Sends StudyBot's messages: chat.postMessage exactly once (a post that failed ambiguously is looked up
/// before it is repeated), answers to response_url, App Home views.
/// </summary>
internal sealed partial class SlackMessenger(
    SlackApiClient api,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackMessenger> logger,
    StudyBot.Core.Telemetry.StudyBotMetrics? metrics = null)
{
    /// <summary>The route a response_url post is counted under: the URL itself is a credential and never a tag.</summary>
    public const string ResponseUrlRoute = "response_url";

    public const string ResponseUrlClientName = "StudyBot.Slack.ResponseUrl";
    private const int MaxPostAttempts = 5;
    private static readonly MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };
    /// <summary>Slack takes at most this many posts to one response_url ...</summary>
    public const int ResponseUrlUses = 5;

    /// <summary>... within this long of the payload that carried it.</summary>
    public static readonly TimeSpan ResponseUrlLifetime = TimeSpan.FromMinutes(30);

    // A post that sets off just before the half hour may arrive after it: StudyBot stops a little early.
    private static readonly TimeSpan ResponseUrlMargin = TimeSpan.FromSeconds(30);
    private readonly ExpiringMap<string> _dmChannels = new(time, TimeSpan.FromDays(1));

    // Kept twice as long as a response_url lives, so one that has expired is still known to have expired.
    private readonly ExpiringMap<(long Arrived, int Uses)> _responseUrls = new(time, ResponseUrlLifetime * 2);
    private readonly RecentKeys _delivered = new(time, TimeSpan.FromDays(1));

    /// <summary>DM conversations, response_url records and delivered keys held in memory right now.</summary>
    internal int Held => _dmChannels.Count + _responseUrls.Count + _delivered.Count;

    /// <summary>
    /// A payload carrying this response_url has just arrived: its 30 minutes start now. A URL StudyBot was never told
    /// about counts from its first use.
    /// </summary>
    public void ResponseUrlArrived(string? responseUrl)
    {
        if (responseUrl is not null)
        {
            _responseUrls.Update(responseUrl, (time.GetTimestamp(), 0), known => (known, true));
        }
    }

    /// <summary>
    /// Posts to a channel, or to a user id (the app's DM with them). 429s are waited out (up to
    /// <see cref="SlackOptions.MaxRetryWait"/>); internal_error, fatal_error, 5xx and timeouts are retried
    /// only after conversations.history shows the earlier attempt did not land, so nobody gets it twice.
    /// </summary>
    public Task<PostOutcome> PostMessageAsync(string channel, SlackMessage message, CancellationToken cancellationToken) =>
        PostMessageAsync(channel, message, null, cancellationToken);

    /// <summary>
    /// As above; with an <paramref name="idempotencyKey"/> (the outbox's), a key already delivered by this
    /// process is not posted again, and the key marks the message for the look-up after an ambiguous failure.
    /// </summary>
    public Task<PostOutcome> PostMessageAsync(string channel, SlackMessage message, string? idempotencyKey, CancellationToken cancellationToken) =>
        PostMessageAsync(channel, message, idempotencyKey, null, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="mayHaveLandedSinceUtc"/> (an earlier attempt, by an instance that stopped
    /// mid-send, may have posted it since then), conversations.history is read first and a message already there
    /// is not posted again. When the history cannot be read, it is posted (a rare repeat beats a lost reminder).
    /// </summary>
    public async Task<PostOutcome> PostMessageAsync(string channel, SlackMessage message, string? idempotencyKey, DateTime? mayHaveLandedSinceUtc, CancellationToken cancellationToken)
    {
        if (idempotencyKey is not null && _delivered.Contains($"{channel}|{idempotencyKey}"))
        {
            LogAlreadyDelivered(channel);
            return new PostOutcome(DeliveryResult.Ok, channel);
        }

        var deliveryId = idempotencyKey is null
            ? Guid.NewGuid().ToString("N")
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32];
        var marker = $"studybot-{deliveryId}";
        if (idempotencyKey is not null && mayHaveLandedSinceUtc is { } earlier)
        {
            var before = await FindPostedAsync(channel, marker, new DateTimeOffset(DateTime.SpecifyKind(earlier, DateTimeKind.Utc)), cancellationToken).ConfigureAwait(false);
            if (before == true)
            {
                _delivered.TryMark($"{channel}|{idempotencyKey}");
                LogEarlierInstanceLanded(deliveryId);
                return new PostOutcome(DeliveryResult.Ok, channel);
            }
        }

        var body = message.ToPostMessage(channel, marker);
        var since = time.GetUtcNow() - TimeSpan.FromSeconds(30);
        var simplified = false;
        string? lastError = null;
        TimeSpan? lastRetryAfter = null;
        for (var attempt = 1; attempt <= MaxPostAttempts; attempt++)
        {
            var response = await api.CallAsync(new SlackApiCall(SlackRateLimiter.PostMessage) { Json = body, Channel = channel, PayloadId = deliveryId }, cancellationToken).ConfigureAwait(false);
            lastError = response.Error;
            switch (response.Outcome)
            {
                case SlackOutcome.Ok:
                    var posted = response.String("channel");
                    if (posted is not null && IsUserId(channel))
                    {
                        _dmChannels.Set(channel, posted);
                    }

                    if (idempotencyKey is not null)
                    {
                        _delivered.TryMark($"{channel}|{idempotencyKey}");
                    }

                    return new PostOutcome(DeliveryResult.Ok, posted ?? channel, response.String("ts"));

                case SlackOutcome.RateLimited:
                    lastRetryAfter = response.RetryAfter;
                    if (response.RetryAfter > options.Value.MaxRetryWait)
                    {
                        return new PostOutcome(DeliveryResult.TransientFailure("ratelimited", response.RetryAfter));
                    }

                    // The limiter now holds every chat.postMessage until Retry-After has passed.
                    continue;

                case SlackOutcome.Transient:
                    if (response.MayHaveSucceeded)
                    {
                        var landed = await FindPostedAsync(channel, marker, since, cancellationToken).ConfigureAwait(false);
                        if (landed == true)
                        {
                            if (idempotencyKey is not null)
                            {
                                _delivered.TryMark($"{channel}|{idempotencyKey}");
                            }

                            LogEarlierAttemptLanded(deliveryId, response.Error);
                            return new PostOutcome(DeliveryResult.Ok, channel);
                        }

                        if (landed is null)
                        {
                            LogCannotConfirm(deliveryId, response.Error);
                        }
                    }

                    if (attempt < MaxPostAttempts)
                    {
                        await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), time, cancellationToken).ConfigureAwait(false);
                    }

                    continue;

                case SlackOutcome.Bug when !simplified:
                    // The blocks are our bug (already logged with the payload id); the member still gets the text.
                    simplified = true;
                    body = Simplified(channel, message, marker);
                    continue;

                case SlackOutcome.TargetUnavailable:
                    return new PostOutcome(DeliveryResult.PermanentFailure(response.Error ?? "unavailable"));

                case SlackOutcome.Fatal:
                    return new PostOutcome(DeliveryResult.TransientFailure($"token refused ({response.Error})"));

                default:
                    return new PostOutcome(DeliveryResult.PermanentFailure(response.Error ?? "failed"));
            }
        }

        // After a run of 429s the last Retry-After is the soonest worth trying again.
        return new PostOutcome(DeliveryResult.TransientFailure($"gave up after {MaxPostAttempts} attempts ({lastError})", lastError is "ratelimited" or "rate_limited" ? lastRetryAfter : null));
    }

    /// <summary>
    /// Answers a slash command or button press through its response_url. False when it was not delivered: refused,
    /// failed, or not even tried because its 5 uses or 30 minutes are spent; the caller then answers another way.
    /// </summary>
    public async Task<bool> RespondAsync(string responseUrl, JsonObject body, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(responseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            LogBadResponseUrl();
            return false;
        }

        if (!_responseUrls.Update(responseUrl, (time.GetTimestamp(), 0), url => time.GetElapsedTime(url.Arrived) < ResponseUrlLifetime - ResponseUrlMargin && url.Uses < ResponseUrlUses
            ? ((url.Arrived, url.Uses + 1), true)
            : (url, false)))
        {
            LogResponseUrlSpent(ResponseUrlUses);
            return false;
        }

        // Explicit, as in Slack's examples: an answer is a new message, never a replacement of the one pressed.
        if (!body.ContainsKey("replace_original"))
        {
            body["replace_original"] = false;
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = JsonUtf8;
            var sent = time.GetTimestamp();
            var status = 0;
            try
            {
                using var response = await httpClients.CreateClient(ResponseUrlClientName).SendAsync(request, cancellationToken).ConfigureAwait(false);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }

                // 429 and 503 mean "not done"; anything else may or may not have been shown, so it is not repeated.
                if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                {
                    LogResponseUrlFailed((int)response.StatusCode);
                    return false;
                }

                var wait = response.Headers.RetryAfter?.Delta ?? Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    metrics?.RateLimited(StudyBot.Core.Chat.Platforms.Slack, ResponseUrlRoute, wait);
                }

                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                LogResponseUrlError(ex);
                return false;
            }
            finally
            {
                metrics?.PlatformCall(StudyBot.Core.Chat.Platforms.Slack, ResponseUrlRoute, status, time.GetElapsedTime(sent));
            }
        }

        LogResponseUrlFailed(0);
        return false;
    }

    /// <summary>A message only <paramref name="userId"/> sees, in a channel the bot is in (no retry after an ambiguous failure: better lost than shown twice).</summary>
    public async Task<bool> PostEphemeralAsync(string channel, string userId, SlackMessage message, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["channel"] = channel,
            ["user"] = userId,
            ["text"] = message.Text,
            ["blocks"] = message.Blocks.DeepClone(),
        };
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var response = await api.CallAsync(new SlackApiCall("chat.postEphemeral") { Json = body, PayloadId = $"ephemeral-{userId}" }, cancellationToken).ConfigureAwait(false);
            if (response.Outcome != SlackOutcome.RateLimited || response.RetryAfter > options.Value.MaxRetryWait)
            {
                return response.IsOk;
            }
        }

        return false;
    }

    /// <summary>Shows a member their App Home tab.</summary>
    public async Task<bool> PublishHomeAsync(string userId, JsonObject view, CancellationToken cancellationToken)
    {
        var response = await api.CallIdempotentAsync(
            new SlackApiCall("views.publish") { Json = new JsonObject { ["user_id"] = userId, ["view"] = view }, PayloadId = $"home-{userId}" },
            cancellationToken).ConfigureAwait(false);
        return response.IsOk;
    }

    /// <summary>Whether a message with this marker is in the channel since <paramref name="since"/>; null when that cannot be checked.</summary>
    internal async Task<bool?> FindPostedAsync(string channel, string marker, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var messages = await HistoryAsync(channel, since, cancellationToken).ConfigureAwait(false);
        return messages?.Any(m => m.TryGetProperty("blocks", out var blocks) && blocks.ValueKind == JsonValueKind.Array
            && blocks.EnumerateArray().Any(b => Str(b, "block_id") == marker));
    }

    /// <summary>Whether a message sharing the file <paramref name="fileId"/> is in the channel since <paramref name="since"/>; null when that cannot be checked.</summary>
    internal async Task<bool?> FindSharedFileAsync(string channel, string fileId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var messages = await HistoryAsync(channel, since, cancellationToken).ConfigureAwait(false);
        return messages?.Any(m => m.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array
            && files.EnumerateArray().Any(f => Str(f, "id") == fileId));
    }

    /// <summary>
    /// The conversation a channel or user id stands for: a channel id as it is, a user id as the app's DM with
    /// them (conversations.open, cached). The conversation is null when the DM cannot be opened, and the error says why.
    /// </summary>
    internal async Task<(string? Conversation, string? Error, string? Needed)> ConversationAsync(string channel, CancellationToken cancellationToken)
    {
        if (!IsUserId(channel))
        {
            return (channel, null, null);
        }

        if (_dmChannels.TryGet(channel, out var dm))
        {
            return (dm, null, null);
        }

        var open = await api.CallIdempotentAsync(new SlackApiCall("conversations.open") { Form = [new("users", channel), new("return_im", "true")] }, cancellationToken).ConfigureAwait(false);
        dm = open.IsOk && open.Body.TryGetProperty("channel", out var ch) && ch.ValueKind == JsonValueKind.Object ? Str(ch, "id") : null;
        if (dm is null)
        {
            return (null, open.Error ?? "invalid_response", open.Needed);
        }

        _dmChannels.Set(channel, dm);
        return (dm, null, null);
    }

    /// <summary>The messages of a conversation (or a user's DM) since <paramref name="since"/>; null when they cannot be read.</summary>
    private async Task<List<JsonElement>?> HistoryAsync(string channel, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var (conversation, _, _) = await ConversationAsync(channel, cancellationToken).ConfigureAwait(false);
        if (conversation is null)
        {
            return null;
        }

        var oldest = (since.ToUnixTimeMilliseconds() / 1000.0).ToString("F6", CultureInfo.InvariantCulture);
        var history = await api.CallIdempotentAsync(
            new SlackApiCall("conversations.history")
            {
                Form = [new("channel", conversation), new("oldest", oldest), new("inclusive", "true"), new("limit", "100")],
            },
            cancellationToken).ConfigureAwait(false);
        if (!history.IsOk || !history.Body.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        return [.. messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object)];
    }

    private static JsonObject Simplified(string channel, SlackMessage message, string marker) => new()
    {
        ["channel"] = channel,
        ["text"] = message.Text,
        ["blocks"] = new JsonArray(new JsonObject
        {
            ["type"] = "section",
            ["block_id"] = marker,
            ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Mrkdwn.Cut(message.Text, BlockKit.MaxSection) },
        }),
        ["unfurl_links"] = false,
        ["unfurl_media"] = false,
    };

    private static bool IsUserId(string channel) => channel.Length > 1 && channel[0] is 'U' or 'W';

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "A message for {Channel} with this idempotency key was already delivered; not posting it again")]
    private partial void LogAlreadyDelivered(string channel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Post {DeliveryId} was already in the conversation (sent by an earlier attempt that stopped before recording it); not posted again")]
    private partial void LogEarlierInstanceLanded(string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Post {DeliveryId} failed with {Error} but had already landed; not posting it again")]
    private partial void LogEarlierAttemptLanded(string deliveryId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Post {DeliveryId} failed with {Error} and conversations.history cannot confirm whether it landed (scope im:history/channels:history/groups:history missing?); retrying")]
    private partial void LogCannotConfirm(string deliveryId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A payload carried a response_url that is not an http(s) URL; the answer cannot be delivered")]
    private partial void LogBadResponseUrl();

    [LoggerMessage(Level = LogLevel.Information, Message = "A response_url's {Uses} uses or 30 minutes are spent; the answer goes another way")]
    private partial void LogResponseUrlSpent(int uses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "response_url answered HTTP {Status}; the answer was not delivered")]
    private partial void LogResponseUrlFailed(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "response_url request failed after it may have been delivered; not repeating it")]
    private partial void LogResponseUrlError(Exception ex);
}
