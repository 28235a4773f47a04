namespace StudyBot.IntegrationTests;

/// <summary>The start-up warm-up rehearses commands on the real engine and database, and keeps nothing.</summary>
public sealed class WarmUpTests
{
    [Fact]
    public async Task The_warm_up_runs_reads_and_writes_start_to_finish_and_leaves_the_database_as_it_was()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy");
        var before = await bot.DumpAsync();

        var answered = await Bounded.WaitAsync(bot.Executor.WarmUpAsync(CancellationToken.None), "the warm-up");

        Assert.Equal(5, answered);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task Commands_after_the_warm_up_are_saved_as_usual()
    {
        await using var bot = await TestBot.StartAsync();
        await Bounded.WaitAsync(bot.Executor.WarmUpAsync(CancellationToken.None), "the warm-up");

        var reply = await bot.SayAsync("Ada", "/progress done numpy");

        Assert.Contains("Marked NumPy (`numpy`) done", reply.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Communities WHERE Platform = 'warm-up'"));
    }

    [Fact]
    public async Task A_stop_during_the_warm_up_lets_the_rehearsal_in_progress_finish_and_keeps_nothing()
    {
        await using var bot = await TestBot.StartAsync();
        var before = await bot.DumpAsync();
        using var stop = new CancellationTokenSource();

        // The host stops while a rehearsed command is in flight: that command is not cut off inside its transaction
        // (which left a database-layer error in the log of a host that merely stopped), and none follows it.
        var warmUp = Task.Run(() => bot.Executor.WarmUpAsync(stop.Token));
        await Bounded.UntilAsync(() => bot.Executor.BusyMembers > 0 || warmUp.IsCompleted, "a rehearsed command in flight");
        await stop.CancelAsync();
        var answered = await Bounded.WaitAsync(warmUp, "the warm-up to end after the stop");

        Assert.InRange(answered, 0, 5);
        Assert.Equal(before, await bot.DumpAsync());
    }
}
