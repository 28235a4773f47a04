using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using StudyBot.Core.Telemetry;

namespace StudyBot.Benchmarks;

/// <summary>
/// The cost of metrics on the command path (issue 15): the same commands as <see cref="CommandBenchmarks"/>, with the
/// "StudyBot" meter not listened to (the default: no Metrics:Urls, no OTLP) and listened to by OpenTelemetry's SDK,
/// which aggregates every measurement as the Prometheus and OTLP exporters need (a reader that exports nothing, so the
/// cost measured is the recording, not a scrape). Run: <c>dotnet run -c Release --project benchmarks/StudyBot.Benchmarks
/// -- --filter '*MetricsCost*'</c> (in process: see <see cref="InProcessLatencyConfig"/>).
/// </summary>
[Config(typeof(InProcessLatencyConfig))]
public class MetricsCostBenchmarks : CommandBenchmarks
{
    private MeterProvider? _provider;

    [Params(false, true)]
    public bool Listened { get; set; }

    public override void Setup()
    {
        base.Setup();
        if (Listened)
        {
            // Created from the container, so its StudyBotMetrics (and so its Meter) exists before the SDK starts listening.
            _ = Services.GetRequiredService<StudyBotMetrics>();
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(StudyBotMetrics.MeterName)
                .AddReader(new PeriodicExportingMetricReader(new NoExport(), exportIntervalMilliseconds: 60_000))
                .Build();
        }
    }

    public override void Cleanup()
    {
        _provider?.Dispose();
        base.Cleanup();
    }

    /// <summary>Collects (as a scrape would, once a minute) and throws the result away.</summary>
    private sealed class NoExport : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}

/// <summary>
/// <see cref="LatencyConfig"/>'s job, run in this process: both variants share one process and one JIT, and no
/// project is rebuilt per run (on a busy two-core machine that build outran BenchmarkDotNet's two-minute limit).
/// </summary>
internal sealed class InProcessLatencyConfig : ManualConfig
{
    public InProcessLatencyConfig()
    {
        AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithWarmupCount(500)
            .WithIterationCount(2000)
            .WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance));
        AddColumn(StatisticColumn.Median, new PercentileColumn(99), StatisticColumn.P95, StatisticColumn.Max);
        HideColumns(Column.Error, Column.StdDev);
    }
}

/// <summary>
/// What recording one command costs by itself (<see cref="StudyBotMetrics.CommandDone"/>: a counter and a histogram with
/// three tags), not listened to and listened to by the OpenTelemetry SDK; a figure in nanoseconds that a busy machine's
/// noise on a whole command (hundreds of microseconds) cannot hide.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcessShortConfig))]
public class MetricsRecordingBenchmarks
{
    private StudyBotMetrics _metrics = null!;
    private MeterProvider? _provider;

    [Params(false, true)]
    public bool Listened { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _metrics = new StudyBotMetrics();
        if (Listened)
        {
            _provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(StudyBotMetrics.MeterName)
                .AddReader(new PeriodicExportingMetricReader(new NoExport(), exportIntervalMilliseconds: 60_000))
                .Build();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _provider?.Dispose();
        _metrics.Dispose();
    }

    [Benchmark(Description = "record one command")]
    public void Record() => _metrics.CommandDone("progress done", "discord", CommandOutcomes.Ok, TimeSpan.FromMilliseconds(0.9));

    private sealed class NoExport : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}

internal sealed class InProcessShortConfig : ManualConfig
{
    public InProcessShortConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(15).WithLaunchCount(1));
        AddColumn(StatisticColumn.Median);
    }
}
