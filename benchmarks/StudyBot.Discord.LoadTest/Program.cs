using System.Reflection;
using Microsoft.Extensions.Logging;
using StudyBot.Discord.LoadTest;

// Load drivers for docs/benchmarks.md; not part of `dotnet test`.
//   interactions [--rate 500] [--seconds 30] [--warmup 5] [--mix overview|all|read|ping]   signed POST /discord/interactions against the real host
//   dms [--count 5000] [--concurrency 64]                    DMs through the REST client against the fake's 50 req/s
//   (interactions also takes [--db sqlite|postgres] [--instances 1]: PostgreSQL is a private server the driver starts)
//   scale [--rates 100,150,200,250,300,400] [--configs sqlitex1,postgresx1,postgresx2,postgresx3] [--seconds 10] [--warmup 3] [--rounds 1] [--mix all]
//                                                            issue 13: the mix on SQLite vs PostgreSQL with 1-3 instances, rising rates
//   fanout [--members 100000] [--instances 3] [--known-dm-channels] [--global-limit 50]
//                                                            issue 13: a reminder fan-out across instances on PostgreSQL
//                                                            (--known-dm-channels: every member's DM channel already kept;
//                                                            --global-limit: the fake Discord's global limit, also given to the hosts)
//   peers [--quick] [--rounds 2] [--seconds 10] [--warmup 2] [--systems studybot,floor,bolt,discord-interactions]
//         [--scenarios slack-help,discord-ping,discord-help,mixed] [--bad 2000] [--markdown FILE]
//                                                            issue 14: StudyBot, the floor and the Node.js peers side by side
using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss ";
}).SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
var log = loggers.CreateLogger("LoadTest");

var mode = args.FirstOrDefault() ?? "";
int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length && int.TryParse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

string Text(string name, string fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
}

double Number(string name, double fallback)
{
    var index = Array.IndexOf(args, "--" + name);
    return index >= 0 && index + 1 < args.Length && double.TryParse(args[index + 1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value : fallback;
}

var metadata = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? "");
switch (mode)
{
    case "interactions":
        return await InteractionLoad.RunAsync(
            new InteractionLoad.Settings(Option("rate", 500), Option("seconds", 30), Option("warmup", 5), Path.GetFullPath(metadata["HostAssembly"]), Path.GetFullPath(metadata["RepositoryRoot"]), Text("mix", "overview"), Text("db", "sqlite"), Option("instances", 1)),
            log);
    case "scale":
        return await InteractionLoad.RunScaleAsync(
            new InteractionLoad.Settings(0, Option("seconds", 10), Option("warmup", 3), Path.GetFullPath(metadata["HostAssembly"]), Path.GetFullPath(metadata["RepositoryRoot"]), Text("mix", "all")),
            Text("rates", "100,150,200,250,300,400").Split(',').Select(r => int.Parse(r, System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            Text("configs", "sqlitex1,postgresx1,postgresx2,postgresx3").Split(','),
            Option("rounds", 1),
            log);
    case "fanout":
        return await FanOut.RunAsync(
            new InteractionLoad.Settings(0, 0, 0, Path.GetFullPath(metadata["HostAssembly"]), Path.GetFullPath(metadata["RepositoryRoot"])),
            Option("members", 100_000),
            Option("instances", 3),
            args.Contains("--known-dm-channels"),
            Option("global-limit", 50),
            log);
    case "peers":
    {
        var quick = args.Contains("--quick");
        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler cancel = (_, e) =>
        {
            // Ctrl+C: stop after the current step; the servers are stopped and the tables printed for what ran.
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += cancel;

        // SIGTERM likewise, so a stopped run still stops the servers it started.
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            var systems = Text("systems", string.Join(',', Peers.SystemNames)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var scenarios = Text("scenarios", string.Join(',', Peers.ScenarioNames)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (systems.Except(Peers.SystemNames).Concat(scenarios.Except(Peers.ScenarioNames)).ToList() is { Count: > 0 } unknown)
            {
                Log.Problem(log, $"Unknown: {string.Join(", ", unknown)}. Systems: {string.Join(", ", Peers.SystemNames)}; scenarios: {string.Join(", ", Peers.ScenarioNames)}.");
                return 2;
            }

            return await Peers.RunAsync(
                new Peers.Settings(
                    Number("warmup", quick ? 0.5 : 2),
                    Number("seconds", quick ? 1.5 : 10),
                    Option("rounds", 2),
                    Option("bad", quick ? 300 : 2000),
                    Option("oversized", quick ? 3 : 10),
                    systems,
                    scenarios,
                    args.Contains("--markdown") ? Text("markdown", "") : null,
                    quick,
                    Path.GetFullPath(metadata["HostAssembly"]),
                    Path.GetFullPath(metadata["FloorAssembly"]),
                    Path.GetFullPath(metadata["RepositoryRoot"])),
                log,
                stop.Token);
        }
        finally
        {
            Console.CancelKeyPress -= cancel;
        }
    }

    case "dms":
        return await DmLoad.RunAsync(Option("count", 5000), Option("concurrency", 64), loggers, log);
    default:
        Log.Usage(log);
        return 2;
}

/// <summary>Entry point type, for the assembly attributes.</summary>
public partial class Program;
