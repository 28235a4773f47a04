using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>The console (and Slack) have no roles: every roles command says so politely and stores nothing.</summary>
public sealed class PhaseRoleConsoleTests
{
    [Theory]
    [InlineData("/studybot roles map ml-basics graduates")]
    [InlineData("/studybot roles unmap ml-basics")]
    [InlineData("/studybot roles show")]
    [InlineData("/studybot roles sync")]
    public async Task Roles_commands_on_the_console_explain_that_roles_are_a_Discord_feature(string command)
    {
        await using var bot = await TestBot.StartAsync();
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Admin", command);

        Assert.Equal(ReplyTone.Info, reply.Tone);
        Assert.Contains("Phase roles are a Discord feature", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }
}
