using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// Files through Slack's external upload flow (files.getUploadURLExternal, the bytes to the upload URL,
/// files.completeUploadExternal), against the fake Slack, which checks the bytes it receives against the length
/// declared, refuses to share a file id whose bytes never arrived, and records every share.
/// </summary>
public sealed class FileUploadTests
{
    private const string Channel = "C0123ABCDEF";
    private const string Complete = "files.completeUploadExternal";
    private const string GetUrl = "files.getUploadURLExternal";
    private static readonly CommunityRef Workspace = new(Platforms.Slack, FakeSlack.TeamId, FakeSlack.TeamDomain);
    private static readonly MemberRef Ada = new(Workspace, Envelopes.Ada, "ada");
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly string AdaDm = FakeSlack.DmChannelFor(Envelopes.Ada);

    [Fact]
    public async Task Progress_card_ends_as_a_PNG_in_the_member_s_DM_and_the_ephemeral_answer_points_there()
    {
        await using var h = await SocketMode();

        var answer = await SlashAsync(h, "card");

        Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
        Assert.Empty(BlockKitRules.Validate(answer["blocks"]));
        var text = answer["text"]!.GetValue<string>();
        Assert.Contains("Here's your progress card", text, StringComparison.Ordinal);
        Assert.Contains("I sent the image to our DM", text, StringComparison.Ordinal);
        var share = Assert.Single(h.Slack.SharedFiles);
        Assert.Equal(AdaDm, share.Channel);
        Assert.EndsWith(".png", share.FileName, StringComparison.Ordinal);
        Assert.Equal(PngSignature, share.Content[..8]);
        Assert.Equal((1200, 630), PngSize(share.Content));
        Assert.False(string.IsNullOrWhiteSpace(share.AltText));
        Assert.Contains("progress card", share.InitialComment, StringComparison.Ordinal);
        var open = Assert.Single(h.Slack.Calls, c => c.Method == "conversations.open");
        Assert.Equal(Envelopes.Ada, open.Form["users"]);
        var getUrl = Assert.Single(h.Slack.Calls, c => c.Method == GetUrl);
        Assert.Equal(share.Content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), getUrl.Form["length"]);
        Assert.Equal(share.FileName, getUrl.Form["filename"]);

        // The token stays with Slack's Web API: the upload URL gets the bytes and nothing else.
        var upload = Assert.Single(h.Slack.UploadPosts);
        Assert.Null(upload.Authorization);
        Assert.Equal(200, upload.Status);
        var complete = Assert.Single(h.Slack.Calls, c => c.Method == Complete);
        Assert.Equal(AdaDm, complete.Form["channel_id"]);
        var files = JsonNode.Parse(complete.Form["files"])!.AsArray();
        Assert.Equal(share.FileId, Assert.Single(files)!["id"]!.GetValue<string>());

