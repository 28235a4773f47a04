using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NSec.Cryptography;
using StudyBot.Core.Roadmaps;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// Benchmark 1: signed <c>/progress</c> interactions POSTed to the real host (its own process, HTTP mode, SQLite)
/// at a fixed arrival rate, open loop: each request is due at start + i/rate whether or not earlier ones have
/// finished, and its latency counts from when it was due, so a stall cannot hide behind fewer requests.
/// </summary>
internal static class InteractionLoad
{
    // RFC 8032 section 7.1 TEST 1: public test data, also in the shared fixtures. Never a real application's key.
    private const string SecretKeyHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    internal const string PublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string GuildId = "290926798626357999";
    private const int Members = 400;

    public sealed record Settings(int Rate, int Seconds, int Warmup, string HostAssembly, string RepositoryRoot, string Mix = "all", string Database = "sqlite", int Instances = 1);

    /// <summary>What one stretch of load at one rate gave.</summary>
    public sealed record Step(
        int Rate, int Measured, double Throughput, int Ok, string Errors, string Answers, double P50, double P90, double P99, double P999, double Max,
        double ServiceP50, double ServiceP99, double LagP99, string ByKind, double HostCpu, double PostgresCpu, double DriverCpu, int Total, double Load, int Edits);

    /// <summary>One signed interaction, ready to POST: its kind (ping, help, done...), body and signature headers.</summary>
    internal sealed record Prepared(string Kind, byte[] Body, string Timestamp, string Signature);

    /// <summary>When each request of an open-loop run was due, sent and answered (<see cref="Stopwatch"/> ticks).</summary>
    internal sealed record OpenLoopTimes(long[] Due, long[] SentAt, long[] Done);

