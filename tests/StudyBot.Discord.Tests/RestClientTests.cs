using System.Text.Json.Nodes;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>The REST client against the fake Discord, which enforces rate limits with real headers.</summary>
public sealed class RestClientTests
{
    private static MessagePayload Message(string text, string? nonce = null) => new() { Content = text, Nonce = nonce };

    private static Task<AdapterHarness> Client(Action<HarnessOptions>? configure = null) =>
        AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task Requests_carry_the_bot_token_the_user_agent_and_JSON_and_callbacks_carry_no_token()
    {
        await using var harness = await Client();
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.Register(77, "tok");

        var me = await rest.GetCurrentUserAsync(CancellationToken.None);
        await rest.CreateMessageAsync(42, Message("hi"), CancellationToken.None);
        await rest.CreateInteractionResponseAsync(77, "tok", new InteractionResponse(4, new MessagePayload { Content = "x", Flags = 64 }), CancellationToken.None);

        var requests = harness.Server.Requests.ToList();
        Assert.Equal(FakeDiscordOptions.BotUserId, me.Id);
        Assert.All(requests, r => Assert.Equal("DiscordBot (https://github.com/studybot/studybot, 0.1.0)", r.Headers["User-Agent"]));
        Assert.Equal("Bot " + FakeDiscordOptions.Token, requests[0].Headers["Authorization"]);
        Assert.Equal("application/json", requests[1].Headers["Content-Type"]);
        Assert.False(requests[2].Headers.ContainsKey("Authorization"));
        Assert.Equal("""{"parse":[]}""", requests[1].Json!["allowed_mentions"]!.ToJsonString());
    }

    [Fact]
    public async Task A_burst_on_one_channel_follows_the_bucket_headers_without_a_single_429()
    {
        await using var harness = await Client(o => o.Server.Buckets["POST /channels/{channel_id}/messages"] = new FakeBucket(2, TimeSpan.FromMilliseconds(400), "burst-bucket"));
        var rest = harness.Get<DiscordRestClient>();

        var sends = Enumerable.Range(0, 8).Select(i => rest.CreateMessageAsync(42, Message($"m{i}"), CancellationToken.None))
            .Concat(Enumerable.Range(0, 2).Select(i => rest.CreateMessageAsync(43, Message($"other{i}"), CancellationToken.None)));
        await Task.WhenAll(sends);

        Assert.Equal(0, harness.Server.TooManyRequests);
        Assert.Equal(8, harness.Server.Messages[42].Count);
        Assert.Equal(2, harness.Server.Messages[43].Count);
    }

