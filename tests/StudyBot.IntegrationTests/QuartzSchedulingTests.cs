using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>The real host's Quartz scheduler, driven by a fake clock: the jobs fire as time passes, not as tests call them.</summary>
public sealed class QuartzSchedulingTests : IAsyncLifetime
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"studybot-quartz-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 23, 17, 55, 0, TimeSpan.Zero));
    private RecordingNotifier _notifier = null!;
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _notifier = new RecordingNotifier(_time);
        _app = StudyBotHost.Build(
            [
                $"--Database:ConnectionString=Data Source={_db}",
                $"--Roadmaps:Directory={RepoPaths.Roadmaps}",
                "--Console:Enabled=false",
                "--Scheduling:ReminderInterval=00:00:30",
                "--Scheduling:OutboxInterval=00:00:05",
            ],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddSingleton<INotifier>(_notifier);
            });
        await StudyBotHost.PrepareAsync(_app, CancellationToken.None);
        await _app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_db + suffix);
        }
    }

    /// <summary>Advances the fake clock in small steps, giving the scheduler's threads real time to react.</summary>
    private async Task AdvanceAsync(TimeSpan total, Func<bool>? until = null)
    {
        var step = TimeSpan.FromSeconds(5);
        for (var passed = TimeSpan.Zero; passed < total; passed += step)
        {
            _time.Advance(step);
            for (var spin = 0; spin < 20 && until?.Invoke() != true; spin++)
            {
                await Task.Delay(5);
            }
        }
    }

    [Fact]
    public async Task The_scheduler_delivers_the_Berlin_Monday_reminder_at_19_00_local_on_the_first_day_of_summer_time()
    {
        var executor = _app.Services.GetRequiredService<CommandExecutor>();
        var ada = TestBot.Member("Ada");
        await executor.RunTextAsync(ada, "/progress timezone Europe/Berlin", CancellationToken.None);
        var plan = await executor.RunTextAsync(ada, "/progress remind plan monday 19:00", CancellationToken.None);
        Assert.Contains("Next reminder: Mon 23 Mar 19:00 (Europe/Berlin)", plan.Text, StringComparison.Ordinal);

        // 23 March is still winter time (UTC+1): 19:00 local is 18:00 UTC.
        await AdvanceAsync(TimeSpan.FromMinutes(4), () => _notifier.Deliveries.Count > 0);
        Assert.Empty(_notifier.Deliveries);
        await AdvanceAsync(TimeSpan.FromMinutes(2), () => _notifier.Deliveries.Count > 0);

        var first = Assert.Single(_notifier.Deliveries);
        Assert.InRange(first.At, new DateTimeOffset(2026, 3, 23, 18, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 23, 18, 1, 0, TimeSpan.Zero));

        // A week later it is summer time (UTC+2): 19:00 local is 17:00 UTC.
        await executor.RunTextAsync(ada, "/progress log 30 practice", CancellationToken.None);
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 30, 16, 55, 0, TimeSpan.Zero));
        await AdvanceAsync(TimeSpan.FromMinutes(7), () => _notifier.Deliveries.Count > 1);

        Assert.Equal(2, _notifier.Deliveries.Count);
        Assert.InRange(_notifier.Deliveries[1].At, new DateTimeOffset(2026, 3, 30, 17, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 30, 17, 1, 0, TimeSpan.Zero));
    }
}
