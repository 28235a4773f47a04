using Npgsql;
using NpgsqlTypes;

namespace StudyBot.Testing;

/// <summary>
/// The data of the scale-out tests, written straight to a PostgreSQL database (COPY for the members): one community whose
/// weekly leaderboard is due, members whose weekly reminder is due this minute, and a celebration due for the first few.
/// Linked only into the test projects that set <c>UsesNpgsql</c> (see tests/Directory.Build.props).
/// </summary>
internal static class ScaleSeed
{
    /// <summary>Writes it all in one transaction; returns the community's id.</summary>
    /// <param name="userIds">The members' platform ids, in order; the first <paramref name="celebrated"/> finished Foundation a minute ago.</param>
    public static async Task<long> DueCommunityAsync(
        string connectionString,
        string platform,
        string externalId,
        string name,
        string boardChannel,
        string winsChannel,
        IReadOnlyList<string> userIds,
        int celebrated)
    {
        var now = DateTime.UtcNow;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        long community;
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO "Communities" ("Platform", "ExternalId", "Name", "RoadmapId", "TimeZoneId", "CreatedAtUtc", "RemindersMaxPerWeek",
                                       "LeaderboardDay", "LeaderboardMinutes", "LeaderboardChannel", "CelebrationChannel", "NextLeaderboardAtUtc")
            VALUES (@platform, @external, @name, 'ml-zero-to-hero', 'UTC', @created, 2, 1, 540, @board, @wins, @due)
            RETURNING "Id"
            """,
            connection,
            tx))
        {
            insert.Parameters.AddWithValue("platform", platform);
            insert.Parameters.AddWithValue("external", externalId);
            insert.Parameters.AddWithValue("name", name);
            insert.Parameters.AddWithValue("created", now.AddDays(-30));
            insert.Parameters.AddWithValue("board", boardChannel);
            insert.Parameters.AddWithValue("wins", winsChannel);
            insert.Parameters.AddWithValue("due", now.AddMinutes(-1));
            community = (long)(await insert.ExecuteScalarAsync())!;
        }

        // Each member planned a weekly reminder at this minute (every day of the week allowed, once a week).
        await using (var import = await connection.BeginBinaryImportAsync(
            """
            COPY "Members" ("CommunityId", "UserId", "DisplayName", "TimeZoneId", "Path", "Pace", "Onboarded", "CreatedAtUtc", "UpdatedAtUtc",
                            "Privacy", "Celebrate", "RemindersOn", "PlanDays", "PlanMinutes", "PlanFrequency", "NextReminderAtUtc",
                            "UnansweredReminders", "RemindersPaused", "FreshStartPending", "DmNoticePending", "LastTemplate") FROM STDIN (FORMAT BINARY)
            """))
        {
            for (var i = 0; i < userIds.Count; i++)
            {
                await import.StartRowAsync();
                await import.WriteAsync(community, NpgsqlDbType.Bigint);
                await import.WriteAsync(userIds[i], NpgsqlDbType.Text);
                await import.WriteAsync($"Member {i:0000}", NpgsqlDbType.Text);
                await import.WriteAsync("UTC", NpgsqlDbType.Text);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync(true, NpgsqlDbType.Boolean);
                await import.WriteAsync(now.AddDays(-30), NpgsqlDbType.TimestampTz);
                await import.WriteAsync(now.AddDays(-30), NpgsqlDbType.TimestampTz);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync(true, NpgsqlDbType.Boolean);
                await import.WriteAsync(127, NpgsqlDbType.Integer);
                await import.WriteAsync((now.Hour * 60) + now.Minute, NpgsqlDbType.Integer);
                await import.WriteAsync(1, NpgsqlDbType.Integer);
                await import.WriteAsync(now.AddSeconds(-now.Second).AddMilliseconds(-now.Millisecond), NpgsqlDbType.TimestampTz);
                await import.WriteAsync(0, NpgsqlDbType.Integer);
                await import.WriteAsync(false, NpgsqlDbType.Boolean);
                await import.WriteAsync(false, NpgsqlDbType.Boolean);
                await import.WriteAsync(false, NpgsqlDbType.Boolean);
                await import.WriteAsync(-1, NpgsqlDbType.Integer);
            }

            await import.CompleteAsync();
        }

        // The first members finished the Foundation milestone a minute ago: each is celebrated in the wins channel.
        await using (var events = new NpgsqlCommand(
            """
            INSERT INTO "CompletionEvents" ("CommunityId", "MemberId", "Kind", "TargetId", "BatchId", "AtUtc")
            SELECT "CommunityId", "Id", 0, 'foundation-milestone', gen_random_uuid(), @at FROM "Members"
            WHERE "CommunityId" = @community AND "UserId" = ANY(@celebrated)
            """,
            connection,
            tx))
        {
            events.Parameters.AddWithValue("at", now.AddMinutes(-1));
            events.Parameters.AddWithValue("community", community);
            events.Parameters.AddWithValue("celebrated", userIds.Take(celebrated).ToArray());
            var written = await events.ExecuteNonQueryAsync();
            if (written != celebrated)
            {
                throw new InvalidOperationException($"Wrote {written} celebrations, expected {celebrated}.");
            }
        }

        await tx.CommitAsync();
        return community;
    }

    /// <summary>The first column of the first row of a query.</summary>
    public static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
