using CsCheck;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Operations;

namespace StudyBot.Core.Tests;

public sealed class ConnectionStatesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_shard_that_drops_and_resumes_is_connected_since_the_resume_with_one_reconnect_and_one_resume()
    {
        var time = new FakeTimeProvider(T0);
        var states = new ConnectionStates(time);

        states.Connecting("discord", "shard 0");
        time.Advance(TimeSpan.FromSeconds(2));
        states.Connected("discord", "shard 0");
        time.Advance(TimeSpan.FromHours(1));
        states.Disconnected("discord", "shard 0");
        time.Advance(TimeSpan.FromSeconds(1));
        states.Connecting("discord", "shard 0");
        time.Advance(TimeSpan.FromSeconds(1));
        states.Connected("discord", "shard 0", resumed: true);

        var shard = Assert.Single(states.Snapshot());
        Assert.Equal(new ConnectionSnapshot("discord", "shard 0", ConnectionState.Connected, T0 + TimeSpan.FromSeconds(3604), 1, 1), shard);
    }

    [Fact]
    public void A_socket_refreshed_without_a_gap_stays_connected_since_it_first_connected_and_counts_a_reconnect()
    {
        var time = new FakeTimeProvider(T0);
        var states = new ConnectionStates(time);
        states.Connecting("slack", "socket 0");
        states.Connected("slack", "socket 0");
        time.Advance(TimeSpan.FromHours(2));

        states.Refreshed("slack", "socket 0");

        Assert.Equal(new ConnectionSnapshot("slack", "socket 0", ConnectionState.Connected, T0, 1, 0), Assert.Single(states.Snapshot()));
    }

    [Fact]
    public void The_plan_says_how_many_connections_a_platform_needs_here_and_is_unknown_until_the_adapter_decides()
    {
        var states = new ConnectionStates(new FakeTimeProvider(T0));
        Assert.Null(states.Planned("discord"));

        states.Plan("discord", 0);
        states.Plan("slack", 2);

        Assert.Equal(0, states.Planned("discord"));
        Assert.Equal(2, states.Planned("slack"));
    }

    [Fact]
    public void A_removed_connection_is_no_longer_listed()
    {
        var states = new ConnectionStates(new FakeTimeProvider(T0));
        states.Connected("discord", "shard 1");
        states.Connected("discord", "shard 0");
        Assert.Equal(["shard 0", "shard 1"], states.Snapshot().Select(s => s.Connection));

        states.Remove("discord", "shard 1");

        Assert.Equal(["shard 0"], states.Snapshot().Select(s => s.Connection));
    }

    /// <summary>
    /// Against a model for any sequence of reports: the state is the last one reported, "since" moves only when the state
    /// changes, a reconnect is counted each time a connection that had been connected starts connecting again (or is
    /// refreshed), and a resume each time one says it resumed.
    /// </summary>
    [Fact]
    public void Any_sequence_of_reports_agrees_with_the_model()
    {
        Gen.Select(Gen.Int[0, 3], Gen.Bool, Gen.Int[0, 100]).Array[1, 40].Sample(events =>
        {
            var time = new FakeTimeProvider(T0);
            var states = new ConnectionStates(time);
            ConnectionState? state = null;
            var since = T0;
            long reconnects = 0, resumes = 0;
            var wasConnected = false;
            foreach (var (kind, resumed, seconds) in events)
            {
                time.Advance(TimeSpan.FromSeconds(seconds));
                ConnectionState? next = kind switch { 0 => ConnectionState.Connecting, 1 => ConnectionState.Connected, 2 => ConnectionState.Disconnected, _ => null };
                switch (kind)
                {
                    case 0:
                        reconnects += state != ConnectionState.Connecting && wasConnected ? 1 : 0;
                        states.Connecting("p", "c");
                        break;
                    case 1:
                        resumes += resumed ? 1 : 0;
                        wasConnected = true;
                        states.Connected("p", "c", resumed);
                        break;
                    case 2:
                        states.Disconnected("p", "c");
                        break;
                    default:
                        // A refresh of a connection never reported is no connection at all.
                        reconnects += state is null ? 0 : 1;
                        states.Refreshed("p", "c");
                        break;
                }

                if (next is { } changed && changed != state)
                {
                    state = changed;
                    since = time.GetUtcNow();
                }
            }

            var snapshots = states.Snapshot();
            if (state is null)
            {
                Assert.Empty(snapshots);
                return;
            }

            Assert.Equal(new ConnectionSnapshot("p", "c", state.Value, since, reconnects, resumes), Assert.Single(snapshots));
        });
    }

    [Fact]
    public void A_loop_that_misses_its_own_deadline_is_overdue_and_one_that_rests_is_not_watched()
    {
        var time = new FakeTimeProvider(T0);
        var loops = new LoopHeartbeats(time);
        loops.Beat("outbox drain", TimeSpan.FromMinutes(5));
        loops.Beat("discord gateway shard 0", TimeSpan.FromSeconds(90));

        time.Advance(TimeSpan.FromMinutes(2));
        loops.Rest("outbox drain");

        var left = Assert.Single(loops.Snapshot());
        Assert.Equal("discord gateway shard 0", left.Loop);
        Assert.True(left.OverdueAt(time.GetUtcNow()));
        Assert.False(left.OverdueAt(T0 + TimeSpan.FromSeconds(90)));
    }
}

public sealed class ConnectionStatusTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_admin_sees_since_when_the_bot_is_connected_and_how_often_it_reconnected()
    {
        var time = new FakeTimeProvider(T0);
        var states = new ConnectionStates(time);
        states.Plan("discord", 1);
        states.Connecting("discord", "shard 0");
        states.Connected("discord", "shard 0");
        time.Advance(TimeSpan.FromMinutes(30));
        states.Disconnected("discord", "shard 0");
        states.Connecting("discord", "shard 0");
        time.Advance(TimeSpan.FromSeconds(2));
        states.Connected("discord", "shard 0", resumed: true);
        time.Advance(TimeSpan.FromMinutes(125));

        var lines = new ConnectionStatus(states).Describe("discord", time.GetUtcNow());

        Assert.Equal(["✅ Connected to Discord since 12:30 UTC (2 h 5 min ago). It reconnected once since I started."], lines);
    }

    [Fact]
    public void An_admin_sees_since_when_the_bot_is_not_connected_and_that_it_keeps_trying()
    {
        var time = new FakeTimeProvider(T0);
        var states = new ConnectionStates(time);
        states.Plan("slack", 1);
        states.Connected("slack", "socket 0");
        time.Advance(TimeSpan.FromMinutes(10));
        states.Disconnected("slack", "socket 0");
        time.Advance(TimeSpan.FromMinutes(4));

        Assert.Equal(
            ["⚠️ Not connected to Slack since 12:10 UTC (4 min ago); I keep trying to reconnect, and answer again once I'm back."],
            new ConnectionStatus(states).Describe("slack", time.GetUtcNow()));
    }

    [Fact]
    public void Nothing_is_said_of_a_platform_without_a_connection_and_another_instance_holding_it_is_said_plainly()
    {
        var states = new ConnectionStates(new FakeTimeProvider(T0));
        states.Plan("discord", 0);

        Assert.Empty(new ConnectionStatus(states).Describe("console", T0));
        Assert.Equal(["✅ Another StudyBot instance keeps the connection to Discord."], new ConnectionStatus(states).Describe("discord", T0));
    }
}
