using BenchmarkDotNet.Running;
using StudyBot.Benchmarks;

if (args is ["probe", ..])
{
    // A quick look at one command's SQL and timings on the seeded database, for perf debugging.
    await Probe.RunAsync(args.Length > 1 ? args[1] : "/progress");
    return;
}

if (args is ["drain", ..])
{
    await DrainDriver.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type for BenchmarkDotNet's switcher.</summary>
public partial class Program;
