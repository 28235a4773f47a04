using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

public sealed class DatabaseTests
{
    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        await using var bot = await TestBot.StartAsync();
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();

        Assert.False(db.Database.HasPendingModelChanges(), "run: dotnet ef migrations add <Name> --project src/StudyBot.Data --startup-project src/StudyBot.Host");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task The_database_runs_in_WAL_mode_and_migrating_again_is_harmless()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy");

        await StudyBotDatabase.MigrateAsync(bot.Services, CancellationToken.None);

        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var mode = await db.Database.SqlQueryRaw<string>("SELECT journal_mode AS Value FROM pragma_journal_mode").SingleAsync();
        Assert.Equal("wal", mode);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress"));
    }

    [Fact]
    public async Task Commits_leave_WAL_checkpoints_to_the_background()
    {
        await using var bot = await TestBot.StartAsync();
        var gate = bot.Services.GetRequiredService<WriteGate>();

        // 3 x 200 write transactions: the commits never checkpoint (auto-checkpoint is off), the gate does.
        for (var i = 0; i < 3 * WriteGate.CheckpointEvery; i++)
        {
            await bot.SayAsync("Ada", i % 2 == 0 ? "/progress done numpy" : "/progress doing numpy");
        }

        await WaitAsync(() => gate.Checkpoints >= 2);
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        await db.Database.OpenConnectionAsync();
        await using (var pragma = db.Database.GetDbConnection().CreateCommand())
        {
            pragma.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.Equal(0L, await pragma.ExecuteScalarAsync());
        }

        await db.Database.CloseConnectionAsync();

        Assert.Equal(3 * WriteGate.CheckpointEvery, await bot.CountAsync("SELECT COUNT(*) FROM ItemChanges"));
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "no background checkpoint ran");
    }

    [Fact]
    public async Task Progress_survives_a_restart_on_the_same_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-restart-{Guid.NewGuid():N}.db");
        try
        {
            await using (var first = await TestBot.StartAsync(dbPath: path))
            {
                await first.SayAsync("Ada", "/progress done numpy");
            }

            await using var second = await TestBot.StartAsync(dbPath: path);
            var reply = await second.SayAsync("Ada", "/progress roadmap 1");
            Assert.Contains("✅ NumPy", ReplyText.All(reply), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task Concurrent_commands_from_many_members_all_land()
    {
        await using var bot = await TestBot.StartAsync();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => bot.SayAsync($"m{i}", "/progress done numpy")));

        Assert.Equal(40, await bot.CountAsync("SELECT COUNT(*) FROM Members"));
        Assert.Equal(40, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress WHERE Status = 2"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Communities"));
    }
}
