using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>The gateway client against the fake gateway, protocol timers on fake time.</summary>
public sealed class GatewayTests
{
    private static Task<AdapterHarness> Gateway(Action<HarnessOptions>? configure = null) =>
        AdapterHarness.StartAsync(o =>
        {
            o.FakeTime = true;
            o.Server.HeartbeatIntervalMs = 5000;

            // The adapter runs on fake time and the fake on real time; real-time limits would only produce
            // 429 storms and 4008s between the two clocks. Those limits are tested on one clock elsewhere.
            o.Server.Buckets.Remove("GET /gateway/bot");
            o.Server.EnforceGlobalLimit = false;
            o.Server.EnforceGatewaySendLimit = false;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task Identify_asks_for_the_GUILDS_and_GUILD_VOICE_STATES_intents_only_with_the_shard_and_v10_JSON()
    {
        await using var harness = await Gateway();

        var connection = await harness.ReadyAsync();
        await Wait.UntilAsync(() => harness.Adapter.Gateway!.Status == GatewayStatus.Ready, "READY to be processed");

        var identify = connection.Received.Single(r => (int?)r["op"] == 2)["d"]!;
        Assert.Equal(FakeDiscordOptions.Token, (string?)identify["token"]);
        Assert.Equal(1 | 1 << 7, (int)identify["intents"]!);
        Assert.Equal("[0,1]", identify["shard"]!.ToJsonString());
        Assert.Equal("studybot", (string?)identify["properties"]!["browser"]);
        Assert.Equal("?v=10&encoding=json", connection.Query);
        Assert.Equal("/gateway", connection.Path);
        Assert.Equal(connection.Session!.Id, harness.Adapter.Gateway!.SessionId);
        Assert.Equal(FakeDiscordOptions.ApplicationId, harness.Adapter.Gateway.ApplicationId);
        Assert.Equal("Study Hall", harness.Get<Interactions.GuildDirectory>().NameOf(InteractionFactory.GuildId));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains(FakeDiscordOptions.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Heartbeats_start_after_a_jittered_delay_carry_the_last_sequence_and_answer_op_1_at_once()
    {
        await using var harness = await Gateway();
        var connection = await harness.ReadyAsync();
        await Wait.UntilAsync(() => harness.Adapter.Gateway!.Sequence == 2, "READY and GUILD_CREATE");

        // A beat made before READY carries d: null (the docs allow it; CI once saw the first, jittered beat do so).
        // Fake time has not moved yet, so at most one beat can be that early or still in flight: every later one,
        // made by moving the clock, carries the last sequence.
        var early = connection.Heartbeats;
        var gateway = harness.Adapter.Gateway!;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (connection.Heartbeats < early + 3)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Timed out after 20 s pumping fake time waiting for three heartbeats ({connection.Heartbeats - early} seen)");

            // The clock moves on only once every beat's ACK is in: on a busy machine a clock that outruns the socket would
            // make the client drop the connection as a zombie (another test's subject) instead of beating on it.
            await Wait.UntilAsync(() => gateway.HeartbeatAcks >= connection.Heartbeats, "the client to take in the ACK of every heartbeat");
            harness.Time!.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Delay(3);
        }

        var beats = connection.Received.Where(r => (int?)r["op"] == 1).ToList();
        Assert.All(beats.Take(early + 1), b => Assert.True(b["d"] is null || (long)b["d"]! == 2, b.ToJsonString()));
        Assert.All(beats.Skip(early + 1), b => Assert.Equal(2, (long?)b["d"]));

        var pumped = connection.Heartbeats;
        await connection.SendAsync("""{"op":1,"d":null}""");
        await Wait.UntilAsync(() => connection.Heartbeats >= pumped + 1, "a heartbeat on request");
        Assert.NotNull(harness.Adapter.Gateway!.Latency);
    }

    [Fact]
    public async Task A_missing_heartbeat_ACK_makes_the_client_drop_the_zombie_and_resume_on_the_resume_URL()
    {
        await using var harness = await Gateway();
        var first = await harness.ReadyAsync();
        first.AckHeartbeats = false;

        await Wait.PumpUntilAsync(harness.Time!, () => !harness.Server.Resumes.IsEmpty, "a resume");

        var resume = Assert.Single(harness.Server.Resumes);
        Assert.Equal("/resume", resume.Path);
        Assert.Equal(first.Session!.Id, resume.SessionId);
        Assert.True(first.Heartbeats >= 1);
        await Bounded.WaitAsync(first.Closed.Task, "gateway connection first to close", TimeSpan.FromSeconds(10));
        Assert.NotEqual(1000, first.ClientCloseCode);
        Assert.NotEqual(1001, first.ClientCloseCode);
        Assert.Single(harness.Server.Identifies);
        Assert.True(harness.Logs.Contains("zombie"));
    }

    [Fact]
    public async Task Op_7_reconnects_to_the_resume_URL_and_closes_with_a_resumable_code()
    {
        await using var harness = await Gateway();
        var first = await harness.ReadyAsync();

        await first.SendAsync("""{"op":7,"d":null}""");
        await Wait.UntilAsync(() => !harness.Server.Resumes.IsEmpty, "a resume");
        await Bounded.WaitAsync(first.Closed.Task, "gateway connection first to close", TimeSpan.FromSeconds(10));

        Assert.Equal(GatewayCloseCodes.ResumableClose, first.ClientCloseCode);
        Assert.Equal("/resume", harness.Server.Resumes.Single().Path);
        Assert.Single(harness.Server.Identifies);
    }

    [Fact]
    public async Task Op_9_resumable_resumes_the_session()
    {
        await using var harness = await Gateway();
        var first = await harness.ReadyAsync();

        await first.SendAsync("""{"op":9,"d":true}""");
        await Wait.PumpUntilAsync(harness.Time!, () => !harness.Server.Resumes.IsEmpty, "a resume");

        Assert.Equal(first.Session!.Id, harness.Server.Resumes.Single().SessionId);
        Assert.Single(harness.Server.Identifies);
    }

    [Fact]
    public async Task Op_9_not_resumable_drops_the_session_waits_and_identifies_on_the_gateway_URL()
    {
        await using var harness = await Gateway();
        var first = await harness.ReadyAsync();
        first.Session!.Invalidated = true;
        var mark = harness.Watch!.Armed;

        await first.SendAsync("""{"op":9,"d":false}""");
        await harness.Watch.ArmedAsync(mark, d => d >= TimeSpan.FromSeconds(1) && d <= TimeSpan.FromSeconds(5), "the client to wait 1-5 s after op 9 before identifying");
        Assert.Single(harness.Server.Identifies);

        await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Identifies.Count == 2, "a new identify");
        var second = await harness.ReadyAsync();

        Assert.Empty(harness.Server.Resumes);
        Assert.Equal("/gateway", second.Path);
        Assert.NotEqual(first.Session.Id, second.Session!.Id);
        await Wait.UntilAsync(() => harness.Adapter.Gateway!.SessionId == second.Session.Id, "the new session");
    }

    [Fact]
    public async Task An_identify_refused_with_op_9_is_tried_again_after_a_pause()
    {
        await using var harness = await Gateway(o => o.Start = true);
        await harness.ReadyAsync();
        harness.Server.RejectNextIdentifies = 1;
        harness.Server.Current!.Session!.Invalidated = true;
        await harness.Server.Current.CloseAsync(4009, "Session timed out");

        await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Identifies.Count == 3 && harness.Server.Current?.Session is not null, "identify, refusal, identify");
        Assert.Empty(harness.Server.Resumes);
    }

    [Fact]
    public async Task A_dropped_socket_is_resumed()
    {
        await using var harness = await Gateway();
        var first = await harness.ReadyAsync();

        first.Drop();
        await Wait.PumpUntilAsync(harness.Time!, () => !harness.Server.Resumes.IsEmpty, "a resume");

        Assert.Equal(first.Session!.Id, harness.Server.Resumes.Single().SessionId);
        Assert.Single(harness.Server.Identifies);
    }

    public static TheoryData<int> CloseCodes()
    {
        var data = new TheoryData<int> { 1000, 1001 };
        foreach (var code in JsonNode.Parse(TestPaths.ReadFixture("gateway/close_codes.json"))!["codes"]!.AsArray())
        {
            data.Add((int)code!["code"]!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CloseCodes))]
    public async Task Every_close_code_leads_to_resume_new_session_or_a_clean_stop(int code)
    {
        await using var harness = await Gateway();
        var first = await harness.ReadyAsync();
        var action = GatewayCloseCodes.ActionFor(code);
        if (action == CloseAction.Reidentify)
        {
            first.Session!.Invalidated = true;
        }

        await first.CloseAsync(code, "test");

        switch (action)
        {
            case CloseAction.Fatal:
                var message = await Bounded.WaitAsync(harness.Fatal.Stopped.Task, "the adapter's fatal stop", TimeSpan.FromSeconds(10));
                Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
                Assert.Contains(code switch { 4004 => "Discord:Token", 4010 or 4011 => "Discord:ShardCount", 4012 => "Discord:GatewayUrl", _ => "intent" }, message, StringComparison.Ordinal);
                // Stopped for good: once nothing is scheduled, no amount of time brings a reconnect.
                await Wait.UntilAsync(() => harness.Adapter.Gateway!.Status == GatewayStatus.Stopped && harness.Watch!.Pending().Count == 0, "the gateway to stop with nothing scheduled");
                harness.Time!.Advance(TimeSpan.FromMinutes(5));
                Assert.Single(harness.Server.Connections);
                Assert.Equal(GatewayStatus.Stopped, harness.Adapter.Gateway!.Status);
                Assert.Contains(harness.Logs.Lines, l => l.Level == LogLevel.Critical);
                break;
            case CloseAction.Reidentify:
                await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Identifies.Count == 2 && harness.Server.Current?.Session is not null, "a new session");
                Assert.Empty(harness.Server.Resumes);
                break;
            default:
                await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Resumes.Count == 1 && harness.Server.Current?.Session is not null, "a resume");
                Assert.Single(harness.Server.Identifies);
                Assert.Equal(first.Session!.Id, harness.Server.Current!.Session!.Id);
                break;
        }

