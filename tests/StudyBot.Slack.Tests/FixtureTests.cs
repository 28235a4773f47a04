using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StudyBot.Core.Chat;
using StudyBot.Slack;
using StudyBot.Slack.Api;
using StudyBot.Slack.Http;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Rendering;
using StudyBot.Slack.SocketMode;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>Every shared fixture the adapter reads parses into what the adapter acts on.</summary>
public sealed class FixtureTests
{
    /// <summary>Fixtures the adapter does not read, and why (so a new fixture cannot slip through untested).</summary>
    private static readonly Dictionary<string, string> NotRead = new(StringComparer.Ordinal)
    {
        ["app_manifest_http.yaml"] = "an example manifest; deploy/ has StudyBot's own (ManifestTests)",
        ["app_manifest_socket_mode.yaml"] = "an example manifest; deploy/ has StudyBot's own",
        ["app_manifest_socket_mode.json"] = "an example manifest; deploy/ has StudyBot's own",
        ["views_open_request.json"] = "StudyBot opens no modals",
        ["views_open_ok.json"] = "StudyBot opens no modals",
        ["view_submission_clear_response.json"] = "StudyBot opens no modals",
        ["view_submission_errors_response.json"] = "StudyBot opens no modals",
        ["web_api_openapi.json"] = "reference material, not a payload",
        ["web_api_openapi.LICENSE"] = "the licence of web_api_openapi.json",
        ["event_callback_retry.headers.json"] = "header names only; the retry tests build real signed requests",
        ["README.md"] = "documentation",
    };

