using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>The test clock's pump tells waiting from working; these check what it counts as work.</summary>
public sealed class TestClockTests
{
    [Fact]
    public async Task The_pump_sees_the_engines_database_commands_as_work()
    {
        await using var bot = await TestBot.StartAsync();
        var before = bot.Time.Changes;

        await using (var scope = bot.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<StudyBotDbContext>().Members.CountAsync();
        }

        // A query starts, answers and closes its reader: no timer involved, yet the pump must see it.
        Assert.True(bot.Time.Changes - before >= 2, $"The pump saw {bot.Time.Changes - before} changes during a query.");
    }
}
