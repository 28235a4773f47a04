using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Slack.SocketMode;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class SocketModeTests
{
    private static readonly TimeSpan SlackDeadline = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Two_connections_are_opened_each_with_a_fresh_url_from_the_app_token_and_live_after_hello()
    {
        await using var h = await SlackHarness.StartAsync();

        var sockets = await h.WaitForSocketsAsync(2);

        Assert.Equal(2, sockets.Count);
        var opens = h.Slack.Calls.Where(c => c.Method == "apps.connections.open").ToList();
        Assert.Equal(2, opens.Count);
        Assert.All(opens, c => Assert.Equal($"Bearer {FakeSlack.AppToken}", c.Authorization));
        Assert.All(opens, c => Assert.StartsWith("application/x-www-form-urlencoded", c.ContentType, StringComparison.Ordinal));
        await FakeSlack.WaitUntilAsync(() => h.Get<SocketModeService>().LiveConnections == 2);
        Assert.Equal(1, h.Slack.CallCount("auth.test"));
    }

    [Fact]
    public async Task Progress_done_numpy_is_acknowledged_with_its_answer_and_the_database_holds_the_change()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        var ack = await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());

        Assert.False(ack.Late);
        Assert.Equal(socket.Id, ack.SocketId);
        var payload = Assert.IsType<JsonObject>(ack.Payload);
        Assert.Equal("ephemeral", payload["response_type"]!.GetValue<string>());
        Assert.Contains("NumPy", payload["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(BlockKitRules.Validate(payload["blocks"]));
        var member = await h.LoadMemberAsync(Envelopes.Ada);
        Assert.Equal(ItemStatus.Done, member.StateOf("numpy").Status);
        Assert.Equal("Europe/Berlin", member.Member.TimeZoneId);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task A_command_that_takes_longer_than_the_inline_window_is_acknowledged_at_once_and_answered_through_response_url()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        var waited = await h.AdvanceUntilAsync(() => h.Slack.Acks.Any(a => a.EnvelopeId == id), TimeSpan.FromMilliseconds(100), SlackDeadline, "the acknowledgement");

        // The command is still stuck in users.info: the ack did not wait for it, and came inside the deadline.
        Assert.False(release.Task.IsCompleted);
        Assert.True(waited < SlackDeadline);
        var ack = Assert.Single(h.Slack.Acks, a => a.EnvelopeId == id);
        Assert.Null(ack.Payload);
        Assert.False(ack.Late);

        release.SetResult();
        var answer = await h.Slack.WaitForResponseAsync(id);
        Assert.Contains("NumPy", answer.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
        Assert.Single(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task With_no_inline_window_every_answer_goes_through_response_url_exactly_once()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Config = { ["Slack:InlineReplyWindow"] = "00:00:00" } });
        var socket = (await h.WaitForSocketsAsync(2))[1];
        var envelope = Envelopes.SlashCommand(h.Slack, "doing pandas");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        var ack = await h.Slack.WaitForAckAsync(id);
        var answer = await h.Slack.WaitForResponseAsync(id);

        Assert.Null(ack.Payload);
        Assert.Equal("ephemeral", answer.Body["response_type"]!.GetValue<string>());
        Assert.Equal(ItemStatus.InProgress, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("pandas").Status);
    }

    [Fact]
    public async Task A_late_answer_whose_response_url_has_expired_arrives_as_an_ephemeral_message_in_the_channel()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Config = { ["Slack:InlineReplyWindow"] = "00:00:00" } });
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();
        h.Slack.ExpiredResponseUrls.Add(id);

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await FakeSlack.WaitUntilAsync(() => h.Slack.Messages.Any(m => m.Method == "chat.postEphemeral"), what: "the ephemeral fallback");

        var message = Assert.Single(h.Slack.Messages);
        Assert.Equal(("C0123ABCDEF", Envelopes.Ada), (message.Channel, message.User));
        Assert.Contains("NumPy", message.Text, StringComparison.Ordinal);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }

    [Fact]
    public async Task A_users_info_that_hangs_does_not_hold_up_the_answer()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.AdvanceUntilAsync(() => h.Slack.ResponseUrlPosts.Any(p => p.Id == id), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), "the answer");

        Assert.False(release.Task.IsCompleted);
        var member = await h.LoadMemberAsync(Envelopes.Ada);
        Assert.Equal(ItemStatus.Done, member.StateOf("numpy").Status);
        Assert.Equal("UTC", member.Member.TimeZoneId);
        Assert.Contains(h.Logs.Entries, e => e.Message.Contains($"users.info for {Envelopes.Ada} is slow", StringComparison.Ordinal));
        release.SetResult();
    }

    [Fact]
    public async Task The_same_envelope_on_both_connections_is_acknowledged_on_each_and_handled_once()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await Task.WhenAll(h.Slack.SendEnvelopeAsync(sockets[0], envelope), h.Slack.SendEnvelopeAsync(sockets[1], envelope));
        await h.Slack.WaitForAckAsync(id, count: 2);
        await h.SettledAsync(2, "both copies of the envelope to be taken in and their work to finish");

        var acks = h.Slack.Acks.Where(a => a.EnvelopeId == id).ToList();
        Assert.Equal(2, acks.Count);
        Assert.Equal([sockets[0].Id, sockets[1].Id], acks.Select(a => a.SocketId).Order());
        Assert.Single(acks, a => a.Payload is not null);
        Assert.Empty(h.Slack.ResponseUrlPosts);
        Assert.Equal(1, h.Get<SocketEnvelopeHandler>().Duplicates);
        var member = await h.LoadMemberAsync(Envelopes.Ada);
        Assert.Equal(ItemStatus.Done, member.StateOf("numpy").Status);
        Assert.Equal(1, member.Days.Sum(d => d.ItemsDone));
    }

    [Fact]
    public async Task A_retry_of_an_envelope_already_handled_is_acknowledged_but_not_run_again()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, "log 30 practice numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();
        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.Slack.WaitForAckAsync(id);

        var retry = envelope.DeepClone().AsObject();
        retry["retry_attempt"] = 1;
        retry["retry_reason"] = "timeout";
        await h.Slack.SendEnvelopeAsync(socket, retry);
        var second = await h.Slack.WaitForAckAsync(id, count: 2);

        Assert.Null(second.Payload);
        Assert.Equal(30, (await h.LoadMemberAsync(Envelopes.Ada)).Days.Sum(d => d.TotalMinutes));
        Assert.Contains(h.Logs.Entries, e => e.Message.Contains($"Duplicate envelope {id}", StringComparison.Ordinal) && e.Message.Contains("retry attempt 1 timeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_events_api_retry_in_a_new_envelope_is_recognised_by_its_event_id()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var first = Envelopes.HomeOpened(eventId: "Ev0RETRY1");
        var retry = Envelopes.HomeOpened(eventId: "Ev0RETRY1", retryAttempt: 1);

        await h.Slack.SendEnvelopeAsync(sockets[0], first);
        await h.Slack.SendEnvelopeAsync(sockets[1], retry);
        await h.Slack.WaitForAckAsync(retry["envelope_id"]!.GetValue<string>());
        await FakeSlack.WaitUntilAsync(() => h.Slack.CallCount("views.publish") >= 1, what: "the Home view to be published");
        await h.SettledAsync(2, "the event and its retry to be taken in and their work to finish");

        Assert.Equal(1, h.Slack.CallCount("views.publish"));
        Assert.Single(h.Slack.Acks, a => a.EnvelopeId == first["envelope_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_envelope_whose_socket_dies_before_the_ack_is_redelivered_by_Slack_and_answered_exactly_once()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await h.Slack.SendEnvelopeAsync(sockets[0], envelope);
        await FakeSlack.WaitUntilAsync(() => h.Slack.Acks.Count == 0 && h.Get<SocketEnvelopeHandler>().Handled == 1, what: "the command to start");
        sockets[0].Drop();

        // Slack redelivers the unacknowledged envelope (retry_attempt 1) on the other socket.
        await h.AdvanceUntilAsync(() => h.Slack.Acks.Any(a => a.EnvelopeId == id && a.SocketId != sockets[0].Id), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), "the redelivery's ack");
        release.SetResult();
        await h.Slack.WaitForResponseAsync(id);
        await h.SettledAsync(2, "the envelope and its redelivery to be taken in and their work to finish");

        var answers = h.Slack.Acks.Count(a => a.EnvelopeId == id && a.Payload is not null) + h.Slack.ResponseUrlPosts.Count(r => r.Id == id);
        Assert.Equal(1, answers);
        Assert.Equal(1, (await h.LoadMemberAsync(Envelopes.Ada)).Days.Sum(d => d.ItemsDone));
    }

    [Theory]
    [InlineData("refresh_requested")]
    [InlineData("warning")]
    public async Task A_disconnect_warning_or_refresh_opens_the_new_connection_before_closing_the_old(string reason)
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var old = sockets[0];

        await old.DisconnectAsync(reason);

        // The replacement's apps.connections.open waits for its turn in that method's budget (20 a minute).
        await h.AdvanceUntilAsync(() => old.Ended.IsCompleted && h.Slack.OpenSockets.Count(s => s.HelloSent) == 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "two live sockets again");

        var log = h.Slack.SocketLog.ToList();
        var replacement = h.Slack.AllSockets.Single(s => s.Id > sockets[1].Id);
        Assert.True(log.IndexOf($"hello:{replacement.Id}") < log.FindIndex(e => e.StartsWith($"ended:{old.Id}:", StringComparison.Ordinal)), string.Join(", ", log));
        Assert.True(old.ClosedByClient, await old.Ended);
        Assert.True(h.Slack.MaxConcurrentSockets <= 3);
        await FakeSlack.WaitUntilAsync(() => h.Get<SocketModeService>().OpenSockets == 2, what: "the old socket to be released");

        var envelope = Envelopes.SlashCommand(h.Slack, "next");
        await h.Slack.SendEnvelopeAsync(replacement, envelope);
        Assert.NotNull((await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>())).Payload);
    }

    [Fact]
    public async Task Too_many_websockets_closes_that_socket_and_backs_off_before_adding_another()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var before = h.Slack.CallCount("apps.connections.open");
        var service = h.Get<SocketModeService>();
        var reconnects = service.Reconnects;

        await sockets[0].DisconnectAsync("too_many_websockets");
        await Bounded.WaitAsync(sockets[0].Ended, "the first socket to end", TimeSpan.FromSeconds(20));

        // The slot counts the reconnect just before it waits out its backoff on fake time: from then on, only
        // moving the clock can open a new connection.
        await FakeSlack.WaitUntilAsync(() => service.Reconnects > reconnects, what: "the slot to start backing off");
        Assert.Equal(before, h.Slack.CallCount("apps.connections.open"));

        var waited = await h.AdvanceUntilAsync(() => h.Slack.OpenSockets.Count(s => s.HelloSent) == 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), "the replacement");

        // Backoff after too_many_websockets starts at the third step: 2 to 4 seconds.
        Assert.InRange(waited, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4.5));
        Assert.True(sockets[0].ClosedByClient);
        Assert.True(h.Slack.MaxConcurrentSockets <= 2);
    }

    [Fact]
    public async Task A_dropped_socket_is_replaced_after_a_short_jittered_backoff()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);

        // A minute later apps.connections.open's budget is full again, so what is measured is the backoff alone.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        sockets[1].Drop();
        var waited = await h.AdvanceUntilAsync(() => h.Slack.OpenSockets.Count(s => s.HelloSent) == 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5), "the replacement");

        Assert.InRange(waited, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1.2));
        Assert.Equal(3, h.Slack.TotalSockets);
        Assert.Equal(2, h.Get<SocketModeService>().OpenSockets);
    }

    [Fact]
    public async Task A_socket_that_goes_silent_is_caught_by_the_keepalive_and_replaced()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            Config = { ["Slack:KeepAliveInterval"] = "00:00:00.200", ["Slack:KeepAliveTimeout"] = "00:00:00.500" },
        });
        var sockets = await h.WaitForSocketsAsync(2);

        sockets[0].GoSilent();
        var how = await Bounded.WaitAsync(sockets[0].Ended, "the first socket to end", TimeSpan.FromSeconds(20));

        // What is checked is that a replacement comes, not how soon: fake time moves while the busy machine is still
        // noticing the loss, so allow a minute of it (backoff and apps.connections.open's budget take a few seconds).
        await h.AdvanceUntilAsync(() => h.Slack.OpenSockets.Count(s => s.HelloSent) == 2, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), "the replacement");

        Assert.DoesNotContain("closed by client", how, StringComparison.Ordinal);
        Assert.Contains(h.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("connection lost", StringComparison.Ordinal));
        var replacement = h.Slack.OpenSockets.Single(s => s.Id > sockets[1].Id);
        var envelope = Envelopes.SlashCommand(h.Slack, "streak");
        await h.Slack.SendEnvelopeAsync(replacement, envelope);
        Assert.NotNull((await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>())).Payload);
    }

    [Fact]
    public async Task A_socket_that_never_says_hello_is_abandoned_and_retried()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Arrange = s => s.SendHello = false, Config = { ["Slack:Connections"] = "1" } });
        await FakeSlack.WaitUntilAsync(() => h.Slack.TotalSockets == 1, what: "the first socket");

        h.Slack.SendHello = true;
        await h.AdvanceUntilAsync(() => h.Slack.OpenSockets.Any(s => s.HelloSent), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(40), "a socket with hello");

        var silent = h.Slack.AllSockets.First();
        Assert.False(silent.HelloSent);
        await Bounded.WaitAsync(silent.Ended, "socket silent to end", TimeSpan.FromSeconds(20));
        Assert.Single(h.Slack.OpenSockets);
    }

    [Fact]
    public async Task Many_reconnects_leave_no_socket_behind_and_stopping_closes_every_socket()
    {
        var h = await SlackHarness.StartAsync();
        await using (h)
        {
            await h.WaitForSocketsAsync(2);
            for (var round = 0; round < 8; round++)
            {
                var victim = h.Slack.OpenSockets.OrderBy(s => s.Id).First(s => s.HelloSent);
                if (round % 2 == 0)
                {
                    await victim.DisconnectAsync(round % 4 == 0 ? "refresh_requested" : "warning");
                }
                else
                {
                    victim.Drop();
                }

                await h.AdvanceUntilAsync(() => victim.Ended.IsCompleted && h.Slack.OpenSockets.Count(s => s.HelloSent) == 2, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), $"round {round}");
            }

            Assert.Equal(2, h.Slack.OpenSockets.Count);
            Assert.True(h.Slack.MaxConcurrentSockets <= 3, $"max {h.Slack.MaxConcurrentSockets}");
            await FakeSlack.WaitUntilAsync(() => h.Get<SocketModeService>().OpenSockets == 2, what: "replaced sockets to be released");

            await h.App.StopAsync();
            await FakeSlack.WaitUntilAsync(() => h.Slack.OpenSockets.Count == 0, what: "all sockets closed");
            Assert.All(h.Slack.AllSockets.TakeLast(2), s => Assert.True(s.ClosedByClient));
            Assert.Equal(0, h.Get<SocketModeService>().OpenSockets);
        }
    }

    [Fact]
    public async Task A_rate_limited_apps_connections_open_is_not_called_again_before_Retry_After()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        h.Slack.Inject("apps.connections.open", ApiFault.RateLimited(30));

        sockets[0].Drop();
        await h.AdvanceUntilAsync(() => h.Slack.OpenSockets.Count(s => s.HelloSent) == 2, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(90), "the replacement");

        var calls = h.Slack.Calls.Where(c => c.Method == "apps.connections.open").Skip(2).ToList();
        Assert.Equal(429, calls[0].Status);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(30), $"{calls[1].At - calls[0].At}");
    }

    [Fact]
    public async Task An_unparsable_envelope_is_still_acknowledged_so_Slack_does_not_redeliver_it_forever()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];

        await socket.SendRawAsync("{\"envelope_id\":\"e-broken-1\",\"type\":\"slash_commands\",\"payload\":{\"text\":");

        var ack = await h.Slack.WaitForAckAsync("e-broken-1");
        Assert.Null(ack.Payload);
    }

    [Fact]
    public async Task A_button_press_runs_the_command_its_value_names_and_answers_through_response_url()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.Interactive(Envelopes.BlockActions(h.Slack, "progress done numpy", "button-1"));

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        var ack = await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());
        var answer = await h.Slack.WaitForResponseAsync("button-1");

        Assert.Null(ack.Payload);
        Assert.Contains("NumPy", answer.Body["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(answer.Body["replace_original"]!.GetValue<bool>());
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
    }

    [Fact]
    public async Task Opening_App_Home_publishes_a_dashboard_and_its_buttons_update_it()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        await h.Slack.SendEnvelopeAsync(socket, Envelopes.SlashCommand(h.Slack, "doing numpy"));
        await FakeSlack.WaitUntilAsync(() => h.Slack.Acks.Count == 1);

        await h.Slack.SendEnvelopeAsync(socket, Envelopes.HomeOpened());
        await FakeSlack.WaitUntilAsync(() => h.Slack.HomeViews.ContainsKey(Envelopes.Ada), what: "views.publish");

        var view = h.Slack.HomeViews[Envelopes.Ada];
        var blocks = view["blocks"]!.AsArray();
        Assert.Equal("header", blocks[0]!["type"]!.GetValue<string>());
        Assert.Contains("progress", blocks[0]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var fields = blocks.Where(b => b!["fields"] is not null).SelectMany(b => b!["fields"]!.AsArray()).Select(f => f!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(fields, f => f.StartsWith("*Next*", StringComparison.Ordinal));
        Assert.Contains(fields, f => f.StartsWith("*This week*", StringComparison.Ordinal));
        Assert.Contains(fields, f => f.StartsWith("*Streak*", StringComparison.Ordinal));
        var buttons = blocks.Where(b => b!["type"]!.GetValue<string>() == "actions").SelectMany(b => b!["elements"]!.AsArray()).ToList();
        var done = buttons.First(b => b!["value"]!.GetValue<string>() == "progress done numpy");

        await h.Slack.SendEnvelopeAsync(socket, Envelopes.Interactive(Envelopes.BlockActions(h.Slack, done!["value"]!.GetValue<string>(), "unused", fromHome: true)));
        await FakeSlack.WaitUntilAsync(() => h.Slack.CallCount("views.publish") == 2, what: "the refreshed home");

        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
        var refreshed = h.Slack.HomeViews[Envelopes.Ada]["blocks"]!.AsArray();
        Assert.Contains("NumPy", refreshed[0]!["text"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(h.Slack.ResponseUrlPosts);
    }
}
