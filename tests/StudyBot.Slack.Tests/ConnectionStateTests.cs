using StudyBot.Core.Operations;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>Socket Mode reports its connections to the connection-state registry that readiness and /studybot status read.</summary>
public sealed class ConnectionStateTests
{
    [Fact]
    public async Task Each_socket_is_reported_connected_after_hello_disconnected_when_it_drops_and_connected_again_with_a_reconnect()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var states = h.Get<ConnectionStates>();
        await FakeSlack.WaitUntilAsync(() => states.Snapshot().Count(s => s.State == ConnectionState.Connected) == 2, what: "both sockets reported connected");
        Assert.Equal(2, states.Planned("slack"));
        Assert.Equal(["socket 0", "socket 1"], states.Snapshot().Select(s => s.Connection));

        sockets[0].Drop();
        await FakeSlack.WaitUntilAsync(() => states.Snapshot().Any(s => s.State != ConnectionState.Connected), what: "the dropped socket reported");
        var dropped = states.Snapshot().Single(s => s.State != ConnectionState.Connected);

        await h.AdvanceUntilAsync(
            () => states.Snapshot().All(s => s.State == ConnectionState.Connected),
            TimeSpan.FromMilliseconds(250),
            TimeSpan.FromMinutes(2),
            "the dropped socket reconnected");
        var again = states.Snapshot().Single(s => s.Connection == dropped.Connection);
        Assert.Equal(1, again.Reconnects);
        Assert.True(again.Since > dropped.Since, $"connected since {again.Since:O}, dropped at {dropped.Since:O}");
        Assert.Equal(["✅ Connected to Slack since"], new ConnectionStatus(states).Describe("slack", h.Time.GetUtcNow()).Select(l => l[..26]));
    }

    [Fact]
    public async Task A_refresh_counts_a_reconnect_and_the_socket_stays_connected_since_it_first_said_hello()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var states = h.Get<ConnectionStates>();
        await FakeSlack.WaitUntilAsync(() => states.Snapshot().Count(s => s.State == ConnectionState.Connected) == 2, what: "both sockets reported connected");
        var before = states.Snapshot();

        await sockets[0].DisconnectAsync("refresh_requested");
        await h.AdvanceUntilAsync(
            () => states.Snapshot().Sum(s => s.Reconnects) == 1,
            TimeSpan.FromMilliseconds(250),
            TimeSpan.FromMinutes(2),
            "the refresh counted");

        var after = states.Snapshot();
        Assert.All(after, s => Assert.Equal(ConnectionState.Connected, s.State));
        Assert.Equal(before.Select(s => s.Since), after.Select(s => s.Since));
    }
}