    [Fact]
    public async Task A_429_with_scope_user_is_waited_out_and_retried()
    {
        await using var harness = await Client();
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 429, Scope: "user", RetryAfter: 0.2));

        await rest.CreateMessageAsync(42, Message("after 429"), CancellationToken.None);

        Assert.Equal([429, 200], harness.Server.Requests.Select(r => r.Status));
        Assert.Single(harness.Server.Messages[42]);
        Assert.Equal(1, rest.Guard.Count);
    }

    [Fact]
    public async Task A_429_with_scope_shared_is_retried_and_not_counted_as_invalid()
    {
        await using var harness = await Client();
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 429, Scope: "shared", RetryAfter: 0.1));

        await rest.CreateMessageAsync(42, Message("after shared 429"), CancellationToken.None);

        Assert.Equal([429, 200], harness.Server.Requests.Select(r => r.Status));
        Assert.Equal(0, rest.Guard.Count);
    }

    [Fact]
    public async Task A_global_429_holds_requests_on_other_routes_until_retry_after()
    {
        await using var harness = await Client(o => o.FakeTime = true);
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 429, Scope: "global", RetryAfter: 5));

        var mark = harness.Watch!.Armed;
        var send = rest.CreateMessageAsync(42, Message("held"), CancellationToken.None);
        await Wait.UntilAsync(() => harness.Logs.Contains("scope Global"), "the client to take in the global 429");
        var dm = rest.CreateDmAsync(1234, CancellationToken.None);
        // The held send parks on a 5 s timer; the DM queues behind it in the global limiter (a semaphore, no timer),
        // which it reaches before CreateDmAsync returns.
        await harness.Watch.ArmedAsync(mark, d => d == TimeSpan.FromSeconds(5), "the held send to wait out the global 429");

        Assert.Single(harness.Server.Requests);
        Assert.False(send.IsCompleted || dm.IsCompleted);
        harness.Time!.Advance(TimeSpan.FromSeconds(5));
        await Bounded.WaitAsync(Task.WhenAll(send, dm), "the held send and the DM after Retry-After", TimeSpan.FromSeconds(10));
        Assert.Equal(3, harness.Server.Requests.Count);
        Assert.Equal(1, rest.Guard.Count);
    }

    [Fact]
    public async Task Server_errors_are_retried_with_backoff_and_the_same_nonce_posts_once()
    {
        await using var harness = await Client(o => o.FakeTime = true);
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 502, Times: 2));

        var send = rest.CreateMessageAsync(42, Message("retried", nonce: "nonce-123"), CancellationToken.None);
        await Wait.PumpUntilAsync(harness.Time!, () => send.IsCompleted, "the retried send");
        await send;

        var attempts = harness.Server.Requests.Where(r => r.Template == "/channels/{channel_id}/messages").ToList();
        Assert.Equal([502, 502, 200], attempts.Select(a => a.Status));
        Assert.All(attempts, a =>
        {
            Assert.Equal("nonce-123", (string?)a.Json!["nonce"]);
            Assert.True((bool)a.Json!["enforce_nonce"]!);
        });
        Assert.Single(harness.Server.Messages[42]);
    }

    [Fact]
    public async Task A_send_without_a_nonce_is_not_retried_after_a_server_error()
    {
        await using var harness = await Client();
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 500));

        await Assert.ThrowsAsync<DiscordUnavailableException>(() => rest.CreateMessageAsync(42, Message("once"), CancellationToken.None));

        Assert.Single(harness.Server.Requests);
    }

    [Fact]
    public async Task A_slow_response_that_times_out_is_retried_and_the_nonce_keeps_it_to_one_message()
    {
        await using var harness = await Client(o => o.Settings["Discord:RequestTimeout"] = "00:00:00.3");
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Delay: TimeSpan.FromSeconds(1.5)));

        var message = await rest.CreateMessageAsync(42, Message("slow", nonce: "slow-nonce"), CancellationToken.None);
        await Wait.UntilAsync(() => harness.Server.Requests.Count(r => r.Status != 0) == 2, "the slow first attempt to finish");

        Assert.Equal(2, harness.Server.Requests.Count);
        Assert.Single(harness.Server.Messages[42]);
        Assert.Equal(message.Id, ulong.Parse((string)harness.Server.Messages[42].Single()["id"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_for_a_request_that_is_safe_to_repeat()
    {
        await using var harness = await Client();
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/gateway/bot", Abort: true));

        var gateway = await rest.GetGatewayBotAsync(CancellationToken.None);

        Assert.Equal(harness.Server.GatewayUrl, gateway.Url);
        Assert.Equal(2, harness.Server.Requests.Count);
    }

    [Fact]
    public async Task After_a_401_no_further_request_leaves_the_process()
    {
        await using var harness = await Client(o => o.Settings["Discord:Token"] = "revoked-token");
        var rest = harness.Get<DiscordRestClient>();

        await Assert.ThrowsAsync<DiscordAuthException>(() => rest.GetCurrentUserAsync(CancellationToken.None));
        await Assert.ThrowsAsync<DiscordAuthException>(() => rest.CreateMessageAsync(42, Message("x"), CancellationToken.None));

        Assert.Single(harness.Server.Requests);
        Assert.True(harness.Logs.Contains("Discord:Token"));
    }

    [Fact]
    public async Task The_circuit_breaker_stops_requests_long_before_Discords_invalid_request_ban()
    {
        await using var harness = await Client(o => o.Settings["Discord:InvalidRequestBudget"] = "3");
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 403, Times: 10));

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<DiscordApiException>(() => rest.CreateMessageAsync(42, Message("denied"), CancellationToken.None));
        }

        var open = await Assert.ThrowsAsync<DiscordCircuitOpenException>(() => rest.CreateMessageAsync(42, Message("denied"), CancellationToken.None));

        Assert.Equal(3, harness.Server.Requests.Count);
        Assert.True(open.RetryAfter > TimeSpan.Zero);
        Assert.True(harness.Logs.Contains("circuit breaker OPEN"));
    }

    [Fact]
    public async Task An_interaction_callback_retried_after_a_timeout_counts_40060_as_success()
    {
        await using var harness = await Client(o => o.Settings["Discord:RequestTimeout"] = "00:00:00.3");
        var rest = harness.Get<DiscordRestClient>();
        var interaction = harness.Server.Register(88, "slow-token");
        harness.Server.AddFault(new FakeFault(r => r.Template.EndsWith("/callback", StringComparison.Ordinal), Delay: TimeSpan.FromSeconds(1)));

        var outcome = await rest.CreateInteractionResponseAsync(88, "slow-token", new InteractionResponse(4, new MessagePayload { Content = "once", Flags = 64 }), CancellationToken.None);
        await Wait.UntilAsync(() => interaction.CallbackAttempts == 2, "both attempts to reach the fake");

        Assert.Equal(CallbackOutcome.Accepted, outcome);
        Assert.Single(interaction.Callbacks);
        Assert.Equal(1, interaction.AlreadyAcknowledgedAnswers);
    }

    [Fact]
    public async Task A_callback_someone_else_already_answered_is_reported_as_such()
    {
        await using var harness = await Client();
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.Register(89, "t89");
        var response = new InteractionResponse(4, new MessagePayload { Content = "first" });

        Assert.Equal(CallbackOutcome.Accepted, await rest.CreateInteractionResponseAsync(89, "t89", response, CancellationToken.None));
        Assert.Equal(CallbackOutcome.AlreadyAcknowledged, await rest.CreateInteractionResponseAsync(89, "t89", response, CancellationToken.None));
        Assert.Equal(CallbackOutcome.Expired, await rest.CreateInteractionResponseAsync(90, "unknown", response, CancellationToken.None));
        Assert.True(harness.Logs.Contains("second bot instance"));
    }
}
