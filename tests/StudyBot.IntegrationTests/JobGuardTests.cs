using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Core.Privacy;
using StudyBot.Host;
using StudyBot.Host.Scheduling;

namespace StudyBot.IntegrationTests;

/// <summary>
/// No exception in a job run stops the host, goes unlogged, or holds up the rest of the run's work: each part of a
/// job, and each item of a job that loops over items, is guarded and logged with the job and the ids.
/// </summary>
public sealed class JobGuardTests
{
    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_outbox_row_that_cannot_be_read_is_set_aside_and_logged_by_id_and_every_other_message_goes_out()
    {
        var logs = new LogCapture();
        await using var bot = await TestBot.StartAsync(now: Utc(2026, 11, 23, 18, 0), configure: s => s.AddSingleton<ILoggerProvider>(logs));
        foreach (var name in new[] { "Ada", "Bob", "Cy" })
        {
            await bot.SayAsync(name, "/progress remind plan monday 19:00 the secret garden");
        }

        bot.Time.SetUtcNow(Utc(2026, 11, 23, 19, 0));
        await bot.Services.GetRequiredService<StudyBot.Core.Notifications.ReminderService>().RunDueAsync(CancellationToken.None);
        var bad = await bot.CountAsync("SELECT Id FROM Outbox WHERE RecipientId = 'bob'");
        await using (var connection = new SqliteConnection(bot.ConnectionString))
        {
            await connection.OpenAsync();
            await using var corrupt = connection.CreateCommand();
            corrupt.CommandText = $"UPDATE Outbox SET PayloadJson = '{{\"title\": \"half a row' WHERE Id = {bad}";
            await corrupt.ExecuteNonQueryAsync();
        }

        await bot.DrainAsync(TimeSpan.FromMinutes(1));
        await bot.DrainAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(["ada", "cy"], bot.Notifier.Deliveries.Select(d => d.To).Order());
        Assert.Equal(1, await bot.CountAsync($"SELECT COUNT(*) FROM Outbox WHERE Id = {bad} AND FailedAtUtc IS NOT NULL AND SentAtUtc IS NULL"));
        var line = Assert.Single(logs.Lines, l => l.Level >= LogLevel.Warning && l.Message.Contains($"outbox row {bad}", StringComparison.Ordinal));
        Assert.DoesNotContain("secret garden", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Lines, l => (l.Message + l.Exception).Contains("secret garden", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_retention_jobs_purge_fails_the_receipts_are_still_pruned_and_the_failure_is_logged_with_the_job()
    {
        var logs = new LogCapture();
        await using var bot = await TestBot.StartAsync(
            configure: s => s.AddSingleton<ILoggerProvider>(logs),
            replace: s => FailingPurge.Replace(s));
        var ada = TestBot.Member("Ada");
        await bot.Executor.RunTextAsync(ada, "/progress log 20 practice", bot.Executor.Arrive(Platforms.Console, "local", "ada", "delivery-1"), CancellationToken.None);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
        bot.Time.Advance(CommandReceipts.Retention + TimeSpan.FromHours(1));

        var job = ActivatorUtilities.CreateInstance<RetentionJob>(bot.Services);
        await job.Execute(null!, CancellationToken.None);

        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
        var line = Assert.Single(logs.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains("retention", line.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(line.Exception);
    }

    [Fact]
    public async Task When_one_communitys_partner_matching_fails_the_other_communities_are_still_matched()
    {
        var logs = new LogCapture();
        var broken = new BrokenCommunity();
        await using var bot = await TestBot.StartAsync(
            now: Utc(2026, 11, 2, 9, 0),
            configure: s => s.AddSingleton<ILoggerProvider>(logs),
            replace: s => FailingPool.Replace(s, broken));
        var guild = new CommunityRef(Platforms.Discord, "guild-1", "Study guild");
        foreach (var community in new[] { TestBot.Home, guild })
        {
            await bot.SayAsync("Admin", "/studybot partners schedule wednesday 10:00", community);
            foreach (var name in new[] { "Ada", "Bob" })
            {
                await bot.SayAsync(name, "/progress remind plan weekdays 19:00", community);
                await bot.SayAsync(name, "/progress partner find", community);
            }
        }

        // The first run sets each community's next matching time; the one on Wednesday matches.
        var job = ActivatorUtilities.CreateInstance<PartnerJob>(bot.Services);
        await job.Execute(null!, CancellationToken.None);
        bot.Time.SetUtcNow(Utc(2026, 11, 4, 10, 1));
        await job.Execute(null!, CancellationToken.None);

        // The first community the schedule names cannot be read; the other one is matched all the same.
        Assert.NotNull(broken.Community);
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'partner-intro'"));
        Assert.Equal(1, await bot.CountAsync($"SELECT COUNT(DISTINCT CommunityExternalId) FROM Outbox WHERE Kind = 'partner-intro' AND CommunityExternalId <> '{broken.Community!.ExternalId}'"));
        var line = Assert.Single(logs.Lines, l => l.Level == LogLevel.Error);
        Assert.Contains("Job partners", line.Message, StringComparison.Ordinal);
        Assert.Contains(broken.Community.ExternalId, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_run_that_fails_is_logged_with_the_job_name_and_the_job_keeps_its_schedule_in_the_running_host()
    {
        var db = Path.Combine(Path.GetTempPath(), $"studybot-jobguard-{Guid.NewGuid():N}.db");
        var time = new FakeTimeProvider(Utc(2026, 3, 23, 17, 55));
        var notifier = new RecordingNotifier(time);
        var logs = new LogCapture();
        var app = StudyBotHost.Build(
            [
                $"--Database:ConnectionString=Data Source={db}",
                $"--Roadmaps:Directory={RepoPaths.Roadmaps}",
                "--Console:Enabled=false",
                "--Scheduling:ReminderInterval=00:00:30",
                "--Scheduling:OutboxInterval=00:00:05",
            ],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(time);
                builder.Services.AddSingleton<INotifier>(notifier);
            });
        try
        {
            // The host sets its own log providers when it is built; this one listens alongside them.
            app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
            await StudyBotHost.PrepareAsync(app, CancellationToken.None);
            await app.StartAsync();
            var executor = app.Services.GetRequiredService<CommandExecutor>();
            await executor.RunTextAsync(TestBot.Member("Ada"), "/progress remind plan monday 18:00", CancellationToken.None);

            // The outbox table is away for a while (a botched manual repair): every job that touches it fails.
            await ExecuteAsync(db, "ALTER TABLE Outbox RENAME TO OutboxAway");
            await AdvanceAsync(time, TimeSpan.FromMinutes(6), () => logs.Lines.Any(l => l.Message.Contains("Job reminders", StringComparison.Ordinal)) && logs.Lines.Any(l => l.Message.Contains("Job outbox", StringComparison.Ordinal)));
            Assert.Empty(notifier.Deliveries);
            Assert.Contains(logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("Job reminders", StringComparison.Ordinal) && l.Message.Contains("ada", StringComparison.Ordinal));
            Assert.Contains(logs.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("Job outbox", StringComparison.Ordinal));

            await ExecuteAsync(db, "ALTER TABLE OutboxAway RENAME TO Outbox");
            await AdvanceAsync(time, TimeSpan.FromMinutes(2), () => notifier.Deliveries.Count > 0);

            Assert.Single(notifier.Deliveries);
            Assert.False(app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, "the host stopped");
            // The run that delivered may still be finishing (its last, empty claim): the trigger is back to Normal after it.
            var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            var state = TriggerState.None;
            await Bounded.UntilAsync(
                async () => (state = await scheduler.GetTriggerState(new TriggerKey("outbox"))) != TriggerState.Executing,
                "the outbox job's run to end");
            Assert.Equal(TriggerState.Normal, state);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(db + suffix);
            }
        }
    }

    private static async Task ExecuteAsync(string db, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Advances the fake clock in 5-second steps, giving the scheduler's threads real time to react.</summary>
    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan total, Func<bool> until)
    {
        for (var passed = TimeSpan.Zero; passed < total && !until(); passed += TimeSpan.FromSeconds(5))
        {
            time.Advance(TimeSpan.FromSeconds(5));
            for (var spin = 0; spin < 40 && !until(); spin++)
            {
                await Task.Delay(5);
            }
        }
    }

    /// <summary>Which community's partner pool cannot be read: the first one due for matching.</summary>
    private sealed class BrokenCommunity
    {
        public CommunityRef? Community { get; set; }
    }

    /// <summary>The real partner store, except that the pool of the first community due for matching cannot be read.</summary>
    private sealed class FailingPool(IPartnerStore inner, BrokenCommunity broken) : IPartnerStore
    {
        public static void Replace(IServiceCollection services, BrokenCommunity broken)
        {
            var real = services.Last(d => d.ServiceType == typeof(IPartnerStore)).ImplementationType!;
            services.AddScoped<IPartnerStore>(sp => new FailingPool((IPartnerStore)ActivatorUtilities.CreateInstance(sp, real), broken));
        }

        public async Task<IReadOnlyList<DueMatching>> DueMatchingAsync(DateTime nowUtc, CancellationToken cancellationToken)
        {
            var due = await inner.DueMatchingAsync(nowUtc, cancellationToken);
            broken.Community ??= due.FirstOrDefault(d => d.Due)?.Community;
            return due;
        }

        public Task<IReadOnlyList<PoolEntry>> PoolAsync(CommunityRef community, CancellationToken cancellationToken) =>
            community == broken.Community ? throw new InvalidOperationException("The pool cannot be read (test).") : inner.PoolAsync(community, cancellationToken);

        public Task<bool> JoinPoolAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken) => inner.JoinPoolAsync(member, nowUtc, cancellationToken);

        public Task<bool> InPoolAsync(MemberRef member, CancellationToken cancellationToken) => inner.InPoolAsync(member, cancellationToken);

        public Task<bool> LeavePoolAsync(MemberRef member, CancellationToken cancellationToken) => inner.LeavePoolAsync(member, cancellationToken);

        public Task<IReadOnlySet<(long, long)>> RecentPairsAsync(CommunityRef community, DateTime sinceUtc, CancellationToken cancellationToken) => inner.RecentPairsAsync(community, sinceUtc, cancellationToken);

        public Task CreateAsync(CommunityRef community, IReadOnlyList<NewPartnership> groups, DateTime nowUtc, CancellationToken cancellationToken) => inner.CreateAsync(community, groups, nowUtc, cancellationToken);

        public Task<Partnership?> CurrentAsync(MemberRef member, CancellationToken cancellationToken) => inner.CurrentAsync(member, cancellationToken);

        public Task<bool> NudgeAsync(MemberRef member, DateTime nowUtc, DateTime notBeforeUtc, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) => inner.NudgeAsync(member, nowUtc, notBeforeUtc, messages, cancellationToken);

        public Task<bool> LeaveAsync(MemberRef member, DateTime nowUtc, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken) => inner.LeaveAsync(member, nowUtc, messages, cancellationToken);

        public Task<IReadOnlyList<QuietPartner>> QuietPartnersAsync(DateTime inactiveSinceUtc, int limit, CancellationToken cancellationToken) => inner.QuietPartnersAsync(inactiveSinceUtc, limit, cancellationToken);

        public Task OfferRematchAsync(QuietPartner quiet, OutboxMessage message, DateTime nowUtc, CancellationToken cancellationToken) => inner.OfferRematchAsync(quiet, message, nowUtc, cancellationToken);

        public Task SetNextMatchAsync(CommunityRef community, DateTime? nextUtc, CancellationToken cancellationToken) => inner.SetNextMatchAsync(community, nextUtc, cancellationToken);

        public Task<IReadOnlyList<IReadOnlyList<MemberRef>>> ActiveAsync(CommunityRef community, int limit, CancellationToken cancellationToken) => inner.ActiveAsync(community, limit, cancellationToken);
    }

    /// <summary>The real member data store, except that deleting the data of members who left fails.</summary>
    private sealed class FailingPurge(IMemberDataStore inner) : IMemberDataStore
    {
        public static void Replace(IServiceCollection services)
        {
            var real = services.Last(d => d.ServiceType == typeof(IMemberDataStore)).ImplementationType!;
            services.AddScoped<IMemberDataStore>(sp => new FailingPurge((IMemberDataStore)ActivatorUtilities.CreateInstance(sp, real)));
        }

        public Task<DataExport?> ExportMemberAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken) => inner.ExportMemberAsync(member, nowUtc, cancellationToken);

        public Task<DataExport> ExportCommunityAsync(CommunityRef community, DateTime nowUtc, CancellationToken cancellationToken) => inner.ExportCommunityAsync(community, nowUtc, cancellationToken);

        public Task<bool> DeleteMemberAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken) => inner.DeleteMemberAsync(member, nowUtc, cancellationToken);

        public Task MarkLeftAsync(CommunityRef community, string? userId, DateTime nowUtc, CancellationToken cancellationToken) => inner.MarkLeftAsync(community, userId, nowUtc, cancellationToken);

        public Task<int> PurgeLeftAsync(DateTime cutoffUtc, DateTime nowUtc, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The purge failed (test).");
    }
}