    public static async Task<int> RunAsync(Settings settings, ILogger log)
    {
        if (!File.Exists(settings.HostAssembly))
        {
            Log.Problem(log, $"Host not built: {settings.HostAssembly}. Run: dotnet build -c Release StudyBot.sln");
            return 2;
        }

        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = false });
        await using var hosts = await Hosts.StartAsync(settings, discord, settings.Database, settings.Instances, new Dictionary<string, string>(), log);
        if (hosts is null)
        {
            return 1;
        }

        var step = await RunStepAsync(settings, discord, hosts, settings.Rate, 0, log);
        Print(step, settings, log);
        var pass = step.Ok == step.Measured && step.P99 < 20;
        Log.Line(log, pass ? "PASS: every request answered, p99 under 20 ms" : "FAIL: errors or p99 at or above 20 ms");
        return pass ? 0 : 1;
    }

    /// <summary>
    /// Issue 13: the mixed load on SQLite (one instance) and on PostgreSQL with 1, 2 and 3 instances, one after another in
    /// one run, each at rising rates until its p99 passes a second; the answer is the highest rate with p99 under
    /// 100 ms. A fresh database per configuration; the private PostgreSQL server is started first and stopped at the end.
    /// </summary>
    public static async Task<int> RunScaleAsync(Settings settings, IReadOnlyList<int> rates, IReadOnlyList<string> configurations, int rounds, ILogger log)
    {
        if (!File.Exists(settings.HostAssembly))
        {
            Log.Problem(log, $"Host not built: {settings.HostAssembly}. Run: dotnet build -c Release StudyBot.sln");
            return 2;
        }

        var table = new List<(string Config, Step Step)>();
        try
        {
            await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = false });
            var idBase = 0;
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var configuration in configurations)
                {
                    var (database, instances) = ParseConfiguration(configuration);
                    Log.Line(log, $"== round {round}: {configuration} ({database}, {instances} instance(s)), mix {settings.Mix}, rates {string.Join(", ", rates)}/s, {settings.Warmup} s warm-up + {settings.Seconds} s each");
                    await using var hosts = await Hosts.StartAsync(settings, discord, database, instances, new Dictionary<string, string>(), log);
                    if (hosts is null)
                    {
                        return 1;
                    }

                    // Not measured: JIT tiering and the connection pools settle (the host's own warm-up covers only the first commands).
                    var warm = await RunStepAsync(settings with { Warmup = 0, Seconds = 20 }, discord, hosts, 100, idBase, log);
                    idBase += warm.Total;
                    Log.Line(log, $"Warm-up: 20 s at 100/s, p99 {warm.P99:0.0} ms (not counted)");

                    foreach (var rate in rates)
                    {
                        var step = await RunStepAsync(settings, discord, hosts, rate, idBase, log);
                        idBase += step.Total;
                        Print(step, settings, log);
                        table.Add(($"{configuration} (round {round})", step));
                        if (step.P99 > 2000 || step.Ok < step.Measured)
                        {
                            break;
                        }

                        // Let the write queue and PostgreSQL's autovacuum settle before the next rate.
                        await Task.Delay(2000);
                    }
                }
            }
        }
        finally
        {
            Postgres.Stop();
        }

        Log.Line(log, "Summary (latency from due time; CPU per command = process CPU time / commands sent, warm-up included):");
        Log.Line(log, "| Configuration | Rate | Answered/s | 200s | p50 | p99 | Max | Deferred | Hosts CPU/cmd | PostgreSQL CPU/cmd | Driver CPU/cmd | Load avg |");
        foreach (var (config, step) in table)
        {
            Log.Line(log, FormattableString.Invariant(
                $"| {config} | {step.Rate}/s | {step.Throughput:0.0} | {step.Ok}/{step.Measured} | {step.P50:0.00} ms | {step.P99:0.00} ms | {step.Max:0} ms | {step.Answers} | {step.HostCpu * 1000 / step.Total:0.00} ms | {step.PostgresCpu * 1000 / step.Total:0.00} ms | {step.DriverCpu * 1000 / step.Total:0.00} ms | {step.Load:0.0} |"));
        }

        foreach (var group in table.GroupBy(t => t.Config))
        {
            var best = group.Where(t => t.Step.P99 < 100 && t.Step.Ok == t.Step.Measured).Select(t => t.Step.Rate).DefaultIfEmpty(0).Max();
            Log.Line(log, $"{group.Key}: highest rate with p99 under 100 ms: {best}/s");
        }

        return 0;
    }

    private static (string Database, int Instances) ParseConfiguration(string configuration)
    {
        var parts = configuration.Split('x');
        return (parts[0], parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1);
    }

    private static void Print(Step step, Settings settings, ILogger log)
    {
        Log.Line(log, $"Rate {step.Rate}/s: measured {step.Measured} requests: throughput {step.Throughput:0.0} answered/s");
        Log.Line(log, $"HTTP 200: {step.Ok}; other: {step.Errors}");
        Log.Line(log, $"Answers: {step.Answers} (4 message, 5 deferral, 8 autocomplete)");
        Log.Line(log, $"Latency from due time (ms): p50 {step.P50:0.00}, p90 {step.P90:0.00}, p99 {step.P99:0.00}, p99.9 {step.P999:0.00}, max {step.Max:0.00}");
        Log.Line(log, $"Service time from send (ms): p50 {step.ServiceP50:0.00}, p99 {step.ServiceP99:0.00}; driver lag p99 {step.LagP99:0.00} ms");
        Log.Line(log, $"By kind p99 (ms): {step.ByKind}");
        Log.Line(log, $"CPU over the whole run ({settings.Warmup} s warm-up included): hosts {step.HostCpu:0.0} s = {step.HostCpu * 1000 / step.Total:0.00} ms per request; PostgreSQL {step.PostgresCpu:0.0} s = {step.PostgresCpu * 1000 / step.Total:0.00} ms per request; driver and fake Discord {step.DriverCpu:0.0} s; machine load average {step.Load:0.0}");
        Log.Line(log, $"Edits of @original at the fake Discord (deferred answers, cumulative): {step.Edits}");
    }

    private static async Task<Step> RunStepAsync(Settings settings, FakeDiscordServer discord, Hosts hosts, int rate, int idBase, ILogger log)
    {
        var roadmap = RoadmapLoader.LoadDirectory(Path.Combine(settings.RepositoryRoot, "roadmap")).First();
        var total = (settings.Warmup + settings.Seconds) * rate;
        var requests = Prepare(total, idBase, roadmap.Items.Select(i => i.Id).ToArray(), discord, settings.Mix);
        Log.Line(log, $"Mix: {settings.Mix}. Prepared {total} signed interactions ({settings.Warmup} s warm-up + {settings.Seconds} s measured at {rate}/s) for {Members} members, round-robin over {hosts.Count} host(s): pids {string.Join(", ", hosts.ProcessIds)}");

        var status = new int[total];
        var callback = new int[total];
        var frequency = Stopwatch.Frequency;
        var hostCpuBefore = hosts.CpuSeconds();
        var postgresCpuBefore = await hosts.PostgresCpuSecondsAsync();
        var driverCpuBefore = CpuSeconds(Environment.ProcessId);

        // Round-robin over the instances, as a load balancer in front of them would.
        var (due, sentAt, done) = await RunOpenLoopAsync(total, rate, async index => (status[index], callback[index]) = await SendAsync(hosts.Client(index), requests[index]));
        var hostCpu = hosts.CpuSeconds() - hostCpuBefore;
        var postgresCpu = await hosts.PostgresCpuSecondsAsync() - postgresCpuBefore;
        var driverCpu = CpuSeconds(Environment.ProcessId) - driverCpuBefore;

        var first = settings.Warmup * rate;
        var measured = Enumerable.Range(first, total - first).ToList();
        var latencies = measured.Select(i => (done[i] - due[i]) * 1000.0 / frequency).Order().ToList();
        var service = measured.Select(i => (done[i] - sentAt[i]) * 1000.0 / frequency).Order().ToList();
        var lag = measured.Select(i => (sentAt[i] - due[i]) * 1000.0 / frequency).Order().ToList();
        var window = (measured.Max(i => done[i]) - due[first]) / (double)frequency;
        var ok = measured.Count(i => status[i] == 200);
        return new Step(
            rate,
            measured.Count,
            ok / window,
            ok,
            string.Join(", ", measured.Where(i => status[i] != 200).GroupBy(i => status[i]).Select(g => $"{g.Key} x{g.Count()}")),
            string.Join(", ", measured.GroupBy(i => callback[i]).OrderBy(g => g.Key).Select(g => $"type {g.Key} x{g.Count()}")),
            Percentiles.Of(latencies, 50),
            Percentiles.Of(latencies, 90),
            Percentiles.Of(latencies, 99),
            Percentiles.Of(latencies, 99.9),
            latencies[^1],
            Percentiles.Of(service, 50),
            Percentiles.Of(service, 99),
            Percentiles.Of(lag, 99),
            string.Join(", ", measured.GroupBy(i => requests[i].Kind).Select(g => $"{g.Key} {Percentiles.Of(g.Select(i => (done[i] - due[i]) * 1000.0 / frequency).Order().ToList(), 99):0.00}")),
            hostCpu,
            postgresCpu,
            driverCpu,
            total,
            double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture),
            discord.Interactions.Values.Sum(x => x.Edits.Count));
    }

    /// <summary>
    /// Open loop: request i is due at start + i/rate whether or not earlier ones have finished; <paramref name="send"/>
    /// sends request i. Returns when every request has been answered (or has failed).
    /// </summary>
    internal static async Task<OpenLoopTimes> RunOpenLoopAsync(int total, int rate, Func<int, Task> send)
    {
        var due = new long[total];
        var done = new long[total];
        var sentAt = new long[total];
        var frequency = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + frequency / 10;
        var tasks = new Task[total];
        for (var i = 0; i < total; i++)
        {
            due[i] = start + (long)(i * (double)frequency / rate);
        }

        // A dedicated thread sends whatever is due, then sleeps about a millisecond. No spinning: the driver
        // shares the two cores with the host, and a request sent a little late only makes its measured
        // latency (counted from its due time) worse, never better.
        var scheduler = new Thread(() =>
        {
            var next = 0;
            while (next < total)
            {
                var now = Stopwatch.GetTimestamp();
                while (next < total && due[next] <= now)
                {
                    var index = next++;
                    sentAt[index] = Stopwatch.GetTimestamp();
                    tasks[index] = SendAndRecordAsync(index);
                }

                if (next < total)
                {
                    Thread.Sleep(1);
                }
            }
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "load scheduler" };
        scheduler.Start();
        await Task.Run(scheduler.Join);

        async Task SendAndRecordAsync(int index)
        {
            await send(index);
            done[index] = Stopwatch.GetTimestamp();
        }

        await Task.WhenAll(tasks);
        return new OpenLoopTimes(due, sentAt, done);
    }

    internal static Process StartHost(Settings settings, FakeDiscordServer discord, string directory, int port, string? postgres = null, string? instanceId = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var start = new ProcessStartInfo("dotnet", [settings.HostAssembly])
        {
            WorkingDirectory = settings.RepositoryRoot,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["Discord__Token"] = FakeDiscordOptions.Token;
        start.Environment["Discord__Mode"] = "Http";
        start.Environment["Discord__PublicKey"] = PublicKeyHex;
        start.Environment["Discord__ApiBaseUrl"] = discord.ApiBaseUrl;
        start.Environment["Discord__ApplicationId"] = FakeDiscordOptions.ApplicationId.ToString(CultureInfo.InvariantCulture);
        start.Environment["Http__Urls"] = $"http://127.0.0.1:{port}";
        if (postgres is null)
        {
            start.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(directory, "studybot.db")}";
        }
        else
        {
            start.Environment["Database__Provider"] = "PostgreSQL";
            start.Environment["Database__ConnectionString"] = postgres;
        }

        if (instanceId is not null)
        {
            start.Environment["Instance__Id"] = instanceId;
        }

        start.Environment["Roadmaps__Directory"] = Path.Combine(settings.RepositoryRoot, "roadmap");
        start.Environment["Scheduling__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
    }

    internal static async Task<bool> WaitHealthyAsync(HttpClient http, Process host)
    {
        for (var attempt = 0; attempt < 300 && !host.HasExited; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>
    /// A realistic mix: marking items done or in progress (writes), overview and next (reads), autocomplete; or only
    /// one kind: "overview", "ping", or "help" (<c>/progress help</c>, issue 14's peers run).
    /// </summary>
    internal static Prepared[] Prepare(int total, int idBase, string[] items, FakeDiscordServer discord, string mix, DateTimeOffset? signedAt = null)
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(SecretKeyHex), KeyBlobFormat.RawPrivateKey);
        var random = new Random(20261125);
        var timestamp = (signedAt ?? TimeProvider.System.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prepared = new Prepared[total];
        for (var i = 0; i < total; i++)
        {
            var id = 1_600_000_000_000_000_000UL + (ulong)(idBase + i);
            var token = "bench-" + (idBase + i).ToString(CultureInfo.InvariantCulture);
            var user = 300_000_000_000_000_000UL + (ulong)random.Next(Members);
            var item = items[random.Next(items.Length)];
            var roll = mix switch
            {
                "read" => 40 + random.Next(60),
                "overview" => 50,
                "ping" => -1,
                "help" => -2,
                _ => random.Next(100),
            };
            var (kind, type, data) = roll switch
            {
                -2 => ("help", 2, Command("help")),
                < 0 => ("ping", 1, new JsonObject()),
                < 25 => ("done", 2, Command("done", new JsonObject { ["type"] = 3, ["name"] = "item", ["value"] = item })),
                < 40 => ("doing", 2, Command("doing", new JsonObject { ["type"] = 3, ["name"] = "item", ["value"] = item })),
                < 65 => ("overview", 2, Command("overview")),
                < 80 => ("next", 2, Command("next")),
                _ => ("autocomplete", 4, Command("done", new JsonObject { ["type"] = 3, ["name"] = "item", ["value"] = item[..Math.Min(3, item.Length)], ["focused"] = true })),
            };
            var body = Interaction(id, token, user, type, data).ToJsonString();
            var bytes = Encoding.UTF8.GetBytes(body);
            prepared[i] = new Prepared(kind, bytes, timestamp, Sign(key, timestamp, bytes));
            discord.Register(id, token, answeredOverHttp: true);
        }

        return prepared;
    }

    /// <summary>The <c>X-Signature-Ed25519</c> header for a body, as Discord signs it (the test key above).</summary>
    internal static string Sign(string timestamp, byte[] body)
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(SecretKeyHex), KeyBlobFormat.RawPrivateKey);
        return Sign(key, timestamp, body);
    }

    private static string Sign(Key key, string timestamp, byte[] body) =>
        Convert.ToHexStringLower(SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes(timestamp), .. body]));

    private static JsonObject Command(string sub, JsonObject? option = null) => new()
    {
        ["id"] = "1346187925263613952",
        ["name"] = "progress",
        ["type"] = 1,
        ["options"] = new JsonArray(new JsonObject { ["type"] = 1, ["name"] = sub, ["options"] = option is null ? new JsonArray() : new JsonArray(option) }),
    };

    private static JsonObject Interaction(ulong id, string token, ulong user, int type, JsonObject data) => new()
    {
        ["app_permissions"] = "442368",
        ["application_id"] = FakeDiscordOptions.ApplicationId.ToString(CultureInfo.InvariantCulture),
        ["authorizing_integration_owners"] = new JsonObject { ["0"] = GuildId },
        ["channel_id"] = "645027906669510667",
        ["context"] = 0,
        ["data"] = data,
        ["entitlements"] = new JsonArray(),
        ["guild"] = new JsonObject { ["id"] = GuildId, ["locale"] = "en-US", ["features"] = new JsonArray() },
        ["guild_id"] = GuildId,
        ["guild_locale"] = "en-US",
        ["id"] = id.ToString(CultureInfo.InvariantCulture),
        ["locale"] = "en-US",
        ["member"] = new JsonObject
        {
            ["user"] = new JsonObject { ["id"] = user.ToString(CultureInfo.InvariantCulture), ["username"] = "member" + (user % 1000).ToString(CultureInfo.InvariantCulture), ["global_name"] = null, ["avatar"] = null, ["discriminator"] = "0", ["public_flags"] = 0 },
            ["roles"] = new JsonArray(),
            ["permissions"] = "3072",
            ["nick"] = null,
            ["joined_at"] = "2024-03-13T19:19:14.040000+00:00",
            ["deaf"] = false,
            ["mute"] = false,
        },
        ["token"] = token,
        ["type"] = type,
        ["version"] = 1,
    };

    internal static async Task<(int Status, int Callback)> SendAsync(HttpClient http, Prepared request)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "/discord/interactions") { Content = new ByteArrayContent(request.Body) };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        message.Headers.Add("X-Signature-Ed25519", request.Signature);
        message.Headers.Add("X-Signature-Timestamp", request.Timestamp);
        try
        {
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsByteArrayAsync();
            var type = 0;
            if (response.IsSuccessStatusCode)
            {
                using var document = System.Text.Json.JsonDocument.Parse(body);
                type = document.RootElement.GetProperty("type").GetInt32();
            }

            return ((int)response.StatusCode, type);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (0, 0);
        }
    }

    /// <summary>User + system CPU time of a process, from /proc (Linux).</summary>
    internal static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
