using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// SQLite statements kept prepared per pooled physical connection (<see cref="SqliteStatements"/>) and the connection
/// settings applied once per physical connection (<see cref="SqlitePragmas"/>): reused statements give the same answers
/// inside and outside a transaction, after a failure and after the connection went back to the pool, and a reused
/// connection keeps its settings.
/// <para>Alone in its collection: other tests clear every SQLite pool of the process, which would take the reused connection away.</para>
/// </summary>
[Collection(PoolSensitive.Name)]
public sealed class PreparedStatementTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"studybot-prepared-{Guid.NewGuid():N}.db");

    private string Pooled => $"Data Source={_path};Pooling=True";

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_path + suffix);
        }
    }

    private async Task<SqliteConnection> OpenAsync(string? connectionString = null)
    {
        var connection = new SqliteConnection(connectionString ?? Pooled);
        await connection.OpenAsync();
        return connection;
    }

    private async Task CreateTableAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE Notes (Id INTEGER PRIMARY KEY, Text TEXT NOT NULL, At TEXT NULL);";
        await command.ExecuteNonQueryAsync();
    }

    private static long Count(SqliteStatements statements)
    {
        using var reader = statements.Open("SELECT COUNT(*) FROM Notes");
        Assert.True(reader.Read(), "COUNT(*) returns a row");
        return reader.GetInt64(0);
    }

    [Fact]
    public async Task A_reused_statement_writes_inside_a_transaction_only_until_it_is_rolled_back_and_outside_one_for_good()
    {
        await CreateTableAsync();
        await using var connection = await OpenAsync();
        var statements = SqliteStatements.Of(connection);
        const string Insert = "INSERT INTO Notes (Id, Text) VALUES (@id, @text)";

        Assert.Equal(1, statements.Execute(Insert, ("@id", 1L), ("@text", "outside")));
        await using (var tx = await connection.BeginTransactionAsync())
        {
            Assert.Equal(1, statements.Execute(Insert, ("@id", 2L), ("@text", "inside")));
            Assert.Equal(2, Count(statements));
            await tx.RollbackAsync();
        }

        Assert.Equal(1, Count(statements));
        await using (var tx = await connection.BeginTransactionAsync())
        {
            statements.Execute(Insert, ("@id", 3L), ("@text", "committed"));
            await tx.CommitAsync();
        }

        var compiled = statements.Compiled;
        Assert.Equal(1, statements.Execute(Insert, ("@id", 4L), ("@text", "again")));
        Assert.Equal(3, Count(statements));
        Assert.Equal(compiled, statements.Compiled);

        // Another connection sees exactly what was committed.
        await using var other = await OpenAsync($"Data Source={_path};Pooling=False");
        await using var check = other.CreateCommand();
        check.CommandText = "SELECT group_concat(Text, ',') FROM (SELECT Text FROM Notes ORDER BY Id)";
        Assert.Equal("outside,committed,again", await check.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_statement_that_failed_runs_cleanly_next_time_and_holds_no_lock()
    {
        await CreateTableAsync();
        await using var connection = await OpenAsync();
        var statements = SqliteStatements.Of(connection);
        const string Insert = "INSERT INTO Notes (Id, Text) VALUES (@id, @text)";
        statements.Execute(Insert, ("@id", 1L), ("@text", "first"));

        var failure = Assert.Throws<SqliteException>(() => statements.Execute(Insert, ("@id", 1L), ("@text", "same key")));
        Assert.Equal(19, failure.SqliteErrorCode); // SQLITE_CONSTRAINT

        Assert.Equal(1, statements.Execute(Insert, ("@id", 2L), ("@text", "second")));
        Assert.Equal(2, Count(statements));

        // Nothing the failed statement did keeps the database: another connection writes straight away.
        await using var other = await OpenAsync($"Data Source={_path};Pooling=False;Default Timeout=1");
        await using var write = other.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE; INSERT INTO Notes (Id, Text) VALUES (3, 'other'); COMMIT;";
        await write.ExecuteNonQueryAsync();
        Assert.Equal(3, Count(statements));
    }

    [Fact]
    public async Task A_statement_missing_a_value_is_refused_and_the_next_use_gets_its_own_values()
    {
        await CreateTableAsync();
        await using var connection = await OpenAsync();
        var statements = SqliteStatements.Of(connection);
        const string Insert = "INSERT INTO Notes (Id, Text, At) VALUES (@id, @text, @at)";

        Assert.Throws<InvalidOperationException>(() => statements.Execute(Insert, ("@id", 1L), ("@text", "no time")));
        statements.Execute(Insert, ("@id", 2L), ("@text", "with time"), ("@at", new DateTime(2026, 12, 6, 18, 0, 0, DateTimeKind.Utc)));
        statements.Execute(Insert, ("@id", 3L), ("@text", "null time"), ("@at", null));

        using var reader = statements.Open("SELECT Id, At FROM Notes ORDER BY Id");
        Assert.True(reader.Read());
        Assert.Equal(2, reader.GetInt64(0));
        Assert.Equal(new DateTime(2026, 12, 6, 18, 0, 0, DateTimeKind.Utc), reader.GetUtc(1));
        Assert.True(reader.Read());
        Assert.True(reader.IsDBNull(1));
        Assert.False(reader.Read());
    }

    [Fact]
    public async Task A_connection_returned_to_the_pool_and_reopened_keeps_its_statements_and_answers_the_same()
    {
        await CreateTableAsync();
        SqliteStatements first;
        await using (var connection = await OpenAsync())
        {
            first = SqliteStatements.Of(connection);
            first.Execute("INSERT INTO Notes (Id, Text) VALUES (@id, @text)", ("@id", 1L), ("@text", "one"));
            Assert.Equal(1, Count(first));
        }

        await using (var again = await OpenAsync())
        {
            var statements = SqliteStatements.Of(again);
            Assert.Same(first, statements);
            var compiled = statements.Compiled;
            statements.Execute("INSERT INTO Notes (Id, Text) VALUES (@id, @text)", ("@id", 2L), ("@text", "two"));
            Assert.Equal(2, Count(statements));
            Assert.Equal(compiled, statements.Compiled);
        }
    }

    [Fact]
    public async Task An_unpooled_connection_keeps_nothing_and_still_answers()
    {
        await CreateTableAsync();
        var unpooled = $"Data Source={_path};Pooling=False";
        await using (var connection = await OpenAsync(unpooled))
        {
            SqliteStatements.Of(connection).Execute("INSERT INTO Notes (Id, Text) VALUES (@id, @text)", ("@id", 1L), ("@text", "one"));
        }

        await using var reopened = await OpenAsync(unpooled);
        var statements = SqliteStatements.Of(reopened);
        Assert.NotSame(statements, SqliteStatements.Of(reopened));
        Assert.Equal(1, Count(statements));

        // Nothing is left open on the closed connection: the file can be checkpointed and truncated by another.
        await using var checkpoint = reopened.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        await using var result = await checkpoint.ExecuteReaderAsync();
        Assert.True(await result.ReadAsync());
        Assert.Equal(0, result.GetInt32(0)); // not busy
    }

    [Fact]
    public async Task A_pooled_connection_reused_by_the_bot_keeps_foreign_keys_on_the_busy_timeout_and_synchronous_normal()
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddStudyBotData(Pooled)
            .BuildServiceProvider();
        await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);

        // A physical connection first opened outside EF (as the write gate's checkpoints are) gets the settings at its first EF open.
        await using (var plain = await OpenAsync())
        {
            await using var off = plain.CreateCommand();
            off.CommandText = "SELECT 1";
            await off.ExecuteScalarAsync();
        }

        for (var use = 0; use < 3; use++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
            await db.Database.OpenConnectionAsync();
            try
            {
                var connection = (SqliteConnection)db.Database.GetDbConnection();
                Assert.Equal("1|5000|1|0", await PragmasAsync(connection));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    [Fact]
    public async Task A_kept_statement_is_not_compiled_again_when_the_bot_opens_its_pooled_connection_again()
    {
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddStudyBotData(Pooled)
            .BuildServiceProvider();
        await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        const string Sql = "SELECT COUNT(*) FROM \"Members\" WHERE \"UserId\" = @u";

        // Each command opens and closes the context's connection several times; SQLite compiles a statement again when
        // the connection's user functions are defined or removed meanwhile, as Microsoft.Data.Sqlite does at every open
        // and close for the functions registered on the connection object.
        SqliteStatements? kept = null;
        for (var use = 0; use < 4; use++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
            await db.Database.OpenConnectionAsync();
            try
            {
                var statements = SqliteStatements.Of((SqliteConnection)db.Database.GetDbConnection());
                Assert.True(kept is null || ReferenceEquals(kept, statements), "the pool hands the same physical connection back");
                kept = statements;
                using var reader = statements.Open(Sql, ("@u", "ada"));
                Assert.True(reader.Read(), "COUNT(*) returns a row");
                Assert.Equal(0, reader.GetInt64(0));
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        Assert.Equal(1, kept!.Compiled);
        Assert.Equal(0, kept.Reprepared);
    }

    private static async Task<string> PragmasAsync(SqliteConnection connection)
    {
        var values = new List<string>();
        foreach (var pragma in new[] { "foreign_keys", "busy_timeout", "synchronous", "wal_autocheckpoint" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA {pragma};";
            values.Add(Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return string.Join('|', values);
    }

    [Fact]
    public async Task A_member_and_community_read_through_the_kept_statement_match_what_EF_reads_field_for_field()
    {
        await using var bot = await TestBot.StartAsync(pooling: true);
        await bot.SayAsync("Ada", "/progress log 30 practice");
        await using var scope = bot.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();

        // Every column a value that is not its default, times with ticks below a millisecond.
        var at = new DateTime(2026, 11, 25, 12, 34, 56, DateTimeKind.Utc).AddTicks(1234567);
        var member = await db.Members.SingleAsync();
        member.LearnerProfileId = "profile-7";
        member.Path = 1;
        member.Pace = 2;
        member.CustomHoursPerWeek = 7;
        member.StartDate = new DateOnly(2026, 11, 2);
        member.Onboarded = true;
        member.LastActivityAtUtc = at;
        member.Privacy = 2;
        member.Celebrate = 1;
        member.RemindersOn = true;
        member.PlanDays = 5;
        member.PlanMinutes = 1140;
        member.PlanFrequency = 1;
        member.PlanPlace = "library";
        member.QuietStart = 1320;
        member.QuietEnd = 420;
        member.SnoozedUntilUtc = at.AddDays(1);
        member.NextReminderAtUtc = at.AddDays(2);
        member.LastReminderAtUtc = at.AddDays(-1);
        member.UnansweredReminders = 2;
        member.RemindersPaused = true;
        member.FreshStartPending = true;
        member.DmClosedAtUtc = at.AddHours(-3);
        member.DmNoticePending = true;
        member.LastTemplate = 3;
        member.LeftAtUtc = at.AddHours(-2);
        member.DeletedAtUtc = at.AddHours(-1);
        var community = await db.Communities.SingleAsync();
        community.CelebrationChannel = "celebrate";
        community.LeaderboardChannel = "boards";
        community.LeaderboardDay = 5;
        community.LeaderboardMinutes = 600;
        community.RemindersMaxPerWeek = 4;
        community.NextLeaderboardAtUtc = at.AddDays(3);
        community.PartnersDay = 2;
        community.PartnersMinutes = 480;
        community.NextPartnerMatchAtUtc = at.AddDays(4);
        community.LeftAtUtc = at.AddDays(-4);
        community.ChannelsSetBy = "admin";
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        var expectedMember = await db.Members.AsNoTracking().SingleAsync();
        var expectedCommunity = await db.Communities.AsNoTracking().SingleAsync();
        var found = await Queries.FindCommunityAndMember(db, community.Platform, community.ExternalId, member.UserId);

        Assert.NotNull(found);
        AssertSame(expectedCommunity, found.Community);
        AssertSame(expectedMember, Assert.IsType<StudyBot.Data.Entities.MemberEntity>(found.Member));
        var stranger = await Queries.FindCommunityAndMember(db, community.Platform, community.ExternalId, "nobody");
        Assert.NotNull(stranger);
        AssertSame(expectedCommunity, stranger.Community);
        Assert.Null(stranger.Member);
        Assert.Null(await Queries.FindCommunityAndMember(db, community.Platform, "elsewhere", member.UserId));
    }

    private static void AssertSame<T>(T expected, T actual)
    {
        foreach (var property in typeof(T).GetProperties())
        {
            var want = property.GetValue(expected);
            var got = property.GetValue(actual);
            Assert.True(Equals(want, got), $"{typeof(T).Name}.{property.Name}: EF read {want}, the kept statement {got}");
            if (want is DateTime w && got is DateTime g)
            {
                Assert.Equal(w.Kind, g.Kind);
            }
        }
    }

    [Fact]
    public async Task After_a_database_outage_a_read_only_command_the_database_answers_ends_it()
    {
        await using var bot = await TestBot.StartAsync(pooling: true);
        await bot.SayAsync("Ada", "/progress log 30 practice");
        var outage = bot.Services.GetRequiredService<StudyBot.Core.Storage.StoreOutage>();
        Assert.True(outage.Report(new SqliteException("disk I/O error", 10)), "a SQLite I/O error counts as an outage");
        Assert.True(outage.IsDown);

        // Every statement of an overview runs outside EF, on statements the connection keeps.
        var overview = await bot.SayAsync("Ada", "/progress");

        Assert.NotEqual(ReplyTone.Error, overview.Tone);
        Assert.False(outage.IsDown, "the answered overview ends the outage");
    }

    [Fact]
    public async Task On_pooled_connections_a_repeated_delivery_logs_once_an_undo_takes_it_back_and_a_late_repeat_is_not_applied()
    {
        await using var bot = await TestBot.StartAsync(pooling: true);
        static Task<Reply> SendAsync(TestBot bot, string text, string deliveryId)
        {
            var who = TestBot.Member("Ada");
            var arrival = bot.Executor.Arrive(who.Community.Platform, who.Community.ExternalId, who.UserId, deliveryId);
            return bot.Executor.RunTextAsync(who, text, arrival, CancellationToken.None);
        }

        var first = await SendAsync(bot, "/progress log 45 practice", "log-1");
        var repeat = await SendAsync(bot, "/progress log 45 practice", "log-1");
        await SendAsync(bot, "/progress log 30 practice", "log-2");
        await SendAsync(bot, "/progress done numpy", "done-1");
        await SendAsync(bot, "/progress undo", "undo-1");
        var late = await SendAsync(bot, "/progress done numpy", "done-1");
        var other = await SendAsync(bot, "/progress log 90 practice", "log-1");

        Assert.StartsWith(first.Text, repeat.Text, StringComparison.Ordinal);
        Assert.EndsWith(CommandReceipts.RepeatNote, repeat.Text, StringComparison.Ordinal);
        Assert.Contains("reached me twice", late.Text, StringComparison.Ordinal);
        Assert.Equal(ReplyTone.Error, other.Tone);
        Assert.Equal(75, await bot.CountAsync("SELECT COALESCE(SUM(Minutes), 0) FROM StudyLogs WHERE RetractedAtUtc IS NULL"));
        Assert.Equal(75, await bot.CountAsync("SELECT PracticeMinutes FROM DailyTotals"));
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress WHERE ItemId = 'numpy' AND Status = 2"));
        Assert.Equal(4, await bot.CountAsync("SELECT COUNT(*) FROM CommandReceipts"));
    }
}

/// <summary>Tests that look at which pooled SQLite connection they get: run when no other test clears the pools.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PoolSensitive
{
    public const string Name = "SQLite pool sensitive";
}
