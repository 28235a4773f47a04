using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Progress;
using StudyBot.Slack.Http;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class HttpModeTests
{
    [Fact]
    public async Task A_signed_progress_done_numpy_is_answered_in_the_response_and_the_database_holds_the_change()
    {
        await using var h = await Http();

        using var response = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "done numpy", "http-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", body["response_type"]!.GetValue<string>());
        Assert.Contains("NumPy", body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(BlockKitRules.Validate(body["blocks"]));
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task A_slow_command_gets_an_empty_200_inside_the_deadline_and_its_answer_through_response_url()
    {
        await using var h = await Http();
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });

        var request = PostSignedAsync(h, "/slack/commands", SlashForm(h, "done numpy", "http-slow"));
        var waited = await h.AdvanceUntilAsync(() => request.IsCompleted, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3), "the HTTP acknowledgement");
        using var response = await request;

        Assert.True(waited < TimeSpan.FromSeconds(3));
        Assert.False(release.Task.IsCompleted);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());

        release.SetResult();
        var answer = await h.Slack.WaitForResponseAsync("http-slow");
        Assert.Contains("NumPy", answer.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
    }

    [Fact]
    public async Task An_answer_through_response_url_is_counted_as_a_deferred_answer_and_a_Slack_call_under_its_route_never_its_URL()
    {
        await using var h = await Http();
        var seen = new List<(string Instrument, string Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var meter = h.Get<StudyBot.Core.Telemetry.StudyBotMetrics>().Meter;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && (instrument.Name.StartsWith("studybot.platform.", StringComparison.Ordinal) || instrument.Name == "studybot.deferred_answers"))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Add(i.Name, tags));
        listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Add(i.Name, tags));
        listener.Start();
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });

        var request = PostSignedAsync(h, "/slack/commands", SlashForm(h, "done numpy", "http-counted"));
        await h.AdvanceUntilAsync(() => request.IsCompleted, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3), "the HTTP acknowledgement");
        (await request).Dispose();
        release.SetResult();
        var answer = await h.Slack.WaitForResponseAsync("http-counted");
        await FakeSlack.WaitUntilAsync(() => Snapshot().Any(m => m.Tags.Contains("route=response_url,", StringComparison.Ordinal)), what: "the response_url post to be counted");

        var posts = Snapshot().Where(m => m.Instrument == "studybot.platform.requests" && m.Tags.Contains("route=response_url,", StringComparison.Ordinal)).ToList();
        Assert.Equal(["platform=slack,route=response_url,status=200"], posts.Select(m => m.Tags));
        Assert.Equal(["platform=slack"], Snapshot().Where(m => m.Instrument == "studybot.deferred_answers").Select(m => m.Tags));
        Assert.DoesNotContain(Snapshot(), m => m.Tags.Contains("http", StringComparison.OrdinalIgnoreCase) || m.Tags.Contains(answer.Id, StringComparison.Ordinal));

        void Add(string instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = string.Join(",", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
            lock (seen)
            {
                seen.Add((instrument, text));
            }
        }

        List<(string Instrument, string Tags)> Snapshot()
        {
            lock (seen)
            {
                return [.. seen];
            }
        }
    }

    [Fact]
    public async Task A_help_whose_member_lookup_is_slow_still_gets_an_empty_200_inside_the_deadline_and_its_answer_through_response_url()
    {
        // Help starts on the request's own thread (it reads no database); a slow users.info must still not hold the
        // acknowledgement past Slack's deadline.
        await using var h = await Http();
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });

        var request = PostSignedAsync(h, "/slack/commands", SlashForm(h, "help", "help-slow"));
        var waited = await h.AdvanceUntilAsync(() => request.IsCompleted, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3), "the HTTP acknowledgement");
        using var response = await request;

        Assert.True(waited < TimeSpan.FromSeconds(3));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());

        release.SetResult();
        var answer = await h.Slack.WaitForResponseAsync("help-slow");
        var helpText = string.Join('\n', Texts(answer.Body["blocks"]!));
        Assert.Contains(Rendering.Mrkdwn.Escape(StudyBot.Core.Commands.StudyBotCommands.Catalog().Find("progress done")!.Description), helpText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_is_answered_in_the_acknowledgement_for_each_member_who_asks_and_the_admin_help_only_for_admins()
    {
        await using var h = await Http();
        h.Slack.AddUser(new FakeUser("U0ADMIN001", "olga", "Europe/Berlin", IsAdmin: true));

        using var member = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "help", "m1"));
        using var admin = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "help", "a1", "U0ADMIN001", "/studybot"));
        using var notAdmin = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "help", "m2", Envelopes.Ada, "/studybot"));

        Assert.Equal(HttpStatusCode.OK, member.StatusCode);
        Assert.Equal("application/json; charset=utf-8", member.Content.Headers.ContentType?.ToString());
        var memberBody = await member.Content.ReadAsStringAsync();
        Assert.Equal(Encoding.UTF8.GetByteCount(memberBody), member.Content.Headers.ContentLength);
        var memberAnswer = JsonNode.Parse(memberBody)!;
        Assert.Equal("ephemeral", memberAnswer["response_type"]!.GetValue<string>());
        Assert.NotEmpty(memberAnswer["text"]!.GetValue<string>());
        Assert.Contains(Rendering.Mrkdwn.Escape(StudyBot.Core.Commands.StudyBotCommands.Catalog().Find("progress next")!.Description), string.Join('\n', Texts(memberAnswer["blocks"]!)), StringComparison.Ordinal);

        var adminText = string.Join('\n', Texts(JsonNode.Parse(await admin.Content.ReadAsStringAsync())!["blocks"]!));
        var notAdminText = string.Join('\n', Texts(JsonNode.Parse(await notAdmin.Content.ReadAsStringAsync())!["blocks"]!));
        var adminOnly = Rendering.Mrkdwn.Escape(StudyBot.Core.Commands.StudyBotCommands.Catalog().Leaves.First(l => l.RequiresAdmin && l.Path != "studybot help").Description);
        Assert.Contains(adminOnly, adminText, StringComparison.Ordinal);
        Assert.NotEqual(adminText, notAdminText);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task Every_member_gets_the_same_help_bytes_each_time_and_an_admin_the_admin_version_whoever_asked_first()
    {
        await using var h = await Http();
        h.Slack.AddUser(new FakeUser("U0ADMIN001", "olga", "Europe/Berlin", IsAdmin: true));
        h.Slack.AddUser(new FakeUser("U0BOB00001", "bob", "Europe/Paris"));

        async Task<byte[]> HelpAsync(string user, string text = "help", string command = "/progress")
        {
            using var response = await PostSignedAsync(h, "/slack/commands", SlashForm(h, text, "r", user, command));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);

            // The bytes are the answer's JSON as response_url and Socket Mode would serialize it.
            Assert.Equal(bytes, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(JsonNode.Parse(bytes)));
            return bytes;
        }

        var admin = await HelpAsync("U0ADMIN001");
        var ada = await HelpAsync(Envelopes.Ada);
        var bob = await HelpAsync("U0BOB00001");
        var adaAgain = await HelpAsync(Envelopes.Ada);
        var adminAgain = await HelpAsync("U0ADMIN001");

        Assert.Equal(ada, bob);
        Assert.Equal(ada, adaAgain);
        Assert.Equal(admin, adminAgain);
        Assert.NotEqual(ada, admin);
        Assert.Contains("/studybot help", string.Join('\n', Texts(JsonNode.Parse(admin)!["blocks"]!)), StringComparison.Ordinal);
        Assert.DoesNotContain("/studybot help", string.Join('\n', Texts(JsonNode.Parse(ada)!["blocks"]!)), StringComparison.Ordinal);

        // A command's own help is kept too; one that names no command quotes the member's words, for each.
        Assert.Equal(await HelpAsync(Envelopes.Ada, "help log"), await HelpAsync("U0BOB00001", "help log"));
        var typo = JsonNode.Parse(await HelpAsync(Envelopes.Ada, "help lgo"))!["text"]!.GetValue<string>();
        var otherTypo = JsonNode.Parse(await HelpAsync(Envelopes.Ada, "help nxet"))!["text"]!.GetValue<string>();
        Assert.Contains("lgo", typo, StringComparison.Ordinal);
        Assert.Contains("nxet", otherTypo, StringComparison.Ordinal);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    public static TheoryData<string> RefusedHelp() => ["forged", "stale", "oversized"];

    [Theory]
    [MemberData(nameof(RefusedHelp))]
    public async Task A_forged_stale_or_oversized_help_request_is_refused_and_nothing_answers_it(string variant)
    {
        await using var h = await Http();
        var body = SlashForm(h, "help", "refused");
        var timestamp = Now(h);
        if (variant == "stale")
        {
            timestamp = (h.Time.GetUtcNow().ToUnixTimeSeconds() - 600).ToString(CultureInfo.InvariantCulture);
        }

        if (variant == "oversized")
        {
            body = [.. body, .. Encoding.ASCII.GetBytes("&pad=" + new string('x', 2 * 1024 * 1024))];
        }

        var signature = SlackSignatureVerifier.Signature(SlackHarness.SigningSecret, timestamp, body);
        if (variant == "forged")
        {
            signature = signature[..^1] + (signature[^1] == '0' ? '1' : '0');
        }

        using var response = await PostAsync(h, "/slack/commands", body, "application/x-www-form-urlencoded", new Dictionary<string, string>
        {
            [SlackSignatureVerifier.TimestampHeader] = timestamp,
            [SlackSignatureVerifier.SignatureHeader] = signature,
        });

        Assert.Equal(variant == "oversized" ? HttpStatusCode.RequestEntityTooLarge : HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task A_flood_of_forged_requests_writes_one_warning_and_then_one_line_counting_the_rest()
    {
        await using var h = await Http();
        var body = SlashForm(h, "help", "flood");
        var timestamp = Now(h);
        var signature = SlackSignatureVerifier.Signature(SlackHarness.SigningSecret, timestamp, body);
        var forged = signature[..^1] + (signature[^1] == '0' ? '1' : '0');
        var headers = new Dictionary<string, string>
        {
            [SlackSignatureVerifier.TimestampHeader] = timestamp,
            [SlackSignatureVerifier.SignatureHeader] = forged,
        };

        for (var i = 0; i < 50; i++)
        {
            using var response = await PostAsync(h, "/slack/commands", body, "application/x-www-form-urlencoded", headers);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        Assert.Single(h.Logs.Entries, e => e.Message.StartsWith("Rejected a request to /slack/commands", StringComparison.Ordinal));

        h.Time.Advance(TimeSpan.FromSeconds(61));
        var late = Now(h);
        using (var again = await PostAsync(h, "/slack/commands", body, "application/x-www-form-urlencoded", new Dictionary<string, string>
        {
            [SlackSignatureVerifier.TimestampHeader] = late,
            [SlackSignatureVerifier.SignatureHeader] = forged,
        }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        }

        Assert.Equal(2, h.Logs.Entries.Count(e => e.Message.StartsWith("Rejected a request to /slack/commands", StringComparison.Ordinal)));
        var summary = Assert.Single(h.Logs.Entries, e => e.Message.StartsWith("Also rejected", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, summary.Level);
        Assert.Contains("49 more requests to /slack/commands", summary.Message, StringComparison.Ordinal);
        Assert.Contains("invalid signature: 49", summary.Message, StringComparison.Ordinal);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task Progress_alone_shows_the_overview_with_buttons_and_help_lists_the_catalog()
    {
        await using var h = await Http();

        using var overview = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "", "o"));
        using var help = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "help", "h"));
        using var wrong = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "log lots", "w"));

        var blocks = JsonNode.Parse(await overview.Content.ReadAsStringAsync())!["blocks"]!.AsArray();
        Assert.Contains(blocks, b => b!["type"]!.GetValue<string>() == "actions");
        var helpText = string.Join('\n', Texts(JsonNode.Parse(await help.Content.ReadAsStringAsync())!["blocks"]!));
        foreach (var leaf in StudyBot.Core.Commands.StudyBotCommands.Catalog().Leaves.Where(l => !l.RequiresAdmin))
        {
            Assert.Contains(Rendering.Mrkdwn.Escape(leaf.Description), helpText, StringComparison.Ordinal);
        }

        var error = JsonNode.Parse(await wrong.Content.ReadAsStringAsync())!;
        Assert.Equal("ephemeral", error["response_type"]!.GetValue<string>());
        Assert.Contains("Example", error["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Studybot_admin_commands_run_for_Slack_admins_only_and_take_an_escaped_channel_mention()
    {
        await using var h = await Http();
        h.Slack.AddUser(new FakeUser("U0ADMIN001", "olga", "Europe/Berlin", IsAdmin: true));

        using var admin = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "channel celebrations <#C0123ABCDEF|wins>", "a1", "U0ADMIN001", "/studybot"));
        using var member = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "channel celebrations <#C0123ABCDEF|wins>", "a2", Envelopes.Ada, "/studybot"));

        Assert.Contains("#wins", JsonNode.Parse(await admin.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("admins", JsonNode.Parse(await member.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("C0123ABCDEF", (await h.LoadMemberAsync("U0ADMIN001")).Community.Settings.CelebrationChannel);
    }

    [Fact]
    public async Task A_channel_name_Slack_did_not_resolve_or_an_id_Slack_does_not_know_is_refused_and_the_setting_stays()
    {
        await using var h = await Http();
        h.Slack.AddUser(new FakeUser("U0ADMIN001", "olga", "Europe/Berlin", IsAdmin: true));
        using var set = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "channel celebrations <#C0123ABCDEF|wins>", "a1", "U0ADMIN001", "/studybot"));

        using var typed = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "channel celebrations #no-such-channel", "a2", "U0ADMIN001", "/studybot"));

        // conversations.info is paced to 50 calls a minute: a second check straight after the first would wait
        // for its turn, past the inline window, and be answered through response_url instead.
        h.Time.Advance(TimeSpan.FromSeconds(2));
        using var bare = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "channel leaderboard C0999ZZZZZZ", "a3", "U0ADMIN001", "/studybot"));

        Assert.Contains("can't find a channel", JsonNode.Parse(await typed.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Slack can't find it", JsonNode.Parse(await bare.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var settings = (await h.LoadMemberAsync("U0ADMIN001")).Community.Settings;
        Assert.Equal("C0123ABCDEF", settings.CelebrationChannel);
        Assert.Null(settings.LeaderboardChannel);
    }

    [Fact]
    public async Task A_button_press_over_HTTP_is_acknowledged_at_once_then_runs_its_command()
    {
        await using var h = await Http();
        var payload = Envelopes.BlockActions(h.Slack, "progress done numpy", "button-http");
        var form = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));

        using var response = await PostSignedAsync(h, "/slack/interactivity", form);
        var answer = await h.Slack.WaitForResponseAsync("button-http");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Contains("NumPy", answer.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
    }

    [Fact]
    public async Task The_official_block_actions_form_is_verified_parsed_and_ignored_because_its_value_is_not_a_StudyBot_command()
    {
        await using var h = await Http();

        using var response = await PostSignedAsync(h, "/slack/interactivity", Fixtures.Bytes("block_actions_payload.form"));
        await h.IdleAsync(() => true, "any work the block action started to finish");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(h.Slack.ResponseUrlPosts);
        Assert.Equal(0, h.Slack.CallCount("users.info"));
    }

    [Fact]
    public async Task Url_verification_is_answered_with_the_challenge()
    {
        await using var h = await Http();

        using var response = await PostSignedAsync(h, "/slack/events", Fixtures.Bytes("events_api_url_verification.json"), "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(JsonNode.DeepEquals(Fixtures.Json("events_api_url_verification_response.json"), JsonNode.Parse(await response.Content.ReadAsStringAsync())));
    }

    [Fact]
    public async Task Event_retries_are_handled_once_but_a_retry_whose_original_never_arrived_is_handled()
    {
        await using var h = await Http();
        var first = Encoding.UTF8.GetBytes(Envelopes.HomeOpenedCallback(eventId: "Ev0FIRST01").ToJsonString());
        var orphan = Encoding.UTF8.GetBytes(Envelopes.HomeOpenedCallback(eventId: "Ev0ORPHAN1").ToJsonString());

        using var original = await PostSignedAsync(h, "/slack/events", first, "application/json");
        await FakeSlack.WaitUntilAsync(() => h.Slack.CallCount("views.publish") == 1);
        using var retry = await PostSignedAsync(h, "/slack/events", first, "application/json", new() { ["X-Slack-Retry-Num"] = "1", ["X-Slack-Retry-Reason"] = "http_timeout" });
        h.Time.Advance(TimeSpan.FromMinutes(5));
        using var lastRetry = await PostSignedAsync(h, "/slack/events", first, "application/json", new() { ["X-Slack-Retry-Num"] = "3", ["X-Slack-Retry-Reason"] = "http_timeout" });
        using var orphanRetry = await PostSignedAsync(h, "/slack/events", orphan, "application/json", new() { ["X-Slack-Retry-Num"] = "2", ["X-Slack-Retry-Reason"] = "connection_failed" });
        await FakeSlack.WaitUntilAsync(() => h.Slack.CallCount("views.publish") == 2, what: "the two Home views");
        await h.IdleAsync(() => true, "the work of all four deliveries to finish");

        Assert.All([original, retry, lastRetry, orphanRetry], r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(2, h.Slack.CallCount("views.publish"));
        Assert.Equal(2, h.Logs.Entries.Count(e => e.Message.Contains("Event Ev0FIRST01 already handled", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Ssl_check_is_answered_with_an_empty_200()
    {
        await using var h = await Http();

        using var response = await PostSignedAsync(h, "/slack/commands", "ssl_check=1&token=xyz"u8.ToArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signed_command_Slack_cannot_have_sent_still_gets_a_200_with_a_note()
    {
        await using var h = await Http();

        using var response = await PostSignedAsync(h, "/slack/commands", "command=%2Fprogress&text=next"u8.ToArray());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("could not read", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/slack/interactivity")]
    [InlineData("/slack/events")]
    public async Task The_other_endpoints_refuse_bad_signatures_too(string path)
    {
        await using var h = await Http();
        var body = Encoding.UTF8.GetBytes(Envelopes.HomeOpenedCallback().ToJsonString());

        using var unsigned = await PostAsync(h, path, body, "application/json", new());
        using var wrong = await PostAsync(h, path, body, "application/json", new()
        {
            [SlackSignatureVerifier.TimestampHeader] = Now(h),
            [SlackSignatureVerifier.SignatureHeader] = SlackSignatureVerifier.Signature("not-the-secret", Now(h), body),
        });

        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(0, h.Slack.CallCount("views.publish"));
    }

    [Fact]
    public async Task Socket_Mode_maps_no_HTTP_endpoints()
    {
        await using var h = await SlackHarness.StartAsync();

        using var response = await PostSignedAsync(h, "/slack/commands", SlashForm(h, "next", "x"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static IEnumerable<string> Texts(JsonNode node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "text" && p.Value is JsonValue v && v.TryGetValue<string>(out var t) ? [t] : p.Value is null ? [] : Texts(p.Value)),
        JsonArray a => a.SelectMany(n => n is null ? [] : Texts(n)),
        _ => [],
    };

    internal static byte[] SlashForm(SlackHarness h, string text, string responseId, string userId = Envelopes.Ada, string command = "/progress")
    {
        var fields = SlackHttpHandler.ParseForm(Fixtures.Bytes("slash_command_progress.form"))
            .ToDictionary(p => p.Key, p => p.Value.ToString());
        fields["text"] = text;
        fields["command"] = command;
        fields["user_id"] = userId;
        fields["response_url"] = h.Slack.ResponseUrl(responseId);
        fields["trigger_id"] = Envelopes.NewTriggerId();
        return Encoding.UTF8.GetBytes(string.Join('&', fields.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value).Replace("%20", "+", StringComparison.Ordinal)}")));
    }

    private static string Now(SlackHarness h) => h.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    internal static Task<HttpResponseMessage> PostSignedAsync(SlackHarness h, string path, byte[] body, string contentType = "application/x-www-form-urlencoded", Dictionary<string, string>? headers = null)
    {
        headers ??= [];
        var timestamp = Now(h);
        headers[SlackSignatureVerifier.TimestampHeader] = timestamp;
        headers[SlackSignatureVerifier.SignatureHeader] = SlackSignatureVerifier.Signature(SlackHarness.SigningSecret, timestamp, body);
        return PostAsync(h, path, body, contentType, headers);
    }

    private static async Task<HttpResponseMessage> PostAsync(SlackHarness h, string path, byte[] body, string contentType, Dictionary<string, string> headers)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(h.HttpBase, path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new(contentType);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request);
    }

    private static Task<SlackHarness> Http() => SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
}