        await Bounded.WaitAsync(first.Closed.Task, "gateway connection first to close", TimeSpan.FromSeconds(10));
        Assert.NotEqual(1000, first.ClientCloseCode);
        Assert.NotEqual(1001, first.ClientCloseCode);
    }

    [Fact]
    public async Task A_graceful_shutdown_closes_with_1000()
    {
        var harness = await AdapterHarness.StartAsync();
        FakeGatewayConnection connection;
        try
        {
            connection = await harness.ReadyAsync();
            await Wait.UntilAsync(() => harness.Adapter.Gateway!.Status == GatewayStatus.Ready, "READY");
            await harness.Host.StopAsync();
            await Bounded.WaitAsync(connection.Closed.Task, "the gateway connection to close", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await harness.DisposeAsync();
        }

        Assert.Equal(1000, connection.ClientCloseCode);
    }

    [Fact]
    public async Task StudyBots_own_shutdown_is_not_logged_as_a_warning()
    {
        var harness = await AdapterHarness.StartAsync();
        FakeGatewayConnection connection;
        try
        {
            connection = await harness.ReadyAsync();
            await harness.Host.StopAsync();
            await Bounded.WaitAsync(connection.Closed.Task, "the gateway connection to close", TimeSpan.FromSeconds(10));
        }
        finally
        {
            await harness.DisposeAsync();
        }

        Assert.Equal(1000, connection.ClientCloseCode);
        Assert.True(connection.ClosedByServer, "the fake answers the close handshake, as Discord does");
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Contains(harness.Logs.Lines, l => l.Message.Contains("closed the gateway", StringComparison.Ordinal) && l.Message.Contains("1000", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("connections refused")]
    [InlineData("connections dropped at once")]
    public async Task A_resume_that_cannot_connect_for_a_while_keeps_the_session_and_resumes_when_the_gateway_is_back(string outage)
    {
        // The outage runs on fake time; the missed interaction's 3-second deadline would run on real time.
        await using var harness = await Gateway(o => o.Server.EnforceInteractionDeadline = false);
        var first = await harness.ReadyAsync();
        var interaction = InteractionFactory.Slash("progress streak");

        var refuse = outage == "connections refused";
        harness.Server.GatewayUnavailable = refuse;
        harness.Server.GatewayDropsConnections = !refuse;
        first.Drop();
        await Bounded.WaitAsync(first.Closed.Task, "gateway connection first to close", TimeSpan.FromSeconds(10));
        var missed = await harness.Server.DispatchInteractionAsync(interaction, first.Session);
        await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.RefusedConnections >= 4, "four refused connection attempts", step: TimeSpan.FromSeconds(1));
        harness.Server.GatewayUnavailable = false;
        harness.Server.GatewayDropsConnections = false;
        await Wait.PumpUntilAsync(harness.Time!, () => !harness.Server.Resumes.IsEmpty && harness.Adapter.Gateway!.Status == GatewayStatus.Ready, "the session to be resumed", step: TimeSpan.FromSeconds(1));

        var resume = Assert.Single(harness.Server.Resumes);
        Assert.Equal(first.Session!.Id, resume.SessionId);
        Assert.Single(harness.Server.Identifies);
        Assert.Equal(first.Session.Id, harness.Adapter.Gateway!.SessionId);
        Assert.DoesNotContain(harness.Server.Connections.Skip(1), c => c.Received.Any(r => (int?)r["op"] == 2));
        await Bounded.WaitAsync(missed.Answered.Task, "the answer to interaction missed", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Unknown_opcodes_and_events_are_ignored_and_another_READY_version_is_tolerated()
    {
        await using var harness = await Gateway(o => o.Server.ReadyVersion = 11);
        var connection = await harness.ReadyAsync();

        await connection.SendAsync("""{"op":99,"d":{"x":1},"s":null,"t":null}""");
        await connection.SendAsync("not json at all");
        await harness.Server.DispatchAsync("BRAND_NEW_EVENT", new JsonObject { ["anything"] = new JsonArray(1, 2) });
        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress next"));

        await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));
        Assert.Single(harness.Server.Connections);
        Assert.True(harness.Logs.Contains("gateway version 11"));
        Assert.Equal(connection.Session!.Seq, harness.Adapter.Gateway!.Sequence);
    }

    [Fact]
    public async Task With_few_session_starts_left_the_client_waits_for_the_reset_instead_of_identifying()
    {
        await using var harness = await Gateway(o =>
        {
            o.Server.SessionStartRemaining = 3;
            o.Server.SessionStartResetAfterMs = 120_000;
        });

        await Wait.UntilAsync(() => harness.Logs.Contains("will not identify"), "the refusal in the log");
        await harness.Watch!.ArmedAsync(0, d => d == TimeSpan.FromMilliseconds(120_000), "the client to wait for the session-start reset");
        Assert.Empty(harness.Server.Connections);

        harness.Server.Options.SessionStartRemaining = 900;
        await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Identifies.Count == 1, "the identify after the reset", step: TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Shards_identify_with_their_shard_id_one_per_five_seconds_at_max_concurrency_one()
    {
        await using var harness = await Gateway(o => o.Start = false);
        var rest = harness.Get<DiscordRestClient>();
        var limiter = harness.Get<IdentifyLimiter>();
        var loggers = harness.Get<ILoggerFactory>();
        using var stop = new CancellationTokenSource();
        var shards = Enumerable.Range(0, 2)
            .Select(i => new GatewayClient(new GatewaySettings(FakeDiscordOptions.Token, i, 2, null), rest, limiter, new NullSink(), harness.Time!, loggers.CreateLogger<GatewayClient>()))
            .ToList();
        var runs = shards.Select(s => s.RunAsync(stop.Token)).ToList();

        await Wait.UntilAsync(() => harness.Server.Identifies.Count == 1, "the first identify");
        await harness.Watch!.ArmedAsync(0, d => d > TimeSpan.Zero && d <= IdentifyLimiter.Spacing, "the second shard to wait its turn to identify");
        Assert.Single(harness.Server.Identifies);

        harness.Time!.Advance(IdentifyLimiter.Spacing);
        await Wait.UntilAsync(() => harness.Server.Identifies.Count == 2, "the second identify");
        Assert.Equal([0, 1], harness.Server.Identifies.Select(i => i.ShardId).Order());
        Assert.All(harness.Server.Identifies, i => Assert.Equal(2, i.ShardCount));

        await stop.CancelAsync();
        await Bounded.WaitAsync(Task.WhenAll(runs), "both shards to stop", TimeSpan.FromSeconds(10));
    }

    private sealed class NullSink : IGatewayEventSink
    {
        public void OnDispatch(string type, JsonElement data)
        {
        }
    }
}
