using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// What happens when handling one interaction goes wrong: a bug is logged (never with the member's words) and answered
/// with an apology, the gateway carries on, and an interaction token past its 15 minutes is that interaction's problem only.
/// </summary>
public sealed class InteractionFailureTests
{
    private const string Apology = "Sorry, something went wrong on my side and nothing was changed.";
    private const string SecretNote = "my private study note 7f3a";

    /// <summary>A reply no renderer can take: a bug in the engine's answer, found only while answering.</summary>
    private static Reply Broken() => new() { Text = null! };

    private static JsonObject LogWithNote() => InteractionFactory.Slash(
        "progress log",
        new Dictionary<string, object> { ["minutes"] = 45L, ["kind"] = "practice", ["note"] = SecretNote });

    private static string Words(JsonNode? data) =>
        (string?)data?["content"] ?? string.Join('\n', (data?["embeds"] as JsonArray ?? []).Select(e => (string?)e?["description"]));

    [Fact]
    public async Task A_bug_while_answering_is_logged_with_command_platform_interaction_and_guild_and_the_member_gets_an_apology_in_time()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        harness.Runner!.Answer = _ => Broken();

        var sent = LogWithNote();
        var interaction = await harness.Server.DispatchInteractionAsync(sent);
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the interaction's answer", TimeSpan.FromSeconds(10));

        Assert.Equal(4, (int?)answer["type"]);
        Assert.Equal(64, (int?)answer["data"]!["flags"]);
        Assert.Contains(Apology, Words(answer["data"]), StringComparison.Ordinal);
        Assert.Equal(0, interaction.LateCallbacks);
        var line = Assert.Single(harness.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains(InteractionFactory.IdOf(sent).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        Assert.Contains("progress log", line.Message, StringComparison.Ordinal);
        Assert.Contains("discord", line.Message, StringComparison.Ordinal);
        Assert.Contains(InteractionFactory.GuildId.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Message, StringComparison.Ordinal);
        Assert.False(harness.Logs.Contains(SecretNote), "the member's note reached the log");
    }

    [Fact]
    public async Task A_member_whose_Discord_speaks_German_gets_the_apology_and_an_empty_button_s_answer_in_German()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        harness.Runner!.Answer = _ => Broken();

        var sent = LogWithNote();
        sent["locale"] = "de";
        var interaction = await harness.Server.DispatchInteractionAsync(sent);
        var answer = await Bounded.WaitAsync(interaction.Answered.Task, "the interaction's answer", TimeSpan.FromSeconds(10));

        Assert.Contains("Entschuldige, bei mir ist etwas schiefgegangen, und es wurde nichts geändert.", Words(answer["data"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bug_after_the_deferral_edits_the_deferred_answer_into_an_apology()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        var gate = new TaskCompletionSource();
        harness.Runner!.Gate = gate;
        harness.Runner.Answer = _ => Broken();

        var interaction = await harness.Server.DispatchInteractionAsync(LogWithNote());
        var deferral = await Bounded.WaitAsync(interaction.Answered.Task, "the interaction's answer", TimeSpan.FromSeconds(10));
        Assert.Equal(5, (int?)deferral["type"]);
        gate.SetResult();

        var edit = await Bounded.WaitAsync(interaction.Edited.Task, "the edit of the deferred answer", TimeSpan.FromSeconds(10));
        Assert.Contains(Apology, Words(edit), StringComparison.Ordinal);
        Assert.Contains(harness.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("progress log", StringComparison.Ordinal));
        Assert.False(harness.Logs.Contains(SecretNote), "the member's note reached the log");
    }

    [Fact]
    public async Task A_bug_while_taking_in_a_gateway_dispatch_is_logged_and_answered_and_the_gateway_carries_on()
    {
        await using var harness = await AdapterHarness.StartAsync();
        var connection = await harness.ReadyAsync();
        harness.Runner!.ArriveFailure = new ArgumentException("a bug on the way into the engine");

        var failed = await harness.Server.DispatchInteractionAsync(LogWithNote());
        var apology = await Bounded.WaitAsync(failed.Answered.Task, "the apology", TimeSpan.FromSeconds(10));
        Assert.Contains(Apology, Words(apology["data"]), StringComparison.Ordinal);

        harness.Runner.ArriveFailure = null;
        var next = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak"));
        var answer = await Bounded.WaitAsync(next.Answered.Task, "the next interaction's answer", TimeSpan.FromSeconds(10));

        Assert.Equal("ran progress streak", (string?)answer["data"]!["content"]);
        Assert.False(harness.Fatal.Stopped.Task.IsCompleted, "the host was stopped");
        Assert.Same(connection, harness.Server.Current);
        Assert.Contains(harness.Logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("progress log", StringComparison.Ordinal));
        Assert.False(harness.Logs.Contains(SecretNote), "the member's note reached the log");
    }

    [Fact]
    public async Task An_answer_after_the_interaction_tokens_15_minutes_is_that_interactions_problem_and_the_next_op_9_does_not_stop_the_host()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.FakeTime = true;
            o.ServerOnFakeTime = true;

            // Fake time is pumped faster than the deferral's round trip; this test is about the 15 minutes, not the 3 seconds.
            o.Server.EnforceInteractionDeadline = false;
        });
        var connection = await harness.ReadyAsync();
        var time = harness.Time!;
        var gate = new TaskCompletionSource();
        harness.Runner!.Gate = gate;
        harness.Runner.Answer = _ => new Reply { Text = "done", FollowUps = [new Reply { Text = "a celebration" }] };

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("studybot roles sync"));
        await Wait.PumpUntilAsync(time, () => interaction.Callbacks.Count == 1, "the deferral", step: TimeSpan.FromMilliseconds(200));
        time.Advance(TimeSpan.FromMinutes(16));
        gate.SetResult();
        var processor = harness.Get<InteractionProcessor>();
        await Wait.UntilAsync(() => processor.Handled == 1, "the interaction to be handled");

