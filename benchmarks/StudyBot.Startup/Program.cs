using System.Globalization;
using StudyBot.Startup;

// Issue 14's start-up benchmark. Starts the real StudyBot host as a separate process, again and again, and times it
// from the process's start: to the first console reply, and to the first signed Slack command answered over HTTP;
// with the memory the process holds once idle, also on a database of 100,000 members.
//
//   dotnet build -c Release StudyBot.sln
//   dotnet benchmarks/StudyBot.Startup/bin/Release/net10.0/linux-x64/StudyBot.Startup.dll [--runs 7] [--idle 5]
//       [--host label=path/to/StudyBot.Host.dll ...] [--scenarios console-fresh,console,http-fresh,http,members]
//       [--members 100000] [--env [label:]KEY=VALUE ...]
//
// Several --host options are run side by side: every round starts each host once per scenario, alternating, so they
// see the same machine. The same build may be given twice under two labels, with different --env label:KEY=VALUE
// settings (e.g. DOTNET_gcServer=0), to compare runtime settings side by side. Without --host it runs src/StudyBot.Host/bin/Release/net10.0/linux-x64/StudyBot.Host.dll.
var runs = 7;
var idle = 5.0;
var members = 100_000;
var hosts = new List<(string Label, string Path)>();
var scenarios = new List<string>();
var environment = new Dictionary<string, string>(StringComparer.Ordinal);
for (var i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--runs":
            runs = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--idle":
            idle = double.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--members":
            members = int.Parse(Next(), CultureInfo.InvariantCulture);
            break;
        case "--host":
            var host = Next();
            var eq = host.IndexOf('=', StringComparison.Ordinal);
            hosts.Add(eq > 0 ? (host[..eq], Path.GetFullPath(host[(eq + 1)..])) : ($"host{hosts.Count + 1}", Path.GetFullPath(host)));
            break;
        case "--scenarios":
            scenarios.AddRange(Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            break;
        case "--env":
            // --env KEY=VALUE for every host, or --env label:KEY=VALUE for one.
            var pair = Next();
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            environment[pair[..at]] = pair[(at + 1)..];
            break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Usage: [--runs 7] [--idle 5] [--host label=StudyBot.Host.dll ...] [--scenarios {string.Join(',', Scenario.All.Select(s => s.Name))}] [--members 100000] [--env KEY=VALUE ...]");
            return 2;
    }
}

if (hosts.Count == 0)
{
    hosts.Add(("this", Path.Combine(StartupBenchmark.RepositoryRoot(), "src", "StudyBot.Host", "bin", "Release", "net10.0", "linux-x64", "StudyBot.Host.dll")));
}

foreach (var (label, path) in hosts)
{
    if (!File.Exists(path))
    {
        Console.Error.WriteLine($"{label}: {path} does not exist. Build it first: dotnet build -c Release src/StudyBot.Host");
        return 2;
    }
}

var chosen = scenarios.Count == 0 ? Scenario.All : scenarios.Select(Scenario.Named).ToList();
return await StartupBenchmark.RunAsync(hosts, chosen, runs, TimeSpan.FromSeconds(idle), members, environment);