        // The answer is the ephemeral reply; nothing is posted as a message besides the file.
        Assert.Equal(0, h.Slack.CallCount("chat.postMessage"));
        Assert.Single(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task Progress_me_export_lands_in_the_DM_byte_for_byte()
    {
        await using var h = await SocketMode();
        await SlashAsync(h, "done numpy");

        var answer = await SlashAsync(h, "me export");

        var share = Assert.Single(h.Slack.SharedFiles);
        Assert.Contains($"I sent {share.FileName} to our DM", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(answer["blocks"]!.AsArray(), b => b?["text"]?["text"]?.GetValue<string>().Contains($"I sent `{share.FileName}` to our DM", StringComparison.Ordinal) == true);
        Assert.Equal(AdaDm, share.Channel);
        Assert.EndsWith(".json", share.FileName, StringComparison.Ordinal);
        Assert.Null(share.AltText);

        // The same export, straight from Core on the same (fake) clock, is the same bytes.
        var again = await h.Get<CommandExecutor>().RunTextAsync(Ada, "/progress me export", CancellationToken.None);
        var expected = Assert.Single(again.Attachments).Content;
        Assert.True(expected.AsSpan().SequenceEqual(share.Content), "The shared export differs from Core's export.");
        using var json = JsonDocument.Parse(share.Content);
        Assert.Contains(Envelopes.Ada, json.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_celebration_with_a_card_posts_its_text_then_the_image_in_the_channel_once()
    {
        await using var h = await Http();
        var png = FakePng(300_000);
        var celebration = Celebration(png);
        var notifier = h.Get<INotifier>();

        var first = await notifier.PostAsync(new ChannelAddress(Workspace, Channel), celebration, "celebration:42", CancellationToken.None);
        var again = await notifier.PostAsync(new ChannelAddress(Workspace, Channel), celebration, "celebration:42", CancellationToken.None);

        Assert.Equal(DeliveryStatus.Sent, first.Status);
        Assert.Equal(DeliveryStatus.Sent, again.Status);
        var messages = h.Slack.MessagesIn(Channel);
        Assert.Equal(["chat.postMessage", Complete], messages.Select(m => m.Method));
        Assert.Contains("finished the Python milestone", messages[0].Text, StringComparison.Ordinal);
        var share = Assert.Single(h.Slack.SharedFiles);
        Assert.Equal(Channel, share.Channel);
        Assert.Equal(png, share.Content);
        Assert.Equal("Ada's progress card: 40% done", share.AltText);
        Assert.Equal(1, h.Slack.CallCount(Complete));
    }

    [Fact]
    public async Task A_DM_with_a_card_shares_the_file_into_the_DM_the_text_went_to()
    {
        await using var h = await Http();
        var png = FakePng(5_000);

        var result = await h.Get<INotifier>().SendDirectAsync(Ada, Celebration(png) with { Visibility = Visibility.Private }, "celebration:dm:7", CancellationToken.None);

        Assert.Equal(DeliveryStatus.Sent, result.Status);
        Assert.Equal(["chat.postMessage", Complete], h.Slack.MessagesIn(AdaDm).Select(m => m.Method));
        Assert.Equal(png, Assert.Single(h.Slack.SharedFiles).Content);

        // chat.postMessage told us the DM's id; no conversations.open needed.
        Assert.Equal(0, h.Slack.CallCount("conversations.open"));
    }

    [Fact]
    public async Task Not_in_channel_on_the_share_keeps_the_text_and_is_not_retried()
    {
        await using var h = await Http();
        h.Slack.Inject(Complete, ApiFault.Fails("not_in_channel"));
        var notifier = h.Get<INotifier>();

        var result = await notifier.PostAsync(new ChannelAddress(Workspace, Channel), Celebration(FakePng(2_000)), "celebration:43", CancellationToken.None);

        // The text was delivered, so the outbox counts the message as sent; the lasting refusal is not retried.
        Assert.Equal(DeliveryStatus.Sent, result.Status);
        Assert.Single(h.Slack.MessagesIn(Channel));
        Assert.Empty(h.Slack.SharedFiles);
        Assert.Equal(1, h.Slack.CallCount(Complete));
        Assert.Equal(1, h.Slack.CallCount("chat.postMessage"));
        Assert.Contains(h.Logs.Entries, e => e.Message.Contains("without its file (not_in_channel)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_uploads_are_disabled_the_card_answer_keeps_its_text_and_says_why()
    {
        await using var h = await SocketMode(s => s.FileUploadsDisabled = true);

        var answer = await SlashAsync(h, "card");

        var text = answer["text"]!.GetValue<string>();
        Assert.Contains("Here's your progress card", text, StringComparison.Ordinal);
        Assert.Contains("I couldn't send the file to our DM: file uploads are turned off", text, StringComparison.Ordinal);
        Assert.Empty(BlockKitRules.Validate(answer["blocks"]));
        Assert.Empty(h.Slack.SharedFiles);
        Assert.Empty(h.Slack.UploadPosts);
        Assert.Equal(1, h.Slack.CallCount(GetUrl));
        Assert.Single(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task A_file_above_the_size_limit_is_not_uploaded_and_the_answer_gives_the_limit()
    {
        await using var h = await SocketMode(config: new() { ["Slack:MaxUploadBytes"] = "2048" });

        var answer = await SlashAsync(h, "card");

        Assert.Contains("larger than 2 kB, the most StudyBot sends to Slack", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, h.Slack.CallCount(GetUrl));
        Assert.Empty(h.Slack.SharedFiles);
    }

    [Theory]
    [InlineData(GetUrl)]
    [InlineData(Complete)]
    public async Task A_429_is_waited_out_for_its_Retry_After_then_the_file_is_shared_once(string method)
    {
        await using var h = await Http();
        h.Slack.Inject(method, ApiFault.RateLimited(3));
        var png = FakePng(4_000);

        var send = h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, Channel), Celebration(png), "celebration:44", CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1), "the share");

        Assert.Equal(DeliveryStatus.Sent, (await send).Status);
        Assert.Equal(png, Assert.Single(h.Slack.SharedFiles).Content);
        var calls = h.Slack.Calls.Where(c => c.Method == method).ToList();
        Assert.Equal([429, 200], calls.Select(c => c.Status));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(3), $"The retry came {calls[1].At - calls[0].At} after the 429.");
        Assert.Single(h.Slack.MessagesIn(Channel), m => m.Method == "chat.postMessage");
    }

    [Fact]
    public async Task An_upload_URL_answering_500_gets_the_same_bytes_again_at_the_same_URL()
    {
        await using var h = await Http();
        h.Slack.Inject(FakeSlack.UploadEndpoint, new ApiFault { Status = 500 });
        var png = FakePng(70_000);

        var send = h.Get<INotifier>().SendDirectAsync(Ada, Celebration(png), "celebration:45", CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1), "the share");

        Assert.Equal(DeliveryStatus.Sent, (await send).Status);
        var posts = h.Slack.UploadPosts;
        Assert.Equal([500, 200], posts.Select(p => p.Status));
        Assert.Single(posts.Select(p => p.FileId).Distinct());
        Assert.All(posts, p => Assert.Equal(png.Length, p.Bytes));
        Assert.Equal(1, h.Slack.CallCount(GetUrl));
        var share = Assert.Single(h.Slack.SharedFiles);
        Assert.Equal(png, share.Content);
        Assert.Equal(posts[0].FileId, share.FileId);
    }

    [Fact]
    public async Task An_upload_URL_that_refuses_the_bytes_is_replaced_by_a_new_one()
    {
        await using var h = await Http();
        h.Slack.Inject(FakeSlack.UploadEndpoint, new ApiFault { Status = 403 });
        var png = FakePng(9_000);

        var result = await h.Get<INotifier>().SendDirectAsync(Ada, Celebration(png), "celebration:46", CancellationToken.None);

        Assert.Equal(DeliveryStatus.Sent, result.Status);
        Assert.Equal(2, h.Slack.CallCount(GetUrl));
        var posts = h.Slack.UploadPosts;
        Assert.Equal([403, 200], posts.Select(p => p.Status));
        Assert.NotEqual(posts[0].FileId, posts[1].FileId);
        Assert.Equal(posts[1].FileId, Assert.Single(h.Slack.SharedFiles).FileId);
    }

    [Fact]
    public async Task A_complete_that_failed_after_sharing_is_found_in_the_history_and_not_shared_again()
    {
        await using var h = await Http();
        h.Slack.Inject(Complete, new ApiFault { Error = "internal_error", CommitFirst = true });

        var send = h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, Channel), Celebration(FakePng(3_000)), "celebration:47", CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1), "the share");

        Assert.Equal(DeliveryStatus.Sent, (await send).Status);
        Assert.Single(h.Slack.SharedFiles);
        Assert.Equal(1, h.Slack.CallCount(Complete));
        Assert.Equal(1, h.Slack.CallCount("conversations.history"));
    }

    [Fact]
    public async Task A_complete_that_failed_before_sharing_is_repeated_and_shares_once()
    {
        await using var h = await Http();
        h.Slack.Inject(Complete, new ApiFault { Status = 503, Error = "service_unavailable" });

        var send = h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, Channel), Celebration(FakePng(3_000)), "celebration:48", CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1), "the share");

        Assert.Equal(DeliveryStatus.Sent, (await send).Status);
        Assert.Single(h.Slack.SharedFiles);
        Assert.Equal(2, h.Slack.CallCount(Complete));
        Assert.Equal(1, h.Slack.CallCount(GetUrl));
    }

    [Fact]
    public async Task A_file_that_keeps_failing_leaves_the_text_delivered_once_and_the_outbox_retry_sends_only_the_file()
    {
        await using var h = await Http();
        h.Slack.Inject(FakeSlack.UploadEndpoint, [.. Enumerable.Repeat(new ApiFault { Status = 502 }, 6)]);
        var notifier = h.Get<INotifier>();
        var png = FakePng(6_000);

        var send = notifier.SendDirectAsync(Ada, Celebration(png), "celebration:49", CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(2), "the first hand-over");
        var first = await send;
        var retry = await notifier.SendDirectAsync(Ada, Celebration(png), "celebration:49", CancellationToken.None);

        Assert.Equal(DeliveryStatus.Transient, first.Status);
        Assert.Contains("upload_http_502", first.Reason, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Sent, retry.Status);
        Assert.Equal(1, h.Slack.CallCount("chat.postMessage"));
        Assert.Equal(png, Assert.Single(h.Slack.SharedFiles).Content);
    }

    [Fact]
    public async Task A_missing_scope_answer_names_the_scope_Slack_reports_as_needed_in_the_answer_and_the_log()
    {
        // Slack's answer to conversations.open when the token lacks im:write (the fixture's "needed").
        await using var h = await SocketMode(s => s.Inject("conversations.open", ApiFault.Fixture("web_api_error_missing_scope.json")));

        var answer = await SlashAsync(h, "card");

        var text = answer["text"]!.GetValue<string>();
        Assert.Contains("Slack's im:write permission", text, StringComparison.Ordinal);
        Assert.DoesNotContain("files:write", text, StringComparison.Ordinal);
        Assert.Empty(h.Slack.SharedFiles);
        var logged = Assert.Single(h.Logs.Entries, e => e.Message.StartsWith("Slack refused", StringComparison.Ordinal));
        Assert.Contains("conversations.open", logged.Message, StringComparison.Ordinal);
        Assert.Contains("needs im:write", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("files:write", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_without_files_write_gets_an_answer_naming_files_write_from_Slack()
    {
        await using var h = await SocketMode(s => s.Scopes.Remove("files:write"));

        var answer = await SlashAsync(h, "card");

        Assert.Contains("Slack's files:write permission", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var refused = Assert.Single(h.Slack.Calls, c => c.Method == GetUrl);
        Assert.Equal("missing_scope", refused.Error);
        Assert.Empty(h.Slack.SharedFiles);
    }

    [Fact]
    public async Task The_fake_refuses_shares_of_files_never_uploaded_and_shares_without_a_channel()
    {
        await using var fake = await FakeSlack.StartAsync();
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FakeSlack.BotToken);

        var url = await CallAsync(client, fake, GetUrl, new() { ["filename"] = "a.json", ["length"] = "4" });
        var fileId = url["file_id"]!.GetValue<string>();
        var files = $"[{{\"id\":\"{fileId}\"}}]";
        var notUploaded = await CallAsync(client, fake, Complete, new() { ["files"] = files, ["channel_id"] = Channel });
        using var wrongLength = await client.PostAsync(new Uri(url["upload_url"]!.GetValue<string>()), new ByteArrayContent([1, 2, 3]));
        using var right = await client.PostAsync(new Uri(url["upload_url"]!.GetValue<string>()), new ByteArrayContent([1, 2, 3, 4]));
        var noChannel = await CallAsync(client, fake, Complete, new() { ["files"] = files });
        var shared = await CallAsync(client, fake, Complete, new() { ["files"] = files, ["channel_id"] = Channel });

        Assert.Equal("file_not_found", notUploaded["error"]!.GetValue<string>());
        Assert.Equal(400, (int)wrongLength.StatusCode);
        Assert.Equal(200, (int)right.StatusCode);
        Assert.Equal("invalid_arguments", noChannel["error"]!.GetValue<string>());
        Assert.True(shared["ok"]!.GetValue<bool>());
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, Assert.Single(fake.SharedFiles).Content);
    }

    private static Reply Celebration(byte[] png) => new()
    {
        Visibility = Visibility.Public,
        Tone = ReplyTone.Celebration,
        Title = "Milestone reached",
        Text = "ada finished the Python milestone in 3 weeks (the guide says 2-4).",
        Attachments = [new ReplyAttachment("progress-ada-2026-01-05.png", ReplyAttachment.Png, png, "Ada's progress card: 40% done")],
    };

    private static byte[] FakePng(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        PngSignature.CopyTo(bytes, 0);
        return bytes;
    }

    private static (int Width, int Height) PngSize(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));

    private static async Task<JsonObject> SlashAsync(SlackHarness h, string text)
    {
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, text);
        var id = envelope["envelope_id"]!.GetValue<string>();
        await h.Slack.SendEnvelopeAsync(socket, envelope);
        return (await h.Slack.WaitForResponseAsync(id)).Body;
    }

    private static async Task<JsonObject> CallAsync(HttpClient client, FakeSlack fake, string method, Dictionary<string, string> form)
    {
        using var response = await client.PostAsync(new Uri($"{fake.ApiBaseUrl}/{method}"), new FormUrlEncodedContent(form));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    // Every answer goes through response_url, where the test can read it.
    private static Task<SlackHarness> SocketMode(Action<FakeSlack>? arrange = null, Dictionary<string, string?>? config = null)
    {
        var options = new HarnessOptions { Arrange = arrange, Config = { ["Slack:InlineReplyWindow"] = "00:00:00" } };
        foreach (var (key, value) in config ?? [])
        {
            options.Config[key] = value;
        }

        return SlackHarness.StartAsync(options);
    }

    private static Task<SlackHarness> Http() => SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
}
