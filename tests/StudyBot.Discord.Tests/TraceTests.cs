using System.Diagnostics;
using StudyBot.Core.Telemetry;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Issue 15: a command that arrives over the gateway has the adapter's span at the top of its trace, with the engine's
/// span and the store's under it, so a slow answer can be followed from Discord's event to the database.
/// </summary>
public sealed class TraceTests
{
    [Fact]
    public async Task A_command_over_the_gateway_runs_in_one_trace_from_the_interaction_through_the_engine_to_the_store()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == StudyBotTrace.SourceName,
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
        await using var harness = await AdapterHarness.StartAsync(o => o.RealEngine = true);
        await harness.ReadyAsync();

        var done = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        await Bounded.WaitAsync(done.Answered.Task, "the answer to interaction done", TimeSpan.FromSeconds(15));

        // The interaction's span ends after its answer went out; other tests in this assembly may trace alongside.
        (Activity? Top, Activity? Command, List<string>? Children) found = default;
        await Bounded.UntilAsync(
            () =>
            {
                lock (spans)
                {
                    found = spans
                        .Where(s => s.OperationName == "discord interaction" && Equals(s.GetTagItem("studybot.interaction"), "command"))
                        .Select(s => (Top: s, Command: spans.FirstOrDefault(c => c.OperationName == "command" && c.ParentSpanId == s.SpanId && c.TraceId == s.TraceId && c.DisplayName == "progress done")))
                        .Where(x => x.Command is not null)
                        .Select(x => (x.Top, x.Command!, spans.Where(k => k.ParentSpanId == x.Command!.SpanId).Select(k => k.OperationName).ToList()))
                        .FirstOrDefault(x => x.Item3.Contains("store commit"));
                    return found.Top is not null;
                }
            },
            "a finished 'discord interaction' span holding the 'progress done' command and its store commit",
            TimeSpan.FromSeconds(15));
        var (top, command, children) = (found.Top!, found.Command!, found.Children!);

        Assert.Equal(default, top.ParentSpanId);
        Assert.Equal("discord", top.GetTagItem("studybot.platform"));
        Assert.Equal("ok", command.GetTagItem("studybot.outcome"));
        Assert.Contains("store load", children);
    }
}
