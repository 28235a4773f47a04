using StudyBot.Core.Chat;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Interaction tokens are credentials (the callback and webhook URLs carry them): no log line may hold one.</summary>
public sealed class LogSecretTests
{
    [Fact]
    public async Task No_interaction_token_reaches_the_logs_at_any_level_through_answers_deferrals_follow_ups_and_failures()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.FakeTime = true;
            o.Server.Buckets.Remove("GET /gateway/bot");
            o.Server.EnforceGlobalLimit = false;
            o.Server.EnforceGatewaySendLimit = false;
            o.Server.EnforceInteractionDeadline = false;
        });
        await harness.ReadyAsync();
        var processor = harness.Get<InteractionProcessor>();
        harness.Runner!.Answer = path => new Reply
        {
            Text = "ran " + path,
            FollowUps = [new Reply { Text = "lost" }, new Reply { Text = "flaky" }, new Reply { Text = "dropped" }, new Reply { Text = "fine" }],
        };
        harness.Server.AddFault(new FakeFault(r => FollowUpTests.IsFollowUp(r, "lost"), Status: 404, Body: FollowUpTests.UnknownWebhook, Times: 100));
        harness.Server.AddFault(new FakeFault(r => FollowUpTests.IsFollowUp(r, "flaky"), Status: 500, Times: 100));
        harness.Server.AddFault(new FakeFault(r => FollowUpTests.IsFollowUp(r, "dropped"), Abort: true, Times: 100));

        var interactions = new List<FakeInteraction>
        {
            await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress next")),
            await harness.Server.DispatchInteractionAsync(InteractionFactory.Autocomplete("progress done", "item", "num")),
            await harness.Server.DispatchInteractionAsync(InteractionFactory.Button("progress streak")),
            await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress overview", guildId: null)),
        };
        await Wait.PumpUntilAsync(harness.Time!, () => processor.Handled == 4, "the quick interactions", step: TimeSpan.FromSeconds(1));

        // A slow command: deferred, then its answer edits @original, and that edit fails too.
        harness.Runner.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Server.AddFault(new FakeFault(r => r.Method == "PATCH", Status: 500, Times: 100));
        var slow = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress card"));
        interactions.Add(slow);
        await Wait.PumpUntilAsync(harness.Time!, () => !slow.Callbacks.IsEmpty, "the deferral", step: TimeSpan.FromMilliseconds(500));
        harness.Runner.Gate.SetResult();

        // An interaction that expired before StudyBot answered it.
        harness.Server.AddFault(new FakeFault(r => r.Template.EndsWith("/callback", StringComparison.Ordinal), Status: 404, Body: new System.Text.Json.Nodes.JsonObject { ["message"] = "Unknown interaction", ["code"] = 10062 }));
        interactions.Add(await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress goal show")));
        await Wait.PumpUntilAsync(harness.Time!, () => processor.Handled == 6, "every interaction to be handled", step: TimeSpan.FromSeconds(1));

        Assert.Contains(harness.Logs.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Debug);
        Assert.Contains(harness.Logs.Lines, l => l.Message.Contains("follow-up", StringComparison.Ordinal));
        Assert.Contains(harness.Logs.Lines, l => l.Message.Contains("expired", StringComparison.Ordinal));
        foreach (var interaction in interactions)
        {
            Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains(interaction.Token, StringComparison.Ordinal) || l.Category.Contains(interaction.Token, StringComparison.Ordinal));
            Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains(Uri.EscapeDataString(interaction.Token), StringComparison.Ordinal));
        }

        Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains(FakeDiscordOptions.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Category.StartsWith("System.Net.Http", StringComparison.Ordinal));
    }
}
