using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Roadmaps;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Slack.LoadTest;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// Issue 14: StudyBot, the floor (benchmarks/StudyBot.Floor) and the Node.js peers (benchmarks/peers) one after the
/// other on 127.0.0.1, each alone, on the same signed requests (signed afresh for each system, so timestamps are
/// fresh): Slack <c>/progress help</c>, Discord PING, Discord <c>/progress help</c>, and StudyBot's mixed read/write
/// mix. Per system and scenario: closed-loop throughput at 32 and 128 connections, p50/p99 at a fixed 500 and 2,000
/// requests/s, and the server process's CPU seconds per 1,000 requests (/proc); then the same forged, stale and
/// oversized requests to every system, counted as refusals, never as served.
/// </summary>
internal static class Peers
{
    private const string SlackSecret = "peers-signing-secret-0123456789abcdef";
    private const int SlackUsers = 200;

    /// <summary>
    /// The pace a closed-loop step is first prepared for (how many requests to sign before it: the driver signs nothing
    /// while measuring). A step that uses them all is run again, with fresh ids, prepared for three times the pace.
    /// </summary>
    private const int ClosedPace = 20_000;
    private const int MaxClosedPace = 180_000;

    // Interaction ids (and Slack trigger and response ids) by range, so a system never sees one twice while every system gets the
    // same ones for the same step: scenario * 100M + step * 20M + attempt * 5M; bad requests from 900M.
    private const int ScenarioIds = 100_000_000;
    private const int StepIds = 20_000_000;
    private const int AttemptIds = 5_000_000;
    private const int BadIds = 900_000_000;

