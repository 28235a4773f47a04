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

if (args is ["dashboard", ..])
{
    // The organisers' dashboard (issue 20) timed in-process with a stopwatch: a quick run without BenchmarkDotNet's rebuild.
    await DashboardBenchmarks.TimeAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 300);
    return;
}

if (args is ["queries", ..])
{
    await QueryDriver.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
    return;
}

if (args is ["firstcommand", ..])
{
    await FirstCommandDriver.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 9,
        args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1000);
    return;
}

if (args is ["firstcommand-run", var warmUp, var delay])
{
    await FirstCommandDriver.RunOnceAsync(bool.Parse(warmUp), int.Parse(delay, System.Globalization.CultureInfo.InvariantCulture));
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type for BenchmarkDotNet's switcher.</summary>
public partial class Program;
