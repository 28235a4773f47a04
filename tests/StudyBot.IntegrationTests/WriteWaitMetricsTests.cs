using System.Diagnostics;
using StudyBot.Core.Telemetry;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>studybot.db.write_wait (issue 15): each write through SQLite's single-writer gate records how long it queued.</summary>
public sealed class WriteWaitMetricsTests
{
    [Fact]
    public async Task A_write_queued_behind_another_records_at_least_the_time_it_was_held_and_an_open_gate_records_nothing()
    {
        using var metrics = new StudyBotMetrics();
        using var recorded = new MetricsRecorder(metrics.Meter);
        using var gate = new WriteGate(metrics: metrics);
        var held = TimeSpan.FromMilliseconds(60);

        var first = await gate.EnterAsync(CancellationToken.None);
        var second = gate.EnterAsync(CancellationToken.None);
        var clock = Stopwatch.StartNew();
        Assert.False(second.IsCompleted);
        await Task.Delay(held);
        var holding = clock.Elapsed;
        first.Dispose();
        (await Bounded.WaitAsync(second, "the second writer to enter once the first left")).Dispose();

        var seen = recorded.Of("studybot.db.write_wait").Select(m => m.Value).ToList();

        Assert.Equal(2, seen.Count);
        Assert.True(seen[1] >= holding.TotalSeconds, $"the queued write waited {seen[1]} s, held {holding.TotalSeconds} s");
        Assert.True(seen[0] < seen[1]);

        // PostgreSQL's open gate lets every writer through at once: there is no wait to record.
        using (await WriteGate.Open().EnterAsync(CancellationToken.None))
        {
        }

        Assert.Equal(2, recorded.Of("studybot.db.write_wait").Count);
    }
}
