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
        using var spans = new SpanRecorder(StudyBotTrace.SourceName);
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());

        // Other tests in this assembly may trace alongside: the envelope's span is found by the command under it.
        var (top, command, children) = await spans.CommandUnderAsync("slack envelope", "studybot.envelope", "slash_commands", "progress done");

        Assert.Equal(default, top.ParentSpanId);
        Assert.Equal("slack", top.GetTagItem("studybot.platform"));
        Assert.Equal("ok", command.GetTagItem("studybot.outcome"));
        Assert.Contains("store load", children);
    }
}