    private static readonly TimeSpan StaleBy = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);
    private const int OversizedBytes = 2 << 20;

    public static readonly string[] SystemNames = ["studybot", "floor", "bolt", "discord-interactions"];

    private static readonly Scenario[] Scenarios =
    [
        new("slack-help", "slack", "help", ["studybot", "floor", "bolt"]),
        new("discord-ping", "discord", "ping", ["studybot", "floor", "discord-interactions"]),
        new("discord-help", "discord", "help", ["studybot", "floor", "discord-interactions"]),
        new("mixed", "discord", "all", ["studybot"]),
    ];

    public static readonly string[] ScenarioNames = [.. Scenarios.Select(s => s.Name)];

    /// <summary>How long each step warms up and measures, how many rounds, how many bad requests of each kind.</summary>
    public sealed record Settings(
        double Warmup, double Seconds, int Rounds, int BadRequests, int Oversized, IReadOnlyList<string> Systems, IReadOnlyList<string> ScenarioNames,
        string? Markdown, bool Quick, string HostAssembly, string FloorAssembly, string RepositoryRoot);

    /// <summary>Sends request <paramref name="index"/> of a prepared set: the HTTP status (0 or less: no answer) and what came back.</summary>
    private delegate Task<(int Status, string Answer)> Send(HttpClient client, int index);

    private sealed record Scenario(string Name, string Platform, string Mix, string[] Systems);

    public static async Task<int> RunAsync(Settings settings, ILogger log, CancellationToken cancellationToken)
    {
        if (await MissingAsync(settings, log) is { } problem)
        {
            Log.Problem(log, problem);
            return 2;
        }

        var scenarios = Scenarios.Where(s => settings.ScenarioNames.Contains(s.Name)).ToList();
        var items = RoadmapLoader.LoadDirectory(Path.Combine(settings.RepositoryRoot, "roadmap")).First().Items.Select(i => i.Id).ToArray();
        var steps = new List<PeerStep>();
        var refusals = new List<PeerRefusals>();
        var startLoad = LoadAverage();
        var started = TimeProvider.System.GetUtcNow();

        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = false });
        await using var slack = await FakeSlack.StartAsync();
        slack.EnforceRateLimits = false;
        var users = Enumerable.Range(1, SlackUsers).Select(i => $"U{i:D9}").ToArray();
        foreach (var user in users)
        {
            slack.AddUser(new FakeUser(user, "member" + user[^3..], "Europe/Berlin"));
        }

        var requests = new Requests(discord, slack, items, users);
        Log.Line(log, Invariant($"Peers run{(settings.Quick ? " (quick)" : "")}: {settings.Rounds} round(s) of {string.Join(", ", settings.Systems)} on {string.Join(", ", scenarios.Select(s => s.Name))}; each step {settings.Warmup:0.#} s warm-up + {settings.Seconds:0.#} s measured; {Environment.ProcessorCount} cores, load average {startLoad:0.0} at the start"));
        for (var round = 1; round <= settings.Rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            foreach (var system in SystemNames.Where(settings.Systems.Contains))
            {
                var mine = scenarios.Where(s => s.Systems.Contains(system)).ToList();
                if (mine.Count == 0 || cancellationToken.IsCancellationRequested)
                {
                    continue;
                }

                await using var server = await StartAsync(system, settings, discord, slack, log);
                if (server is null)
                {
                    return 1;
                }

                Log.Line(log, $"== round {round}: {server.Name} (pid {server.ProcessId}) on {server.Address}");
                foreach (var scenario in mine)
                {
                    var before = steps.Count;
                    await RunScenarioAsync(round, scenario, server, requests, settings, steps, log, cancellationToken);
                    if (server.HasExited)
                    {
                        Log.Problem(log, $"{server.Name} exited during {scenario.Name}:\n{server.Tail}");
                        return 1;
                    }

                    // The load average belongs to the scenario as a whole: written on its last step.
                    if (steps.Count > before)
                    {
                        steps[^1] = steps[^1] with { Load = LoadAverage() };
                    }
                }

                foreach (var platform in mine.Select(s => s.Platform).Distinct())
                {
                    if (!cancellationToken.IsCancellationRequested)
                    {
                        await SettleAsync(server, log);
                        refusals.AddRange(await BadInputAsync(round, server, platform, requests, settings, log));
                    }
                }

                if (system == "studybot")
                {
                    // What StudyBot asked of the fakes so far (cumulative over rounds): its own outbound work per command.
                    Log.Line(log, Invariant($"Fake Slack so far: {string.Join(", ", slack.Calls.GroupBy(c => c.Method).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} x{g.Count()}"))}; response_url posts x{slack.ResponseUrlPosts.Count}. Fake Discord so far: {discord.TotalRequests} requests, @original edits x{discord.Interactions.Values.Sum(x => x.Edits.Count)}"));
                }
            }
        }

        var heading = Invariant($"Peers run of {started:yyyy-MM-dd HH:mm} UTC{(settings.Quick ? ", --quick" : "")}: {settings.Rounds} round(s), {settings.Warmup:0.#} s warm-up + {settings.Seconds:0.#} s per step, {Environment.ProcessorCount} cores, load average {startLoad:0.0} at the start and {LoadAverage():0.0} at the end{(cancellationToken.IsCancellationRequested ? " (stopped early)" : "")}.");
        var markdown = PeerTable.Markdown(steps, refusals, heading);
        if (settings.Markdown is { } path)
        {
            await File.WriteAllTextAsync(path, markdown, CancellationToken.None);
            Log.Line(log, $"Tables written to {path}");
        }

        // Plain, after the log lines, for pasting into docs/benchmarks.md.
        await Task.Delay(200, CancellationToken.None);
        await Console.Out.WriteLineAsync(Environment.NewLine + markdown);
        var servedBad = refusals.Where(r => r.Served > 0).ToList();
        foreach (var bad in servedBad)
        {
            Log.Line(log, $"NOTE: {bad.System} served {bad.Served} of {bad.Sent} {bad.Kind} requests on {bad.Endpoint} (round {bad.Round}).");
        }

        return cancellationToken.IsCancellationRequested ? 1 : 0;
    }

    /// <summary>What must exist before anything starts: the Release builds, Node.js and each selected peer's node_modules.</summary>
    private static async Task<string?> MissingAsync(Settings settings, ILogger log)
    {
        if (!File.Exists(settings.HostAssembly))
        {
            return $"StudyBot not built: {settings.HostAssembly}. Run: dotnet build -c Release StudyBot.sln";
        }

        if (settings.Systems.Contains("floor") && !File.Exists(settings.FloorAssembly))
        {
            return $"The floor is not built: {settings.FloorAssembly}. Run: dotnet build -c Release StudyBot.sln";
        }

        var peers = settings.Systems.Where(s => s is "bolt" or "discord-interactions").ToList();
        if (peers.Count == 0)
        {
            return null;
        }

        if (await PeerServer.VersionAsync("node") is not { } version)
        {
            return "Node.js (node) is not on PATH: the peers need Node.js 18 or later. Install it, or leave the peers out with --systems studybot,floor.";
        }

        Log.Line(log, $"Node.js {version}");
        foreach (var peer in peers)
        {
            var folder = PeerFolder(settings, peer);
            if (!Directory.Exists(Path.Combine(folder, "node_modules")))
            {
                return $"{peer} is not installed: run `npm ci` in {Path.GetRelativePath(settings.RepositoryRoot, folder)} (it installs the versions pinned in its package-lock.json), or leave it out with --systems.";
            }
        }

        return null;
    }

    private static string PeerFolder(Settings settings, string peer) =>
        Path.GetFullPath(Path.Combine(settings.RepositoryRoot, "benchmarks", "peers", peer == "bolt" ? "slack-bolt" : peer));

    private static async Task<PeerServer?> StartAsync(string system, Settings settings, FakeDiscordServer discord, FakeSlack slack, ILogger log)
    {
        if (system == "studybot")
        {
            // Discord and Slack both in HTTP mode in one process, on a fresh SQLite file, against the fakes.
            var slackSettings = new Dictionary<string, string>
            {
                ["Slack__BotToken"] = FakeSlack.BotToken,
                ["Slack__Mode"] = "Http",
                ["Slack__SigningSecret"] = SlackSecret,
                ["Slack__ApiBaseUrl"] = slack.ApiBaseUrl,
                ["Slack__MethodLimits__users.info"] = "100000",
            };
            var hosts = await Hosts.StartAsync(new InteractionLoad.Settings(0, 0, 0, settings.HostAssembly, settings.RepositoryRoot), discord, "sqlite", 1, slackSettings, log);
            return hosts is null ? null : PeerServer.Of(hosts);
        }

        var port = InteractionLoad.FreePort();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        return system switch
        {
            "floor" => await PeerServer.StartAsync("floor", "dotnet", [settings.FloorAssembly], settings.RepositoryRoot, port, new Dictionary<string, string>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{portText}",
                ["Slack__SigningSecret"] = SlackSecret,
                ["Discord__PublicKey"] = InteractionLoad.PublicKeyHex,
            }, log),
            "bolt" => await PeerServer.StartAsync("Bolt", "node", ["app.js"], PeerFolder(settings, system), port, new Dictionary<string, string>
            {
                ["PORT"] = portText,
                ["SLACK_SIGNING_SECRET"] = SlackSecret,
                ["NODE_ENV"] = "production",
            }, log),
            "discord-interactions" => await PeerServer.StartAsync("discord-interactions", "node", ["app.js"], PeerFolder(settings, system), port, new Dictionary<string, string>
            {
                ["PORT"] = portText,
                ["DISCORD_PUBLIC_KEY"] = InteractionLoad.PublicKeyHex,
                ["NODE_ENV"] = "production",
            }, log),
            _ => throw new ArgumentException($"Unknown system '{system}'.", nameof(system)),
        };
    }

    /// <summary>
    /// The four steps of one scenario on one system. Every system gets the same request bodies for a step (the ids
    /// depend on the scenario and the step only); 2,000/s is skipped when 500/s already could not keep up.
    /// </summary>
    private static async Task RunScenarioAsync(int round, Scenario scenario, PeerServer server, Requests requests, Settings settings, List<PeerStep> steps, ILogger log, CancellationToken cancellationToken)
    {
        var idBase = Array.IndexOf(Scenarios, scenario) * ScenarioIds;
        var saturated = false;
        for (var k = 0; k < PeerTable.Steps.Length && !cancellationToken.IsCancellationRequested; k++)
        {
            var stepName = PeerTable.Steps[k];
            var connections = k switch { 0 => 32, 1 => 128, _ => 0 };
            await SettleAsync(server, log);
            var rate = k switch { 2 => 500, 3 => 2000, _ => 0 };
            PeerStep step;
            if (saturated)
            {
                step = new PeerStep(round, scenario.Name, server.Name, stepName, 0, rate, 0, 0, "", double.NaN, double.NaN, double.NaN, double.NaN, LoadAverage(), "", "500/s was already over capacity");
            }
            else if (connections > 0)
            {
                var pace = ClosedPace;
                for (var attempt = 0; ; attempt++)
                {
                    var count = (int)Math.Ceiling(pace * (settings.Warmup + settings.Seconds));
                    var send = requests.Valid(scenario, idBase + (k * StepIds) + (attempt * AttemptIds), count, TimeProvider.System.GetUtcNow());
                    (step, var exhausted) = await ClosedLoopAsync(round, scenario, server, stepName, connections, count, send, settings, cancellationToken);
                    if (!exhausted || pace >= MaxClosedPace || cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    pace *= 3;
                    Log.Line(log, Invariant($"round {round} · {server.Name} · {scenario.Name} · {stepName}: used all {count:#,0} signed requests ({step.Throughput:#,0} req/s); again, prepared for {pace:#,0} req/s"));
                }
            }
            else
            {
                var count = (int)Math.Round(rate * (settings.Warmup + settings.Seconds));
                var send = requests.Valid(scenario, idBase + (k * StepIds), count, TimeProvider.System.GetUtcNow());
                step = await FixedRateAsync(round, scenario, server, stepName, rate, count, send, settings);
                saturated = step.Served < step.Sent || step.P99 > 1000;
            }

            steps.Add(step);
            Log.Line(log, Invariant($"round {round} · {server.Name} · {scenario.Name} · {stepName}: ") + (step.Skipped
                ? "skipped (" + step.Note + ")"
                : Invariant($"served {step.Served:#,0} / {step.Sent:#,0}{(step.Other.Length > 0 ? " (other: " + step.Other + ")" : "")}, {step.Throughput:#,0} req/s, {(rate > 0 ? $"p50 {step.P50:0.0} ms, p99 {step.P99:0.0} ms, " : "")}CPU {step.CpuPer1000:0.000} s per 1,000; answers {step.Answers}{(step.Note.Length > 0 ? "; " + step.Note : "")}")));
        }
    }

    /// <summary>
    /// Closed loop: <paramref name="connections"/> clients each send the next request as soon as their previous one is
    /// answered; warm-up first (not counted), then the measured stretch with the server's CPU read before and after.
    /// </summary>
    private static async Task<(PeerStep Step, bool Exhausted)> ClosedLoopAsync(int round, Scenario scenario, PeerServer server, string stepName, int connections, int count, Send send, Settings settings, CancellationToken cancellationToken)
    {
        using var client = Client(server.Address, connections);
        var next = -1;
        await PhaseAsync(TimeSpan.FromSeconds(settings.Warmup));
        var cpuBefore = server.CpuSeconds();
        var tally = await PhaseAsync(TimeSpan.FromSeconds(settings.Seconds));
        var cpu = server.CpuSeconds() - cpuBefore;
        var step = new PeerStep(
            round, scenario.Name, server.Name, stepName, connections, 0, tally.Sent, tally.Served, tally.OtherText, tally.Served / tally.Seconds, double.NaN, double.NaN,
            tally.Sent == 0 ? double.NaN : cpu * 1000 / tally.Sent, LoadAverage(), tally.AnswersText,
            tally.Exhausted ? Invariant($"ran out of the {count:#,0} signed requests after {tally.Seconds:0.0} s") : "");
        return (step, tally.Exhausted || next >= count);

        async Task<Tally> PhaseAsync(TimeSpan duration)
        {
            var phase = new Tally();
            var clock = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref next);
                    if (index >= count)
                    {
                        phase.Exhausted = true;
                        return;
                    }

                    var (status, answer) = await send(client, index);
                    phase.Add(status, answer);
                }
            }, CancellationToken.None));
            await Task.WhenAll(workers);
            phase.Seconds = clock.Elapsed.TotalSeconds;
            return phase;
        }
    }

    /// <summary>Open loop at a fixed rate (<see cref="InteractionLoad.RunOpenLoopAsync"/>): latency from each request's due time.</summary>
    private static async Task<PeerStep> FixedRateAsync(int round, Scenario scenario, PeerServer server, string stepName, int rate, int count, Send send, Settings settings)
    {
        using var client = Client(server.Address, 1024);
        var status = new int[count];
        var answers = new string[count];
        var cpuBefore = server.CpuSeconds();
        var (due, _, done) = await InteractionLoad.RunOpenLoopAsync(count, rate, async i => (status[i], answers[i]) = await send(client, i));
        var cpu = server.CpuSeconds() - cpuBefore;
        var first = Math.Min(count - 1, (int)Math.Round(rate * settings.Warmup));
        var measured = Enumerable.Range(first, count - first).ToList();
        var frequency = (double)Stopwatch.Frequency;
        var latencies = measured.Select(i => (done[i] - due[i]) * 1000.0 / frequency).Order().ToList();
        var tally = new Tally();
        foreach (var i in measured)
        {
            tally.Add(status[i], answers[i]);
        }

        var window = (measured.Max(i => done[i]) - due[first]) / frequency;
        return new PeerStep(
            round, scenario.Name, server.Name, stepName, 0, rate, tally.Sent, tally.Served, tally.OtherText, tally.Served / window,
            Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99), cpu * 1000 / count, LoadAverage(), tally.AnswersText);
    }

    /// <summary>
    /// The same bad requests to every system: forged (a wrong signature), stale (signed ten minutes ago) and oversized
    /// (2 MiB, correctly signed now). Forged and stale go over 16 connections with the server's CPU read around them.
    /// </summary>
    private static async Task<List<PeerRefusals>> BadInputAsync(int round, PeerServer server, string platform, Requests requests, Settings settings, ILogger log)
    {
        var endpoint = platform == "slack" ? SignedCommand.Path : "/discord/interactions";
        var n = settings.BadRequests;
        var forged = requests.Forged(platform, n);
        var stale = requests.Stale(platform, n);
        var oversized = requests.Oversized(platform, settings.Oversized);
        using var client = Client(server.Address, 16);
        var cpuBefore = server.CpuSeconds();
        var forgedTally = await SendAllAsync(client, forged, n, 16);
        var staleTally = await SendAllAsync(client, stale, n, 16);
        var cpu = (server.CpuSeconds() - cpuBefore) * 1000 / (2 * n);
        using var single = Client(server.Address, 1);
        var oversizedTally = await SendAllAsync(single, oversized, settings.Oversized, 1);
        var results = new List<PeerRefusals>
        {
            forgedTally.Refusals(round, server.Name, endpoint, "forged", cpu),
            staleTally.Refusals(round, server.Name, endpoint, "stale", cpu),
            oversizedTally.Refusals(round, server.Name, endpoint, "oversized", double.NaN),
        };
        foreach (var r in results)
        {
            Log.Line(log, Invariant($"round {round} · {server.Name} · {endpoint} · {r.Kind}: refused {r.Refused} / {r.Sent}, cut {r.Cut}, served {r.Served}, other {r.Other}{(r.Kind == "forged" ? $"; CPU {cpu:0.000} s per 1,000 forged and stale" : "")}"));
        }

        return results;
    }

    private static async Task<Tally> SendAllAsync(HttpClient client, Send send, int count, int connections)
    {
        var tally = new Tally();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < count)
            {
                var (status, answer) = await send(client, index);
                tally.Add(status, answer);
            }
        })));
        return tally;
    }

    /// <summary>
    /// Waits (at most a minute) until the server is idle: under a tenth of a core over half a second. A step after an
    /// overloaded one would otherwise pay for the backlog the server is still working through.
    /// </summary>
    private static async Task SettleAsync(PeerServer server, ILogger log)
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < SettleTimeout && !server.HasExited)
        {
            var before = server.CpuSeconds();
            await Task.Delay(500);
            if (server.CpuSeconds() - before < 0.05)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(2))
                {
                    Log.Line(log, Invariant($"{server.Name} settled after {waited.Elapsed.TotalSeconds:0} s"));
                }

                return;
            }
        }

        Log.Line(log, Invariant($"{server.Name} was still busy after {SettleTimeout.TotalSeconds:0} s; going on"));
    }

    private static HttpClient Client(Uri address, int connections) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseCookies = false, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        };

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    /// <summary>Answers counted as they come: 2xx served, 4xx refused, no answer cut, anything else other.</summary>
    private sealed class Tally
    {
        private readonly ConcurrentDictionary<int, int> _statuses = new();
        private readonly ConcurrentDictionary<string, int> _answers = new();

        public bool Exhausted { get; set; }

        public double Seconds { get; set; }

        public int Sent => _statuses.Values.Sum();

        public int Served => Count(s => s is >= 200 and < 300);

        public string OtherText => string.Join(", ", _statuses.Where(s => s.Key is < 200 or >= 300).OrderBy(s => s.Key).Select(s => $"{(s.Key <= 0 ? "no answer" : s.Key.ToString(CultureInfo.InvariantCulture))} x{s.Value}"));

        public string AnswersText => string.Join(", ", _answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key} x{a.Value}"));

        public void Add(int status, string answer)
        {
            _statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is >= 200 and < 300)
            {
                _answers.AddOrUpdate(answer, 1, (_, n) => n + 1);
            }
        }

        public PeerRefusals Refusals(int round, string system, string endpoint, string kind, double cpuPer1000) => new(
            round, system, endpoint, kind, Sent, Count(s => s is >= 400 and < 500), Count(s => s <= 0), Served, Count(s => s is > 0 and < 200 or >= 300 and < 400 or >= 500), cpuPer1000);

        private int Count(Func<int, bool> which) => _statuses.Where(s => which(s.Key)).Sum(s => s.Value);
    }

    /// <summary>
    /// Signed requests, built and signed before a step starts: Slack commands through <see cref="SignedCommand"/> (the
    /// Slack load driver's), Discord interactions through <see cref="InteractionLoad.Prepare"/> (the interactions
    /// benchmark's).
    /// </summary>
    private sealed class Requests(FakeDiscordServer discord, FakeSlack slack, string[] items, string[] users)
    {
        public Send Valid(Scenario scenario, int idBase, int count, DateTimeOffset at) => scenario.Platform == "slack"
            ? Slack(idBase, count, scenario.Mix, at, null)
            : Discord(idBase, count, scenario.Mix, at, null);

        /// <summary>A correct request with one character of its signature changed.</summary>
        public Send Forged(string platform, int count) => platform == "slack"
            ? Slack(BadIds, count, "help", Now, c => c with { Signature = Flip(c.Signature) })
            : Discord(BadIds, count, "help", Now, p => p with { Signature = Flip(p.Signature) });

        /// <summary>Correctly signed, ten minutes ago: outside both platforms' five-minute window.</summary>
        public Send Stale(string platform, int count) => platform == "slack"
            ? Slack(BadIds + AttemptIds, count, "help", Now - StaleBy, null)
            : Discord(BadIds + AttemptIds, count, "help", Now - StaleBy, null);

        /// <summary>2 MiB (over StudyBot's and the floor's 1 MiB), correctly signed now.</summary>
        public Send Oversized(string platform, int count) => platform == "slack"
            ? Slack(BadIds + (2 * AttemptIds), count, "help", Now, c => SignedCommand.Sign(SlackSecret, [.. c.Body, .. Encoding.ASCII.GetBytes("&padding="), .. Padding()], Now))
            : Discord(BadIds + (2 * AttemptIds), count, "help", Now, p =>
            {
                byte[] body = [.. "{\"padding\":\""u8, .. Padding(), .. "\","u8, .. p.Body.AsSpan(1)];
                return p with { Body = body, Signature = InteractionLoad.Sign(p.Timestamp, body) };
            });

        private static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

        private static byte[] Padding()
        {
            var padding = new byte[OversizedBytes];
            Array.Fill(padding, (byte)'x');
            return padding;
        }

        private static string Flip(string signature) => signature[..^1] + (signature[^1] == '0' ? '1' : '0');

        private Send Slack(int idBase, int count, string text, DateTimeOffset at, Func<SignedCommand, SignedCommand>? change)
        {
            var commands = new SignedCommand[count];
            for (var i = 0; i < count; i++)
            {
                var n = idBase + i;
                var id = n.ToString(CultureInfo.InvariantCulture);
                var body = SignedCommand.Form(FakeSlack.TeamId, FakeSlack.TeamDomain, users[n % users.Length], text, slack.ResponseUrl("peer-" + id), "1.peer." + id);
                var command = SignedCommand.Sign(SlackSecret, body, at);
                commands[i] = change is null ? command : change(command);
            }

            return async (client, i) =>
            {
                var (status, answered) = await commands[i].SendAsync(client);
                return (status, answered ? "text" : "empty");
            };
        }

        private Send Discord(int idBase, int count, string mix, DateTimeOffset at, Func<InteractionLoad.Prepared, InteractionLoad.Prepared>? change)
        {
            var prepared = InteractionLoad.Prepare(count, idBase, items, discord, mix, at);
            if (change is not null)
            {
                prepared = [.. prepared.Select(change)];
            }

            return async (client, i) =>
            {
                var (status, type) = await InteractionLoad.SendAsync(client, prepared[i]);
                return (status, type == 0 ? "no type" : "type " + type.ToString(CultureInfo.InvariantCulture));
            };
        }
    }
}
