using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Progress;
using StudyBot.Slack.Api;
using StudyBot.Slack.Http;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.SocketMode;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// No exception in one envelope, one HTTP request or one background command stops the host or goes unlogged: it is
/// logged with the command, the platform, the envelope or trigger id and the team id (never the member's text), the
/// member hears about it, and the Socket Mode connection carries on.
/// </summary>
public sealed class FaultTests
{
    [Fact]
    public async Task A_hello_or_an_envelope_with_fields_of_unexpected_types_stops_nothing_and_the_socket_carries_on()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];

        await socket.SendAsync(new JsonObject { ["type"] = "hello", ["num_connections"] = "2", ["debug_info"] = new JsonObject { ["approximate_connection_time"] = "soon" } });
        var odd = Envelopes.SlashCommand(h.Slack, "done numpy");
        odd["retry_attempt"] = "1";
        await socket.SendAsync(odd);
        var oddAck = await h.Slack.WaitForAckAsync(odd["envelope_id"]!.GetValue<string>());

        var next = Envelopes.SlashCommand(h.Slack, "doing pandas");
        await h.Slack.SendEnvelopeAsync(socket, next);
        var nextAck = await h.Slack.WaitForAckAsync(next["envelope_id"]!.GetValue<string>());

        Assert.Contains("NumPy", oddAck.Payload!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Pandas", nextAck.Payload!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(socket.Id, nextAck.SocketId);
        Assert.False(socket.Ended.IsCompleted);
        Assert.False(h.Get<SlackFatal>().IsStopping);
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
    }

    [Fact]
    public async Task A_button_press_whose_answer_cannot_go_to_response_url_because_of_a_bug_still_reaches_the_member_and_the_log_names_it()
    {
        var faulty = new FaultyHandler(_ => true);
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            Arrange = s => s.Channels.Add(ButtonChannel),
            ConfigureServices = services => services.AddHttpClient(SlackMessenger.ResponseUrlClientName).AddHttpMessageHandler(() => faulty),
        });
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var payload = Envelopes.BlockActions(h.Slack, "progress done numpy", "button-1");
        var trigger = payload["trigger_id"]!.GetValue<string>();

        await h.Slack.SendEnvelopeAsync(socket, Envelopes.Interactive(payload));
        await h.AdvanceUntilAsync(() => h.Slack.Messages.Any(m => m.Method == "chat.postEphemeral"), TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the answer as an ephemeral message");

        var answer = Assert.Single(h.Slack.Messages);
        Assert.Equal((ButtonChannel, Envelopes.Ada), (answer.Channel, answer.User));
        Assert.Contains("NumPy", answer.Text, StringComparison.Ordinal);
        Assert.Equal(1, faulty.Thrown);
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
        var error = Assert.Single(h.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.All(["/progress", "slack", trigger, FakeSlack.TeamId], named => Assert.Contains(named, error.Message, StringComparison.Ordinal));
        Assert.DoesNotContain("numpy", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_Home_tab_that_fails_to_publish_because_of_a_bug_is_logged_with_its_event_and_team_and_the_next_envelope_is_handled()
    {
        var faulty = new FaultyHandler(r => r.RequestUri!.AbsolutePath.EndsWith("/views.publish", StringComparison.Ordinal));
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            ConfigureServices = services => services.AddHttpClient(SlackApiClient.HttpClientName).AddHttpMessageHandler(() => faulty),
        });
        var socket = (await h.WaitForSocketsAsync(2))[0];

        await h.Slack.SendEnvelopeAsync(socket, Envelopes.HomeOpened(eventId: "Ev0BROKEN1"));
        await FakeSlack.WaitUntilAsync(() => faulty.Thrown == 1 && h.Logs.Entries.Any(e => e.Level == LogLevel.Error), what: "the failed Home tab to be logged");
        var next = Envelopes.SlashCommand(h.Slack, "done numpy");
        await h.Slack.SendEnvelopeAsync(socket, next);
        var ack = await h.Slack.WaitForAckAsync(next["envelope_id"]!.GetValue<string>());

        var error = Assert.Single(h.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.All(["app_home_opened", "slack", "Ev0BROKEN1", FakeSlack.TeamId], named => Assert.Contains(named, error.Message, StringComparison.Ordinal));
        Assert.Contains("NumPy", ack.Payload!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(h.Get<SlackFatal>().IsStopping);
    }

    [Fact]
    public async Task An_HTTP_slash_command_that_fails_because_of_a_bug_is_answered_200_with_an_apology_never_500_and_logged()
    {
        var clock = new BreakableClock(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http, Time = clock });
        var body = HttpModeTests.SlashForm(h, "done numpy", "r1");
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(h.HttpBase, "/slack/commands")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Signature(SlackHarness.SigningSecret, timestamp, body));

        // The signature check reads the clock first thing: a bug there fails the request before anything runs.
        clock.Broken = true;
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request);
        }
        finally
        {
            clock.Broken = false;
        }

        using (response)
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
            Assert.Equal("ephemeral", answer!["response_type"]!.GetValue<string>());
            Assert.Equal(SlackDispatcher.Apology, answer["text"]!.GetValue<string>());
        }

        var error = Assert.Single(h.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Contains("/slack/commands", error.Message, StringComparison.Ordinal);
        Assert.Contains("slack", error.Message, StringComparison.Ordinal);
        Assert.Equal(ItemStatus.NotStarted, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
    }

    private const string ButtonChannel = "CBR2V3XEX";
}
