using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StudyBot.Core.Chat;
using StudyBot.Data;
using StudyBot.Host;
using Xunit.Abstractions;

namespace StudyBot.IntegrationTests;

/// <summary>
/// <c>studybot db copy --from &lt;sqlite&gt; --to &lt;postgres&gt;</c>: a community's data moved from its SQLite file to
/// PostgreSQL with every table of the model, checked after, safe to run again, refusing a target that holds other
/// data unless <c>--replace</c> is given, and one clear line for each kind of bad input.
/// </summary>
public sealed partial class DatabaseCopyTests(ITestOutputHelper output)
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "guild-1", "Study Hall");

    private sealed record Run(int ExitCode, string Output, string Error)
    {
        public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static async Task<Run> CopyAsync(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var code = await Bounded.WaitAsync(DatabaseCommand.RunAsync(["copy", .. args], stdout, stderr, CancellationToken.None), "db copy", TimeSpan.FromSeconds(120));
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A community with a little of everything, made through real commands on SQLite.</summary>
    private static async Task<TestBot> FilledCommunityAsync()
    {
        var bot = await TestBot.StartAsync(platforms: [Platforms.Discord], replace: s => s.AddSingleton(CommunityRoadmapTests.Both()));
        await bot.SayAsync("Admin", "/studybot roadmap enable data-engineering");
        foreach (var name in new[] { "Ada", "Bob", "Cy" })
        {
            await bot.SayAsync(name, "/progress start programmer part-time");
            await bot.SayAsync(name, "/progress log 45 practice numpy note:first session");
            await bot.SayAsync(name, "/progress done python-basics");
            await bot.SayAsync(name, "/progress goal set 10 hours");
            await bot.SayAsync(name, "/progress remind plan weekdays 19:00 library");
            await bot.SayAsync(name, "/progress partner find");
            await bot.SayAsync(name, "/progress focus 25 practice numpy");
        }

        await bot.SayAsync("Ada", "/progress me focus autolog off");

        await bot.SayAsync("Cy", "/progress rest until 3d");
        await bot.SayAsync("Bob", "/progress doing numpy");
        await bot.SayAsync("Bob", "/progress note numpy <b>broadcasting</b> & \"vectorise\"");
        await bot.SayAsync("Bob", "/progress note numpy link https://numpy.org/doc/");
        await bot.SayAsync("Admin", "/studybot partners match");
        foreach (var item in new[] { "mathematics-basics", "environment-setup", "foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready", "foundation-first-notebook" })
        {
            await bot.SayAsync("Ada", $"/progress done {item}");
        }

        // On Discord: a receipt for a delivered command.
        var who = TestBot.Member("Dee", Guild);
        await bot.Executor.RunTextAsync(who, "/progress log 30 review", bot.Executor.Arrive(Platforms.Discord, Guild.ExternalId, who.UserId, "delivery-1"), CancellationToken.None);
        // A group study session, starting within ten minutes: its settings, an RSVP and a check-in.
        await bot.SayAsync("Admin", "/studybot session members on");
        await bot.SayAsync("Ada", "/progress session plan today 12:05 30 #general pair programming");
        await bot.SayAsync("Bob", "/progress session going 1");
        await bot.SayAsync("Ada", "/progress session checkin 1");
        bot.Time.Advance(TimeSpan.FromMinutes(2));
        await bot.RunJobsAsync();

        // Phase roles need Discord's role list, which the engine alone has not got: a mapping, a grant and the
        // problems /studybot show reports, as their stores write them; and a lease, a seen delivery and a DM channel,
        // which only platform adapters write.
        await using var connection = await bot.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO PhaseRoles (CommunityId, PhaseId, RoleId, RoleName, ReportChannelId, CreatedAtUtc)
            SELECT CommunityId, 'phase-0', '123456789012345678', 'Foundation graduate', NULL, '2026-11-25 12:00:00' FROM Members WHERE UserId = 'dee';
            INSERT INTO RoleGrants (CommunityId, MemberId, PhaseId, RoleId, State, Attempts, NextAttemptAtUtc, ClaimedUntilUtc, LastProblem, CreatedAtUtc, DoneAtUtc)
            SELECT CommunityId, Id, 'phase-0', '123456789012345678', 0, 1, '2026-11-25 12:05:00.1234567', NULL, 'missing permission', '2026-11-25 12:00:00', NULL FROM Members WHERE UserId = 'dee';
            INSERT INTO RoleProblems (CommunityId, RoleId, RoleName, Problem, ReportedAtUtc)
            SELECT CommunityId, '123456789012345678', 'Foundation graduate', 1, '2026-11-25 12:00:00' FROM Members WHERE UserId = 'dee';
            INSERT INTO ChannelProblems (CommunityId, ChannelId, Problem, ReportedAtUtc)
            SELECT CommunityId, 'celebrations', 2, '2026-11-25 12:00:00' FROM Members WHERE UserId = 'ada';
            INSERT INTO Leases (Name, Holder, ExpiresAtUtc, Value) VALUES ('discord-commands', 'instance-a', '2026-11-25 12:01:00', 'c0ffee');
            INSERT INTO SeenKeys (Key, ExpiresAtUtc) VALUES ('slack:event:Ev01', '2026-11-25 12:30:00');
            INSERT INTO DmChannels (Platform, UserId, ChannelId, LearnedAtUtc) VALUES ('discord', 'dee', '1500000000000000001', '2026-11-25 12:00:00.1234567');
            INSERT INTO StudyRooms (CommunityId, ChannelId, Name, AddedAtUtc)
            SELECT CommunityId, '1500000000000000002', 'Study Room', '2026-11-25 12:00:00' FROM Members WHERE UserId = 'dee';
            INSERT INTO VoiceIntervals (CommunityId, MemberId, ChannelId, StartedAtUtc, LastSeenAtUtc, EndedAtUtc, CountedMinutes)
            SELECT CommunityId, Id, '1500000000000000002', '2026-11-25 12:00:00', '2026-11-25 12:31:00.1234567', '2026-11-25 12:31:00.1234567', 31 FROM Members WHERE UserId = 'dee';
            INSERT INTO VoiceIntervals (CommunityId, MemberId, ChannelId, StartedAtUtc, LastSeenAtUtc, EndedAtUtc, CountedMinutes)
            SELECT CommunityId, Id, '1500000000000000002', '2026-11-25 13:00:00', '2026-11-25 13:01:00', NULL, NULL FROM Members WHERE UserId = 'dee';
            INSERT INTO VoiceOptOuts (MemberId, CommunityId, AtUtc)
            SELECT Id, CommunityId, '2026-11-25 14:00:00' FROM Members WHERE UserId = 'ada';
            INSERT INTO RoadmapVersions (RoadmapId, Version, ItemIdsJson, SeenAtUtc) VALUES ('ml-zero-to-hero', 1, '["numpy","pandas"]', '2026-11-25 12:00:00.1234567');
            INSERT INTO CommunityRoadmapVersions (CommunityId, RoadmapId, Version, FromVersion, Renamed, Merged, Retired, Added, AppliedAtUtc)
            SELECT DISTINCT CommunityId, 'ml-zero-to-hero', 2, 1, 1, 1, 1, 1, '2026-11-01 12:00:00' FROM Members WHERE UserId = 'ada';
            INSERT INTO RoadmapNoticesSeen (MemberId, CommunityId, RoadmapId, Version, SeenAtUtc)
            SELECT Id, CommunityId, 'ml-zero-to-hero', 2, '2026-11-25 12:00:00' FROM Members WHERE UserId = 'ada';
            INSERT INTO WebLinks (CommunityId, MemberId, TokenHash, IsAdmin, CreatedAtUtc, ExpiresAtUtc, UsedAtUtc)
            SELECT CommunityId, Id, X'ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB', 1, '2026-11-25 12:00:00', '2026-11-25 12:05:00', '2026-11-25 12:01:00.1234567' FROM Members WHERE UserId = 'ada';
            INSERT INTO WebSessions (CommunityId, MemberId, TokenHash, IsAdmin, CreatedAtUtc, LastSeenAtUtc, ExpiresAtUtc)
            SELECT CommunityId, Id, X'CDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCDCD', 1, '2026-11-25 12:01:00.1234567', '2026-11-25 12:30:00', '2026-12-25 12:01:00.1234567' FROM Members WHERE UserId = 'ada';
            INSERT INTO WebShares (MemberId, CommunityId, TokenHash, CreatedAtUtc)
            SELECT Id, CommunityId, X'EFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEFEF', '2026-11-25 12:02:00' FROM Members WHERE UserId = 'ada';
            """;
        await command.ExecuteNonQueryAsync();
        return bot;
    }

    private static string Sqlite(TestBot bot) => $"Data Source={bot.DbPath}";

    /// <summary>Every row of every table of the model, read back through EF on either provider, as JSON in a stable order.</summary>
    private static async Task<SortedDictionary<string, List<string>>> RowsAsync(DatabaseProvider provider, string connectionString)
    {
        var options = new DbContextOptionsBuilder<StudyBotDbContext>();
        if (provider == DatabaseProvider.PostgreSQL)
        {
            StudyBotDbContext.UsePostgres(options, PostgresConnection.Normalise(connectionString));
        }
        else
        {
            StudyBotDbContext.UseSqlite(options, connectionString + ";Pooling=False");
        }

        await using var db = new StudyBotDbContext(options.Options);
        var rows = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var read = typeof(DatabaseCopyTests).GetMethod(nameof(EntityRowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var type in db.Model.GetEntityTypes())
        {
            rows[type.GetTableName()!] = await (Task<List<string>>)read.MakeGenericMethod(type.ClrType).Invoke(null, [db])!;
        }

        return rows;
    }

    private static async Task<List<string>> EntityRowsAsync<T>(DbContext db)
        where T : class =>
        [.. (await db.Set<T>().AsNoTracking().ToListAsync()).Select(r => Microseconds(JsonSerializer.Serialize(r))).Order(StringComparer.Ordinal)];

    /// <summary>
    /// Times to the microsecond: PostgreSQL keeps no more (Npgsql drops the seventh decimal of a second, which SQLite's
    /// text keeps), so that digit is the one thing the copy does not carry over.
    /// </summary>
    private static string Microseconds(string json) => TimeInJson().Replace(json, m =>
    {
        var at = DateTime.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return "\"" + new DateTime(at.Ticks - (at.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture) + "\"";
    });

    [System.Text.RegularExpressions.GeneratedRegex("\"(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z)\"")]
    private static partial System.Text.RegularExpressions.Regex TimeInJson();

    private static async Task<IReadOnlyList<string>> SqliteTablesAsync(string file)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_EFMigrations%' ESCAPE '\\' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    private static async Task<long> PostgresCountAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static void SameRows(SortedDictionary<string, List<string>> source, SortedDictionary<string, List<string>> target)
    {
        Assert.Equal(source.Keys, target.Keys);
        foreach (var (table, rows) in source)
        {
            Assert.True(rows.SequenceEqual(target[table]), $"{table}: {rows.Count} rows in SQLite, {target[table].Count} in PostgreSQL, or a row differs");
        }
    }

    [Fact]
    public async Task Every_table_of_the_model_is_one_the_copy_copies()
    {
        await using var bot = await TestBot.StartAsync();
        var sqliteTables = await SqliteTablesAsync(bot.DbPath);

        Assert.Equal(sqliteTables.Order(StringComparer.Ordinal), DatabaseCopy.Tables.Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task A_community_filled_through_real_commands_arrives_on_PostgreSQL_row_for_row_in_every_table()
    {
        await using var bot = await FilledCommunityAsync();
        var target = await Postgres.CreateDatabaseAsync();

        var run = await CopyAsync("--from", Sqlite(bot), "--to", target);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var source = await RowsAsync(DatabaseProvider.Sqlite, Sqlite(bot));
        var empty = source.Where(t => t.Value.Count == 0).Select(t => t.Key).ToList();
        Assert.True(empty.Count == 0, $"the community fills every table; empty: {string.Join(", ", empty)}");
        SameRows(source, await RowsAsync(DatabaseProvider.PostgreSQL, target));
        foreach (var table in await SqliteTablesAsync(bot.DbPath))
        {
            Assert.Contains(table, run.Output, StringComparison.Ordinal);
        }

        // New rows on PostgreSQL get ids after the copied ones.
        await using var onPostgres = await TestBot.StartAsync(now: bot.Time.GetUtcNow(), provider: DatabaseProvider.PostgreSQL, postgres: target);
        await onPostgres.SayAsync("Ada", "/progress log 20 learning");
        Assert.Equal(source["StudyLogs"].Count + 1, await onPostgres.CountAsync("""SELECT COUNT(*) FROM "StudyLogs" """));
    }

    [PostgresFact]
    public async Task After_the_copy_the_bot_on_PostgreSQL_shows_a_member_the_same_progress()
    {
        await using var bot = await FilledCommunityAsync();
        var target = await Postgres.CreateDatabaseAsync();
        var before = ReplyText.All(await bot.SayAsync("Ada", "/progress"));

        Assert.Equal(0, (await CopyAsync("--from", Sqlite(bot), "--to", target)).ExitCode);

        await using var onPostgres = await TestBot.StartAsync(now: bot.Time.GetUtcNow(), provider: DatabaseProvider.PostgreSQL, postgres: target);
        Assert.Equal(before, ReplyText.All(await onPostgres.SayAsync("Ada", "/progress")));
    }

    [PostgresFact]
    public async Task A_10000_member_database_is_copied_with_nothing_lost()
    {
        await using var bot = await TestBot.StartAsync(pooling: true);
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress log 45 practice numpy");
        await bot.SayAsync("Ada", "/progress log 1h learning");
        await bot.SayAsync("Ada", "/progress done python-basics");
        await bot.SayAsync("Ada", "/progress doing numpy");
        await bot.SayAsync("Ada", "/progress goal set 10 hours");
        await CloneMemberAsync(bot.DbPath, "ada", 9_999);
        var target = await Postgres.CreateDatabaseAsync();
        var source = await RowsAsync(DatabaseProvider.Sqlite, Sqlite(bot));
        Assert.Equal(10_000, source["Members"].Count);

        var clock = Stopwatch.StartNew();
        var run = await CopyAsync("--from", Sqlite(bot), "--to", target);
        clock.Stop();

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        output.WriteLine($"10,000 members, {source.Values.Sum(r => r.Count):N0} rows: db copy took {clock.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(run.Output);
        SameRows(source, await RowsAsync(DatabaseProvider.PostgreSQL, target));
        Assert.Contains("10,000", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Gives the database <paramref name="count"/> more members, each with a copy of one member's rows.</summary>
    private static async Task CloneMemberAsync(string file, string userId, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        async Task<List<string>> ColumnsAsync(string table)
        {
            await using var info = connection.CreateCommand();
            info.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
            var names = new List<string>();
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }

        async Task ExecAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        await using var transaction = await connection.BeginTransactionAsync();
        var members = (await ColumnsAsync("Members")).Where(c => c != "Id").ToList();
        await ExecAsync($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
            INSERT INTO Members ({string.Join(", ", members.Select(c => $"\"{c}\""))})
            SELECT {string.Join(", ", members.Select(c => c switch { "UserId" => "'member-' || n.i", "DisplayName" => "'Member ' || n.i", _ => $"t.\"{c}\"" }))}
            FROM Members t, n WHERE t.UserId = '{userId}';
            """);
        foreach (var table in new[] { "ItemProgress", "ItemChanges", "StudyLogs", "Goals", "PeriodStats", "DailyTotals", "CompletionEvents", "RestPeriods" })
        {
            var columns = (await ColumnsAsync(table)).Where(c => c != "Id").ToList();
            await ExecAsync($"""
                INSERT INTO {table} ({string.Join(", ", columns.Select(c => $"\"{c}\""))})
                SELECT {string.Join(", ", columns.Select(c => c == "MemberId" ? "m.Id" : $"t.\"{c}\""))}
                FROM {table} t, Members m
                WHERE t.MemberId = (SELECT Id FROM Members WHERE UserId = '{userId}') AND m.UserId LIKE 'member-%';
                """);
        }

        await transaction.CommitAsync();
    }

    [PostgresFact]
    public async Task Copying_while_a_StudyBot_runs_on_the_file_copies_a_snapshot_and_says_later_changes_are_not_copied()
    {
        await using var bot = await FilledCommunityAsync();
        using var running = new DatabaseLock();
        running.Acquire(Sqlite(bot));
        var target = await Postgres.CreateDatabaseAsync();

        var run = await CopyAsync("--from", Sqlite(bot), "--to", target);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("a StudyBot is running on this database", run.Output, StringComparison.Ordinal);
        Assert.Contains("not copied", run.Output, StringComparison.Ordinal);
        SameRows(await RowsAsync(DatabaseProvider.Sqlite, Sqlite(bot)), await RowsAsync(DatabaseProvider.PostgreSQL, target));
    }

    [PostgresFact]
    public async Task Running_the_copy_again_after_it_succeeded_changes_nothing_and_says_the_data_is_already_there()
    {
        await using var bot = await FilledCommunityAsync();
        var target = await Postgres.CreateDatabaseAsync();
        Assert.Equal(0, (await CopyAsync("--from", Sqlite(bot), "--to", target)).ExitCode);
        var copied = await RowsAsync(DatabaseProvider.PostgreSQL, target);

        var again = await CopyAsync("--from", Sqlite(bot), "--to", target);

        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.Contains("already holds", again.Output, StringComparison.Ordinal);
        SameRows(copied, await RowsAsync(DatabaseProvider.PostgreSQL, target));
    }

    [PostgresFact]
    public async Task A_target_holding_other_data_is_refused_and_left_as_it_was_and_replace_recopies_it()
    {
        await using var bot = await FilledCommunityAsync();
        await using var other = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL);
        await other.SayAsync("Zed", "/progress start complete-beginner part-time");
        await other.SayAsync("Zed", "/progress log 30 practice");
        var before = await RowsAsync(DatabaseProvider.PostgreSQL, other.ConnectionString);

        var refused = await CopyAsync("--from", Sqlite(bot), "--to", other.ConnectionString);

        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.ErrorLines);
        Assert.Contains("--to", line, StringComparison.Ordinal);
        Assert.Contains("not empty", line, StringComparison.Ordinal);
        Assert.Contains("Members 1", line, StringComparison.Ordinal);
        Assert.Contains("--replace", line, StringComparison.Ordinal);
        SameRows(before, await RowsAsync(DatabaseProvider.PostgreSQL, other.ConnectionString));

        var replaced = await CopyAsync("--from", Sqlite(bot), "--to", other.ConnectionString, "--replace");

        Assert.True(replaced.ExitCode == 0, replaced.Output + replaced.Error);
        SameRows(await RowsAsync(DatabaseProvider.Sqlite, Sqlite(bot)), await RowsAsync(DatabaseProvider.PostgreSQL, other.ConnectionString));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static TheoryData<string, string> BadTargets => new()
    {
        { $"Host=127.0.0.1;Port={ClosedPort()};Username=studybot;Password=hunter2-secret;Database=studybot;Timeout=5", "cannot connect" },
        { "Data Source=data/studybot.db;Password=hunter2-secret", "not a PostgreSQL connection string" },
        { "Hots=db;Password=hunter2-secret", "not a PostgreSQL connection string" },
        { "Database=studybot;Password=hunter2-secret", "no Host" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public async Task A_bad_or_unreachable_target_gets_one_line_naming_to_and_exit_code_1_and_the_source_is_untouched(string to, string expected)
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress log 45 practice");
        var before = await bot.DumpAsync();

        var run = await CopyAsync("--from", Sqlite(bot), "--to", to);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("studybot db copy: --to", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [PostgresFact]
    public async Task A_target_database_that_does_not_exist_gets_one_line_naming_to()
    {
        var server = new Npgsql.NpgsqlConnectionStringBuilder(await Postgres.CreateDatabaseAsync()) { Database = "no_such_database" };
        await using var bot = await TestBot.StartAsync();

        var run = await CopyAsync("--from", Sqlite(bot), "--to", server.ConnectionString);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("studybot db copy: --to", line, StringComparison.Ordinal);
        Assert.Contains("no_such_database", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_source_that_is_missing_not_SQLite_or_not_migrated_gets_one_line_naming_from_and_nothing_is_created()
    {
        var folder = Directory.CreateTempSubdirectory("studybot-copy-").FullName;
        try
        {
            var missing = Path.Combine(folder, "nope.db");
            var to = "Host=127.0.0.1;Port=1;Username=x;Database=y";

            var run = await CopyAsync("--from", $"Data Source={missing}", "--to", to);
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("studybot db copy: --from", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
            Assert.Contains("no database file", run.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(missing), "the copy created no database");

            run = await CopyAsync("--from", "Host=db;Database=studybot", "--to", to);
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("studybot db copy: --from", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
            Assert.Contains("not a SQLite connection string", run.Error, StringComparison.Ordinal);

            var blank = Path.Combine(folder, "blank.db");
            await using (var connection = new SqliteConnection($"Data Source={blank};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "CREATE TABLE Notes (Id INTEGER PRIMARY KEY)";
                await command.ExecuteNonQueryAsync();
            }

            run = await CopyAsync("--from", $"Data Source={blank}", "--to", to);
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("studybot db copy: --from", Assert.Single(run.ErrorLines), StringComparison.Ordinal);
            Assert.Contains("migration", run.Error, StringComparison.Ordinal);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--from", "Data Source=a.db")]
    [InlineData("--to", "Host=db")]
    [InlineData("--from", "Data Source=a.db", "--to", "Host=db", "--force")]
    [InlineData("--from")]
    public async Task Missing_or_unknown_options_get_the_usage_line_and_exit_code_2(params string[] args)
    {
        var run = await CopyAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage: studybot db copy --from <sqlite connection> --to <postgres connection> [--replace]", run.Error, StringComparison.Ordinal);
        Assert.True(run.ErrorLines.Count <= 2, run.Error);
    }

    [PostgresFact]
    public async Task The_host_program_copies_with_db_copy_without_printing_the_password_and_then_serves_the_copy()
    {
        await using var bot = await FilledCommunityAsync();
        var before = ReplyText.All(await bot.SayAsync("Bob", "/progress"));
        var target = new Npgsql.NpgsqlConnectionStringBuilder(await Postgres.CreateDatabaseAsync()) { Password = "hunter2-secret" }.ConnectionString;
        var work = Directory.CreateTempSubdirectory("studybot-copy-").FullName;
        try
        {
            var run = await HostProcess.RunAsync(work, "", [], arguments: ["db", "copy", "--from", Sqlite(bot), "--to", target]);

            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            Assert.Contains("Members", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("nothing lost", run.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("hunter2", run.Stdout + run.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(work));

            await using var onPostgres = await TestBot.StartAsync(now: bot.Time.GetUtcNow(), provider: DatabaseProvider.PostgreSQL, postgres: target);
            Assert.Equal(before, ReplyText.All(await onPostgres.SayAsync("Bob", "/progress")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task The_host_program_answers_a_db_copy_without_options_with_the_usage_line_and_exit_code_2()
    {
        var work = Directory.CreateTempSubdirectory("studybot-copy-").FullName;
        try
        {
            var run = await HostProcess.RunAsync(work, "", [], arguments: ["db", "copy"]);

            Assert.Equal(2, run.ExitCode);
            Assert.Contains("usage: studybot db copy", run.Stderr, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(work));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
