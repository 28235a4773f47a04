using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// One or more real host processes (HTTP interactions mode) on one database: a fresh SQLite file (one instance only:
/// SQLite allows one process per file) or a fresh database on the private PostgreSQL server (<see cref="Postgres"/>),
/// each instance with its own <c>Instance:Id</c> and port. The first instance migrates alone; the others start once
/// it answers.
/// </summary>
internal sealed class Hosts : IAsyncDisposable
{
    private readonly List<Process> _processes = [];
    private readonly List<HttpClient> _clients = [];
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly string _directory;

    private Hosts(string directory, string? connectionString, int postgresPid)
    {
        _directory = directory;
        ConnectionString = connectionString;
        PostgresPid = postgresPid;
    }

    public int Count => _processes.Count;

    public IEnumerable<int> ProcessIds => _processes.Select(p => p.Id);

    /// <summary>The PostgreSQL database the instances share; null on SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>The PostgreSQL server's postmaster, or 0 on SQLite.</summary>
    public int PostgresPid { get; }

    public IReadOnlyList<string> Stderr => _stderr.ToList();

    public static async Task<Hosts?> StartAsync(InteractionLoad.Settings settings, FakeDiscordServer discord, string database, int instances, IReadOnlyDictionary<string, string> extra, ILogger log)
    {
        if (database == "sqlite" && instances != 1)
        {
            throw new ArgumentException("SQLite allows one StudyBot process per file: use sqlite with one instance.", nameof(instances));
        }

        string? connection = null;
        var postgresPid = 0;
        if (database == "postgres")
        {
            connection = await Postgres.CreateDatabaseAsync();
            postgresPid = await Postgres.ServerProcessIdAsync();
        }
        else if (database != "sqlite")
        {
            throw new ArgumentException($"Unknown database '{database}': use sqlite or postgres.", nameof(database));
        }

        var hosts = new Hosts(Directory.CreateTempSubdirectory("studybot-discord-bench-").FullName, connection, postgresPid);
        for (var i = 0; i < instances; i++)
        {
            hosts.Start(settings, discord, i, extra);
            if (i == 0 || i == instances - 1)
            {
                // The first alone (it migrates); then the rest together.
                for (var k = i == 0 ? 0 : 1; k <= i; k++)
                {
                    if (!await InteractionLoad.WaitHealthyAsync(hosts._clients[k], hosts._processes[k]))
                    {
                        Log.Problem(log, $"Host {k + 1} did not become healthy:\n" + string.Join('\n', hosts._stderr.TakeLast(30)));
                        await hosts.DisposeAsync();
                        return null;
                    }
                }
            }
        }

        return hosts;
    }

    private void Start(InteractionLoad.Settings settings, FakeDiscordServer discord, int index, IReadOnlyDictionary<string, string> extra)
    {
        var port = InteractionLoad.FreePort();
        var folder = Path.Combine(_directory, "instance-" + (index + 1).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var process = InteractionLoad.StartHost(settings, discord, ConnectionString is null ? _directory : folder, port, ConnectionString, $"bench-{index + 1}", extra);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue($"[{index + 1}] {e.Data}");
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _processes.Add(process);
        _clients.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        });
    }

    /// <summary>The instance for request <paramref name="index"/>: round-robin.</summary>
    public HttpClient Client(int index) => _clients[index % _clients.Count];

    public bool AnyExited => _processes.Any(p => p.HasExited);

    /// <summary>User + system CPU seconds of every instance.</summary>
    public double CpuSeconds() => _processes.Sum(p => p.HasExited ? 0 : InteractionLoad.CpuSeconds(p.Id));

    /// <summary>
    /// PostgreSQL's CPU seconds: the postmaster's own and those of its children that have ended (cutime/cstime), plus
    /// every live child (backends, WAL writer, checkpointer, autovacuum). 0 on SQLite.
    /// </summary>
    public Task<double> PostgresCpuSecondsAsync()
    {
        if (PostgresPid == 0)
        {
            return Task.FromResult(0.0);
        }

        double total = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
                if (pid == PostgresPid)
                {
                    total += (Field(11) + Field(12) + Field(13) + Field(14)) / 100.0;
                }
                else if (parent == PostgresPid)
                {
                    total += (Field(11) + Field(12)) / 100.0;
                }
            }
            catch (IOException)
            {
                // Ended meanwhile: its time is now in the postmaster's cutime.
            }
        }

        return Task.FromResult(total);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
