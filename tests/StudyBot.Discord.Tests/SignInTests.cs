using System.Text.Json.Nodes;
using StudyBot.Core.Chat;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>A token Discord refuses at sign-in is a configuration error: one clear stop naming Discord:Token, no retry loop.</summary>
public sealed class SignInTests
{
    private static JsonObject Refusal(int code) => code switch
    {
        40001 => new JsonObject { ["message"] = "Unauthorized. Provide a valid token and try again", ["code"] = 40001 },
        50001 => new JsonObject { ["message"] = "Missing Access", ["code"] = 50001 },
        _ => new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 },
    };

    public static TheoryData<string, int, int> StartRefusals() => new()
    {
        { "/users/@me", 400, 40001 },
        { "/users/@me", 403, 50001 },
        { "/applications/@me", 401, 0 },
        { "/applications/@me", 400, 40001 },
    };

    [Theory]
    [MemberData(nameof(StartRefusals))]
    public async Task A_token_refused_at_start_with_a_4xx_stops_the_host_once_naming_Discord_Token(string route, int status, int code)
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
        });
        harness.Server.AddFault(new FakeFault(r => r.Template == route, Status: status, Body: Refusal(code), Times: 100));

        var start = harness.Host.StartAsync();
        await Wait.PumpUntilAsync(harness.Time!, () => start.IsCompleted, "the start to end", step: TimeSpan.FromSeconds(5));
        var ex = await Assert.ThrowsAsync<AdapterFatalException>(() => start);

        Assert.Contains("Discord:Token", ex.Message, StringComparison.Ordinal);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        // Nothing is scheduled any more, so no amount of time brings another attempt.
        Assert.Empty(harness.Watch!.Pending());
        harness.Time!.Advance(TimeSpan.FromMinutes(10));
        Assert.Single(harness.Server.Requests, r => r.Template == route);
        Assert.False(harness.Logs.Contains("not reachable yet"), harness.Logs.All);
    }

    public static TheoryData<int, int> GatewayBotRefusals() => new()
    {
        { 401, 0 },
        { 400, 40001 },
        { 403, 50001 },
    };

    [Theory]
    [MemberData(nameof(GatewayBotRefusals))]
    public async Task A_token_refused_on_GET_gateway_bot_stops_the_adapter_once_naming_Discord_Token(int status, int code)
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
        });
        harness.Server.AddFault(new FakeFault(r => r.Template == "/gateway/bot", Status: status, Body: Refusal(code), Times: 100));

        await harness.Host.StartAsync();
        var message = await Bounded.WaitAsync(harness.Fatal.Stopped.Task, "the adapter's fatal stop", TimeSpan.FromSeconds(20));

        Assert.Contains("Discord:Token", message, StringComparison.Ordinal);
        // The adapter stopped: once nothing is scheduled, no amount of time brings another attempt.
        await Wait.UntilAsync(() => harness.Watch!.Pending().Count == 0, "the stopped adapter to have nothing scheduled");
        harness.Time!.Advance(TimeSpan.FromMinutes(20));
        Assert.Single(harness.Server.Requests, r => r.Template == "/gateway/bot");
        Assert.Single(harness.Logs.Lines, l => l.Message.StartsWith("Discord adapter stopped", StringComparison.Ordinal));
        Assert.Empty(harness.Server.Connections);
    }
}
