using System.Diagnostics;
using StudyBot.Core.Telemetry;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A command's trace (issue 15): the engine's span under the adapter's, and the store's load and commit under the
/// engine's, on the real engine and a real SQLite file; tagged with the command, never with what the member typed.
/// </summary>
public sealed class TraceTests
{
    private static readonly ActivitySource Adapter = new("StudyBot.IntegrationTests.TraceTests");

    [Fact]
    public async Task A_command_runs_in_one_trace_from_the_adapter_through_the_engine_to_the_store()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is StudyBotTrace.SourceName or "StudyBot.IntegrationTests.TraceTests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (spans)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var bot = await TestBot.StartAsync();

        ActivityTraceId trace;
        using (var root = Adapter.StartActivity("adapter")!)
        {
            trace = root.TraceId;
            await bot.SayAsync("Ada", "/progress start programmer part-time");
            await bot.SayAsync("Ada", "/progress done python-basics");
        }

        List<Activity> mine;
        lock (spans)
        {
            // Other tests run alongside: only this trace's spans count.
            mine = spans.Where(s => s.TraceId == trace).ToList();
        }

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
}
