using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace StudyBot.Startup;

/// <summary>One way of starting StudyBot: the console or the Slack HTTP endpoint, on a new or an existing database.</summary>
internal sealed record Scenario(string Name, string Description, bool Http, Database Database)
{
    public static readonly IReadOnlyList<Scenario> All =
    [
        new("console-fresh", "console, new database", Http: false, Database.Fresh),
        new("console", "console, existing database", Http: false, Database.Existing),
        new("http-fresh", "Slack HTTP, new database", Http: true, Database.Fresh),
        new("http", "Slack HTTP, existing database", Http: true, Database.Existing),
        new("members", "console, 100,000 members", Http: false, Database.Members),
    ];

    public static Scenario Named(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"Unknown scenario '{name}': use {string.Join(", ", All.Select(s => s.Name))}.");
}

internal enum Database
{
    /// <summary>No file yet: the start creates and migrates it.</summary>
    Fresh,

    /// <summary>A migrated database with one member.</summary>
    Existing,

    /// <summary>A migrated database with a community of many members (<c>--members</c>).</summary>
    Members,
}

/// <summary>
/// One start: milliseconds from just before the process was started to the first reply (console: the reply to
/// <c>/progress help</c>; HTTP: a signed Slack <c>/progress help</c> answered 200), to the second (console: the reply
/// to <c>/progress</c>, which reads and writes the database), the process's CPU time when the first came, and its
/// resident memory (VmRSS) and peak (VmHWM) after idling.
/// </summary>
internal sealed record Run(double FirstMs, double SecondMs, double CpuMs, double RssMb, double PeakMb);

