using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StudyBot.Testing;

/// <summary>
/// A private PostgreSQL cluster for the tests of one test assembly, started on first use when <c>initdb</c> and
/// <c>pg_ctl</c> are on the machine: a temporary data folder, trust authentication on 127.0.0.1 only, a port the
/// kernel picks, the Unix socket inside the data folder and <c>fsync=off</c>. It is stopped and deleted when the
/// test process exits (and a cluster left by a test process that was killed is cleaned up by the next run).
/// Each test asks for a database of its own (<see cref="CreateDatabaseAsync"/>), so tests run in parallel.
/// <para>
/// Where PostgreSQL is not installed, tests marked <c>[PostgresFact]</c>, <c>[PostgresTheory]</c>
/// or <c>[PostgresData]</c> are skipped with the reason and the install line; with
/// <c>STUDYBOT_REQUIRE_POSTGRES=1</c> (CI sets it) they run and fail instead.
/// </para>
/// </summary>
public static class Postgres
{
    public const string InstallLine = "apt-get install postgresql";

    /// <summary>Set to 1 to turn "PostgreSQL is not installed" from a skip into a failure.</summary>
    public const string RequireVariable = "STUDYBOT_REQUIRE_POSTGRES";

    private const string FolderPrefix = "studybot-pg-";

    private static readonly Lazy<Task<Cluster>> Server = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private static int _databases;

    /// <summary>The folder with <c>initdb</c> and <c>pg_ctl</c>: the newest /usr/lib/postgresql/*/bin, else PATH; null when none.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>Why PostgreSQL tests are skipped here, or null when they run.</summary>
    public static string? SkipReason => BinDirectory is not null || Required ? null : Missing;

    private static string Missing =>
        $"PostgreSQL is not installed (no initdb and pg_ctl in /usr/lib/postgresql/*/bin or on PATH); install it to run the PostgreSQL tests: {InstallLine}";

