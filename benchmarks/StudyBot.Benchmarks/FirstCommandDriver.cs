extern alias host;

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBotHost = host::StudyBot.Host.StudyBotHost;

namespace StudyBot.Benchmarks;

/// <summary>
/// How fast the first commands after a start are answered, against later ones. Each run is a fresh process (a
/// cold JIT, EF Core model and query caches, a new database file) that builds and starts the real host the way
/// Program.cs does (every setting default, no chat platform, no console), waits as an adapter would while it
/// connects, then times through <see cref="CommandExecutor"/>, as every adapter calls it: the first
/// <c>/progress</c>, the first <c>/progress done</c>, then 97 more commands of new members, and the 100th, a
/// <c>/progress done</c> of a new member. Runs alternate the start-up warm-up off and on.
/// Run: dotnet run -c Release --project benchmarks/StudyBot.Benchmarks -- firstcommand [runs] [delay-ms]
/// </summary>
internal static class FirstCommandDriver
{
    public static async Task RunAsync(int runs, int delayMs)
    {
        var self = typeof(FirstCommandDriver).Assembly.Location;
        var results = new Dictionary<bool, List<Sample>> { [false] = [], [true] = [] };
        for (var i = 0; i < runs; i++)
        {
            foreach (var warmUp in new[] { false, true })
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
                foreach (var arg in new[] { self, "firstcommand-run", warmUp ? "true" : "false", delayMs.ToString(CultureInfo.InvariantCulture) })
                {
                    start.ArgumentList.Add(arg);
                }

                using var process = Process.Start(start)!;
                var output = await process.StandardOutput.ReadToEndAsync();
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                await process.WaitForExitAsync(timeout.Token);
                var line = output.Split('\n').Last(l => l.StartsWith('{'));
                var sample = JsonSerializer.Deserialize<Sample>(line)!;
                results[warmUp].Add(sample);
                Console.WriteLine(FormattableString.Invariant(
                    $"run {i + 1} warm-up {(warmUp ? "on " : "off")}: start {sample.StartMs,6:0.0} ms, first /progress {sample.FirstOverviewMs,6:0.0} ms, first /progress done {sample.FirstDoneMs,6:0.0} ms, 100th {sample.HundredthMs,5:0.0} ms"));
            }
        }

        Console.WriteLine();
        Console.WriteLine(FormattableString.Invariant($"Medians of {runs} runs each, first command {delayMs} ms after the host started:"));
        Console.WriteLine("| warm-up | host start | first /progress | first /progress done | 100th command (/progress done) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (warmUp, samples) in results)
        {
            Console.WriteLine(FormattableString.Invariant(
                $"| {(warmUp ? "on" : "off")} | {Median(samples, s => s.StartMs):0} ms | {Median(samples, s => s.FirstOverviewMs):0.0} ms | {Median(samples, s => s.FirstDoneMs):0.0} ms | {Median(samples, s => s.HundredthMs):0.0} ms |"));
        }
    }

    /// <summary>One cold start, in this (child) process; prints one JSON line.</summary>
    public static async Task RunOnceAsync(bool warmUp, int delayMs)
    {
        var directory = Directory.CreateTempSubdirectory("studybot-firstcommand-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            var app = StudyBotHost.Build(
            [
                $"--Database:ConnectionString=Data Source={Path.Combine(directory, "studybot.db")}",
                $"--Roadmaps:Directory={Path.Combine(RepoRoot(), "roadmap")}",
                "--Console:Enabled=false",
                "--Logging:LogLevel:Default=Warning",
                $"--Diagnostics:WarmUp={(warmUp ? "true" : "false")}",
            ]);
            await using (app)
            {
                await StudyBotHost.PrepareAsync(app, CancellationToken.None);
                await app.StartAsync();
                var startMs = clock.Elapsed.TotalMilliseconds;

                // An adapter takes traffic once it is connected: a Discord gateway READY or a Socket Mode hello.
                await Task.Delay(delayMs);
                var executor = app.Services.GetRequiredService<CommandExecutor>();
                var community = new CommunityRef(Platforms.Console, "local", "Local study group");
                async Task<double> TimeAsync(string user, string text)
                {
                    var watch = Stopwatch.StartNew();
                    var reply = await executor.RunTextAsync(new MemberRef(community, user, user), text, CancellationToken.None);
                    var ms = watch.Elapsed.TotalMilliseconds;
                    if (reply.Tone is ReplyTone.Error)
                    {
                        throw new InvalidOperationException($"{text} failed: {reply.Text}");
                    }

                    return ms;
                }

                var overview = await TimeAsync("m0", "/progress");
                var done = await TimeAsync("m0", "/progress done numpy");
                for (var i = 1; i < 98; i++)
                {
                    await TimeAsync($"m{i}", i % 2 == 0 ? "/progress" : "/progress done pandas");
                }

                var hundredth = await TimeAsync("m98", "/progress done numpy");
                await app.StopAsync();
                Console.WriteLine(JsonSerializer.Serialize(new Sample(startMs, overview, done, hundredth)));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static double Median(List<Sample> samples, Func<Sample, double> pick)
    {
        var sorted = samples.Select(pick).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StudyBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("StudyBot.sln not found");
    }

    internal sealed record Sample(double StartMs, double FirstOverviewMs, double FirstDoneMs, double HundredthMs);
}
