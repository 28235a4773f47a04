using System.Reflection;
using Microsoft.Extensions.Logging;
using StudyBot.Discord.LoadTest;

// Load drivers for docs/benchmarks.md; not part of `dotnet test`.
//   interactions [--rate 500] [--seconds 30] [--warmup 5] [--mix overview|all|read|ping]   signed POST /discord/interactions against the real host
//   dms [--count 5000] [--concurrency 64]                    DMs through the REST client against the fake's 50 req/s
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

var metadata = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value ?? "");
switch (mode)
{
    case "interactions":
        return await InteractionLoad.RunAsync(
            new InteractionLoad.Settings(Option("rate", 500), Option("seconds", 30), Option("warmup", 5), Path.GetFullPath(metadata["HostAssembly"]), Path.GetFullPath(metadata["RepositoryRoot"]), Text("mix", "overview")),
            log);
    case "dms":
        return await DmLoad.RunAsync(Option("count", 5000), Option("concurrency", 64), loggers, log);
    default:
        Log.Usage(log);
        return 2;
}

/// <summary>Entry point type, for the assembly attributes.</summary>
public partial class Program;