    /// <summary>
    /// A new, empty database on the private cluster (started on first use), as an Npgsql connection string.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var cluster = await Server.Value;
        return await cluster.CreateDatabaseAsync();
    }

    /// <summary>The server's process id (the postmaster, parent of every backend): what a benchmark reads PostgreSQL's CPU time from.</summary>
    public static async Task<int> ServerProcessIdAsync()
    {
        var cluster = await Server.Value;
        var pidFile = await File.ReadAllLinesAsync(Path.Combine(cluster.Data, "postmaster.pid"));
        return int.Parse(pidFile[0], CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Runs SQL on a database of the private cluster with psql (unaligned, tuples only) and returns what it printed:
    /// for a benchmark or a test that seeds or counts without a database driver of its own.
    /// </summary>
    public static async Task<string> PsqlAsync(string connectionString, string sql)
    {
        var cluster = await Server.Value;
        var database = connectionString.Split(';').Select(p => p.Split('=', 2)).First(p => p[0].Trim().Equals("Database", StringComparison.OrdinalIgnoreCase))[1];
        return await RunAsync(Path.Combine(cluster.Bin, "psql"), ["-h", "127.0.0.1", "-p", cluster.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-qtAc", sql], asPostgres: false, $"psql on the database {database}");
    }

    /// <summary>Stops the cluster now if it was started (otherwise it stops when the process exits).</summary>
    public static void Stop()
    {
        if (Server.IsValueCreated && Server.Value.IsCompletedSuccessfully)
        {
            Server.Value.Result.Stop();
        }
    }

    /// <summary>A free port on 127.0.0.1 where nothing listens (at the moment it is asked for).</summary>
    public static int UnusedPort() => FreePort();

    private static async Task<Cluster> StartAsync()
    {
        var cluster = await NewClusterAsync(password: null);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return cluster;
    }

    /// <summary>
    /// A cluster of the test's own, apart from the suite's shared one: the test may stop it (the database "goes away"),
    /// start it again on the same port, and it is stopped and deleted when disposed (or, if the test process dies, by the
    /// next run's clean-up). With <paramref name="password"/>, TCP logins need it (scram-sha-256) instead of trust.
    /// </summary>
    public static async Task<PrivateCluster> StartPrivateClusterAsync(string? password = null)
    {
        var cluster = await NewClusterAsync(password);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
        return new PrivateCluster(cluster, password);
    }

    private static async Task<Cluster> NewClusterAsync(string? password)
    {
        if (BinDirectory is not { } bin)
        {
            throw new InvalidOperationException($"{Missing}. ({RequireVariable}=1 makes this a failure instead of a skip.)");
        }

        CleanUpAbandoned(bin);
        var data = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        var pgdata = Path.Combine(data, "data");
        Directory.CreateDirectory(pgdata);
        List<string> init = ["-D", pgdata, "-U", "postgres", "-E", "UTF8", "--no-locale"];
        if (password is null)
        {
            init.Add("--auth=trust");
        }
        else
        {
            // TCP logins need the password; the Unix socket (inside the data folder) stays trusted.
            var file = Path.Combine(data, "pwfile");
            await File.WriteAllTextAsync(file, password);
            init.AddRange(["--auth-host=scram-sha-256", "--auth-local=trust", $"--pwfile={file}"]);
        }

        if (AsRoot && !OperatingSystem.IsWindows())
        {
            // initdb refuses root: the cluster belongs to the postgres user, who needs to reach its folder.
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            await RunAsync("chown", ["-R", "postgres:postgres", data], asPostgres: false, "chown of the test cluster's folder to postgres");
        }

        await RunAsync(Path.Combine(bin, "initdb"), init, asPostgres: AsRoot, "initdb of the test cluster");
        File.Delete(Path.Combine(data, "pwfile"));

        // The kernel picks a free port; another process may take it before the server binds, so try a few.
        for (var attempt = 1; ; attempt++)
        {
            var cluster = new Cluster(bin, data, pgdata, FreePort());
            try
            {
                await cluster.StartAsync();
                return cluster;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Most likely the port was taken meanwhile: another one.
            }
        }
    }

    /// <summary>Stops and deletes clusters whose test process no longer runs (one killed before it could stop its own).</summary>
    private static void CleanUpAbandoned(string bin)
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            try
            {
                var owner = int.Parse(File.ReadAllText(Path.Combine(folder, "owner.pid")), CultureInfo.InvariantCulture);
                if (IsRunning(owner))
                {
                    continue;
                }

                new Cluster(bin, folder, Path.Combine(folder, "data"), 0).Stop();
            }
            catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
            {
                // Not ours to judge (or half made): leave it.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool AsRoot => Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinDirectory()
    {
        static bool Has(string folder) => File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "pg_ctl"));

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(v => (Folder: Path.Combine(v, "bin"), Version: int.TryParse(Path.GetFileName(v), out var n) ? n : -1))
                .Where(v => Has(v.Folder))
                .OrderByDescending(v => v.Version)
                .Select(v => v.Folder)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(Has);
    }

    private static ProcessStartInfo Command(string file, IEnumerable<string> arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        return start;
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> arguments, bool asPostgres, string what, string? password = null)
    {
        var start = Command(file, arguments, asPostgres);
        if (password is not null)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{what}: could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await Bounded.WaitAsync(process.WaitForExitAsync(), what, TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed (exit {process.ExitCode}): {(await error).Trim()} {(await output).Trim()}".Trim());
        }

        return await output;
    }

    internal sealed class Cluster(string bin, string folder, string data, int port)
    {
        private int _stopped;

        public string Bin => bin;

        public int Port => port;

        public string Data => data;

        public string ConnectionString(string database) =>
            string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={port};Username=postgres;Database={database};Timeout=30;Command Timeout=60");

        /// <summary>A new database on this cluster, as a connection string.</summary>
        public async Task<string> CreateDatabaseAsync(string? password = null)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"t{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}");
            await RunAsync(Path.Combine(bin, "psql"), ["-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-qc", $"CREATE DATABASE \"{name}\""], asPostgres: false, $"psql to create the test database {name}", password);
            return ConnectionString(name);
        }

        /// <summary>pg_ctl start on this cluster's port (again, after <see cref="StopServerAsync"/>).</summary>
        public Task StartAsync() =>
            RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
                "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off -c max_connections=200", "start"], asPostgres: AsRoot, "pg_ctl to start the test cluster");

        /// <summary>pg_ctl's fast stop: open sessions are ended, the data stays.</summary>
        public Task StopServerAsync() =>
            RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: AsRoot, "pg_ctl to stop the test cluster");

        /// <summary>pg_ctl's fast stop (bounded), then the folder goes.</summary>
        public void Stop()
        {
            if (Interlocked.Exchange(ref _stopped, 1) != 0)
            {
                return;
            }

            try
            {
                if (File.Exists(Path.Combine(data, "postmaster.pid")))
                {
                    using var process = Process.Start(Command(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"], AsRoot));
                    if (process is not null && !process.WaitForExit(40_000))
                    {
                        process.Kill(entireProcessTree: true);
                    }
                }

                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
            {
                // The next run's clean-up tries again.
            }
        }
    }

    /// <summary>A PostgreSQL server one test owns (<see cref="StartPrivateClusterAsync"/>): stop it, start it again, then dispose it.</summary>
    public sealed class PrivateCluster : IAsyncDisposable
    {
        private readonly Cluster _cluster;
        private readonly string? _password;

        internal PrivateCluster(Cluster cluster, string? password)
        {
            _cluster = cluster;
            _password = password;
        }

        public int Port => _cluster.Port;

        /// <summary>A connection string for <paramref name="database"/>, with the password when the cluster has one.</summary>
        public string ConnectionString(string database) =>
            _password is null ? _cluster.ConnectionString(database) : $"{_cluster.ConnectionString(database)};Password={_password}";

        /// <summary>A new, empty database on this cluster.</summary>
        public async Task<string> CreateDatabaseAsync()
        {
            var created = await _cluster.CreateDatabaseAsync(_password);
            return _password is null ? created : $"{created};Password={_password}";
        }

        /// <summary>The server goes away (a fast shutdown: sessions are cut), its data kept.</summary>
        public Task StopAsync() => _cluster.StopServerAsync();

        /// <summary>The server comes back on the same port.</summary>
        public Task StartAsync() => _cluster.StartAsync();

        public ValueTask DisposeAsync()
        {
            _cluster.Stop();
            return ValueTask.CompletedTask;
        }
    }
}