        // Discord refused the edit (50027); nothing was retried and nothing else was tried on that token.
        Assert.Equal(1, interaction.ExpiredTokenAnswers);
        Assert.Single(harness.Server.Requests, r => r.Template.StartsWith("/webhooks/", StringComparison.Ordinal));
        var rest = harness.Get<DiscordRestClient>();
        Assert.False(rest.Guard.TokenRejected, "an expired interaction token marked the bot token as rejected");
        var line = Assert.Single(harness.Logs.Lines, l => l.Message.Contains("interaction token", StringComparison.OrdinalIgnoreCase));
        Assert.InRange(line.Level, LogLevel.Information, LogLevel.Warning);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Level >= LogLevel.Error);

        // The bot token is fine: the next session start works.
        await connection.SendAsync("""{"op":9,"d":false}""");
        await Wait.PumpUntilAsync(time, () => harness.Server.Identifies.Count == 2, "a new Identify after op 9");
        Assert.False(harness.Fatal.Stopped.Task.IsCompleted, "the host was stopped");
        await rest.GetCurrentUserAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_401_on_an_interaction_webhook_is_not_retried_and_leaves_the_bot_token_usable_while_a_401_on_a_bot_route_stops_every_call()
    {
        await using var harness = await AdapterHarness.StartAsync(o => o.Start = false);
        var rest = harness.Get<DiscordRestClient>();
        harness.Server.AddFault(new FakeFault(
            r => r.Template.StartsWith("/webhooks/", StringComparison.Ordinal),
            Status: 401,
            Body: new JsonObject { ["message"] = "Invalid Webhook Token", ["code"] = 50027 }));

        var refused = await Assert.ThrowsAsync<DiscordApiException>(() =>
            rest.EditOriginalResponseAsync(FakeDiscordOptions.ApplicationId, "expired-token", new MessagePayload { Content = "late" }, CancellationToken.None));
        Assert.Equal((401, 50027), (refused.Status, refused.Code));
        Assert.Single(harness.Server.Requests);
        Assert.False(rest.Guard.TokenRejected);
        await rest.GetCurrentUserAsync(CancellationToken.None);

        harness.Server.AddFault(new FakeFault(r => r.Template == "/users/@me", Status: 401));
        await Assert.ThrowsAsync<DiscordAuthException>(() => rest.GetCurrentUserAsync(CancellationToken.None));
        Assert.True(rest.Guard.TokenRejected);
        var before = harness.Server.Requests.Count;
        await Assert.ThrowsAsync<DiscordAuthException>(() => rest.GetChannelAsync(645027906669510667, CancellationToken.None));
        Assert.Equal(before, harness.Server.Requests.Count);
    }
}