internal static class StartupBenchmark
{
    private const string SigningSecret = "startup-benchmark-signing-secret";
    private const string TeamId = "T0BENCH";
    private const string User = "bench";
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(IReadOnlyList<(string Label, string Path)> hosts, IReadOnlyList<Scenario> scenarios, int runs, TimeSpan idle, int members, IReadOnlyDictionary<string, string> environment)
    {
        var root = Directory.CreateTempSubdirectory("studybot-startup-");
        using var slack = FakeSlackApi.Start();
        try
        {
            // Each host gets its own prepared databases (a database is left as that host's version migrated it).
            var prepared = new Dictionary<(string Label, Database Database), string>();
            foreach (var (label, path) in hosts)
            {
                foreach (var database in scenarios.Select(s => s.Database).Distinct().Where(d => d != Database.Fresh))
                {
                    var folder = Path.Combine(root.FullName, $"{label}-{database}".ToLowerInvariant());
                    Directory.CreateDirectory(folder);
                    var watch = Stopwatch.StartNew();
                    await ConsoleRunAsync(path, folder, For(label, environment), TimeSpan.Zero, quit: true);
                    if (database == Database.Members)
                    {
                        Seed.Members(Path.Combine(folder, "studybot.db"), members);
                    }

                    prepared[(label, database)] = folder;
                    Console.WriteLine(FormattableString.Invariant($"// {label}: prepared the {database.ToString().ToLowerInvariant()} database in {watch.Elapsed.TotalSeconds:0.0} s"));
                }
            }

            var results = hosts.SelectMany(h => scenarios.Select(s => (h.Label, s.Name))).ToDictionary(k => k, _ => new List<Run>());
            var load = new List<double> { LoadAverage() };
            var fresh = 0;
            for (var round = 1; round <= runs; round++)
            {
                foreach (var scenario in scenarios)
                {
                    foreach (var (label, path) in hosts)
                    {
                        var folder = scenario.Database == Database.Fresh
                            ? Directory.CreateDirectory(Path.Combine(root.FullName, $"fresh-{++fresh}")).FullName
                            : prepared[(label, scenario.Database)];
                        var run = scenario.Http
                            ? await HttpRunAsync(path, folder, slack, For(label, environment), idle)
                            : await ConsoleRunAsync(path, folder, For(label, environment), idle, quit: false);
                        results[(label, scenario.Name)].Add(run!);
                        Console.WriteLine(FormattableString.Invariant(
                            $"// round {round} {scenario.Name,-13} {label,-8} first {run!.FirstMs,6:0} ms  second {run.SecondMs,6:0} ms  cpu {run.CpuMs,5:0} ms  rss {run.RssMb,5:0.0} MB  peak {run.PeakMb,5:0.0} MB"));
                        if (scenario.Database == Database.Fresh)
                        {
                            Directory.Delete(folder, recursive: true);
                        }
                    }
                }

                load.Add(LoadAverage());
            }

            Console.WriteLine();
            Console.WriteLine(FormattableString.Invariant($"Medians of {runs} runs; {idle.TotalSeconds:0} s idle before memory is read; load average (1 min) {load.Min():0.0}-{load.Max():0.0}."));
            Console.WriteLine("Console: first = reply to /progress help, second = reply to /progress. HTTP: first = a signed Slack /progress help answered 200. All from the process's start.");
            Console.WriteLine();
            Console.WriteLine("| Scenario | Host | first reply | `/progress` reply | CPU at first reply | idle RSS | peak RSS |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var scenario in scenarios)
            {
                foreach (var (label, _) in hosts)
                {
                    var list = results[(label, scenario.Name)];
                    Console.WriteLine(FormattableString.Invariant(
                        $"| {scenario.Description} | {label} | {Median(list.Select(r => r.FirstMs)):0} ms | {(scenario.Http ? "-" : $"{Median(list.Select(r => r.SecondMs)):0} ms")} | {Median(list.Select(r => r.CpuMs)):0} ms | {Median(list.Select(r => r.RssMb)):0.0} MB | {Median(list.Select(r => r.PeakMb)):0.0} MB |"));
                }
            }

            return 0;
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>The settings for one host: the shared ones (KEY) and its own (label:KEY).</summary>
    private static Dictionary<string, string> For(string label, IReadOnlyDictionary<string, string> environment)
    {
        var mine = environment.Where(e => !e.Key.Contains(':', StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);
        foreach (var (key, value) in environment.Where(e => e.Key.StartsWith(label + ":", StringComparison.Ordinal)))
        {
            mine[key[(label.Length + 1)..]] = value;
        }

        return mine;
    }

    /// <summary>The repository's root: the folder with StudyBot.sln above this program.</summary>
    public static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "StudyBot.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("StudyBot.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// The console: pipes <c>/progress help</c> and <c>/progress</c>, times the first line of each reply, idles, reads
    /// the memory, then ends the input (the host stops at the end of input). With <paramref name="quit"/> it only
    /// prepares a database: <c>/quit</c> and wait for the end.
    /// </summary>
    private static async Task<Run?> ConsoleRunAsync(string host, string folder, IReadOnlyDictionary<string, string> environment, TimeSpan idle, bool quit)
    {
        var watch = new Stopwatch();
        var start = Start(host, folder, environment, http: null);
        watch.Start();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + host);
        var stderr = Drain(process.StandardError);
        var firstReply = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondReply = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = Task.Run(async () =>
        {
            var echoes = 0;
            var replied = 0;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith(User + "> ", StringComparison.Ordinal))
                {
                    echoes++;
                }
                else if (echoes > replied)
                {
                    replied = echoes;
                    (replied == 1 ? firstReply : secondReply).TrySetResult(watch.Elapsed.TotalMilliseconds);
                }
            }
        });

        try
        {
            if (quit)
            {
                await process.StandardInput.WriteLineAsync("/quit");
                process.StandardInput.Close();
                await Exited(process, stderr);
                return null;
            }

            await process.StandardInput.WriteLineAsync("/progress help\n/progress");
            await process.StandardInput.FlushAsync();
            var first = await Wait(firstReply.Task, process, stderr, "the reply to /progress help");
            var cpu = CpuMilliseconds(process.Id);
            var second = await Wait(secondReply.Task, process, stderr, "the reply to /progress");
            await Task.Delay(idle);
            var (rss, peak) = Memory(process.Id);
            process.StandardInput.Close();
            await Exited(process, stderr);
            await stdout;
            return new Run(first, second, cpu, rss, peak);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Slack's HTTP endpoint: POSTs a signed <c>/progress help</c> every 10 ms until one is answered 200.</summary>
    private static async Task<Run> HttpRunAsync(string host, string folder, FakeSlackApi slack, IReadOnlyDictionary<string, string> environment, TimeSpan idle)
    {
        var port = FreePort();
        var watch = new Stopwatch();
        var start = Start(host, folder, environment, http: (port, slack.ApiBaseUrl));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        watch.Start();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + host);
        var stderr = Drain(process.StandardError);
        var stdout = Drain(process.StandardOutput);
        try
        {
            // The reply comes in the answer, or (while the start is still cold, past Slack's acknowledgement budget) an empty
            // 200 first and the reply through response_url.
            var attempt = 0;
            while (true)
            {
                if (process.HasExited || watch.Elapsed > Bounded)
                {
                    throw new InvalidOperationException($"The Slack endpoint did not answer within {Bounded.TotalSeconds:0} s{(process.HasExited ? $" (exit code {process.ExitCode})" : "")}:\n{string.Join('\n', stderr.TakeLast(20))}");
                }

                var id = $"startup-{attempt++}-{Guid.NewGuid():N}";
                using var request = SignedHelp(id, slack.ResponseUrl(id));
                try
                {
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"The Slack endpoint answered {(int)response.StatusCode}: {body}");
                    }

                    if (body.Length == 0)
                    {
                        await slack.RespondedAsync(id, Bounded);
                    }

                    break;
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                    await Task.Delay(10);
                }
            }

            var first = watch.Elapsed.TotalMilliseconds;
            var cpu = CpuMilliseconds(process.Id);
            await Task.Delay(idle);
            var (rss, peak) = Memory(process.Id);
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            await Exited(process, stderr);
            return new Run(first, double.NaN, cpu, rss, peak);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            _ = stdout;
        }
    }

