using System.Diagnostics;
using System.Text;

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

    /// <summary>A host process left running on the console adapter, its standard input kept open.</summary>
    private sealed class RunningHost : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _stdout = new();
        private readonly StringBuilder _stderr = new();

        private RunningHost(Process process)
        {
            _process = process;
        }

        private string Stdout
        {
            get
            {
                lock (_stdout)
                {
                    return _stdout.ToString();
                }
            }
        }

        private string Stderr
        {
            get
            {
                lock (_stderr)
                {
                    return _stderr.ToString();
                }
            }
        }

        public static RunningHost Start(string workDir, params (string Key, string Value)[] env)
        {
            var start = HostProcess.StartInfo(workDir, [("Roadmaps__Directory", RepoPaths.Roadmaps), .. env]);
            var host = new RunningHost(Process.Start(start)!);
            host._process.OutputDataReceived += (_, e) => Append(host._stdout, e.Data);
            host._process.ErrorDataReceived += (_, e) => Append(host._stderr, e.Data);
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            return host;
        }

        /// <summary>Types a command and waits for an answer that contains <paramref name="expected"/>.</summary>
        public async Task SayAsync(string command, string expected)
        {
            var before = Count(Stdout, expected);
            await _process.StandardInput.WriteLineAsync(command);
            await _process.StandardInput.FlushAsync();
            await Bounded.UntilAsync(
                () => Count(Stdout, expected) > before || _process.HasExited,
                $"the host (pid {_process.Id}) to answer {command} with \"{expected}\"");
            Assert.True(Count(Stdout, expected) > before, $"the host exited before answering {command}; exit code {ExitCodeOrNone()}; stderr: {Stderr}; stdout: {Stdout}");
        }

        /// <summary>Ends the console's input, as the end of a piped script does, and returns the exit code.</summary>
        public async Task<int> StopAsync()
        {
            _process.StandardInput.Close();
            await Bounded.WaitAsync(_process.WaitForExitAsync(), $"the host (pid {_process.Id}) to exit at the end of its input");
            return _process.ExitCode;
        }

        /// <summary>SIGKILL on Linux and macOS: no shutdown code runs.</summary>
        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true);
            await Bounded.WaitAsync(_process.WaitForExitAsync(), $"the killed host (pid {_process.Id}) to exit");
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
        }

        private static void Append(StringBuilder into, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (into)
            {
                into.Append(line).Append('\n');
            }
        }

        private static int Count(string text, string part)
        {
            var count = 0;
            for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
            {
                count++;
            }

            return count;
        }

        private string ExitCodeOrNone() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
    }
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
