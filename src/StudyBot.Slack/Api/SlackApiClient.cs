using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StudyBot.Slack.Api;

internal enum SlackTokenKind
{
    Bot = 0,
    App = 1,
}

/// <summary>One Web API call: JSON for write methods, form fields for read methods.</summary>
internal sealed record SlackApiCall(string Method)
{
    public JsonObject? Json { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>>? Form { get; init; }

    public SlackTokenKind Token { get; init; } = SlackTokenKind.Bot;

    /// <summary>The channel a chat.postMessage goes to, for per-channel pacing.</summary>
    public string? Channel { get; init; }

    /// <summary>An id for this payload, logged with payload bugs so the message can be found again.</summary>
    public string? PayloadId { get; init; }

    /// <summary>
    /// Whether a refused token stops the adapter from here. The start-up check turns this off and throws
    /// <see cref="Core.Chat.AdapterFatalException"/> itself instead.
    /// </summary>
    public bool StopOnFatal { get; init; } = true;
}

/// <summary>
/// Slack's Web API on a plain <see cref="HttpClient"/>: bearer token in the header, JSON bodies with
/// <c>charset=utf-8</c>, form posts for read methods, every reply classified. Calls are paced by
/// <see cref="SlackRateLimiter"/>; a 429 pauses only that method.
/// </summary>
internal sealed partial class SlackApiClient(
    IHttpClientFactory httpClients,
    SlackRateLimiter limiter,
    SlackFatal fatal,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackApiClient> logger,
    StudyBot.Core.Telemetry.StudyBotMetrics? metrics = null)
{
    public const string HttpClientName = "StudyBot.Slack.WebApi";

    private static readonly MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };

    /// <summary>Sends one call once (after waiting for its rate slot) and classifies the answer. Never throws for Slack's or the network's failures.</summary>
    public async Task<SlackApiResponse> CallAsync(SlackApiCall call, CancellationToken cancellationToken)
    {
        // A method Slack paused for longer than a caller may wait: said at once, with how long is left, so the outbox
        // can come back later instead of holding its delivery run for the whole pause.
        if (limiter.PausedFor(call.Method) is { } paused && paused > options.Value.MaxRetryWait)
        {
            LogStillPaused(call.Method, paused.TotalSeconds);
            return new SlackApiResponse { Outcome = SlackOutcome.RateLimited, Error = "ratelimited", RetryAfter = paused };
        }

        await limiter.AcquireAsync(call.Method, call.Channel, cancellationToken).ConfigureAwait(false);
        SlackApiResponse response;
        try
        {
            response = await SendOnceAsync(call, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            limiter.Answered(call.Method, call.Channel);
        }

        switch (response.Outcome)
        {
            case SlackOutcome.Ok:
                if (response.Warning is { } warning)
                {
                    LogWarningFromSlack(call.Method, warning);
                }

                break;
            case SlackOutcome.RateLimited:
                var retryAfter = response.RetryAfter ?? TimeSpan.FromSeconds(1);
                limiter.Pause(call.Method, retryAfter);
                LogRateLimited(call.Method, retryAfter.TotalSeconds);
                metrics?.RateLimited(StudyBot.Core.Chat.Platforms.Slack, call.Method, retryAfter);
                break;
            case SlackOutcome.Fatal:
                var setting = call.Token == SlackTokenKind.App ? "Slack:AppToken" : "Slack:BotToken";
                if (call.StopOnFatal)
                {
                    fatal.Stop($"Slack refused {setting} ({response.Error}) on {call.Method}. Create a new token in the app settings, set {setting} (environment {setting.Replace(":", "__", StringComparison.Ordinal)}) and restart.");
                }

                break;
            case SlackOutcome.Bug:
                LogPayloadBug(call.Method, response.Error, call.PayloadId ?? "-", string.Join(" | ", response.Messages));
                break;
            case SlackOutcome.Failed when response.Error == "missing_scope":
                LogMissingScope(call.Method, response.Needed ?? "(Slack did not say)", response.Provided ?? "?");
                break;
            case SlackOutcome.Transient:
                LogTransient(call.Method, response.Error);
                break;
            default:
                break;
        }

        return response;
    }

    /// <summary>
    /// For calls that are safe to repeat (reads, views.publish, chat.update): waits out 429s and retries
    /// transient failures with backoff, a few times.
    /// </summary>
    public Task<SlackApiResponse> CallIdempotentAsync(SlackApiCall call, CancellationToken cancellationToken) =>
        CallIdempotentAsync(call, 3, cancellationToken);

    public async Task<SlackApiResponse> CallIdempotentAsync(SlackApiCall call, int attempts, CancellationToken cancellationToken)
    {
        SlackApiResponse response = null!;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            response = await CallAsync(call, cancellationToken).ConfigureAwait(false);
            if (response.Outcome == SlackOutcome.RateLimited && response.RetryAfter <= options.Value.MaxRetryWait)
            {
                continue;
            }

            if (response.Outcome == SlackOutcome.Transient && attempt < attempts)
            {
                await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10)), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            return response;
        }

        return response;
    }

    private async Task<SlackApiResponse> SendOnceAsync(SlackApiCall call, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var token = call.Token == SlackTokenKind.App ? o.AppToken : o.BotToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, call.Method);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (call.Json is not null)
        {
            var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(call.Json));
            content.Headers.ContentType = JsonUtf8;
            request.Content = content;
        }
        else
        {
            request.Content = new FormUrlEncodedContent(call.Form ?? []);
        }

        // The route tag is the Web API method (chat.postMessage): never a channel, a user or a token.
        var sent = time.GetTimestamp();
        var status = 0;
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var retryAfter = response.Headers.RetryAfter?.Delta
                ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
            return SlackApiResponse.Parse((int)response.StatusCode, retryAfter < TimeSpan.Zero ? TimeSpan.Zero : retryAfter, body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return new SlackApiResponse { Outcome = SlackOutcome.Transient, Error = "timeout", MayHaveSucceeded = true };
        }
        catch (HttpRequestException ex)
        {
            // A refused connection never reached Slack; anything later might have.
            var reached = ex.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError);
            return new SlackApiResponse { Outcome = SlackOutcome.Transient, Error = "network", MayHaveSucceeded = reached };
        }
        finally
        {
            metrics?.PlatformCall(StudyBot.Core.Chat.Platforms.Slack, call.Method, status, time.GetElapsedTime(sent));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack answered {Method} with warning '{Warning}'")]
    private partial void LogWarningFromSlack(string method, string warning);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack rate-limited {Method}; pausing that method for {Seconds} s")]
    private partial void LogRateLimited(string method, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} is paused by Slack's rate limit for {Seconds:0} s more; not calling it now")]
    private partial void LogStillPaused(string method, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack rejected the payload of {Method} with {Error} (a StudyBot bug; payload id {PayloadId}): {Details}")]
    private partial void LogPayloadBug(string method, string? error, string payloadId, string details);

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack refused {Method}: missing_scope, it needs {Needed} (the token has {Provided}). Add {Needed} to the app's bot scopes (the manifests in deploy/ have it) and reinstall the app.")]
    private partial void LogMissingScope(string method, string needed, string provided);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Slack call {Method} failed transiently ({Error})")]
    private partial void LogTransient(string method, string? error);
}

/// <summary>Exponential backoff with jitter: half the step fixed, half random, so retries never synchronise and never spin.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan max)
    {
        var step = initial * Math.Pow(2, Math.Clamp(attempt - 1, 0, 20));
        if (step > max)
        {
            step = max;
        }

        return (step / 2) + (step / 2 * Random.Shared.NextDouble());
    }
}