    private static ProcessStartInfo Start(string host, string folder, IReadOnlyDictionary<string, string> environment, (int Port, string SlackApi)? http)
    {
        var start = new ProcessStartInfo("dotnet", [host])
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(folder, "studybot.db")}";
        start.Environment["Console__User"] = User;
        if (http is { } h)
        {
            start.Environment["Http__Urls"] = $"http://127.0.0.1:{h.Port}";
            start.Environment["Slack__Mode"] = "Http";
            start.Environment["Slack__BotToken"] = "xoxb-startup-benchmark";
            start.Environment["Slack__SigningSecret"] = SigningSecret;
            start.Environment["Slack__ApiBaseUrl"] = h.SlackApi;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static HttpRequestMessage SignedHelp(string triggerId, string responseUrl)
    {
        var body = Encoding.UTF8.GetBytes(
            $"token=bench&team_id={TeamId}&team_domain=bench&channel_id=C0123ABCDEF&channel_name=study&user_id=U0BENCH&user_name=bench"
            + $"&command=%2Fprogress&text=help&api_app_id=A0BENCH&is_enterprise_install=false"
            + $"&response_url={Uri.EscapeDataString(responseUrl)}&trigger_id={triggerId}");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = Encoding.UTF8.GetBytes($"v0:{timestamp}:").Concat(body).ToArray();
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningSecret), signed));
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        return request;
    }

    private static async Task<double> Wait(Task<double> reply, Process process, Queue<string> stderr, string what)
    {
        var done = await Task.WhenAny(reply, process.WaitForExitAsync(), Task.Delay(Bounded));
        if (done != reply)
        {
            throw new InvalidOperationException($"No {what} within {Bounded.TotalSeconds:0} s{(process.HasExited ? $" (exit code {process.ExitCode})" : "")}:\n{string.Join('\n', stderr.TakeLast(20))}");
        }

        return await reply;
    }

    private static async Task Exited(Process process, Queue<string> stderr)
    {
        using var timeout = new CancellationTokenSource(Bounded);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new InvalidOperationException($"The host did not stop within {Bounded.TotalSeconds:0} s:\n{string.Join('\n', stderr.TakeLast(20))}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The host exited with {process.ExitCode}:\n{string.Join('\n', stderr.TakeLast(20))}");
        }
    }

    private static Queue<string> Drain(StreamReader reader)
    {
        var lines = new Queue<string>();
        _ = Task.Run(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Enqueue(line);
                    if (lines.Count > 200)
                    {
                        lines.Dequeue();
                    }
                }
            }
        });
        return lines;
    }

    /// <summary>User + system CPU time of the process so far, from /proc/PID/stat (clock ticks of 10 ms).</summary>
    private static double CpuMilliseconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
    }

    /// <summary>VmRSS and VmHWM of the process in MB (MiB), from /proc/PID/status.</summary>
    private static (double Rss, double Peak) Memory(int pid)
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) / 1024.0;
            }
        }

        return (rss, peak);

        static long Kilobytes(string line) => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static double LoadAverage() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Slack's Web API as far as a start needs it: every method answers ok, with auth.test's and users.info's fields.</summary>
internal sealed class FakeSlackApi : IDisposable
{
    private static readonly byte[] Answer = Encoding.UTF8.GetBytes(
        """{"ok":true,"team_id":"T0BENCH","team":"Bench","user_id":"U0BOT","bot_id":"B0BOT","user":{"id":"U0BENCH","name":"bench","real_name":"Bench","tz":"UTC","profile":{"display_name":"Bench","real_name":"Bench"}}}""");

    private readonly HttpListener _listener;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _responses = new(StringComparer.Ordinal);

    private FakeSlackApi(HttpListener listener, string apiBaseUrl)
    {
        _listener = listener;
        ApiBaseUrl = apiBaseUrl;
    }

    public string ApiBaseUrl { get; }

    /// <summary>A response_url for the command <paramref name="id"/>; <see cref="RespondedAsync"/> waits for its reply.</summary>
    public string ResponseUrl(string id) => $"{ApiBaseUrl[..^"api".Length]}response/{id}";

    public async Task RespondedAsync(string id, TimeSpan timeout)
    {
        try
        {
            await Responses(id).Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"No reply through response_url within {timeout.TotalSeconds:0} s.");
        }
    }

    private TaskCompletionSource Responses(string id) => _responses.GetOrAdd(id, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

    public static FakeSlackApi Start()
    {
        var port = 0;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var api = new FakeSlackApi(listener, $"http://127.0.0.1:{port}/api");
        _ = Task.Run(api.ServeAsync);
        return api;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            if (context.Request.Url?.AbsolutePath is { } path && path.StartsWith("/response/", StringComparison.Ordinal))
            {
                Responses(path["/response/".Length..]).TrySetResult();
            }

            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(Answer);
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
