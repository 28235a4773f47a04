using System.Globalization;
using Microsoft.Data.Sqlite;

namespace StudyBot.Startup;

/// <summary>
/// A community of many members on the console's community (<c>console/local</c>), as the scale benchmarks seed it
/// (benchmarks/StudyBot.Benchmarks NotificationBenchmarks.Seed: members with a study plan and this week's totals), but
/// with every reminder due from tomorrow on, so the idle host has nothing to send while it is measured.
/// </summary>
internal static class Seed
{
    public static void Members(string dbPath, int count)
    {
        using var connection = new SqliteConnection($"Data Source={dbPath};Pooling=false");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using (var c = connection.CreateCommand())
        {
            c.Transaction = tx;
            c.CommandText = """
                INSERT OR IGNORE INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, RemindersMaxPerWeek, LeaderboardDay, LeaderboardMinutes)
                VALUES ('console', 'local', 'Local study group', 'ml-zero-to-hero', 'UTC', '2026-01-01 00:00:00', 2, 1, 540);
                SELECT Id FROM Communities WHERE Platform = 'console' AND ExternalId = 'local';
                """;
            c.Parameters.Clear();
            var community = Convert.ToInt64(c.ExecuteScalar(), CultureInfo.InvariantCulture);
            if (community != 1)
            {
                throw new InvalidOperationException("Expected the console community to be the first one.");
            }
        }

        using var member = connection.CreateCommand();
        member.Transaction = tx;
        member.CommandText = """
            INSERT INTO Members (CommunityId, UserId, DisplayName, TimeZoneId, Path, Pace, StartDate, Onboarded, CreatedAtUtc, UpdatedAtUtc,
                                 Privacy, Celebrate, RemindersOn, PlanDays, PlanMinutes, PlanFrequency, NextReminderAtUtc,
                                 UnansweredReminders, RemindersPaused, FreshStartPending, DmNoticePending, LastTemplate)
            VALUES (1, $u, $u, 'UTC', 0, 0, $start, 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', $privacy, 0, 1, 1, 1140, 0, $due, 0, 0, 0, 0, -1);
            SELECT last_insert_rowid();
            """;
        var u = member.Parameters.Add("$u", SqliteType.Text);
        var start = member.Parameters.Add("$start", SqliteType.Text);
        var privacy = member.Parameters.Add("$privacy", SqliteType.Integer);
        var due = member.Parameters.Add("$due", SqliteType.Text);
        member.Prepare();

        using var stats = connection.CreateCommand();
        stats.Transaction = tx;
        stats.CommandText = """
            INSERT INTO PeriodStats (MemberId, Kind, PeriodStart, CommunityId, Points, Minutes, ItemsDone, ActiveDays, ActiveDayCount, PrevPoints, Improvement)
            VALUES ($m, 0, $week, 1, $points, $minutes, $items, $days, $count, $prev, $points - $prev)
            """;
        var m = stats.Parameters.Add("$m", SqliteType.Integer);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        stats.Parameters.AddWithValue("$week", monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var points = stats.Parameters.Add("$points", SqliteType.Integer);
        var minutes = stats.Parameters.Add("$minutes", SqliteType.Integer);
        var items = stats.Parameters.Add("$items", SqliteType.Integer);
        var days = stats.Parameters.Add("$days", SqliteType.Integer);
        var activeDays = stats.Parameters.Add("$count", SqliteType.Integer);
        var prev = stats.Parameters.Add("$prev", SqliteType.Integer);
        stats.Prepare();

        var random = new Random(42);
        var tomorrow = DateTime.UtcNow.Date.AddDays(1);
        for (var i = 1; i <= count; i++)
        {
            u.Value = $"user-{i}";
            start.Value = random.Next(10) == 0 ? monday.AddDays(-14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "2026-03-01";
            privacy.Value = random.Next(10) switch { 0 => 2, < 4 => 1, _ => 0 };
            due.Value = tomorrow.AddMinutes(random.Next(7 * 24 * 60)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var id = Convert.ToInt64(member.ExecuteScalar(), CultureInfo.InvariantCulture);
            m.Value = id;
            var mins = random.Next(0, 900);
            var p = (mins / 10) + (random.Next(4) * 10);
            points.Value = p;
            minutes.Value = mins;
            items.Value = random.Next(4);
            var mask = random.Next(128);
            days.Value = mask;
            activeDays.Value = System.Numerics.BitOperations.PopCount((uint)mask);
            var before = random.Next(0, 100);
            prev.Value = before;
            stats.ExecuteNonQuery();
        }

        tx.Commit();
        using var optimize = connection.CreateCommand();
        optimize.CommandText = "PRAGMA optimize=0x10002; PRAGMA wal_checkpoint(TRUNCATE);";
        optimize.ExecuteNonQuery();
    }
}
