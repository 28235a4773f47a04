using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Notifications;
using StudyBot.Core.Telemetry;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A command's trace (issue 15): the engine's span under the adapter's, and the store's load and commit under the
/// engine's, on the real engine and a real SQLite file; tagged with the command, never with what the member typed. The
/// jobs that act on a command later (a celebration, its delivery) continue its trace from what the command stored.
/// </summary>
public sealed class TraceTests
{
    private static readonly ActivitySource Adapter = new("StudyBot.IntegrationTests.TraceTests");

    [Fact]
    public async Task A_command_runs_in_one_trace_from_the_adapter_through_the_engine_to_the_store()
    {
        using var spans = new SpanRecorder(StudyBotTrace.SourceName, Adapter.Name);
        await using var bot = await TestBot.StartAsync();

        ActivityTraceId trace;
        using (var root = Adapter.StartActivity("adapter")!)
        {
            trace = root.TraceId;
            await bot.SayAsync("Ada", "/progress start programmer part-time");
            await bot.SayAsync("Ada", "/progress done python-basics");
        }

        var mine = spans.InTrace(trace);

        var root2 = Assert.Single(mine, s => s.OperationName == "adapter");
        var commands = mine.Where(s => s.OperationName == "command").ToList();
        Assert.Equal(["progress start", "progress done"], commands.Select(c => c.DisplayName));
        Assert.All(commands, c => Assert.Equal(root2.SpanId, c.ParentSpanId));
        Assert.All(commands, c => Assert.Equal("ok", c.GetTagItem("studybot.outcome")));
        Assert.All(commands, c => Assert.Equal("console", c.GetTagItem("studybot.platform")));
        foreach (var command in commands)
        {
            var children = mine.Where(s => s.ParentSpanId == command.SpanId).Select(s => s.OperationName).ToList();
            Assert.Contains("store load", children);
            Assert.Contains("store commit", children);
        }

        Assert.DoesNotContain(mine.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? ""), v => v.Contains("python-basics", StringComparison.Ordinal) || v.Contains("Ada", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_celebration_is_composed_and_delivered_in_the_trace_of_the_command_that_earned_it()
    {
        using var spans = new SpanRecorder(StudyBotTrace.SourceName, Adapter.Name);
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");

        ActivityTraceId trace;
        using (var root = Adapter.StartActivity("adapter")!)
        {
            trace = root.TraceId;
            await bot.SayAsync("Ada", "/progress skip foundation known");
        }

        // The jobs run later and outside the command, as Quartz runs them: only the stored trace ties them to it.
        bot.Time.Advance(TimeSpan.FromSeconds(15));
        await bot.RunJobsAsync();

        var mine = spans.InTrace(trace);
        var commit = Assert.Single(mine, s => s.OperationName == "store commit");
        var celebrations = mine.Where(s => s.OperationName == "celebration").ToList();
        Assert.Equal(2, celebrations.Count); // the milestone and the phase, reached together
        Assert.All(celebrations, c => Assert.Equal(commit.SpanId, c.ParentSpanId));
        var deliveries = mine.Where(s => s.OperationName == "outbox deliver").ToList();
        Assert.Equal(celebrations.Select(c => c.SpanId.ToHexString()).Order(), deliveries.Select(d => d.ParentSpanId.ToHexString()).Order());
        Assert.All(deliveries, d => Assert.Equal("sent", d.GetTagItem("studybot.result")));
        Assert.Equal(2, bot.Notifier.Deliveries.Count(d => d.Key.StartsWith(OutboxKinds.Celebration + ":", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_damaged_stored_trace_is_not_continued_and_the_message_still_goes()
    {
        using var spans = new SpanRecorder(StudyBotTrace.SourceName, Adapter.Name);
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        using (Adapter.StartActivity("adapter"))
        {
            await bot.SayAsync("Ada", "/progress skip foundation known");
        }

        await bot.QueryAsync("UPDATE CompletionEvents SET TraceParent = '00-not-a-trace-at-all'");
        bot.Time.Advance(TimeSpan.FromSeconds(15));

        // The jobs run under a span of the test's: a damaged stored value is not continued, so their spans fall under it.
        ActivityTraceId trace;
        ActivitySpanId job;
        using (var run = Adapter.StartActivity("job")!)
        {
            (trace, job) = (run.TraceId, run.SpanId);
            await bot.Services.GetRequiredService<CelebrationService>().RunAsync(CancellationToken.None);
            await bot.QueryAsync("UPDATE Outbox SET TraceParent = 'zz-' || substr(TraceParent, 4) WHERE Kind = 'celebration'");
            await bot.DrainAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(2, bot.Notifier.Deliveries.Count(d => d.Key.StartsWith(OutboxKinds.Celebration + ":", StringComparison.Ordinal)));
        var mine = spans.InTrace(trace);
        var celebrations = mine.Where(s => s.OperationName == "celebration").ToList();
        var deliveries = mine.Where(s => s.OperationName == "outbox deliver").ToList();
        Assert.Equal(2, celebrations.Count);
        Assert.Equal(2, deliveries.Count);
        Assert.All(celebrations.Concat(deliveries), s => Assert.Equal(job, s.ParentSpanId));
        Assert.All(deliveries, d => Assert.Equal("sent", d.GetTagItem("studybot.result")));
    }
}
