using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.Tests;

/// <summary>The fake Discord itself behaves as Discord documents, where StudyBot's tests lean on it.</summary>
public sealed class FakeDiscordConformanceTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Opens a gateway connection to the fake and identifies as one shard; returns the socket and its frames so far.</summary>
    private static async Task<(ClientWebSocket Socket, List<JsonNode> Frames)> IdentifyAsync(FakeDiscordServer server, int shard, int count)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri(server.GatewayUrl + "?v=10&encoding=json"), CancellationToken.None);
        var frames = new List<JsonNode> { await ReceiveAsync(socket) };
        var identify = new JsonObject
        {
            ["op"] = 2,
            ["d"] = new JsonObject { ["token"] = FakeDiscordOptions.Token, ["intents"] = 1, ["properties"] = new JsonObject(), ["shard"] = new JsonArray(shard, count) },
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(identify.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        frames.Add(await ReceiveAsync(socket));
        return (socket, frames);
    }

    private static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(Limit);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(message.ToArray())!;
    }

    [Fact]
    public async Task The_gateway_routes_guild_events_to_their_shard_DMs_to_shard_0_and_records_each_shards_sessions()
    {
        // Two guilds on different shards of two: (guild_id >> 22) % 2.
        const ulong Even = 4UL << 22;
        const ulong Odd = 5UL << 22;
        var options = new FakeDiscordOptions { MaxConcurrency = 2, RecommendedShards = 2 };
        options.Guilds.Clear();
        options.Guilds[Even] = "even";
        options.Guilds[Odd] = "odd";
        await using var server = await FakeDiscordServer.StartAsync(options);
        Assert.Equal((0, 1), (FakeDiscordServer.ShardOf(Even, 2), FakeDiscordServer.ShardOf(Odd, 2)));

        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bot " + FakeDiscordOptions.Token);
        var bot = JsonNode.Parse(await http.GetStringAsync(server.ApiBaseUrl + "/gateway/bot"))!;
        Assert.Equal((2, 2), ((int)bot["shards"]!, (int)bot["session_start_limit"]!["max_concurrency"]!));

        var (zero, zeroFrames) = await IdentifyAsync(server, 0, 2);
        var (one, oneFrames) = await IdentifyAsync(server, 1, 2);
        using var _ = zero;
        using var __ = one;

        // READY lists each shard's own guilds, and GUILD_CREATE follows for them only.
        Assert.Equal([Even.ToString(System.Globalization.CultureInfo.InvariantCulture)], zeroFrames[1]["d"]!["guilds"]!.AsArray().Select(g => (string)g!["id"]!));
        Assert.Equal([Odd.ToString(System.Globalization.CultureInfo.InvariantCulture)], oneFrames[1]["d"]!["guilds"]!.AsArray().Select(g => (string)g!["id"]!));
        Assert.Equal("odd", (string?)(await ReceiveAsync(one))["d"]!["name"]);

        await server.DispatchAsync("INTERACTION_CREATE", new JsonObject { ["id"] = "1", ["guild_id"] = Odd.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal("1", (string?)(await ReceiveAsync(one))["d"]!["id"]);
        await server.DispatchAsync("INTERACTION_CREATE", new JsonObject { ["id"] = "2", ["user"] = new JsonObject { ["id"] = "9" } });
        await server.DispatchAsync("GUILD_UPDATE", new JsonObject { ["id"] = Even.ToString(System.Globalization.CultureInfo.InvariantCulture), ["name"] = "even, renamed" });
        Assert.Equal("GUILD_CREATE", (string?)(await ReceiveAsync(zero))["t"]);
        Assert.Equal("2", (string?)(await ReceiveAsync(zero))["d"]!["id"]);
        Assert.Equal("even, renamed", (string?)(await ReceiveAsync(zero))["d"]!["name"]);

        Assert.Equal([0, 1], server.ShardSessions.Select(s => s.ShardId).Order());
        Assert.Equal([0, 1], server.LiveShards().Keys.Order());
        Assert.Empty(server.ShardOverlaps);

        // A second connection for shard 1 while the first is open is what the bot must never do: recorded.
        var (again, _) = await IdentifyAsync(server, 1, 2);
        using var ___ = again;
        Assert.Single(server.ShardOverlaps);
        Assert.Equal(2, server.LiveShards()[1].Count);
    }

    [Fact]
    public async Task Interaction_webhooks_answer_401_Invalid_Webhook_Token_once_the_token_is_15_minutes_old_on_the_fake_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 6, 19, 0, 0, TimeSpan.Zero));
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { Time = time });
        using var http = new HttpClient { BaseAddress = new Uri(server.ApiBaseUrl + "/") };
        var interaction = server.Register(77, "tok");
        server.RecordHttpAnswer(77, new JsonObject { ["type"] = 5 });
        var path = $"webhooks/{FakeDiscordOptions.ApplicationId}/tok";

        time.Advance(TimeSpan.FromMinutes(14));
        using (var edit = await http.PatchAsync(path + "/messages/@original", Json("""{"content":"in time"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, edit.StatusCode);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        foreach (var late in new[] { http.PatchAsync(path + "/messages/@original", Json("""{"content":"late"}""")), http.PostAsync(path, Json("""{"content":"late"}""")) })
        {
            using var answer = await late;
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            var body = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
            Assert.Equal((50027, "Invalid Webhook Token"), ((int)body["code"]!, (string)body["message"]!));
        }

        Assert.Equal(2, interaction.ExpiredTokenAnswers);
        Assert.Single(interaction.Edits);
    }

    public static TheoryData<string, int> FirstPayloads() => new()
    {
        { """{"op":3,"d":{"since":null,"activities":[],"status":"online","afk":false}}""", 4003 },
        { """{"op":8,"d":{"guild_id":"290926798626357999","query":"","limit":0}}""", 4003 },
        { "not json", 4002 },
        { """{"op":2,"d":{"token":""" + "\"" + new string('x', 5000) + "\"" + "}}", 4002 },
    };

    [Theory]
    [MemberData(nameof(FirstPayloads))]
    public async Task The_gateway_closes_a_connection_whose_first_payload_is_not_Identify_or_Resume_as_documented(string payload, int expected)
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Limit);
        await socket.ConnectAsync(new Uri(server.GatewayUrl + "?v=10&encoding=json"), timeout.Token);
        var hello = await ReceiveAsync(socket, timeout.Token);
        Assert.Equal(10, (int?)JsonNode.Parse(hello!)!["op"]);

        await socket.SendAsync(Encoding.UTF8.GetBytes(payload), WebSocketMessageType.Text, true, timeout.Token);

        Assert.Null(await ReceiveAsync(socket, timeout.Token));
        Assert.Equal(expected, (int?)socket.CloseStatus);
    }

    [Fact]
    public async Task A_heartbeat_before_Identify_is_answered_and_Identify_still_works()
    {
        await using var server = await FakeDiscordServer.StartAsync();
        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(Limit);
        await socket.ConnectAsync(new Uri(server.GatewayUrl + "?v=10&encoding=json"), timeout.Token);
        await ReceiveAsync(socket, timeout.Token);

        await socket.SendAsync(Encoding.UTF8.GetBytes("""{"op":1,"d":null}"""), WebSocketMessageType.Text, true, timeout.Token);
        Assert.Equal(11, (int?)JsonNode.Parse((await ReceiveAsync(socket, timeout.Token))!)!["op"]);
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"op\":2,\"d\":{\"token\":\"" + FakeDiscordOptions.Token + "\",\"intents\":1,\"properties\":{\"os\":\"linux\",\"browser\":\"t\",\"device\":\"t\"}}}"), WebSocketMessageType.Text, true, timeout.Token);
        Assert.Equal("READY", (string?)JsonNode.Parse((await ReceiveAsync(socket, timeout.Token))!)!["t"]);
    }

    [Fact]
    public async Task A_nonce_is_remembered_for_a_few_minutes_and_the_channel_lists_its_newest_messages_first_without_nonces()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 7, 6, 19, 0, 0, TimeSpan.Zero));
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { Time = time });
        using var http = new HttpClient { BaseAddress = new Uri(server.ApiBaseUrl + "/") };
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bot " + FakeDiscordOptions.Token);
        const string path = "channels/645027906669510667/messages";
        var body = """{"content":"reminder","nonce":"n-1","enforce_nonce":true}""";

        var first = await ReadAsync(await http.PostAsync(path, Json(body)));
        time.Advance(server.Options.NonceWindow - TimeSpan.FromSeconds(1));
        var again = await ReadAsync(await http.PostAsync(path, Json(body)));
        Assert.Equal((string?)first["id"], (string?)again["id"]);
        time.Advance(TimeSpan.FromSeconds(2));
        var later = await ReadAsync(await http.PostAsync(path, Json(body)));
        Assert.NotEqual((string?)first["id"], (string?)later["id"]);

        var listed = (JsonArray)await ReadAsync(await http.GetAsync(path + "?limit=1"));
        var newest = Assert.Single(listed)!;
        Assert.Equal((string?)later["id"], (string?)newest["id"]);
        Assert.Null(newest["nonce"]);
        Assert.Equal(FakeDiscordOptions.BotUserId.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)newest["author"]!["id"]);
        Assert.Equal(2, ((JsonArray)await ReadAsync(await http.GetAsync(path))).Count);
        using var tooMany = await http.GetAsync(path + "?limit=101");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }
    }

    /// <summary>The next text message, or null when the server closed the connection.</summary>
    private static async Task<string?> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(message.ToArray());
            }
        }
    }

    [Fact]
    public async Task With_known_channels_only_a_post_to_a_channel_it_never_opened_is_10003_and_an_existing_DM_channel_is_returned_when_opened()
    {
        await using var server = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { KnownChannelsOnly = true });
        server.AddDmChannel(111, 1_400_000_000_000_000_111);
        using var http = new HttpClient();
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bot " + FakeDiscordOptions.Token);
        async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, string json)
        {
            using var response = await http.PostAsync(new Uri(server.ApiBaseUrl + path), new StringContent(json, Encoding.UTF8, "application/json"));
            return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }

        var unknown = await PostAsync("/channels/1400000000000000999/messages", """{"content":"hi"}""");
        var known = await PostAsync("/channels/1400000000000000111/messages", """{"content":"hi"}""");
        var opened = await PostAsync("/users/@me/channels", """{"recipient_id":"111"}""");
        var guild = await PostAsync("/channels/645027906669510668/messages", """{"content":"hi"}""");
        var gone = server.CloseDmChannel(111);
        var closed = await PostAsync("/channels/1400000000000000111/messages", """{"content":"again"}""");
        var reopened = await PostAsync("/users/@me/channels", """{"recipient_id":"111"}""");

        Assert.Equal((HttpStatusCode.NotFound, 10003), (unknown.Status, (int)unknown.Body!["code"]!));
        Assert.Equal(HttpStatusCode.OK, known.Status);
        Assert.Equal("1400000000000000111", (string?)opened.Body!["id"]);
        Assert.Equal(HttpStatusCode.OK, guild.Status);
        Assert.Equal(1_400_000_000_000_000_111UL, gone);
        Assert.Equal((HttpStatusCode.NotFound, 10003), (closed.Status, (int)closed.Body!["code"]!));
        Assert.NotEqual("1400000000000000111", (string?)reopened.Body!["id"]);
        Assert.Equal(1, server.DirectMessageCount);
    }
}
