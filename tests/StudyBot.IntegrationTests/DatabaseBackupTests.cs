using System.Globalization;
using System.Security.Cryptography;
using CsCheck;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Data;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// <c>studybot db backup &lt;file&gt;</c> and <c>studybot db restore &lt;file&gt;</c> (issue 15): a backup taken while the bot
/// writes is a consistent copy holding every row committed before it began; a restore checks the file, refuses while
/// a StudyBot runs, replaces the database in one step and keeps the one it replaced; every kind of bad input is one
/// clear line, exit code 1, nothing changed.
/// </summary>
public sealed class DatabaseBackupTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 1, 2, 3, TimeSpan.Zero);

    private readonly string _folder = Directory.CreateTempSubdirectory("studybot-backup-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed record Run(int ExitCode, string Output, string Error);

    private static async Task<Run> DbAsync(IReadOnlyDictionary<string, string?>? settings, params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var code = await Bounded.WaitAsync(
            DatabaseBackupCommand.RunAsync(args, config, new FakeTimeProvider(Now), stdout, stderr, CancellationToken.None),
            $"db {string.Join(' ', args)}",
            TimeSpan.FromSeconds(120));
        return new Run(code, stdout.ToString(), stderr.ToString());
    }

    private static Task<Run> DbAsync(params string[] args) => DbAsync(null, args);

    private string In(string name) => Path.Combine(_folder, name);

    private static string Connection(string path) => $"Data Source={path}";

    [Fact]
    public async Task A_backup_taken_while_the_bot_writes_restores_to_a_sound_database_holding_every_row_committed_before_it()
    {
        await using var bot = await TestBot.StartAsync(dbPath: In("studybot.db"), pooling: true);
        await bot.SayAsync("Ada", "/progress start programmer part-time");

        // The bot logs study sessions one after another, each committed when its reply comes back. At most 900 of them:
        // a day takes at most 16 hours (960 minutes), and a refused log commits nothing (a slow test thread once let the
        // writer run past it, and the refused ones were counted as committed).
        var committed = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var n = 1; n <= 900 && !stop.IsCancellationRequested; n++)
            {
                var reply = await bot.SayAsync("Ada", $"/progress log 1 practice note:w{n}");
                if (reply.Tone != ReplyTone.Success)
                {
                    throw new InvalidOperationException($"log w{n} was not committed: {reply.Text}");
                }

                Volatile.Write(ref committed, n);
            }
        });
        await Bounded.UntilAsync(() => Volatile.Read(ref committed) >= 20 || writer.IsCompleted, "the bot to log 20 sessions");

        var before = Volatile.Read(ref committed);
        var backup = await DbAsync("backup", In("backup.db"), "--database", Connection(bot.DbPath));
        var after = Volatile.Read(ref committed);

        // The writer was not stopped by the backup: it goes on committing.
        await Bounded.UntilAsync(() => Volatile.Read(ref committed) >= after + 5 || writer.IsCompleted, "the bot to keep logging after the backup");
        await stop.CancelAsync();
        await Bounded.WaitAsync(writer, "the writer to stop");

        Assert.True(backup.ExitCode == 0, backup.Error);
        Assert.Contains($"Backed up the database to {In("backup.db")}", backup.Output, StringComparison.Ordinal);

        var restore = await DbAsync("restore", In("backup.db"), "--database", Connection(In("restored.db")));
        Assert.True(restore.ExitCode == 0, restore.Error);

        await using var restored = await OpenAsync(In("restored.db"));
        Assert.Equal("ok", await ScalarAsync(restored, "PRAGMA integrity_check"));
        var notes = (await ColumnAsync(restored, "SELECT Note FROM StudyLogs WHERE Note LIKE 'w%'")).ToHashSet(StringComparer.Ordinal);
        var missing = Enumerable.Range(1, before).Select(n => $"w{n}").Where(n => !notes.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"sessions committed before the backup are missing from it: {string.Join(", ", missing)}");

        // No torn state: each session and the day's totals were written in one transaction, so they agree.
        Assert.Equal(
            await ScalarAsync(restored, "SELECT SUM(Minutes) FROM StudyLogs"),
            await ScalarAsync(restored, "SELECT SUM(PracticeMinutes + LearningMinutes + ReviewMinutes) FROM DailyTotals"));
        Assert.InRange(notes.Count, before, after + 1);
    }

    [Fact]
    public async Task A_restore_replaces_the_database_in_one_step_and_keeps_the_one_it_replaced()
    {
        var database = In("studybot.db");
        await using (var bot = await TestBot.StartAsync(dbPath: database))
        {
            await bot.SayAsync("Ada", "/progress start programmer part-time");
            Assert.Equal(0, (await DbAsync("backup", In("monday.db"), "--database", Connection(database))).ExitCode);
            await bot.SayAsync("Bob", "/progress start programmer part-time");
        }

        SqliteConnection.ClearAllPools();
        var run = await DbAsync("restore", In("monday.db"), "--database", Connection(database));

        Assert.True(run.ExitCode == 0, run.Error);
        var kept = In("studybot.db.before-restore-20261207010203.bak");
        Assert.Contains($"The database it replaced is kept as {kept}.", run.Output, StringComparison.Ordinal);
        await using (var restored = await OpenAsync(database))
        {
            Assert.Equal(["ada"], await ColumnAsync(restored, "SELECT UserId FROM Members ORDER BY UserId"));
        }

        await using (var replaced = await OpenAsync(kept))
        {
            Assert.Equal("ok", await ScalarAsync(replaced, "PRAGMA integrity_check"));
            Assert.Equal(["ada", "bob"], await ColumnAsync(replaced, "SELECT UserId FROM Members ORDER BY UserId"));
        }

        Assert.False(File.Exists(database + "-wal") && new FileInfo(database + "-wal").Length > 0, "no -wal of the replaced database is left beside the restored one");
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        Assert.Empty(Directory.GetFiles(_folder, ".*"));
    }

    [Fact]
    public async Task The_studybot_binary_backs_up_and_restores_the_database_its_settings_name()
    {
        var database = In("studybot.db");
        await using (var bot = await TestBot.StartAsync(dbPath: database))
        {
            await bot.SayAsync("Ada", "/progress start programmer part-time");
        }

        SqliteConnection.ClearAllPools();
        (string, string)[] env = [("Database__ConnectionString", $"Data Source={database}")];

        var backup = await HostProcess.RunAsync(_folder, "", env, arguments: ["db", "backup", In("nightly.db")]);
        var restore = await HostProcess.RunAsync(_folder, "", env, arguments: ["db", "restore", In("nightly.db")]);

        Assert.True(backup.ExitCode == 0, backup.Stderr);
        Assert.StartsWith($"Backed up the database to {In("nightly.db")} (", backup.Stdout, StringComparison.Ordinal);
        Assert.True(restore.ExitCode == 0, restore.Stderr);
        Assert.StartsWith($"Restored {In("nightly.db")} as the database {database} (", restore.Stdout, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder, "studybot.db.before-restore-*.bak"));
    }

    [Fact]
    public async Task A_restore_is_refused_while_a_StudyBot_runs_on_the_database()
    {
        var database = In("studybot.db");
        await using var bot = await TestBot.StartAsync(dbPath: database);
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        Assert.Equal(0, (await DbAsync("backup", In("b.db"), "--database", Connection(database))).ExitCode);
        var before = await bot.DumpAsync();
        using var running = new DatabaseLock();
        running.Acquire(Connection(database));

        var run = await DbAsync("restore", In("b.db"), "--database", Connection(database));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("studybot db restore: a StudyBot is running on this database; stop it first, then restore. Nothing was changed.", run.Error.Trim());
        Assert.Equal(before, await bot.DumpAsync());
        Assert.Empty(Directory.GetFiles(_folder, "*.bak"));
    }

    [Fact]
    public async Task A_backup_to_a_folder_that_does_not_exist_is_refused_with_one_line()
    {
        await using var bot = await TestBot.StartAsync(dbPath: In("studybot.db"));
        var target = In(Path.Combine("nowhere", "b.db"));

        var run = await DbAsync("backup", target, "--database", Connection(bot.DbPath));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"studybot db backup: the folder {In("nowhere")} does not exist; create it first or choose another place.", run.Error.Trim());
        Assert.False(Directory.Exists(In("nowhere")));
    }

    [Fact]
    public async Task A_backup_to_a_folder_is_refused_and_names_a_file_to_give_instead()
    {
        await using var bot = await TestBot.StartAsync(dbPath: In("studybot.db"));
        Directory.CreateDirectory(In("backups"));

        var run = await DbAsync("backup", In("backups"), "--database", Connection(bot.DbPath));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"studybot db backup: {In("backups")} is a folder; give a file name in it, e.g. {In(Path.Combine("backups", "studybot-backup.db"))}.", run.Error.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(In("backups")));
    }

    [Fact]
    public async Task A_backup_where_nothing_can_be_written_is_refused_with_one_line_and_leaves_nothing()
    {
        await using var bot = await TestBot.StartAsync(dbPath: In("studybot.db"));

        // A read-only folder stops a normal user; root writes anywhere on disk, but not in /proc.
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string folder;
        if (IsRoot())
        {
            folder = "/proc";
        }
        else
        {
            folder = In("readonly");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var run = await DbAsync("backup", Path.Combine(folder, "b.db"), "--database", Connection(bot.DbPath));

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"studybot db backup: cannot write in {folder} (", run.Error.Trim(), StringComparison.Ordinal);
        Assert.EndsWith("; choose a folder StudyBot's user can write to.", run.Error.Trim(), StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(File.Exists(Path.Combine(folder, "b.db")));
    }

    [Fact]
    public async Task A_backup_over_an_existing_file_is_refused_unless_forced()
    {
        await using var bot = await TestBot.StartAsync(dbPath: In("studybot.db"));
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await File.WriteAllTextAsync(In("b.db"), "keep me");

        var refused = await DbAsync("backup", In("b.db"), "--database", Connection(bot.DbPath));

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"studybot db backup: {In("b.db")} already exists; choose another name, or add --force to replace it.", refused.Error.Trim());
        Assert.Equal("keep me", await File.ReadAllTextAsync(In("b.db")));

        var forced = await DbAsync("backup", In("b.db"), "--force", "--database", Connection(bot.DbPath));

        Assert.True(forced.ExitCode == 0, forced.Error);
        await using var copy = await OpenAsync(In("b.db"));
        Assert.Equal(["ada"], await ColumnAsync(copy, "SELECT UserId FROM Members"));
    }

    [Fact]
    public async Task A_backup_is_private_to_the_bots_user_like_the_database()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var bot = await TestBot.StartAsync(dbPath: In("studybot.db"));

        Assert.Equal(0, (await DbAsync("backup", In("b.db"), "--database", Connection(bot.DbPath))).ExitCode);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(In("b.db")));
    }

    [Fact]
    public async Task A_backup_of_a_database_that_does_not_exist_says_so()
    {
        var run = await DbAsync("backup", In("b.db"), "--database", Connection(In("missing.db")));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"studybot db backup: there is no database at {In("missing.db")} (Database:ConnectionString); nothing to back up.", run.Error.Trim());
        Assert.False(File.Exists(In("missing.db")));
        Assert.False(File.Exists(In("b.db")));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("text")]
    [InlineData("empty")]
    [InlineData("other-sqlite")]
    [InlineData("newer")]
    public async Task A_restore_file_that_is_not_a_StudyBot_backup_this_version_can_run_is_refused_and_nothing_changes(string kind)
    {
        var database = In("studybot.db");
        string before;
        await using (var bot = await TestBot.StartAsync(dbPath: database))
        {
            await bot.SayAsync("Ada", "/progress start programmer part-time");
            Assert.Equal(0, (await DbAsync("backup", In("good.db"), "--database", Connection(database))).ExitCode);
            before = await bot.DumpAsync();
        }

        SqliteConnection.ClearAllPools();
        var file = In($"{kind}.db");
        var expected = kind switch
        {
            "missing" => $"there is no file {file}; check the name",
            "text" => $"{file} is not a SQLite database, so not a StudyBot backup; nothing was changed",
            "empty" => $"{file} is not a SQLite database, so not a StudyBot backup; nothing was changed",
            "other-sqlite" => $"{file} is a SQLite database but not a StudyBot one (it has no StudyBot migration history); nothing was changed",
            _ => $"{file} comes from a newer StudyBot (migration 29990101000000_FromTheFuture); restore it with that version, or choose an older backup; nothing was changed",
        };
        switch (kind)
        {
            case "text":
                await File.WriteAllTextAsync(file, "name,progress\nada,3\n");
                break;
            case "empty":
                await File.WriteAllBytesAsync(file, []);
                break;
            case "other-sqlite":
                await using (var other = await OpenAsync(file, create: true))
                {
                    await ExecuteAsync(other, "CREATE TABLE Notes (Text TEXT); INSERT INTO Notes VALUES ('hello');");
                }

                break;
            case "newer":
                File.Copy(In("good.db"), file);
                await using (var newer = await OpenAsync(file))
                {
                    await ExecuteAsync(newer, "INSERT INTO __EFMigrationsHistory (MigrationId, ProductVersion) VALUES ('29990101000000_FromTheFuture', '10.0.0')");
                }

                break;
        }

        SqliteConnection.ClearAllPools();
        var hash = Hash(database);
        var run = await DbAsync("restore", file, "--database", Connection(database));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"studybot db restore: {expected}.", run.Error.Trim());
        Assert.Equal(hash, Hash(database));
        Assert.Empty(Directory.GetFiles(_folder, "*.bak"));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        await using var again = await TestBot.StartAsync(dbPath: database);
        Assert.Equal(before, await again.DumpAsync());
    }

    [Theory]
    [InlineData(new string[] { "backup" }, "studybot db backup: give the file's name.")]
    [InlineData(new string[] { "backup", "a.db", "b.db" }, "studybot db backup: give one file.")]
    [InlineData(new string[] { "backup", "a.db", "--zip" }, "studybot db backup: '--zip' is not an option.")]
    [InlineData(new string[] { "backup", "a.db", "--database" }, "studybot db backup: give --database a connection string.")]
    [InlineData(new string[] { "restore" }, "studybot db restore: give the file's name.")]
    [InlineData(new string[] { "restore", "a.db", "--force" }, "studybot db restore: '--force' is not an option of restore (the database it replaces is always kept).")]
    public async Task A_malformed_backup_or_restore_command_gets_the_usage_and_exit_code_2(string[] args, string problem)
    {
        var run = await DbAsync(args);

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(problem, lines[0]);
        Assert.Equal(args[0] == "backup" ? DatabaseBackupCommand.BackupUsage : DatabaseBackupCommand.RestoreUsage, lines[1]);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task Any_backup_or_restore_command_line_without_a_database_gets_one_clear_line_and_changes_nothing()
    {
        // Words a command line is made of; none names a database that exists, so nothing may be done.
        string[] words = ["--force", "--database", "--zip", "", "a.db", In("b.db"), In("missing.db"), In(Path.Combine("nowhere", "c.db")), _folder, "Data Source=" + In("gone.db"), "-", "restore"];
        var lines = Gen.Int[0, words.Length - 1].Select(i => words[i]).Array[0, 5].Select(Gen.Bool, (rest, restore) => (string[])[restore ? "restore" : "backup", .. rest]);
        var settings = new Dictionary<string, string?> { ["Database:ConnectionString"] = "Data Source=" + In("none.db") };

        await lines.SampleAsync(
            async args =>
            {
                var run = await DbAsync(settings, args);
                var said = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

                Assert.True(run.ExitCode is 1 or 2, $"exit code {run.ExitCode} for: {string.Join(' ', args)}");
                Assert.StartsWith($"studybot db {args[0]}: ", said[0], StringComparison.Ordinal);
                Assert.Equal(run.ExitCode == 2 ? 2 : 1, said.Length);
                Assert.Empty(run.Output);
                Assert.Empty(Directory.GetFileSystemEntries(_folder));
            },
            iter: 60);
    }

    [Fact]
    public async Task The_db_command_sends_backup_and_restore_to_the_backup_command()
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);

        var code = await DatabaseCommand.RunAsync(["backup"], stdout, stderr, CancellationToken.None);

        Assert.Equal(2, code);
        Assert.StartsWith("studybot db backup: give the file's name.", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("backup", "pg_dump --format=custom --file=/backups/studybot.dump --host=db.example --port=5433 --username=studybot --dbname=studybot")]
    [InlineData("restore", "pg_restore --clean --if-exists --no-owner --host=db.example --port=5433 --username=studybot --dbname=studybot /backups/studybot.dump   (stop every StudyBot first)")]
    public async Task On_PostgreSQL_backup_and_restore_give_the_pg_dump_and_pg_restore_lines_without_the_password(string verb, string line)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "PostgreSQL",
            ["Database:ConnectionString"] = "Host=db.example;Port=5433;Database=studybot;Username=studybot;Password=pg-secret-marker",
        };

        var run = await DbAsync(settings, verb, "/backups/studybot.dump");

        Assert.Equal(1, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal([$"studybot db {verb}: the database is PostgreSQL (Database:Provider); use PostgreSQL's own tools instead:", line], lines);
        Assert.DoesNotContain("pg-secret-marker", run.Error + run.Output, StringComparison.Ordinal);
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal) && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == "0");
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string Hash(string file) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));

    private static async Task<SqliteConnection> OpenAsync(string path, bool create = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    private static async Task<List<string>> ColumnAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
