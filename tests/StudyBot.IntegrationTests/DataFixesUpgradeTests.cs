using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>A database from the version before the DataFixes migration: what the upgrade repairs and fills in.</summary>
public sealed class DataFixesUpgradeTests
{
    [Fact]
    public async Task Upgrading_takes_undone_days_off_the_active_days_and_gives_direct_messages_their_member()
    {
        var path = Path.Combine(Path.GetTempPath(), $"studybot-upgrade-{Guid.NewGuid():N}.db");
        try
        {
            await using (var old = new ServiceCollection().AddStudyBotData($"Data Source={path};Pooling=False").BuildServiceProvider())
            {
                await using var scope = old.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
                await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(db).MigrateAsync("20261206070140_CommandReceipts");

                // Ada studied on Monday 23 November; her Tuesday log was undone, but the old version kept Tuesday as
                // an active day. Bob has a nudge waiting, written without a member, and there is a channel post.
                await db.Database.ExecuteSqlRawAsync("""
                    INSERT INTO Communities (Id, Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, LeaderboardDay, LeaderboardMinutes, RemindersMaxPerWeek)
                    VALUES (1, 'console', 'local', 'Local study group', 'ml-zero-to-hero', 'UTC', '2026-11-01 00:00:00', 1, 540, 3);
                    INSERT INTO Members (Id, CommunityId, UserId, DisplayName, TimeZoneId, Path, Pace, Onboarded, CreatedAtUtc, UpdatedAtUtc,
                                         Privacy, Celebrate, RemindersOn, PlanDays, PlanFrequency, UnansweredReminders, RemindersPaused,
                                         FreshStartPending, DmNoticePending, LastTemplate)
                    VALUES (1, 1, 'ada', 'Ada', 'UTC', 0, 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 0, 0, 1, 0, 0, 0, 0, 0, 0, -1),
                           (2, 1, 'bob', 'Bob', 'UTC', 0, 0, 1, '2026-11-01 00:00:00', '2026-11-01 00:00:00', 0, 0, 1, 0, 0, 0, 0, 0, 0, -1);
                    INSERT INTO DailyTotals (MemberId, LocalDate, CommunityId, PracticeMinutes, LearningMinutes, ReviewMinutes, ItemsDone, Points)
                    VALUES (1, '2026-11-23', 1, 30, 0, 0, 0, 3), (1, '2026-11-24', 1, 0, 0, 0, 0, 0);
                    INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
                    VALUES (1, 0, '2026-11-23', 1, 3, 30, 0, 3, 2, 0, 3),
                           (1, 1, '2026-11-01', 1, 3, 30, 0, 12582912, 2, 0, 3),
                           (1, 2, '2000-01-01', 1, 3, 30, 0, 0, 2, 0, 3);
                    INSERT INTO Outbox (CommunityId, MemberId, Key, Kind, Target, Platform, CommunityExternalId, CommunityName, RecipientId, RecipientName, PayloadJson, CreatedAtUtc, DueAtUtc, NextAttemptAtUtc, Attempts)
                    VALUES (1, NULL, 'nudge:console:local:bob:ada:1', 'nudge', 0, 'console', 'local', 'Local study group', 'bob', 'Bob', '{{"text":"Ada is thinking of you"}}', '2026-11-24 10:00:00', '2026-11-24 10:00:00', '2026-11-24 10:00:00', 0),
                           (1, NULL, 'leaderboard:console:local:2026-11-16', 'leaderboard', 1, 'console', 'local', 'Local study group', 'leaderboard', 'leaderboard', '{{"text":"Top"}}', '2026-11-23 09:00:00', '2026-11-23 09:00:00', '2026-11-23 09:00:00', 0);
                    """);
            }

            await using var bot = await TestBot.StartAsync(now: new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), dbPath: path);

            // Monday only: bit 0 of the week, bit 22 (the 23rd) of the month, one day all time.
            Assert.Equal("0|1|1|\n1|4194304|1|\n2|0|1|\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal),
                await bot.QueryAsync("SELECT Kind, ActiveDays, ActiveDayCount FROM PeriodStats WHERE MemberId = 1 ORDER BY Kind"));
            Assert.Equal("nudge|2|\nleaderboard|NULL|\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal),
                await bot.QueryAsync("SELECT Kind, MemberId FROM Outbox ORDER BY Id"));

            // Found by id now: Bob's deletion takes his nudge and leaves the channel post.
            await bot.SayAsync("Bob", "/progress me delete confirm");
            Assert.Equal("leaderboard|\n".Replace("\n", Environment.NewLine, StringComparison.Ordinal), await bot.QueryAsync("SELECT Kind FROM Outbox"));

            // New days count as before: a log on Wednesday makes two active days that week.
            await bot.SayAsync("Ada", "/progress log 20 review");
            Assert.Equal(2, await bot.CountAsync("SELECT ActiveDayCount FROM PeriodStats WHERE MemberId = 1 AND Kind = 0"));
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
}
