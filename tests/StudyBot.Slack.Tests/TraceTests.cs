using System.Diagnostics;
using StudyBot.Core.Telemetry;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// Issue 15: a command that arrives over Socket Mode has the adapter's span at the top of its trace, with the engine's
/// span and the store's under it, so a slow answer can be followed from Slack's envelope to the database.
/// </summary>
public sealed class TraceTests
{
    [Fact]
    public async Task A_command_over_Socket_Mode_runs_in_one_trace_from_the_envelope_through_the_engine_to_the_store()
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
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());

        // Other tests in this assembly may trace alongside: the envelope's span is found by the command under it.
        (Activity? Top, Activity? Command, List<string>? Children) found = default;
        await Bounded.UntilAsync(
            () =>
            {
                lock (spans)
                {
                    found = spans
                        .Where(s => s.OperationName == "slack envelope" && Equals(s.GetTagItem("studybot.envelope"), "slash_commands"))
                        .Select(s => (Top: s, Command: spans.FirstOrDefault(c => c.OperationName == "command" && c.ParentSpanId == s.SpanId && c.TraceId == s.TraceId && c.DisplayName == "progress done")))
                        .Where(x => x.Command is not null)
                        .Select(x => (x.Top, x.Command!, spans.Where(k => k.ParentSpanId == x.Command!.SpanId).Select(k => k.OperationName).ToList()))
                        .FirstOrDefault(x => x.Item3.Contains("store commit"));
                    return found.Top is not null;
                }
            },
            "a finished 'slack envelope' span holding the 'progress done' command and its store commit",
            TimeSpan.FromSeconds(15));
        var (top, command, children) = (found.Top!, found.Command!, found.Children!);

        Assert.Equal(default, top.ParentSpanId);
        Assert.Equal("slack", top.GetTagItem("studybot.platform"));
        Assert.Equal("ok", command.GetTagItem("studybot.outcome"));
        Assert.Contains("store load", children);
    }
}
