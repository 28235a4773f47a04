using BenchmarkDotNet.Running;
using StudyBot.Benchmarks;

if (args is ["probe", ..])
{
    // A quick look at one command's SQL and timings on the seeded database, for perf debugging.
    await Probe.RunAsync(args.Length > 1 ? args[1] : "/progress");
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type for BenchmarkDotNet's switcher.</summary>
public partial class Program;
