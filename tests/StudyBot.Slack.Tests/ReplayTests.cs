using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using StudyBot.Core.Progress;
using StudyBot.Slack.Http;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// A command Slack (or anyone holding a signed request) delivers twice changes the data once: a replayed signed
/// HTTP request, a trigger_id seen again, a Socket Mode envelope redelivered after a restart.
/// </summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task A_signed_slash_command_replayed_inside_the_signature_window_logs_its_minutes_once_and_the_replay_gets_the_first_answer()
    {
        await using var h = await Http();
        var body = SlashForm(h, "log 45 practice", trigger: "1001.2002.aaaa", responseId: "log-1");
        var headers = Signed(h, body);

        using var first = await PostAsync(h, "/slack/commands", body, headers);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        using var replay = await PostAsync(h, "/slack/commands", body, headers);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var firstText = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        var replayText = JsonNode.Parse(await replay.Content.ReadAsStringAsync())!["text"]!.GetValue<string>();
        Assert.Contains("Logged 45 min", firstText, StringComparison.Ordinal);
        Assert.Contains("Logged 45 min", replayText, StringComparison.Ordinal);
        Assert.Contains("reached me twice", replayText, StringComparison.Ordinal);
        Assert.Equal(45, (await h.LoadMemberAsync(Envelopes.Ada)).Days.Sum(d => d.TotalMinutes));
    }

    [Fact]
    public async Task A_trigger_id_seen_again_with_a_different_command_is_refused_and_changes_nothing()
    {
        await using var h = await Http();
        var original = SlashForm(h, "log 45 practice", trigger: "1001.2002.bbbb", responseId: "log-1");
        var forged = SlashForm(h, "log 90 practice", trigger: "1001.2002.bbbb", responseId: "log-2");

        using var first = await PostAsync(h, "/slack/commands", original, Signed(h, original));
        using var second = await PostAsync(h, "/slack/commands", forged, Signed(h, forged));

        var answer = JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("ephemeral", answer["response_type"]!.GetValue<string>());
        Assert.Contains("did not run", answer["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(45, (await h.LoadMemberAsync(Envelopes.Ada)).Days.Sum(d => d.TotalMinutes));
    }

    [Fact]
    public async Task A_replayed_button_press_over_HTTP_undoes_once()
    {
        await using var h = await Http();
        foreach (var (text, trigger) in new[] { ("done numpy", "1.1.a"), ("done pandas", "1.1.b") })
        {
            var form = SlashForm(h, text, trigger, responseId: trigger);
            using var done = await PostAsync(h, "/slack/commands", form, Signed(h, form));
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        }

        var payload = Envelopes.BlockActions(h.Slack, "progress undo", "undo");
        payload["trigger_id"] = "1.1.c";
        var press = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));
        var headers = Signed(h, press);
        using (var first = await PostAsync(h, "/slack/interactivity", press, headers))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        await h.Slack.WaitForResponseAsync("undo");
        using (var replay = await PostAsync(h, "/slack/interactivity", press, headers))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }

        await FakeSlack.WaitUntilAsync(() => h.Slack.ResponseUrlPosts.Count(p => p.Id == "undo") == 2, what: "the replayed press's answer");
        var member = await h.LoadMemberAsync(Envelopes.Ada);
        Assert.Equal(ItemStatus.Done, member.StateOf("numpy").Status);
        Assert.NotEqual(ItemStatus.Done, member.StateOf("pandas").Status);
        Assert.Contains("reached me twice", h.Slack.ResponseUrlPosts.Last(p => p.Id == "undo").Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slash_command_envelope_redelivered_after_a_restart_is_answered_from_its_receipt_and_not_applied_again()
    {
        var database = Path.Combine(Path.GetTempPath(), "studybot-slack-tests", $"restart-{Guid.NewGuid():N}.db");
        try
        {
            JsonObject envelope;
            await using (var before = await SlackHarness.StartAsync(new HarnessOptions { DatabasePath = database }))
            {
                var socket = (await before.WaitForSocketsAsync(2))[0];
                envelope = Envelopes.SlashCommand(before.Slack, "log 45 practice");
                await before.Slack.SendEnvelopeAsync(socket, envelope);
                var ack = await before.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());
                Assert.Contains("Logged 45 min", ack.Payload!["text"]!.GetValue<string>(), StringComparison.Ordinal);
            }

            await using var after = await SlackHarness.StartAsync(new HarnessOptions { DatabasePath = database });
            var retry = envelope.DeepClone().AsObject();
            retry["retry_attempt"] = 1;
            retry["retry_reason"] = "timeout";
            var sockets = await after.WaitForSocketsAsync(2);
            await after.Slack.SendEnvelopeAsync(sockets[1], retry);
            var again = await after.Slack.WaitForAckAsync(retry["envelope_id"]!.GetValue<string>());

            var text = again.Payload!["text"]!.GetValue<string>();
            Assert.Contains("Logged 45 min", text, StringComparison.Ordinal);
            Assert.Contains("reached me twice", text, StringComparison.Ordinal);
            Assert.Equal(45, (await after.LoadMemberAsync(Envelopes.Ada)).Days.Sum(d => d.TotalMinutes));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task Two_commands_with_their_own_trigger_ids_both_apply()
    {
        await using var h = await Http();
        foreach (var trigger in new[] { "2.2.a", "2.2.b" })
        {
            var form = SlashForm(h, "log 45 practice", trigger, responseId: trigger);
            using var response = await PostAsync(h, "/slack/commands", form, Signed(h, form));
            Assert.DoesNotContain("reached me twice", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(90, (await h.LoadMemberAsync(Envelopes.Ada)).Days.Sum(d => d.TotalMinutes));
    }

    private static byte[] SlashForm(SlackHarness h, string text, string trigger, string responseId)
    {
        var fields = SlackHttpHandler.ParseForm(Fixtures.Bytes("slash_command_progress.form")).ToDictionary(p => p.Key, p => p.Value.ToString());
        fields["text"] = text;
        fields["user_id"] = Envelopes.Ada;
        fields["trigger_id"] = trigger;
        fields["response_url"] = h.Slack.ResponseUrl(responseId);
        return Encoding.UTF8.GetBytes(string.Join('&', fields.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}")));
    }

    private static Dictionary<string, string> Signed(SlackHarness h, byte[] body)
    {
        var timestamp = h.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            [SlackSignatureVerifier.TimestampHeader] = timestamp,
            [SlackSignatureVerifier.SignatureHeader] = SlackSignatureVerifier.Signature(SlackHarness.SigningSecret, timestamp, body),
        };
    }

    private static async Task<HttpResponseMessage> PostAsync(SlackHarness h, string path, byte[] body, Dictionary<string, string> headers)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(h.HttpBase, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request);
    }

    private static Task<SlackHarness> Http() => SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
}
