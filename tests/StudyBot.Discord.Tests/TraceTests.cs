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
        using var spans = new SpanRecorder(StudyBotTrace.SourceName);
        await using var harness = await AdapterHarness.StartAsync(o => o.RealEngine = true);
        await harness.ReadyAsync();

        var done = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        await Bounded.WaitAsync(done.Answered.Task, "the answer to interaction done", TimeSpan.FromSeconds(15));

        // The interaction's span ends after its answer went out; other tests in this assembly may trace alongside.
        var (top, command, children) = await spans.CommandUnderAsync("discord interaction", "studybot.interaction", "command", "progress done");

        Assert.Equal(default, top.ParentSpanId);
        Assert.Equal("discord", top.GetTagItem("studybot.platform"));
        Assert.Equal("ok", command.GetTagItem("studybot.outcome"));
        Assert.Contains("store load", children);
    }
}
