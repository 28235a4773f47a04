using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;

namespace StudyBot.IntegrationTests;

/// <summary>One member's commands are applied in the order they arrived; other members are never held up.</summary>
public sealed class MemberOrderTests
{
    [Fact]
    public async Task A_members_second_command_waits_for_the_slow_first_and_sees_its_result_while_another_member_runs_meanwhile()
    {
        var gate = new HandlerGate("ada");
        await using var bot = await TestBot.StartAsync(configure: s => s.AddScoped<ICommandHandler>(_ => new GatedHandler(new StartHandler(), gate)));

        var start = bot.SayAsync("Ada", "/progress start programmer part-time");
        await Bounded.WaitAsync(gate.Reached.Task, "Ada's /progress start to reach its handler");
        var overview = bot.SayAsync("Ada", "/progress");
        var other = await Bounded.WaitAsync(bot.SayAsync("Bob", "/progress log 30 practice"), "the answer to Bob's /progress log while Ada's start is held");

        Assert.Contains("Logged 30 min", other.Text, StringComparison.Ordinal);
        Assert.False(overview.IsCompleted, "Ada's /progress ran before her start was saved");

        gate.Open.SetResult();
        await Bounded.WaitAsync(start, "the answer to Ada's /progress start");
        var shown = await Bounded.WaitAsync(overview, "the answer to Ada's /progress queued behind her start");
        Assert.DoesNotContain("Welcome to", shown.Title, StringComparison.Ordinal);
        Assert.Contains("progress: 0% of", shown.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_sent_right_after_a_slow_undo_is_applied_after_it_and_is_not_the_one_undone()
    {
        var gate = new HandlerGate("ada");
        await using var bot = await TestBot.StartAsync(configure: s => s.AddScoped<ICommandHandler>(sp => new GatedHandler(new UndoHandler(sp.GetRequiredService<StudyBot.Core.Progress.IProgressStore>()), gate)));
        await bot.SayAsync("Ada", "/progress log 20 practice");

        var undo = bot.SayAsync("Ada", "/progress undo");
        await Bounded.WaitAsync(gate.Reached.Task, "Ada's /progress undo to reach its handler");
        var log = bot.SayAsync("Ada", "/progress log 45 practice");
        gate.Open.SetResult();
        await Bounded.WaitAsync(undo, "the answer to Ada's /progress undo");
        var logged = await Bounded.WaitAsync(log, "the answer to Ada's /progress log queued behind her undo");

        Assert.Contains("Logged 45 min", logged.Text, StringComparison.Ordinal);
        Assert.Equal(45, await bot.CountAsync("SELECT SUM(Minutes) FROM StudyLogs WHERE RetractedAtUtc IS NULL"));
    }
}

/// <summary>A test hook: the wrapped handler waits, for one member, until the test opens the gate.</summary>
internal sealed class HandlerGate(string userId)
{
    public string UserId { get; } = userId;

    public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Open { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A real handler made slow for one member: registered before the real ones, so the executor picks it.</summary>
internal sealed class GatedHandler(ICommandHandler inner, HandlerGate gate) : ICommandHandler
{
    public string Path => inner.Path;

    public async ValueTask<CommandResult> HandleAsync(CommandContext context, CancellationToken cancellationToken)
    {
        if (context.Who.UserId == gate.UserId)
        {
            gate.Reached.TrySetResult();
            await Bounded.WaitAsync(gate.Open.Task.WaitAsync(cancellationToken), $"the test to open the gate of {inner.Path}", TimeSpan.FromSeconds(60));
        }

        return await inner.HandleAsync(context, cancellationToken);
    }
}
