using System.Text.Json.Nodes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task A_slash_command_over_the_gateway_is_answered()
    {
        await using var harness = await AdapterHarness.StartAsync();
        await harness.ReadyAsync();
        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress next"));
        var answer = await interaction.Answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, (int?)answer["type"]);
    }
}
