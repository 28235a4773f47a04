using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Issue 14: Quartz's scheduler (its store, threads and the seven jobs) is built after the host has started, off the
/// path to the first reply, and still runs every job; a host stopped before it got that far stops cleanly.
/// </summary>
public sealed class SchedulerStartTests
{
    [Fact]
    public async Task The_scheduler_is_built_only_after_the_host_has_started_and_then_runs_the_jobs()
    {
        var db = Path.Combine(Path.GetTempPath(), $"studybot-schedulerstart-{Guid.NewGuid():N}.db");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 23, 17, 55, 0, TimeSpan.Zero));
        var notifier = new RecordingNotifier(time);
        var app = Build(db, time, notifier);
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            var factory = app.Services.GetRequiredService<ISchedulerFactory>();
            Task<List<IScheduler>>? atStarted = null;
            using (app.Lifetime.ApplicationStarted.Register(() => atStarted = factory.GetAllSchedulers().AsTask()))
            {
                await app.StartAsync();
            }

            Assert.NotNull(atStarted);
            Assert.Empty(await Bounded.WaitAsync(atStarted, "the schedulers listed when the host had started"));

            // ... and it comes right after: a reminder due at 18:00 goes out when the fake clock gets there.
            var executor = app.Services.GetRequiredService<CommandExecutor>();
            await executor.RunTextAsync(TestBot.Member("Ada"), "/progress remind plan monday 18:00", CancellationToken.None);
            await Bounded.PumpAsync(time, () => notifier.Deliveries.Count > 0, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), "the 18:00 reminder");
            var running = await Bounded.WaitAsync(factory.GetAllSchedulers().AsTask(), "the running schedulers");
            Assert.Equal(SchedulerStatus.Running, Assert.Single(running).Status);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Delete(db);
        }
    }

    [Fact]
    public async Task A_host_stopped_before_its_scheduler_was_built_stops_cleanly_without_one()
    {
        var db = Path.Combine(Path.GetTempPath(), $"studybot-schedulerstart-{Guid.NewGuid():N}.db");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 23, 17, 55, 0, TimeSpan.Zero));
        var app = Build(db, time, new RecordingNotifier(time));
        try
        {
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);

            // Stopped while it is starting, as Ctrl+C at the first moment does.
            using (app.Lifetime.ApplicationStarted.Register(() => app.Lifetime.StopApplication()))
            {
                await app.StartAsync();
            }

            await Bounded.WaitAsync(app.StopAsync(), "the host to stop");
            Assert.Equal(0, await Bounded.WaitAsync(StudyBotHost.RunAsync(app), "the exit code"));
        }
        finally
        {
            await app.DisposeAsync();
            Delete(db);
        }
    }

    private static WebApplication Build(string db, FakeTimeProvider time, RecordingNotifier notifier) =>
        StudyBotHost.Build(
            [
                $"--Database:ConnectionString=Data Source={db}",
                $"--Roadmaps:Directory={RepoPaths.Roadmaps}",
                "--Console:Enabled=false",
                "--Scheduling:ReminderInterval=00:00:30",
            ],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddSingleton<INotifier>(notifier);
            });

    private static void Delete(string db)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(db + suffix);
        }
    }
}
