using System.Text.Json.Nodes;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Through every gateway fault: each interaction is answered exactly once, none is lost.</summary>
public sealed class FaultRecoveryTests
{
    public static TheoryData<string> Faults() =>
    [
        "dropped socket", "op 7 reconnect", "op 9 resumable", "op 9 not resumable", "missing heartbeat ACK",
        "close 4000", "close 4008", "close 4007", "close 4009", "server close 1001",
    ];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Interactions_before_during_and_after_a_fault_are_each_answered_exactly_once(string fault)
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.FakeTime = true;
            o.Server.HeartbeatIntervalMs = 5000;
            o.Server.Buckets.Remove("GET /gateway/bot");
            o.Server.EnforceGlobalLimit = false;
            o.Server.EnforceGatewaySendLimit = false;
        });
        var connection = await harness.ReadyAsync();
        var session = connection.Session!;
        var before = InteractionFactory.Slash("progress next");
        var a = await harness.Server.DispatchInteractionAsync(before);
        await Bounded.WaitAsync(a.Answered.Task, "the answer to interaction a", TimeSpan.FromSeconds(10));

        var resumable = await InjectAsync(harness, connection, fault);

        // While the client is away, Discord keeps the session's events and replays them on resume.
        FakeInteraction? during = resumable ? await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak"), session) : null;
        await Wait.PumpUntilAsync(
            harness.Time!,
            () => (resumable ? harness.Server.Resumes.Count >= 1 : harness.Server.Identifies.Count >= 2) && harness.Server.Current?.Session is not null && harness.Adapter.Gateway!.Status == Gateway.GatewayStatus.Ready,
            "recovery from " + fault);
        during ??= await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak"));

        // Events may arrive more than once: the same interaction again must not be answered again.
        await harness.Server.DispatchInteractionAsync((JsonObject)before.DeepClone());
        var after = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress overview"));
        await Bounded.WaitAsync(Task.WhenAll(during.Answered.Task, after.Answered.Task), "the answers to interactions during and after", TimeSpan.FromSeconds(15));
        await Wait.UntilAsync(() => harness.Get<Interactions.InteractionProcessor>().InFlight == 0, "all interactions to finish");

        foreach (var interaction in new[] { a, during, after })
        {
            Assert.Single(interaction.Callbacks);
            Assert.Equal(1, interaction.CallbackAttempts);
        }

        Assert.Equal(3, harness.Runner!.Runs.Count);
        Assert.All(harness.Server.Connections.Where(c => c.ClientCloseCode is not null), c => Assert.NotEqual(1000, c.ClientCloseCode));
        Assert.Equal(resumable ? 1 : 2, harness.Server.Identifies.Count);
    }

    /// <summary>Injects the fault; returns whether the session survives it (resume) or not (new session).</summary>
    private static async Task<bool> InjectAsync(AdapterHarness harness, FakeGatewayConnection connection, string fault)
    {
        switch (fault)
        {
            case "dropped socket":
                connection.Drop();
                return true;
            case "op 7 reconnect":
                await connection.SendAsync("""{"op":7,"d":null}""");
                return true;
            case "op 9 resumable":
                await connection.SendAsync("""{"op":9,"d":true}""");
                return true;
            case "op 9 not resumable":
                connection.Session!.Invalidated = true;
                await connection.SendAsync("""{"op":9,"d":false}""");
                return false;
            case "missing heartbeat ACK":
                connection.AckHeartbeats = false;
                await Wait.PumpUntilAsync(harness.Time!, () => connection.Closed.Task.IsCompleted, "the zombie to be dropped");
                return true;
            case "server close 1001":
                await connection.CloseAsync(1001, "Going away");
                return true;
            default:
                var code = int.Parse(fault["close ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                var resumable = code is not (4007 or 4009);
                connection.Session!.Invalidated = !resumable;
                await connection.CloseAsync(code, "fault");
                return resumable;
        }
    }
}
