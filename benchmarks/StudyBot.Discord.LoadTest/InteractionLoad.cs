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
    private const string PublicKeyHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private const string GuildId = "290926798626357999";
    private const int Members = 400;

    public sealed record Settings(int Rate, int Seconds, int Warmup, string HostAssembly, string RepositoryRoot, string Mix = "all");

    private sealed record Prepared(string Kind, byte[] Body, string Timestamp, string Signature);

    public static async Task<int> RunAsync(Settings settings, ILogger log)
    {
        if (!File.Exists(settings.HostAssembly))
        {
            Log.Problem(log, $"Host not built: {settings.HostAssembly}. Run: dotnet build -c Release StudyBot.sln");
            return 2;
        }

        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = false });
        var directory = Directory.CreateTempSubdirectory("studybot-discord-bench-").FullName;
        var port = FreePort();
        using var host = StartHost(settings, discord, directory, port);
        var stderr = new ConcurrentQueue<string>();
        host.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                stderr.Enqueue(e.Data);
            }
        };
        host.BeginErrorReadLine();
        host.BeginOutputReadLine();

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
        try
        {
            if (!await WaitHealthyAsync(http, host))
            {
                Log.Problem(log, "The host did not become healthy:\n" + string.Join('\n', stderr.TakeLast(20)));
                return 1;
            }

            var roadmap = RoadmapLoader.LoadDirectory(Path.Combine(settings.RepositoryRoot, "roadmap")).First();
            var total = (settings.Warmup + settings.Seconds) * settings.Rate;
            var requests = Prepare(total, roadmap.Items.Select(i => i.Id).ToArray(), discord, settings.Mix);
            Log.Line(log, $"Mix: {settings.Mix}. Prepared {total} signed interactions ({settings.Warmup} s warm-up + {settings.Seconds} s measured at {settings.Rate}/s) for {Members} members; host pid {host.Id} on port {port}");

            var due = new long[total];
            var done = new long[total];
            var sentAt = new long[total];
            var status = new int[total];
            var callback = new int[total];
            var frequency = Stopwatch.Frequency;
            var start = Stopwatch.GetTimestamp() + frequency / 10;
            var hostCpuBefore = CpuSeconds(host.Id);
            var driverCpuBefore = CpuSeconds(Environment.ProcessId);
            var tasks = new Task[total];
            for (var i = 0; i < total; i++)
            {
                due[i] = start + (long)(i * (double)frequency / settings.Rate);
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
                (status[index], callback[index]) = await SendAsync(http, requests[index]);
                done[index] = Stopwatch.GetTimestamp();
            }

            await Task.WhenAll(tasks);
            var hostCpu = CpuSeconds(host.Id) - hostCpuBefore;
            var driverCpu = CpuSeconds(Environment.ProcessId) - driverCpuBefore;

            var first = settings.Warmup * settings.Rate;
            var measured = Enumerable.Range(first, total - first).ToList();
            var latencies = measured.Select(i => (done[i] - due[i]) * 1000.0 / frequency).Order().ToList();
            var service = measured.Select(i => (done[i] - sentAt[i]) * 1000.0 / frequency).Order().ToList();
            var lag = measured.Select(i => (sentAt[i] - due[i]) * 1000.0 / frequency).Order().ToList();
            var window = (measured.Max(i => done[i]) - due[first]) / (double)frequency;
            var ok = measured.Count(i => status[i] == 200);

            Log.Line(log, $"Measured {measured.Count} requests in {window:0.00} s: throughput {ok / window:0.0} answered/s (target {settings.Rate}/s)");
            Log.Line(log, $"HTTP 200: {ok}; other: {string.Join(", ", measured.Where(i => status[i] != 200).GroupBy(i => status[i]).Select(g => $"{g.Key} x{g.Count()}"))}");
            Log.Line(log, $"Answers: {string.Join(", ", measured.GroupBy(i => callback[i]).OrderBy(g => g.Key).Select(g => $"type {g.Key} x{g.Count()}"))} (4 message, 5 deferral, 8 autocomplete)");
            Log.Line(log, $"Latency from due time (ms): p50 {Percentiles.Of(latencies, 50):0.00}, p90 {Percentiles.Of(latencies, 90):0.00}, p99 {Percentiles.Of(latencies, 99):0.00}, p99.9 {Percentiles.Of(latencies, 99.9):0.00}, max {latencies[^1]:0.00}");
            Log.Line(log, $"Service time from send (ms): p50 {Percentiles.Of(service, 50):0.00}, p99 {Percentiles.Of(service, 99):0.00}; driver lag p99 {Percentiles.Of(lag, 99):0.00} ms");
            Log.Line(log, $"By kind p99 (ms): {string.Join(", ", measured.GroupBy(i => requests[i].Kind).Select(g => $"{g.Key} {Percentiles.Of(g.Select(i => (done[i] - due[i]) * 1000.0 / frequency).Order().ToList(), 99):0.00}"))}");
            Log.Line(log, $"CPU over the whole run: host {hostCpu:0.0} s = {hostCpu * 1000 / total:0.00} ms per request; driver and fake Discord {driverCpu:0.0} s; machine load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
            Log.Line(log, $"Edits of @original at the fake Discord (deferred answers): {discord.Interactions.Values.Sum(x => x.Edits.Count)}");
            var pass = ok == measured.Count && Percentiles.Of(latencies, 99) < 20;
            Log.Line(log, pass ? "PASS: every request answered, p99 under 20 ms" : "FAIL: errors or p99 at or above 20 ms");
            return pass ? 0 : 1;
        }
        finally
        {
            try
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process StartHost(Settings settings, FakeDiscordServer discord, string directory, int port)
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
        start.Environment["Discord__StateDirectory"] = Path.Combine(directory, "state");
        start.Environment["Http__Urls"] = $"http://127.0.0.1:{port}";
        start.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(directory, "studybot.db")}";
        start.Environment["Roadmaps__Directory"] = Path.Combine(settings.RepositoryRoot, "roadmap");
        start.Environment["Scheduling__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
    }

    private static async Task<bool> WaitHealthyAsync(HttpClient http, Process host)
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

    /// <summary>A realistic mix: marking items done or in progress (writes), overview and next (reads), autocomplete.</summary>
    private static Prepared[] Prepare(int total, string[] items, FakeDiscordServer discord, string mix)
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromHexString(SecretKeyHex), KeyBlobFormat.RawPrivateKey);
        var random = new Random(20261125);
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prepared = new Prepared[total];
        for (var i = 0; i < total; i++)
        {
            var id = 1_600_000_000_000_000_000UL + (ulong)i;
            var token = "bench-" + i.ToString(CultureInfo.InvariantCulture);
            var user = 300_000_000_000_000_000UL + (ulong)random.Next(Members);
            var item = items[random.Next(items.Length)];
            var roll = mix switch
            {
                "read" => 40 + random.Next(60),
                "overview" => 50,
                "ping" => -1,
                _ => random.Next(100),
            };
            var (kind, type, data) = roll switch
            {
                < 0 => ("ping", 1, new JsonObject()),
                < 25 => ("done", 2, Command("done", new JsonObject { ["type"] = 3, ["name"] = "item", ["value"] = item })),
                < 40 => ("doing", 2, Command("doing", new JsonObject { ["type"] = 3, ["name"] = "item", ["value"] = item })),
                < 65 => ("overview", 2, Command("overview")),
                < 80 => ("next", 2, Command("next")),
                _ => ("autocomplete", 4, Command("done", new JsonObject { ["type"] = 3, ["name"] = "item", ["value"] = item[..Math.Min(3, item.Length)], ["focused"] = true })),
            };
            var body = Interaction(id, token, user, type, data).ToJsonString();
            var bytes = Encoding.UTF8.GetBytes(body);
            var signature = SignatureAlgorithm.Ed25519.Sign(key, [.. Encoding.UTF8.GetBytes(timestamp), .. bytes]);
            prepared[i] = new Prepared(kind, bytes, timestamp, Convert.ToHexStringLower(signature));
            discord.Register(id, token, answeredOverHttp: true);
        }

        return prepared;
    }

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

    private static async Task<(int Status, int Callback)> SendAsync(HttpClient http, Prepared request)
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
    private static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / 100.0;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
