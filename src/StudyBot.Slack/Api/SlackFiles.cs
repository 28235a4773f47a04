using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack.Api;

/// <summary>What sharing one file came to. <see cref="Lasting"/> failures will not go away by retrying.</summary>
internal sealed record FileShareOutcome(bool Shared, string? Error = null, bool Lasting = false, TimeSpan? RetryAfter = null)
{
    /// <summary>For <c>missing_scope</c>: the scope Slack says is missing (its <c>needed</c>).</summary>
    public string? Needed { get; init; }

    public static readonly FileShareOutcome Ok = new(true);
}

/// <summary>
/// Files (progress cards, data exports) through Slack's external upload flow: files.getUploadURLExternal for
/// an upload URL and a file id, the raw bytes POSTed to that URL (not a Web API method: no token goes there),
/// then files.completeUploadExternal to share the file into a channel or DM. Ephemeral answers cannot carry
/// files, so a command's files go to the member's DM and the answer says so.
/// </summary>
internal sealed partial class SlackFiles(
    SlackApiClient api,
    SlackMessenger messenger,
    IHttpClientFactory httpClients,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackFiles> logger)
{
    public const string UploadClientName = "StudyBot.Slack.Upload";
    public const string GetUploadUrl = "files.getUploadURLExternal";
    public const string CompleteUpload = "files.completeUploadExternal";
    public const string TooLarge = "file_too_large";
    public const int MaxAltText = 1000;
    private const int MaxApiAttempts = 5;
    private const int MaxByteAttempts = 3;
    private const int MaxUrlRounds = 2;
    private const int MaxInitialComment = 3000;
    private readonly RecentKeys _shared = new(time, TimeSpan.FromDays(1));

    /// <summary>
    /// Uploads one file and shares it into <paramref name="channel"/> (a channel id, or a user id for the app's DM
    /// with them). 429s are waited out (up to <see cref="SlackOptions.MaxRetryWait"/>); failed byte uploads are
    /// sent again to the same URL, then to a new one; a completeUploadExternal that failed ambiguously is looked
    /// up in the conversation before it is repeated, so a file is never shared twice. With an
    /// <paramref name="idempotencyKey"/>, a file this process already shared under that key is not shared again.
    /// </summary>
    public async Task<FileShareOutcome> ShareAsync(string channel, ReplyAttachment file, string? initialComment, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var max = options.Value.MaxUploadBytes;
        if (file.Content.Length == 0)
        {
            return new FileShareOutcome(false, "empty_file", Lasting: true);
        }

        if (file.Content.LongLength > max)
        {
            LogTooLarge(file.Content.LongLength, max);
            return new FileShareOutcome(false, TooLarge, Lasting: true);
        }

        var (conversation, openError, openNeeded) = await messenger.ConversationAsync(channel, cancellationToken).ConfigureAwait(false);
        if (conversation is null)
        {
            return Failure(openError ?? "channel_not_found", null) with { Needed = openNeeded };
        }

        var dedupe = idempotencyKey is null ? null : $"{conversation}|{idempotencyKey}";
        if (dedupe is not null && _shared.Contains(dedupe))
        {
            LogAlreadyShared(conversation);
            return FileShareOutcome.Ok;
        }

        var name = ReplyAttachment.SafeFileName(file.FileName);
        string lastError = "upload_failed";
        for (var round = 1; round <= MaxUrlRounds; round++)
        {
            var url = await api.CallIdempotentAsync(
                new SlackApiCall(GetUploadUrl) { Form = UploadUrlForm(name, file), PayloadId = name },
                MaxApiAttempts,
                cancellationToken).ConfigureAwait(false);
            if (!url.IsOk)
            {
                return Failure(url.Error ?? "failed", url);
            }

            var fileId = url.String("file_id");
            if (url.String("upload_url") is not { } raw || fileId is null
                || !Uri.TryCreate(raw, UriKind.Absolute, out var uploadUrl) || (uploadUrl.Scheme != Uri.UriSchemeHttps && uploadUrl.Scheme != Uri.UriSchemeHttp))
            {
                return new FileShareOutcome(false, "invalid_response");
            }

            var sent = await SendBytesAsync(uploadUrl, file, cancellationToken).ConfigureAwait(false);
            if (sent is not null)
            {
                // This URL would not take the bytes; a new one (and file id) may.
                lastError = sent;
                LogUploadFailed(fileId, sent, round);
                continue;
            }

            return await CompleteAsync(conversation, fileId, name, initialComment, dedupe, cancellationToken).ConfigureAwait(false);
        }

        return new FileShareOutcome(false, lastError);
    }

    /// <summary>
    /// Sends a command answer's files to the member's DM (ephemeral answers cannot carry files) and returns the
    /// answer without them, saying where they went or why they could not be sent. Never throws except on shutdown.
    /// </summary>
    public async Task<Reply> SendAnswerFilesAsync(Reply reply, string userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var files = AllAttachments(reply);
        if (files.Count == 0)
        {
            return reply;
        }

        var withoutFiles = WithoutAttachments(reply);
        var comment = Mrkdwn.Cut(BlockKit.Fallback(withoutFiles with { FollowUps = [] }), MaxInitialComment);
        var sent = new List<ReplyAttachment>();
        var failures = new List<FileShareOutcome>();
        foreach (var file in files)
        {
            FileShareOutcome outcome;
            try
            {
                outcome = await ShareAsync(userId, file, sent.Count == 0 ? comment : null, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogShareCrashed(ex);
                outcome = new FileShareOutcome(false, "internal");
            }

            if (outcome.Shared)
            {
                sent.Add(file);
            }
            else
            {
                failures.Add(outcome);
                LogAnswerFileFailed(userId, outcome.Error, outcome.Lasting);
            }
        }

        return withoutFiles with { Text = Join(withoutFiles.Text, Note(sent, files.Count - sent.Count, failures)) };
    }

    /// <summary>Every file of a reply and its follow-ups, in order.</summary>
    internal static List<ReplyAttachment> AllAttachments(Reply reply) =>
        [.. reply.Attachments.Concat(reply.FollowUps.SelectMany(f => f.Attachments))];

    /// <summary>A short, friendly reason for a file that could not be shared; <paramref name="needed"/> is Slack's word on a missing scope.</summary>
    internal static string Explain(string? error, long maxBytes, string? needed = null) => error switch
    {
        TooLarge => $"it is larger than {Megabytes(maxBytes)}, the most StudyBot sends to Slack",
        "file_uploads_disabled" or "file_uploads_except_images_disabled" or "file_type_not_allowed" =>
            "file uploads are turned off in this workspace (an admin can allow them in the workspace settings)",
        "file_upload_size_restricted" => "this workspace does not accept files this large",
        "not_in_channel" => "I'm not a member of that channel (invite me with `/invite @StudyBot`)",
        "channel_not_found" or "is_archived" => "Slack can't find that conversation",
        "cannot_dm_bot" or "user_not_found" or "user_disabled" or "user_not_visible" or "messages_tab_disabled" => "I can't open a DM with you",
        "missing_scope" when needed is not null =>
            $"StudyBot lacks Slack's {SlackApiResponse.ScopeList(needed)} permission (an admin needs to update the app from the current manifest and reinstall it)",
        "missing_scope" => "StudyBot lacks a Slack permission it needs (an admin needs to update the app from the current manifest and reinstall it)",
        "ratelimited" or "rate_limited" => "Slack asked me to slow down; please try again in a minute",
        _ => "Slack didn't take the file just now; please try again in a minute",
    };

    private static Reply WithoutAttachments(Reply reply) => reply with
    {
        Attachments = [],
        FollowUps = [.. reply.FollowUps.Select(f => f with { Attachments = [] })],
    };

    private string Note(List<ReplyAttachment> sent, int failed, List<FileShareOutcome> failures)
    {
        var parts = new List<string>();
        if (sent.Count == 1)
        {
            parts.Add(sent[0].IsImage
                ? "📬 I sent the image to our DM (StudyBot's Messages tab), where you can save or share it."
                : $"📬 I sent `{ReplyAttachment.SafeFileName(sent[0].FileName)}` to our DM (StudyBot's Messages tab).");
        }
        else if (sent.Count > 1)
        {
            parts.Add($"📬 I sent {sent.Count} files to our DM (StudyBot's Messages tab).");
        }

        if (failed > 0)
        {
            var what = failed == 1 && sent.Count == 0 ? "the file" : failed == 1 ? "one file" : $"{failed} files";
            var reason = failures.Select(f => Explain(f.Error ?? "failed", options.Value.MaxUploadBytes, f.Needed)).Distinct(StringComparer.Ordinal);
            parts.Add($"⚠️ I couldn't send {what} to our DM: {string.Join("; ", reason)}.");
        }

        return string.Join("\n", parts);
    }

    private static string Join(string text, string note) =>
        note.Length == 0 ? text : text.Trim().Length == 0 ? note : $"{text.TrimEnd()}\n\n{note}";

    /// <summary>A size as people read it: "50 MB", "1.5 MB", "800 kB".</summary>
    internal static string Megabytes(long bytes) => bytes < 1024 * 1024
        ? Math.Max(1, Math.Round(bytes / 1024.0)).ToString("0", CultureInfo.InvariantCulture) + " kB"
        : (bytes / (1024.0 * 1024.0)).ToString("0.#", CultureInfo.InvariantCulture) + " MB";

    private static List<KeyValuePair<string, string>> UploadUrlForm(string name, ReplyAttachment file)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("filename", name),
            new("length", file.Content.Length.ToString(CultureInfo.InvariantCulture)),
        };
        if (file.IsImage && !string.IsNullOrWhiteSpace(file.AltText))
        {
            // alt_txt_too_large above 1,000 characters.
            form.Add(new("alt_txt", Mrkdwn.Cut(file.AltText.Trim(), MaxAltText)));
        }

        return form;
    }

    /// <summary>POSTs the bytes to the upload URL; null when Slack received them, otherwise why not.</summary>
    private async Task<string?> SendBytesAsync(Uri url, ReplyAttachment file, CancellationToken cancellationToken)
    {
        var o = options.Value;

        // Big exports get more time: the request timeout plus a second per 256 kB.
        var timeout = o.RequestTimeout + TimeSpan.FromSeconds(file.Content.Length / (256.0 * 1024));
        var error = "upload_failed";
        for (var attempt = 1; attempt <= MaxByteAttempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url);

            // The array is sent as it is, not copied: ByteArrayContent streams it to the socket.
            request.Content = new ByteArrayContent(file.Content);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            TimeSpan? wait = null;
            try
            {
                using var response = await httpClients.CreateClient(UploadClientName)
                    .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return null;
                }

                error = $"upload_http_{(int)response.StatusCode}";
                if (response.StatusCode != HttpStatusCode.TooManyRequests && (int)response.StatusCode < 500)
                {
                    // 4xx: this URL is no good (expired, used); retrying it will not help.
                    return error;
                }

                wait = response.Headers.RetryAfter?.Delta;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
            {
                error = ex is OperationCanceledException ? "upload_timeout" : "upload_network";
            }

            if (attempt < MaxByteAttempts)
            {
                wait ??= Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
                if (wait > o.MaxRetryWait)
                {
                    return error;
                }

                await Task.Delay(wait.Value, time, cancellationToken).ConfigureAwait(false);
            }
        }

        return error;
    }

    private async Task<FileShareOutcome> CompleteAsync(string conversation, string fileId, string name, string? initialComment, string? dedupe, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("files", new JsonArray(new JsonObject { ["id"] = fileId, ["title"] = name }).ToJsonString()),
            new("channel_id", conversation),
        };
        if (!string.IsNullOrWhiteSpace(initialComment))
        {
            form.Add(new("initial_comment", initialComment));
        }

        var call = new SlackApiCall(CompleteUpload) { Form = form, PayloadId = fileId };
        var since = time.GetUtcNow() - TimeSpan.FromSeconds(30);
        SlackApiResponse response = null!;
        for (var attempt = 1; attempt <= MaxApiAttempts; attempt++)
        {
            response = await api.CallAsync(call, cancellationToken).ConfigureAwait(false);
            switch (response.Outcome)
            {
                case SlackOutcome.Ok:
                    Mark(dedupe);
                    return FileShareOutcome.Ok;

                case SlackOutcome.RateLimited:
                    if (response.RetryAfter > options.Value.MaxRetryWait)
                    {
                        return new FileShareOutcome(false, response.Error, RetryAfter: response.RetryAfter);
                    }

                    // Nothing was shared; the limiter holds the method until Retry-After has passed.
                    continue;

                case SlackOutcome.Transient:
                    if (response.MayHaveSucceeded)
                    {
                        var landed = await messenger.FindSharedFileAsync(conversation, fileId, since, cancellationToken).ConfigureAwait(false);
                        if (landed == true)
                        {
                            Mark(dedupe);
                            LogEarlierCompleteLanded(fileId, response.Error);
                            return FileShareOutcome.Ok;
                        }

                        if (landed is null)
                        {
                            LogCannotConfirm(fileId, response.Error);
                        }
                    }

                    if (attempt < MaxApiAttempts)
                    {
                        await Task.Delay(Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30)), time, cancellationToken).ConfigureAwait(false);
                    }

                    continue;

                default:
                    return Failure(response.Error ?? "failed", response);
            }
        }

        return new FileShareOutcome(false, response.Error ?? "failed");
    }

    private void Mark(string? dedupe)
    {
        if (dedupe is not null)
        {
            _shared.TryMark(dedupe);
        }
    }

    private static FileShareOutcome Failure(string error, SlackApiResponse? response)
    {
        var outcome = response?.Outcome ?? SlackApiResponse.Classify(error);
        return outcome switch
        {
            SlackOutcome.RateLimited => new FileShareOutcome(false, error, RetryAfter: response?.RetryAfter),
            SlackOutcome.Transient => new FileShareOutcome(false, error),

            // A refused token stops the adapter elsewhere; for this file it is worth another try later.
            SlackOutcome.Fatal => new FileShareOutcome(false, $"token refused ({error})"),
            _ => new FileShareOutcome(false, error, Lasting: true) { Needed = response?.Needed },
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A file of {Bytes} bytes is above Slack:MaxUploadBytes ({Max}); not uploading it")]
    private partial void LogTooLarge(long bytes, long max);

    [LoggerMessage(Level = LogLevel.Information, Message = "A file for {Channel} with this idempotency key was already shared; not sharing it again")]
    private partial void LogAlreadyShared(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Uploading the bytes of file {FileId} failed ({Error}, round {Round}); asking for a new upload URL")]
    private partial void LogUploadFailed(string fileId, string error, int round);

    [LoggerMessage(Level = LogLevel.Information, Message = "files.completeUploadExternal for {FileId} failed with {Error} but the file was already shared; not sharing it again")]
    private partial void LogEarlierCompleteLanded(string fileId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "files.completeUploadExternal for {FileId} failed with {Error} and conversations.history cannot confirm whether it was shared; retrying")]
    private partial void LogCannotConfirm(string fileId, string? error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A file for {UserId}'s answer could not be sent ({Error}, lasting: {Lasting}); the answer says so")]
    private partial void LogAnswerFileFailed(string userId, string? error, bool lasting);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sharing a file crashed; the answer goes without it")]
    private partial void LogShareCrashed(Exception ex);
}
