using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Two real hosts on one PostgreSQL database are one Quartz cluster: each due piece of work is done once in total, and
/// when one host stops the other carries on. Both run on one fake clock, as two machines share real time.
/// </summary>
public sealed class QuartzClusterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 23, 17, 57, 0, TimeSpan.Zero));

    private async Task<(WebApplication App, RecordingNotifier Notifier)> BuildAsync(string database, string instanceId)
    {
        var notifier = new RecordingNotifier(_time);
        var app = StudyBotHost.Build(
            [
                "--Database:Provider=PostgreSQL",
                $"--Database:ConnectionString={database}",
                $"--Instance:Id={instanceId}",
                $"--Roadmaps:Directory={RepoPaths.Roadmaps}",
                "--Console:Enabled=false",
                "--Diagnostics:WarmUp=false",
                "--Scheduling:ReminderInterval=00:00:30",
                "--Scheduling:OutboxInterval=00:00:05",
                "--Logging:LogLevel:Default=Warning",
            ],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddSingleton<INotifier>(notifier);
            });
        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        return (app, notifier);
    }

    /// <summary>Moves the shared clock in 2-second steps until <paramref name="until"/> holds, giving both schedulers real time to react.</summary>
    private async Task AdvanceUntilAsync(Func<bool> until, TimeSpan most, string what)
    {
        var step = TimeSpan.FromSeconds(2);
        for (var passed = TimeSpan.Zero; passed < most && !until(); passed += step)
        {
            _time.Advance(step);
            for (var spin = 0; spin < 10 && !until(); spin++)
            {
                await Task.Delay(10);
            }
        }

        Assert.True(until(), $"Waited {most} of fake time for {what}");
    }

    /// <summary>
    /// Waits for <paramref name="task"/> while the clock moves a second every 100 ms, as it would for real: Quartz's
    /// clustered start waits on the scheduler's clock (its first check-in, its lock retries).
    /// </summary>
    private async Task WhileTimePassesAsync(Task task, string what)
    {
        var limit = TimeSpan.FromSeconds(60);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!task.IsCompleted && waited.Elapsed < limit)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(task, Task.Delay(100));
        }

        await Bounded.WaitAsync(task, what, TimeSpan.FromSeconds(1));
    }

    private static async Task<List<string>> NodesAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = 'StudyBot' ORDER BY instance_name", connection);
        var nodes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            nodes.Add(reader.GetString(0));
        }

        return nodes;
    }

    /// <summary>Then a little more, to catch a second delivery that should not come.</summary>
    private async Task AdvanceAsync(TimeSpan total)
    {
        for (var passed = TimeSpan.Zero; passed < total; passed += TimeSpan.FromSeconds(5))
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(30);
        }
    }

    [PostgresFact]
    public async Task Two_clustered_hosts_deliver_each_due_reminder_once_in_total_and_one_left_alone_still_runs_the_jobs()
    {
        var database = await Postgres.CreateDatabaseAsync();

        // Both start at once: migrations and Quartz's own tables are made once, whoever wins.
        var started = await Bounded.WaitAsync(Task.WhenAll(BuildAsync(database, "node-a"), BuildAsync(database, "node-b")), "two hosts to prepare", TimeSpan.FromSeconds(90));
        var (a, aNotifier) = started[0];
        var (b, bNotifier) = started[1];
        await using var _ = a;
        await using var __ = b;
        await WhileTimePassesAsync(Task.WhenAll(a.StartAsync(), b.StartAsync()), "two hosts to start");

        // Both are nodes of one Quartz cluster, each under its instance id. Fake time runs faster than real time here,
        // so a node that was slow to check in may briefly look dead to the other; it checks in again, so wait for both.
        var nodes = await NodesAsync(database);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (nodes is not ["node-a", "node-b"] && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(100);
            nodes = await NodesAsync(database);
        }

        Assert.Equal(["node-a", "node-b"], nodes);

        var executor = a.Services.GetRequiredService<CommandExecutor>();
        var members = new[] { "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald" };
        foreach (var name in members)
        {
            var plan = await executor.RunTextAsync(TestBot.Member(name), "/progress remind plan monday 18:00", CancellationToken.None);
            Assert.Contains("Next reminder: Mon 23 Mar 18:00", plan.Text, StringComparison.Ordinal);
        }

        int Total() => aNotifier.Deliveries.Count + bNotifier.Deliveries.Count;
        await AdvanceUntilAsync(() => Total() >= members.Length, TimeSpan.FromMinutes(10), "six reminders from the cluster");
        await AdvanceAsync(TimeSpan.FromMinutes(1));
        var delivered = aNotifier.Deliveries.Concat(bNotifier.Deliveries).Select(d => d.To).ToList();
        Assert.Equal(members.Select(m => m.ToLowerInvariant()).Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));

        // node-a stops; node-b alone runs every job: a reminder planned through it still comes.
        await WhileTimePassesAsync(a.StopAsync(), "node-a to stop");
        var before = bNotifier.Deliveries.Count;
        var later = b.Services.GetRequiredService<CommandExecutor>();
        await later.RunTextAsync(TestBot.Member("Margaret"), "/progress remind plan monday 18:05", CancellationToken.None);
        await AdvanceUntilAsync(() => bNotifier.Deliveries.Count > before, TimeSpan.FromMinutes(10), "node-b alone to deliver Margaret's reminder");
        Assert.Equal("margaret", bNotifier.Deliveries[^1].To);
        Assert.Equal(members.Length, aNotifier.Deliveries.Count + before);
        await WhileTimePassesAsync(b.StopAsync(), "node-b to stop");
    }
}
