using System.Text.Json;
using System.Text.Json.Nodes;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Every fixture the client reads parses into the client's own wire types.</summary>
public sealed class FixtureTests
{
    public static TheoryData<string> GatewayFixtures() =>
        [.. Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "gateway"), "*.json").Select(Path.GetFileName).Where(f => f != "close_codes.json").Select(f => f!)];

    [Theory]
    [MemberData(nameof(GatewayFixtures))]
    public void Every_gateway_fixture_has_an_opcode_the_client_reads(string file)
    {
        var root = JsonDocument.Parse(TestPaths.ReadFixture("gateway/" + file)).RootElement;

        Assert.True(root.GetProperty("op").TryGetInt32(out var op));
        Assert.Contains(op, new[] { 0, 1, 2, 3, 6, 7, 9, 10, 11 });
    }

    [Fact]
    public void Hello_and_READY_parse()
    {
        var hello = JsonDocument.Parse(TestPaths.ReadFixture("gateway/hello.json")).RootElement.GetProperty("d").Deserialize(DiscordJsonContext.Default.GatewayHello)!;
        var ready = JsonDocument.Parse(TestPaths.ReadFixture("gateway/ready.json")).RootElement.GetProperty("d").Deserialize(DiscordJsonContext.Default.GatewayReady)!;
        var guild = JsonDocument.Parse(TestPaths.ReadFixture("gateway/guild_create_unavailable.json")).RootElement.GetProperty("d").Deserialize(DiscordJsonContext.Default.GatewayGuild)!;

        Assert.Equal(45000, hello.HeartbeatInterval);
        Assert.Equal(10, ready.V);
        Assert.Equal("8f1c2d3e4a5b6c7d8e9f0a1b2c3d4e5f", ready.SessionId);
        Assert.Equal("wss://gateway-us-east1-b.discord.gg", ready.ResumeGatewayUrl);
        Assert.Equal(1196393339289731072UL, ready.Application!.Id);
        Assert.Equal(2, ready.Guilds!.Count);
        Assert.Equal(41771983423143937UL, guild.Id);
        Assert.True(guild.Unavailable);
    }

    [Fact]
    public void A_heartbeat_before_any_dispatch_carries_d_null_as_documented()
    {
        var sent = JsonSerializer.Serialize(new OutgoingPayload<long?>(1, null), DiscordJsonContext.Default.OutgoingPayloadNullableInt64);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(TestPaths.ReadFixture("gateway/heartbeat_first_no_seq.json")), JsonNode.Parse(sent)), sent);
    }

    [Fact]
    public void The_close_code_table_matches_the_documented_reconnect_flags()
    {
        var codes = JsonNode.Parse(TestPaths.ReadFixture("gateway/close_codes.json"))!["codes"]!.AsArray();

        Assert.Equal(codes.Count, GatewayCloseCodes.Known.Count);
        foreach (var code in codes)
        {
            var number = (int)code!["code"]!;
            var reconnect = (bool)code["reconnect"]!;
            Assert.Equal(!reconnect, GatewayCloseCodes.ActionFor(number) == CloseAction.Fatal);
        }

        Assert.Equal(CloseAction.Reidentify, GatewayCloseCodes.ActionFor(4007));
        Assert.Equal(CloseAction.Reidentify, GatewayCloseCodes.ActionFor(4009));
    }

    public static TheoryData<string> InteractionFixtures() =>
    [
        "interactions/interaction_create_slash_progress.json",
        "interactions/interaction_create_slash_progress_show_user.json",
        "interactions/interaction_create_autocomplete_progress.json",
        "interactions/http_interaction_slash_progress.json",
        "interactions/http_interaction_slash_progress_in_dm.json",
        "interactions/interaction_ping.json",
    ];

    [Theory]
    [MemberData(nameof(InteractionFixtures))]
    public void Every_interaction_fixture_parses_with_its_invoker(string file)
    {
        var root = JsonDocument.Parse(TestPaths.ReadFixture(file)).RootElement;
        var body = root.TryGetProperty("t", out _) ? root.GetProperty("d") : root;

        var interaction = body.Deserialize(DiscordJsonContext.Default.Interaction)!;

        Assert.Equal(1196393339289731072UL, interaction.ApplicationId);
        Assert.Equal("A_UNIQUE_TOKEN", interaction.Token);
        if (interaction.Type != InteractionTypes.Ping)
        {
            Assert.Equal(53908232506183680UL, interaction.Invoker!.Id);
        }
    }

    [Fact]
    public void The_option_tree_becomes_a_path_and_typed_values()
    {
        var slash = JsonDocument.Parse(TestPaths.ReadFixture("interactions/interaction_create_slash_progress.json")).RootElement.GetProperty("d").Deserialize(DiscordJsonContext.Default.Interaction)!;
        var autocomplete = JsonDocument.Parse(TestPaths.ReadFixture("interactions/interaction_create_autocomplete_progress.json")).RootElement.GetProperty("d").Deserialize(DiscordJsonContext.Default.Interaction)!;
        var dm = JsonDocument.Parse(TestPaths.ReadFixture("interactions/http_interaction_slash_progress_in_dm.json")).RootElement.Deserialize(DiscordJsonContext.Default.Interaction)!;

        var command = InteractionCommandReader.Read(slash.Data)!;
        var typing = InteractionCommandReader.Read(autocomplete.Data)!;

        Assert.Equal("progress update", command.Path);
        Assert.Equal("week-3-linked-lists", command.Options["milestone"]);
        Assert.Equal(60L, command.Options["percent"]);
        Assert.Equal("Finished the reversal exercise", command.Options["note"]);
        Assert.Null(command.Focused);
        Assert.Equal(new FocusedOption("milestone", 3, "link"), typing.Focused);
        Assert.Null(dm.GuildId);
        Assert.Equal(53908232506183680UL, dm.User!.Id);
        Assert.True(DiscordIdentity.IsAdmin(slash.Member!.Permissions));
    }

    [Fact]
    public void REST_response_fixtures_parse()
    {
        var gateway = JsonSerializer.Deserialize(TestPaths.ReadFixture("rest/get_gateway_bot.json"), DiscordJsonContext.Default.GatewayBotInfo)!;
        var dm = JsonSerializer.Deserialize(TestPaths.ReadFixture("rest/create_dm_response.json"), DiscordJsonContext.Default.DiscordChannel)!;
        var message = JsonSerializer.Deserialize(TestPaths.ReadFixture("rest/create_message_response_dm.json"), DiscordJsonContext.Default.DiscordMessage)!;
        var docs = JsonSerializer.Deserialize(TestPaths.ReadFixture("rest/message_docs_example.json"), DiscordJsonContext.Default.DiscordMessage)!;

        Assert.Equal("wss://gateway.discord.gg/", gateway.Url);
        Assert.Equal(999, gateway.SessionStartLimit.Remaining);
        Assert.Equal(14400000, gateway.SessionStartLimit.ResetAfter);
        Assert.Equal(1, gateway.SessionStartLimit.MaxConcurrency);
        Assert.Equal(319674150115610528UL, dm.Id);
        Assert.Equal(1, dm.Type);
        Assert.Equal(319674150115610528UL, message.ChannelId);
        Assert.Equal("Supa Hot", docs.Content);
    }

    public static TheoryData<string, int> ErrorFixtures() => new()
    {
        { "rest/error_10062_unknown_interaction.json", DiscordErrorCodes.UnknownInteraction },
        { "rest/error_40003_opening_dms_too_fast.json", DiscordErrorCodes.OpeningDmsTooFast },
        { "rest/error_40060_already_acknowledged.json", DiscordErrorCodes.InteractionAlreadyAcknowledged },
        { "rest/error_50007_cannot_send_dm.json", DiscordErrorCodes.CannotSendMessagesToUser },
        { "rest/error_50035_invalid_form_body.json", 50035 },
        { "rest/error_50035_command_too_large.json", 50035 },
        { "rest/error_json_example.json", 50014 },
    };

    [Theory]
    [MemberData(nameof(ErrorFixtures))]
    public void Error_bodies_parse_to_their_code(string file, int code)
    {
        var body = JsonNode.Parse(TestPaths.ReadFixture(file))!["body"]!.ToJsonString();

        Assert.Equal(code, JsonSerializer.Deserialize(body, DiscordJsonContext.Default.DiscordErrorBody)!.Code);
    }

    [Theory]
    [InlineData("rest/ratelimit_429_user.json", "User", false, 64.57)]
    [InlineData("rest/ratelimit_429_shared.json", "Shared", false, 1336.57)]
    [InlineData("rest/ratelimit_429_global.json", "Global", true, 64.57)]
    public void Rate_limit_fixtures_parse_to_scope_and_retry_after(string file, string scope, bool global, double retryAfter)
    {
        var fixture = JsonNode.Parse(TestPaths.ReadFixture(file))!;
        var headers = fixture["headers"]!.AsObject();

        var parsed = RateLimitHeaders.Parse(name => (string?)headers[name]);
        var body = JsonSerializer.Deserialize(fixture["body"]!.ToJsonString(), DiscordJsonContext.Default.DiscordErrorBody)!;

        Assert.Equal(Enum.Parse<RateLimitScope>(scope), parsed.Scope);
        Assert.Equal(global, parsed.Global);
        Assert.Equal(retryAfter, body.RetryAfter);
        Assert.Equal(global, body.Global);
    }

    [Fact]
    public void Normal_rate_limit_headers_parse_with_reset_after_in_seconds()
    {
        var headers = JsonNode.Parse(TestPaths.ReadFixture("rest/ratelimit_headers_ok.json"))!["headers"]!.AsObject();

        var parsed = RateLimitHeaders.Parse(name => (string?)headers[name]);

        Assert.Equal(5, parsed.Limit);
        Assert.Equal(0, parsed.Remaining);
        Assert.Equal(TimeSpan.FromSeconds(1), parsed.ResetAfter);
        Assert.Equal("abcd1234", parsed.Bucket);
        Assert.True(parsed.HasBucketInfo);
    }

    [Fact]
    public void Snowflakes_decode_as_the_fixture_says()
    {
        foreach (var example in JsonNode.Parse(TestPaths.ReadFixture("snowflake_examples.json"))!["examples"]!.AsArray())
        {
            var id = ulong.Parse((string)example!["id"]!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((long)example["timestamp_ms"]!, Snowflake.Timestamp(id).ToUnixTimeMilliseconds());
        }
    }

    public static TheoryData<string, string, string> OutboundFixtures() => new()
    {
        { "interactions/responses/pong.json", "post", "/interactions/{interaction_id}/{interaction_token}/callback" },
        { "interactions/responses/channel_message_ephemeral.json", "post", "/interactions/{interaction_id}/{interaction_token}/callback" },
        { "interactions/responses/channel_message_with_embed.json", "post", "/interactions/{interaction_id}/{interaction_token}/callback" },
        { "interactions/responses/deferred_channel_message_ephemeral.json", "post", "/interactions/{interaction_id}/{interaction_token}/callback" },
        { "interactions/responses/autocomplete_result.json", "post", "/interactions/{interaction_id}/{interaction_token}/callback" },
        { "interactions/responses/edit_original_response_request.json", "patch", "/webhooks/{webhook_id}/{webhook_token}/messages/@original" },
        { "interactions/responses/followup_message_request.json", "post", "/webhooks/{webhook_id}/{webhook_token}" },
        { "rest/create_dm_request.json", "post", "/users/@me/channels" },
        { "rest/create_message_request_weekly_reminder.json", "post", "/channels/{channel_id}/messages" },
        { "commands/bulk_overwrite_request.json", "put", "/applications/{application_id}/commands" },
    };

    [Theory]
    [MemberData(nameof(OutboundFixtures))]
    public void The_schema_check_accepts_the_documented_request_bodies(string file, string method, string path)
    {
        Assert.Null(OpenApiSchemas.Validate(method, path, TestPaths.ReadFixture(file)));
    }

    [Fact]
    public void The_schema_check_refuses_a_broken_body()
    {
        Assert.NotNull(OpenApiSchemas.Validate("post", "/channels/{channel_id}/messages", """{"content":12,"embeds":[{"title":5}]}"""));
        Assert.NotNull(OpenApiSchemas.Validate("post", "/interactions/{interaction_id}/{interaction_token}/callback", """{"type":8,"data":{"choices":[{"name":"x"}]}}"""));
    }
}
