using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Host;

namespace StudyBot.Discord.Tests;

/// <summary>The real engine on SQLite behind the adapter: over the fake gateway, and over HTTP in the real host.</summary>
public sealed class EndToEndTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "290926798626357999", "Study Hall");
    private static readonly MemberRef Mason = new(Guild, "53908232506183680", "Mason");

    [Fact]
    public async Task A_guild_member_marks_an_item_done_with_autocomplete_over_the_gateway_and_the_database_holds_it()
    {
        await using var harness = await AdapterHarness.StartAsync(o => o.RealEngine = true);
        await harness.ReadyAsync();

        var typing = await harness.Server.DispatchInteractionAsync(InteractionFactory.Autocomplete("progress done", "item", "num"));
        var choices = (await Bounded.WaitAsync(typing.Answered.Task, "the answer to interaction typing", TimeSpan.FromSeconds(15)))["data"]!["choices"]!.AsArray();
        var numpy = choices.Single(c => (string)c!["value"]! == "numpy")!;

        var done = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = (string)numpy["value"]! }));
        var answer = await Bounded.WaitAsync(done.Answered.Task, "the answer to interaction done", TimeSpan.FromSeconds(15));
        var message = (int)answer["type"]! == 4 ? answer["data"]! : await Bounded.WaitAsync(done.Edited.Task, "the edit that completes interaction done", TimeSpan.FromSeconds(15));

        Assert.Equal(64, (int?)answer["data"]!["flags"]);
        Assert.Equal(0, done.LateCallbacks);
        Assert.Contains("NumPy", message.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Done, (await LoadAsync(harness.Services)).StateOf("numpy").Status);

        // The reply's Undo button runs "progress undo" as the same member.
        var undoId = message["components"]!.AsArray().SelectMany(r => r!["components"]!.AsArray()).Select(b => (string)b!["custom_id"]!).First(id => id == "progress undo");
        var undo = await harness.Server.DispatchInteractionAsync(InteractionFactory.Button(undoId));
        await Bounded.WaitAsync(undo.Answered.Task, "the answer to interaction undo", TimeSpan.FromSeconds(15));
        await Wait.UntilAsync(() => harness.Get<Interactions.InteractionProcessor>().InFlight == 0, "the undo to finish");
        Assert.NotEqual(ItemStatus.Done, (await LoadAsync(harness.Services)).StateOf("numpy").Status);
    }

    [Fact]
    public async Task The_same_over_HTTP_mode_in_the_real_host_with_signatures_checked()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { BodyValidator = OpenApiSchemas.Validate });
        var directory = Directory.CreateTempSubdirectory("studybot-discord-http-").FullName;
        var app = HttpModeHost.Build(server, directory);
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s.GetType().Name == "ConsoleAdapter");
            var ping = await PostAsync(http, """{"application_id":"1196393339289731072","id":"1523765477892030999","token":"PING_TOKEN","type":1,"version":1}""");
            Assert.Equal(HttpStatusCode.OK, ping.StatusCode);
            Assert.Equal("""{"type":1}""", await ping.Content.ReadAsStringAsync());

            var typing = InteractionFactory.Autocomplete("progress done", "item", "num");
            var choices = JsonNode.Parse(await (await PostAsync(http, typing.ToJsonString())).Content.ReadAsStringAsync())!["data"]!["choices"]!.AsArray();
            Assert.Contains(choices, c => (string)c!["value"]! == "numpy");

            var command = InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" });
            var record = server.Register(InteractionFactory.IdOf(command), (string)command["token"]!);
            var response = await PostAsync(http, command.ToJsonString());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            server.RecordHttpAnswer(record.Id, answer);
            Assert.Null(OpenApiSchemas.Validate("post", "/interactions/{interaction_id}/{interaction_token}/callback", answer.ToJsonString()));
            Assert.Equal(64, (int?)answer["data"]!["flags"]);
            var message = (int)answer["type"]! == 4 ? answer["data"]! : await Bounded.WaitAsync(record.Edited.Task, "the edit that completes interaction record", TimeSpan.FromSeconds(15));
            Assert.Contains("NumPy", message.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(ItemStatus.Done, (await LoadAsync(app.Services)).StateOf("numpy").Status);

            // The progress card is a PNG: the answer defers, and the edit of @original uploads the file.
            var cardCommand = InteractionFactory.Slash("progress card");
            var cardRecord = server.Register(InteractionFactory.IdOf(cardCommand), (string)cardCommand["token"]!, answeredOverHttp: true);
            var cardAnswer = JsonNode.Parse(await (await PostAsync(http, cardCommand.ToJsonString())).Content.ReadAsStringAsync())!;
            Assert.Equal(5, (int?)cardAnswer["type"]);
            await Bounded.WaitAsync(cardRecord.Edited.Task, "the edit that completes interaction cardRecord", TimeSpan.FromSeconds(15));
            var card = Assert.Single(server.Requests.Single(r => r.Method == "PATCH" && r.Path.Contains((string)cardCommand["token"]!, StringComparison.Ordinal)).Files);
            Assert.Equal([0x89, 0x50, 0x4E, 0x47], card.Content.Take(4));
            Assert.Equal("image/png", card.ContentType);

            // Replayed, altered, stale and unsigned requests are refused before anything runs.
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(http, command.ToJsonString())).StatusCode);
            var altered = command.ToJsonString();
            var signed = Sign(altered, TimeProvider.System.GetUtcNow());
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, altered.Replace("numpy", "pandas", StringComparison.Ordinal), signed.Timestamp, signed.Signature)).StatusCode);
            var fresh = InteractionFactory.Slash("progress next").ToJsonString();
            var stale = Sign(fresh, TimeProvider.System.GetUtcNow().AddMinutes(-10));
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, fresh, stale.Timestamp, stale.Signature)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(http, fresh, null, null)).StatusCode);
            Assert.Equal(ItemStatus.Done, (await LoadAsync(app.Services)).StateOf("numpy").Status);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }

        Assert.Empty(server.SchemaViolations);
    }

    [Fact]
    public async Task Every_signed_sample_gets_the_documented_status_from_the_endpoint()
    {
        var samples = JsonNode.Parse(TestPaths.ReadFixture("interaction_signature_samples.json"))!;
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
            o.Settings["Discord:Mode"] = "Http";
            o.Settings["Discord:PublicKey"] = (string)samples["public_key_hex"]!;
            o.Settings["Http:Urls"] = "http://127.0.0.1:0";
        });
        harness.Time!.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1783364400));
        var endpoint = harness.Get<Interactions.InteractionsEndpoint>();

        foreach (var sample in samples["cases"]!.AsArray())
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = harness.Services };
            var body = Encoding.UTF8.GetBytes((string)sample!["body"]!);
            context.Request.Method = "POST";
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            foreach (var (name, value) in sample["headers"]!.AsObject())
            {
                context.Request.Headers[name] = (string)value!;
            }

            context.Response.Body = new MemoryStream();
            await endpoint.HandleAsync(context);

            var expected = (bool)sample["expect_valid"]! ? (int?)sample["expected_http_status"] ?? 200 : 401;
            Assert.True(expected == context.Response.StatusCode, $"{sample["name"]}: expected {expected}, got {context.Response.StatusCode}");
        }
    }

    public static TheoryData<string> RefusedRequests() => ["stale, correctly signed", "stale, forged", "from the future", "no timestamp", "fresh, forged", "fresh, no signature"];

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public async Task A_stale_or_forged_ping_is_refused_with_401_and_the_same_interaction_signed_now_is_still_answered(string variant)
    {
        await using var harness = await HttpEndpointAsync();
        var now = harness.Time!.GetUtcNow();
        Task<(int Status, string Body)> PostAsync(string? timestamp, string? signature) => PostPingAsync(harness, timestamp, signature);
        var stale = Sign(Ping, now.AddMinutes(-10));
        var fresh = Sign(Ping, now);
        var (timestamp, signature) = variant switch
        {
            "stale, correctly signed" => stale,
            "stale, forged" => (stale.Timestamp, Forge(stale.Signature)),
            "from the future" => Sign(Ping, now.AddMinutes(6)),
            "no timestamp" => (null, fresh.Signature),
            "fresh, forged" => (fresh.Timestamp, Forge(fresh.Signature)),
            _ => (fresh.Timestamp, null),
        };

        Assert.Equal((401, ""), await PostAsync(timestamp, signature));

        // The refused request claimed nothing: the interaction, signed now, is answered.
        Assert.Equal((200, """{"type":1}"""), await PostAsync(fresh.Timestamp, fresh.Signature));
        Assert.Equal((401, ""), await PostAsync(fresh.Timestamp, fresh.Signature));
    }

    private const string Ping = """{"application_id":"1196393339289731072","id":"1523765477892030777","token":"PING_TOKEN","type":1,"version":1}""";

    private static string Forge(string signature) => signature[..^1] + (signature[^1] == '0' ? '1' : '0');

    /// <summary>The interactions endpoint in HTTP mode on fake time (at a fixed moment), not started: requests go straight to it.</summary>
    private static async Task<AdapterHarness> HttpEndpointAsync()
    {
        var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
            o.Settings["Discord:Mode"] = "Http";
            o.Settings["Discord:PublicKey"] = SignatureTests.PublicKeyHex;
            o.Settings["Http:Urls"] = "http://127.0.0.1:0";
        });
        harness.Time!.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1783364400));
        return harness;
    }

    /// <summary>POSTs <see cref="Ping"/> with the headers given (none when null) to the endpoint; its status and body.</summary>
    private static async Task<(int Status, string Body)> PostPingAsync(AdapterHarness harness, string? timestamp, string? signature)
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext { RequestServices = harness.Services };
        var body = Encoding.UTF8.GetBytes(Ping);
        context.Request.Method = "POST";
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        if (timestamp is not null)
        {
            context.Request.Headers["X-Signature-Timestamp"] = timestamp;
        }

        if (signature is not null)
        {
            context.Request.Headers["X-Signature-Ed25519"] = signature;
        }

        var response = new MemoryStream();
        context.Response.Body = response;
        await harness.Get<Interactions.InteractionsEndpoint>().HandleAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    [Fact]
    public async Task A_flood_of_forged_and_stale_requests_writes_one_warning_and_then_one_line_counting_the_rest()
    {
        await using var harness = await HttpEndpointAsync();
        var now = harness.Time!.GetUtcNow();
        async Task<int> PostAsync(string timestamp, string signature) => (await PostPingAsync(harness, timestamp, signature)).Status;
        var fresh = Sign(Ping, now);
        var stale = Sign(Ping, now.AddMinutes(-10));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(401, await PostAsync(fresh.Timestamp, Forge(fresh.Signature)));
            Assert.Equal(401, await PostAsync(stale.Timestamp, stale.Signature));
        }

        int Refused() => harness.Logs.Lines.Count(l => l.Message.StartsWith("Refused a request to /discord/interactions", StringComparison.Ordinal));
        Assert.Equal(1, Refused());

        harness.Time.Advance(TimeSpan.FromSeconds(61));
        var later = Sign(Ping, harness.Time.GetUtcNow());
        Assert.Equal(401, await PostAsync(later.Timestamp, Forge(later.Signature)));

        Assert.Equal(2, Refused());
        var summary = Assert.Single(harness.Logs.Lines, l => l.Message.StartsWith("Also refused", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, summary.Level);
        Assert.Contains("59 more requests to /discord/interactions", summary.Message, StringComparison.Ordinal);
        Assert.Contains("timestamp missing or too far from now: 30, invalid or missing signature: 29", summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_DM_closed_notice_whose_follow_up_could_not_be_delivered_stays_pending_until_one_arrives()
    {
        await using var harness = await AdapterHarness.StartAsync(RealEngineWithoutDeadline);
        await harness.ReadyAsync();
        await RunAsync(harness, InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        await using (var scope = harness.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<StudyBot.Core.Notifications.IOutboxStore>()
                .MarkDmClosedAsync(Platforms.Discord, Guild.ExternalId, Mason.UserId, DateTime.UtcNow, CancellationToken.None);
        }

        Assert.True((await LoadAsync(harness.Services)).Member.Reminders.DmNoticePending);
        var failing = true;
        harness.Server.AddFault(new FakeFault(r => failing && FollowUpTests.IsFollowUp(r), Status: 404, Body: FollowUpTests.UnknownWebhook, Times: 100));

        var undelivered = await RunAsync(harness, InteractionFactory.Slash("progress streak"));

        Assert.Empty(undelivered.FollowUps);
        Assert.True((await LoadAsync(harness.Services)).Member.Reminders.DmNoticePending, "the notice never arrived, so it is still to be shown");
        Assert.Contains(harness.Logs.Lines, l => l.Message.Contains("follow-up 1 of 1 failed", StringComparison.Ordinal));
        Assert.False(harness.Logs.Contains("could not be answered"), harness.Logs.All);

        failing = false;
        var delivered = await RunAsync(harness, InteractionFactory.Slash("progress streak"));

        Assert.Contains("DMs are closed", Assert.Single(delivered.FollowUps).ToJsonString(), StringComparison.Ordinal);
        Assert.False((await LoadAsync(harness.Services)).Member.Reminders.DmNoticePending);
    }

    [Fact]
    public async Task A_DM_command_from_a_user_Discord_sends_without_a_name_keeps_the_stored_name_instead_of_the_id()
    {
        await using var harness = await AdapterHarness.StartAsync(RealEngineWithoutDeadline);
        await harness.ReadyAsync();
        await RunAsync(harness, InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        Assert.Equal("Mason", (await LoadAsync(harness.Services)).Member.DisplayName);

        JsonObject Nameless(string path, IReadOnlyDictionary<string, object>? options = null)
        {
            var dm = InteractionFactory.Slash(path, options, guildId: null);
            var user = dm["user"]!.AsObject();
            user.Remove("username");
            user.Remove("global_name");
            return dm;
        }

        var overview = await RunAsync(harness, Nameless("progress overview"));
        await RunAsync(harness, Nameless("progress log", new Dictionary<string, object> { ["minutes"] = 30L, ["kind"] = "practice" }));

        var shown = Message(overview).ToJsonString();
        Assert.Contains("Mason", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Mason.UserId, shown, StringComparison.Ordinal);
        var stored = await LoadAsync(harness.Services);
        Assert.Equal("Mason", stored.Member.DisplayName);
        Assert.Equal(30, stored.Days.Sum(d => d.TotalMinutes));
    }

    /// <summary>
    /// The real engine; the fake's 3-second deadline (real time) is off, because a first command on a busy test machine
    /// can miss it and these tests are about what follows the answer.
    /// </summary>
    private static void RealEngineWithoutDeadline(HarnessOptions o)
    {
        o.RealEngine = true;
        o.Server.EnforceInteractionDeadline = false;
    }

    /// <summary>Dispatches an interaction and waits until it is answered and every follow-up has been dealt with.</summary>
    private static async Task<FakeInteraction> RunAsync(AdapterHarness harness, JsonObject payload)
    {
        var processor = harness.Get<Interactions.InteractionProcessor>();
        var handled = processor.Handled;
        var interaction = await harness.Server.DispatchInteractionAsync(payload);
        await Wait.UntilAsync(() => processor.Handled > handled && processor.InFlight == 0, "the interaction to be handled");
        Assert.True(interaction.Answered.Task.IsCompleted, "the interaction was not answered:\n" + harness.Logs.All);
        return interaction;
    }

    /// <summary>The answer the member sees: the message of a type 4 answer, or the edit after a deferral.</summary>
    private static JsonNode Message(FakeInteraction interaction)
    {
        var answer = interaction.Callbacks.First();
        return (int)answer["type"]! == 4 ? answer["data"]! : interaction.Edits.Last();
    }

    private static async Task<MemberSnapshot> LoadAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IProgressStore>().LoadAsync(Mason, new NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
    }

    private static (string Timestamp, string Signature) Sign(string body, DateTimeOffset at) => SignatureTests.Sign(body, at);

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body)
    {
        var (timestamp, signature) = Sign(body, TimeProvider.System.GetUtcNow());
        return SendAsync(http, body, timestamp, signature);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string body, string? timestamp, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/discord/interactions") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (timestamp is not null)
        {
            request.Headers.Add("X-Signature-Timestamp", timestamp);
        }

        if (signature is not null)
        {
            request.Headers.Add("X-Signature-Ed25519", signature);
        }

        return http.SendAsync(request);
    }
}