    public static TheoryData<string> ReadFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Fixtures.Directory).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (!NotRead.ContainsKey(file!))
            {
                data.Add(file!);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ReadFixtures))]
    public void Every_fixture_the_adapter_reads_parses_into_what_it_acts_on(string file)
    {
        switch (file)
        {
            case "socket_mode_hello.json":
                var hello = Assert.IsType<SocketHello>(Socket(file));
                Assert.Equal(2, hello.NumConnections);
                Assert.Equal(18060, hello.ApproximateConnectionTime);
                break;
            case "socket_mode_disconnect.json":
                Assert.Equal("refresh_requested", Assert.IsType<SocketDisconnect>(Socket(file)).Reason);
                break;
            case "socket_mode_disconnect_warning.json":
                Assert.Equal("warning", Assert.IsType<SocketDisconnect>(Socket(file)).Reason);
                break;
            case "socket_mode_disconnect_link_disabled.json":
                Assert.Equal("link_disabled", Assert.IsType<SocketDisconnect>(Socket(file)).Reason);
                break;
            case "socket_mode_disconnect_too_many_websockets.json":
                Assert.Equal("too_many_websockets", Assert.IsType<SocketDisconnect>(Socket(file)).Reason);
                break;
            case "socket_mode_slash_commands_envelope.json":
            {
                var envelope = Assert.IsType<SocketEnvelope>(Socket(file));
                Assert.Equal(("slash_commands", "dbdd0ef3-1543-4f94-bfb4-133d0e6c1545", true), (envelope.Type, envelope.EnvelopeId, envelope.AcceptsResponsePayload));
                var command = SlashCommand.FromJson(envelope.Payload)!;
                Assert.Equal(("T123ABC456", "U123ABC456", "/randorilke", ""), (command.TeamId, command.UserId, command.Command, command.Text));
                break;
            }

            case "socket_mode_slash_commands_progress_envelope.json":
            {
                var envelope = Assert.IsType<SocketEnvelope>(Socket(file));
                var command = SlashCommand.FromJson(envelope.Payload)!;
                Assert.Equal(("T0001ABCD", "studygroup", "U0456GHIJKL", "ada", "/progress", "check numpy"), (command.TeamId, command.TeamDomain, command.UserId, command.UserName, command.Command, command.Text));
                Assert.Equal("/progress check numpy", SlackDispatcher.CommandText(command.Command, command.Text));
                Assert.StartsWith("https://hooks.slack.com/commands/", command.ResponseUrl, StringComparison.Ordinal);
                break;
            }

            case "socket_mode_events_api_envelope.json":
            {
                var envelope = Assert.IsType<SocketEnvelope>(Socket(file));
                Assert.Equal(("events_api", 0, ""), (envelope.Type, envelope.RetryAttempt, envelope.RetryReason));
                var callback = EventCallback.FromJson(envelope.Payload)!;
                Assert.Equal(("Ev111", "T111", "app_mention", "U222"), (callback.EventId, callback.TeamId, callback.EventType, callback.UserId));
                break;
            }

            case "socket_mode_interactive_shortcut_envelope.json":
            {
                var envelope = Assert.IsType<SocketEnvelope>(Socket(file));
                Assert.Equal("interactive", envelope.Type);
                Assert.Equal("shortcut", envelope.Payload.GetProperty("type").GetString());
                Assert.Null(BlockAction.FromJson(envelope.Payload));
                break;
            }

            case "socket_mode_ack.json":
            case "socket_mode_ack_with_payload.json":
                // What StudyBot sends: the same shape (envelope_id, optional payload) the fake reads back.
                var ack = Fixtures.Json(file);
                Assert.NotNull(ack["envelope_id"]!.GetValue<string>());
                Assert.All(ack.Select(p => p.Key), key => Assert.Contains(key, new[] { "envelope_id", "payload" }));
                break;
            case "block_actions_payload.json":
            {
                var action = BlockAction.FromJson(Element(file))!;
                Assert.Equal(("T9TK3CUKW", "example", "UA8RXUSPL", "jtorrance", "click_me_123", false), (action.TeamId, action.TeamDomain, action.UserId, action.UserName, action.Value, action.FromHomeTab));
                Assert.Equal("https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209", action.ResponseUrl);
                break;
            }

            case "block_actions_payload.form":
            {
                var form = SlackHttpHandler.ParseForm(Fixtures.Bytes(file));
                using var fromForm = JsonDocument.Parse(form["payload"].ToString());
                Assert.Equal(BlockAction.FromJson(Element("block_actions_payload.json")), BlockAction.FromJson(fromForm.RootElement));
                break;
            }

            case "block_actions_overflow_payload.json":
                Assert.Equal("snooze_7d", BlockAction.FromJson(Element(file))!.Value);
                break;
            case "view_submission_payload.json":
                Assert.Null(BlockAction.FromJson(Element(file)));
                break;
            case "slash_command_progress.form":
            {
                var command = SlashCommand.FromForm(SlackHttpHandler.ParseForm(Fixtures.Bytes(file)))!;
                var expected = Fixtures.Json("slash_command_progress.headers.json")["decoded_fields"]!;
                Assert.Equal(expected["team_id"]!.GetValue<string>(), command.TeamId);
                Assert.Equal(expected["user_id"]!.GetValue<string>(), command.UserId);
                Assert.Equal(expected["command"]!.GetValue<string>(), command.Command);
                Assert.Equal(expected["text"]!.GetValue<string>(), command.Text);
                Assert.Equal(expected["response_url"]!.GetValue<string>(), command.ResponseUrl);
                Assert.Equal(420, Fixtures.Bytes(file).Length);
                break;
            }

            case "slash_command_progress.headers.json":
            case "signing_test_vector.json":
                // Verified byte for byte in SignatureTests.
                Assert.NotNull(Fixtures.Json(file)["headers"]!["X-Slack-Signature"]);
                break;
            case "events_api_url_verification.json":
                Assert.Equal("url_verification", Element(file).GetProperty("type").GetString());
                break;
            case "events_api_url_verification_response.json":
                Assert.Equal(Element("events_api_url_verification.json").GetProperty("challenge").GetString(), Element(file).GetProperty("challenge").GetString());
                break;
            case "event_callback_app_mention.json":
                Assert.Equal(("Ev123ABC456", "T123ABC456", "app_mention"), (EventCallback.FromJson(Element(file))!.EventId, EventCallback.FromJson(Element(file))!.TeamId, EventCallback.FromJson(Element(file))!.EventType));
                break;
            case "slash_command_response_ephemeral.json":
            case "slash_command_response_in_channel.json":
            case "response_url_delayed_update.json":
            {
                // StudyBot's answers carry the same fields, and the fixture's blocks pass the fake's Block Kit rules.
                var fixture = Fixtures.Json(file);
                var ours = BlockKit.Render(new Reply { Text = "numpy: **6 of 10**", Visibility = fixture["response_type"]!.GetValue<string>() == "in_channel" ? Visibility.Public : Visibility.Private }).ToResponse();
                Assert.Equal(fixture["response_type"]!.GetValue<string>(), ours["response_type"]!.GetValue<string>());
                Assert.Empty(BlockKitRules.Validate(fixture["blocks"]));
                Assert.Empty(BlockKitRules.Validate(ours["blocks"]));
                break;
            }

            case "progress_message_blocks.json":
                Assert.Empty(BlockKitRules.Validate(Fixtures.Json(file)["blocks"]));
                break;
            case "auth_test_ok.json":
            {
                var r = Api(file);
                Assert.Equal((SlackOutcome.Ok, "T0G9PQBBK", "W23456789", "BZYBOTHED"), (r.Outcome, r.String("team_id"), r.String("user_id"), r.String("bot_id")));
                break;
            }

            case "apps_connections_open_ok.json":
                Assert.Equal("wss://wss.slack.com/link/?ticket=1234-5678", Api(file).String("url"));
                break;
            case "apps_connections_open_error.json":
            case "web_api_error_invalid_auth.json":
                Assert.Equal((SlackOutcome.Fatal, "invalid_auth"), (Api(file).Outcome, Api(file).Error));
                break;
            case "chat_postMessage_ok.json":
                Assert.Equal((SlackOutcome.Ok, "C123ABC456", "1503435956.000247"), (Api(file).Outcome, Api(file).String("channel"), Api(file).String("ts")));
                break;
            case "chat_postEphemeral_ok.json":
                Assert.Equal("1502210682.580145", Api(file).String("message_ts"));
                break;
            case "conversations_open_ok.json":
                Assert.Equal("D069C7QFK", Api(file).Body.GetProperty("channel").GetProperty("id").GetString());
                break;
            case "conversations_info_ok.json":
                Assert.Equal(new SlackChannel("C012AB3CD", "general", IsMember: true, IsArchived: false, IsPrivate: false), SlackChannelDirectory.Parse(Api(file).Body));
                break;
            case "conversations_open_error_user_not_found.json":
            case "chat_postMessage_error_channel_not_found.json":
            case "chat_postMessage_error_not_in_channel.json":
                Assert.Equal(SlackOutcome.TargetUnavailable, Api(file).Outcome);
                break;
            case "chat_postMessage_error_ratelimited.json":
            {
                var fixture = Fixtures.Json(file);
                var retryAfter = SlackApiResponse.ParseRetryAfter(fixture["headers"]!["Retry-After"]!.GetValue<string>());
                var r = SlackApiResponse.Parse(fixture["status"]!.GetValue<int>(), retryAfter, Encoding.UTF8.GetBytes(fixture["body"]!.ToJsonString()));
                Assert.Equal((SlackOutcome.RateLimited, TimeSpan.FromSeconds(1)), (r.Outcome, r.RetryAfter));
                break;
            }

            case "web_api_error_invalid_blocks.json":
            {
                var r = Api(file);
                Assert.Equal(SlackOutcome.Bug, r.Outcome);
                Assert.Contains(r.Messages, m => m.Contains("json-pointer:/blocks/0/text/text", StringComparison.Ordinal));
                break;
            }

            case "web_api_error_missing_scope.json":
                Assert.Equal((SlackOutcome.Failed, "missing_scope"), (Api(file).Outcome, Api(file).Error));
                Assert.Contains("needed: im:write", Api(file).Messages);
                Assert.Equal(("im:write", "commands,chat:write"), (Api(file).Needed, Api(file).Provided));
                break;
            case "web_api_ok_with_warning.json":
                Assert.Equal((SlackOutcome.Ok, "missing_charset"), (Api(file).Outcome, Api(file).Warning));
                break;
            case "views_open_error_invalid_trigger.json":
                Assert.Equal(SlackOutcome.Bug, Api(file).Outcome);
                Assert.Contains("invalid `trigger_id`", Api(file).Messages);
                break;
            case "users_info_ok.json":
            {
                var user = SlackUserDirectory.Parse(Api(file).Body)!;
                Assert.Equal(("W012A3CDE", "spengler", "America/Los_Angeles", true), (user.Id, user.DisplayName, user.TimeZone, user.IsAdmin));
                break;
            }

            default:
                Assert.Fail($"{file} is new: add what the adapter reads from it here, or list it in NotRead with a reason.");
                break;
        }
    }

    private static SocketMessage Socket(string file) => SocketMessage.Parse(Fixtures.Bytes(file));

    private static JsonElement Element(string file)
    {
        using var doc = JsonDocument.Parse(Fixtures.Bytes(file));
        return doc.RootElement.Clone();
    }

    private static SlackApiResponse Api(string file) => SlackApiResponse.Parse(200, null, Fixtures.Bytes(file));
}
