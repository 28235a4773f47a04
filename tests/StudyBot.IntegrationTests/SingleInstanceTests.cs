namespace StudyBot.IntegrationTests;

/// <summary>
/// One SQLite database serves one StudyBot at a time: two processes on one file would each run the scheduler and
/// send every reminder twice. The second is refused at start, in one line, before it touches the database.
/// These tests start real host processes (<c>dotnet StudyBot.Host.dll</c>).
/// </summary>
public sealed class SingleInstanceTests : IDisposable
{
    private const string Help = "/progress help";
    private const string HelpAnswer = "== StudyBot commands ==";

    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-single-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    /// <summary>The database the host uses by default, relative to its working directory.</summary>
    private string DefaultDb => Path.Combine(_workDir, "data", "studybot.db");

    [Fact]
    public async Task A_second_StudyBot_on_the_same_SQLite_file_stops_at_once_with_a_clear_message_and_the_first_keeps_working()
    {
        using var first = RunningHost.Start(_workDir);
        await first.SayAsync(Help, HelpAnswer);

        var second = await HostProcess.RunAsync(_workDir, Help + "\n", [("Roadmaps__Directory", RepoPaths.Roadmaps)]);

        Assert.True(second.ExitCode == 1, $"exit code {second.ExitCode}; stderr: {second.Stderr}; stdout: {second.Stdout}");
        Assert.Equal("", second.Stdout);
        var line = Assert.Single(second.StderrLines);
        Assert.Equal(
            $"StudyBot cannot start: another StudyBot is already running on the database {DefaultDb} (Database:ConnectionString); "
            + "stop it first: one SQLite database serves one StudyBot at a time (several instances need PostgreSQL).",
            line);

        await first.SayAsync("/progress done python-basics", "✅ Marked Python Basics (python-basics) done");
        Assert.Equal(0, await first.StopAsync());
    }

    [Fact]
    public async Task A_refused_StudyBot_touches_nothing_not_even_a_database_it_would_have_created()
    {
        // Another process (this test) holds the lock beside data/studybot.db, before the database exists; the host
        // is given the same file by a relative path, resolved against its working directory.
        PrivateFilesFolder(Path.GetDirectoryName(DefaultDb)!);
        using (new FileStream(DefaultDb + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var run = await HostProcess.RunAsync(
                _workDir,
                Help + "\n",
                [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Database__ConnectionString", "Data Source=data/../data/studybot.db")]);

            Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}; stdout: {run.Stdout}");
            Assert.Contains($"StudyBot cannot start: another StudyBot is already running on the database {DefaultDb} ", run.Stderr, StringComparison.Ordinal);
            Assert.Equal("", run.Stdout);
        }

        Assert.False(File.Exists(DefaultDb), "the refused host created (and migrated) the database");
    }

    [Fact]
    public async Task After_the_first_StudyBot_exits_or_is_killed_a_new_one_starts_on_the_same_file()
    {
        using (var first = RunningHost.Start(_workDir))
        {
            await first.SayAsync(Help, HelpAnswer);
            Assert.Equal(0, await first.StopAsync());
        }

        using (var second = RunningHost.Start(_workDir))
        {
            await second.SayAsync(Help, HelpAnswer);
            await second.KillAsync();
        }

        // SIGKILL gives the process no chance to clean up: the operating system drops its lock all the same.
        using var third = RunningHost.Start(_workDir);
        await third.SayAsync("/progress done python-basics", "✅ Marked Python Basics (python-basics) done");
        Assert.Equal(0, await third.StopAsync());
    }

    [Fact]
    public async Task Two_StudyBots_on_two_different_SQLite_files_both_run()
    {
        using var one = RunningHost.Start(_workDir, ("Database__ConnectionString", $"Data Source={Path.Combine(_workDir, "one.db")}"));
        using var two = RunningHost.Start(_workDir, ("Database__ConnectionString", $"Data Source={Path.Combine(_workDir, "two.db")}"));

        await one.SayAsync("/progress done python-basics", "✅ Marked Python Basics (python-basics) done");
        await two.SayAsync("/progress done numpy", "✅ Marked NumPy (numpy) done");

        Assert.Equal(0, await one.StopAsync());
        Assert.Equal(0, await two.StopAsync());
    }

    private static void PrivateFilesFolder(string path) => StudyBot.Data.PrivateFiles.CreateFolder(path);
}

/// <summary>Which file the lock guards: the database's, resolved as SQLite resolves it; none for an in-memory database.</summary>
public sealed class DatabaseLockFileTests
{
    [Theory]
    [InlineData("Data Source=data/studybot.db", "data/studybot.db")]
    [InlineData("Data Source=./data/../data/studybot.db;Cache=Shared", "data/studybot.db")]
    [InlineData("Data Source=/srv/studybot/studybot.db", "/srv/studybot/studybot.db")]
    [InlineData("Data Source=file:data/studybot.db?cache=shared", "data/studybot.db")]
    [InlineData("Data Source=file:///srv/studybot/my%20bot.db", "/srv/studybot/my bot.db")]
    [InlineData("Data Source=file://localhost/srv/studybot/studybot.db", "/srv/studybot/studybot.db")]
    [InlineData("Data Source=:memory:", null)]
    [InlineData("Data Source=studybot;Mode=Memory;Cache=Shared", null)]
    [InlineData("Data Source=file::memory:?cache=shared", null)]
    [InlineData("Data Source=file:studybot?mode=memory&cache=shared", null)]
    public void The_lock_guards_the_database_file_the_connection_string_names(string connectionString, string? file)
    {
        Assert.Equal(file is null ? null : Path.GetFullPath(file), StudyBot.Data.SqliteFile.PathOf(connectionString));
    }
}
