using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Operations;
using StudyBot.Core.Telemetry;

namespace StudyBot.Core.Tests;

public sealed class ConnectionMetricsTests
{
    [Fact]
    public void Connections_are_counted_by_platform_and_state_with_reconnects_and_resumes_and_no_connection_names()
    {
        var states = new ConnectionStates(new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 1, 0, 0, TimeSpan.Zero)));
        using var metrics = new StudyBotMetrics();
        metrics.ObserveConnections(states.Snapshot);
        using var recorded = new MetricsRecorder(metrics.Meter);

        states.Connecting(Platforms.Discord, "shard 0");
        states.Connected(Platforms.Discord, "shard 0");
        states.Connecting(Platforms.Discord, "shard 1");
        states.Connected(Platforms.Discord, "shard 1");
        states.Disconnected(Platforms.Discord, "shard 1");
        states.Connecting(Platforms.Discord, "shard 1");
        states.Connected(Platforms.Discord, "shard 1", resumed: true);
        states.Disconnected(Platforms.Discord, "shard 0");
        states.Connecting(Platforms.Slack, "socket 0");
        recorded.Collect();

        Assert.Equal(
            [
                (0.0, "platform=discord,state=connecting"),
                (1.0, "platform=discord,state=connected"),
                (1.0, "platform=discord,state=disconnected"),
                (1.0, "platform=slack,state=connecting"),
                (0.0, "platform=slack,state=connected"),
                (0.0, "platform=slack,state=disconnected"),
            ],
            recorded.Of("studybot.connections").OrderBy(m => m.Tags.StartsWith("platform=slack", StringComparison.Ordinal)).ToList());
        Assert.Contains((1.0, "platform=discord"), recorded.Of("studybot.connection.reconnects"));
        Assert.Contains((1.0, "platform=discord"), recorded.Of("studybot.connection.resumes"));
        Assert.DoesNotContain(recorded.Measurements, m => m.Tags.Values.Any(v => v is not null && (v.Contains("shard", StringComparison.Ordinal) || v.Contains("socket", StringComparison.Ordinal))));
    }
}
