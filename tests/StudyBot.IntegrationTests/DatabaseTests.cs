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
    public async Task Commits_leave_WAL_checkpoints_to_the_gate_which_runs_one_when_writing_pauses()
    {
        await using var bot = await TestBot.StartAsync();
        var gate = bot.Services.GetRequiredService<WriteGate>();

        for (var i = 0; i < 10; i++)
        {
            await bot.SayAsync("Ada", i % 2 == 0 ? "/progress done numpy" : "/progress doing numpy");
        }

        // The idle delay runs on the gate's fake clock: until it passes, the gate has not checkpointed.
        bot.GateTime.Advance(WriteGate.IdleDelay - TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(gate.LastCheckpoint, "a checkpoint the gate might have started");
        Assert.Equal(0, gate.Checkpoints);

        bot.GateTime.Advance(TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(gate.LastCheckpoint, "the checkpoint the gate starts when writing pauses");
        Assert.Equal(1, gate.Checkpoints);
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        await db.Database.OpenConnectionAsync();
        await using (var pragma = db.Database.GetDbConnection().CreateCommand())
        {
            // Commits never checkpoint (auto-checkpoint is off); the gate's checkpoint left nothing to copy.
            pragma.CommandText = "PRAGMA wal_autocheckpoint";
            Assert.Equal(0L, await pragma.ExecuteScalarAsync());
            pragma.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await pragma.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(reader.GetInt64(1), reader.GetInt64(2));
        }

        await db.Database.CloseConnectionAsync();
    }

    [Fact]
    public async Task Writes_that_never_pause_still_get_checkpointed()
    {
        await using var bot = await TestBot.StartAsync();
        var gate = bot.Services.GetRequiredService<WriteGate>();

        // The gate's clock is fake and stands still, so writing never pauses as far as the gate can tell: the idle
        // checkpoint cannot fire, and only the one forced after ForceAfter writes can.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async w =>
        {
            for (var i = 0; i < WriteGate.ForceAfter / 4; i++)
            {
                await bot.SayAsync($"m{w}", i % 2 == 0 ? "/progress done numpy" : "/progress doing numpy");
            }
        }));

        await Bounded.WaitAsync(gate.LastCheckpoint, $"the checkpoint forced after {WriteGate.ForceAfter} writes");
        Assert.True(gate.Checkpoints >= 1, $"no checkpoint after {WriteGate.ForceAfter} writes without a pause");
        Assert.Equal(WriteGate.ForceAfter, await bot.CountAsync("SELECT COUNT(*) FROM ItemChanges"));
    }

    [Fact]
    public async Task Daily_totals_stay_equal_to_the_history_they_sum_up()
    {
        await using var bot = await TestBot.StartAsync();
        foreach (var text in new[]
        {
            "/progress done numpy", "/progress done pandas", "/progress log 90 practice numpy", "/progress log 30 learning",
            "/progress undo", "/progress doing numpy", "/progress skip matplotlib", "/progress undo",
            "/progress log 45 review", "/progress done numpy",
        })
        {
            bot.Time.Advance(TimeSpan.FromSeconds(1));
            await bot.SayAsync("Ada", text);
        }

        bot.Time.Advance(TimeSpan.FromDays(1));
        await bot.SayAsync("Ada", "/progress doing pandas");
        await bot.SayAsync("Ada", "/progress log 20 practice");
        await bot.SayAsync("Ada", "/progress log 15 learning");
        await bot.SayAsync("Grace", "/progress log 60 learning");
        bot.Time.Advance(TimeSpan.FromSeconds(1));
        await bot.SayAsync("Grace", "/progress undo");

        var kept = await DailyTotalsAsync(bot);
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(bot.ConnectionString))
        {
            await connection.OpenAsync();
            await using var rebuild = connection.CreateCommand();
            rebuild.CommandText = StudyBotDatabase.RebuildDailyTotalsSql;
            await rebuild.ExecuteNonQueryAsync();
        }

        // Day 1: the 30 learning undone, 90 practice + 45 review kept; numpy done, doing, done again, pandas done;
        // the skip undone.
        Assert.Contains("ada|2026-11-25|90|0|45|2|", kept, StringComparison.Ordinal);
        // Day 2: pandas left done, 20 practice, 15 learning; Grace's only log undone.
        Assert.Contains("ada|2026-11-26|20|15|0|-1|", kept, StringComparison.Ordinal);
        Assert.DoesNotContain("grace|", kept, StringComparison.Ordinal);
        Assert.Equal(await DailyTotalsAsync(bot), kept);
    }

    [Fact]
    public async Task Upgrading_a_database_from_before_daily_totals_keeps_every_day_studied()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-upgrade-{Guid.NewGuid():N}.db");
        try
        {
            await using (var old = new ServiceCollection().AddStudyBotData($"Data Source={path};Pooling=False").BuildServiceProvider())
            {
                await using var scope = old.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
                await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(db).MigrateAsync("20261125141735_PhaseRoles");
                await db.Database.ExecuteSqlRawAsync("""
                    INSERT INTO Communities (Id, Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, LeaderboardDay, LeaderboardMinutes, RemindersMaxPerWeek)
                    VALUES (1, 'console', 'local', 'Local study group', 'ml-zero-to-hero', 'UTC', '2026-11-01 00:00:00', 1, 540, 3);
                    INSERT INTO Members (Id, CommunityId, UserId, DisplayName, TimeZoneId, Path, Pace, Onboarded, CreatedAtUtc, UpdatedAtUtc,
                                         Privacy, Celebrate, RemindersOn, PlanDays, PlanFrequency, UnansweredReminders, RemindersPaused,
                                         FreshStartPending, DmNoticePending, LastTemplate)
                    VALUES (1, 1, 'ada', 'Ada', 'UTC', 0, 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 0, 0, 1, 0, 0, 0, 0, 0, 0, -1);
                    INSERT INTO StudyLogs (CommunityId, MemberId, BatchId, Minutes, Kind, Points, AtUtc, LocalDate, ActorId)
                    VALUES (1, 1, 'B1', 50, 0, 5, '2026-11-20 10:00:00', '2026-11-20', 'ada'),
                           (1, 1, 'B2', 25, 2, 2, '2026-11-20 11:00:00', '2026-11-20', 'ada');
                    INSERT INTO StudyLogs (CommunityId, MemberId, BatchId, Minutes, Kind, Points, AtUtc, LocalDate, ActorId, RetractedAtUtc)
                    VALUES (1, 1, 'B3', 300, 1, 30, '2026-11-21 10:00:00', '2026-11-21', 'ada', '2026-11-21 10:01:00');
                    INSERT INTO ItemChanges (CommunityId, MemberId, BatchId, ItemId, FromStatus, FromReason, ToStatus, ToReason, Points, AtUtc, LocalDate, ActorId, IsUndo)
                    VALUES (1, 1, 'B4', 'numpy', 0, 0, 2, 0, 10, '2026-11-22 10:00:00', '2026-11-22', 'ada', 0);
                    """);
            }

            await using var bot = await TestBot.StartAsync(dbPath: path);
            Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM DailyTotals"));
            Assert.Equal(50, await bot.CountAsync("SELECT PracticeMinutes FROM DailyTotals WHERE LocalDate = '2026-11-20'"));
            Assert.Equal(25, await bot.CountAsync("SELECT ReviewMinutes FROM DailyTotals WHERE LocalDate = '2026-11-20'"));
            Assert.Equal(1, await bot.CountAsync("SELECT ItemsDone FROM DailyTotals WHERE LocalDate = '2026-11-22'"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task A_commit_for_a_member_erased_after_loading_recreates_the_member_instead_of_failing()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy");
        var ada = TestBot.Member("Ada");

        await using var scope = bot.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<StudyBot.Core.Progress.IProgressStore>();
        var snapshot = await store.LoadAsync(ada, new StudyBot.Core.Progress.NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
        await bot.SayAsync("Ada", "/progress me delete confirm");

        var changes = new StudyBot.Core.Progress.ChangeSet(Guid.NewGuid(), bot.Time.GetUtcNow().UtcDateTime, new DateOnly(2026, 11, 25), "ada");
        changes.ItemChanges.Add(new StudyBot.Core.Progress.ItemChange("pandas", new(StudyBot.Core.Progress.ItemStatus.NotStarted), new(StudyBot.Core.Progress.ItemStatus.Done), 10));
        var result = await store.CommitAsync(ada, snapshot, changes, CancellationToken.None);

        Assert.Equal(StudyBot.Core.Progress.CommitOutcome.Committed, result.Outcome);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE UserId = 'ada' AND DeletedAtUtc IS NULL"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress p JOIN Members m ON m.Id = p.MemberId WHERE m.UserId = 'ada'"));
        Assert.Equal(10, await bot.CountAsync("SELECT Points FROM DailyTotals d JOIN Members m ON m.Id = d.MemberId WHERE m.UserId = 'ada'"));
    }

    private static Task<string> DailyTotalsAsync(TestBot bot) => bot.QueryAsync("""
        SELECT m.UserId, d.LocalDate, d.PracticeMinutes, d.LearningMinutes, d.ReviewMinutes, d.ItemsDone, d.Points
        FROM DailyTotals d JOIN Members m ON m.Id = d.MemberId
        WHERE d.PracticeMinutes <> 0 OR d.LearningMinutes <> 0 OR d.ReviewMinutes <> 0 OR d.ItemsDone <> 0 OR d.Points <> 0
        ORDER BY m.UserId, d.LocalDate
        """);

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
