using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.Benchmarks;

/// <summary>Seeds the benchmark database, then runs one command a few times with EF's SQL log on the console.</summary>
internal static class Probe
{
    private static readonly int Rounds = int.TryParse(Environment.GetEnvironmentVariable("ROUNDS"), out var rounds) ? rounds : 1000;

    public static async Task RunAsync(string command)
    {
        var roadmaps = new RoadmapCatalog(RoadmapLoader.LoadDirectory(Paths.Roadmaps), "ml-zero-to-hero");
        var items = roadmaps.Default.Items.Where(i => i.Kind != ItemKind.Project).Select(i => i.Id).ToArray();
        var dbPath = Path.Combine(Path.GetTempPath(), $"studybot-probe-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection()
            .AddLogging(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.EntityFrameworkCore.Database.Command", Environment.GetEnvironmentVariable("SHOW_SQL") is null ? LogLevel.Warning : LogLevel.Information))
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new CoreSettings())
            .AddSingleton(roadmaps)
            .AddStudyBotCore()
            .AddStudyBotData($"Data Source={dbPath}")
            .BuildServiceProvider();
        try
        {
            await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
            Seeder.Seed(dbPath, items, CommandBenchmarks.Members, CommandBenchmarks.ItemsPerMember);
            var executor = services.GetRequiredService<CommandExecutor>();
            var member = new MemberRef(Seeder.Community, "user-5000", "Member 5000");
            for (var i = 0; i < 3; i++)
            {
                await using var scope = services.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<StudyBot.Core.Progress.IProgressStore>();
                var load = Stopwatch.StartNew();
                await store.LoadAsync(member, new StudyBot.Core.Progress.NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
                Console.WriteLine($"// load {i}: {load.Elapsed.TotalMilliseconds:0.00} ms");
            }

            var loads = new List<double>();
            var commits = new List<double>();
            var runs = new List<double>();
            var texts = new List<string>();
            for (var i = 0; i < Rounds; i++)
            {
                await using (var scope = services.CreateAsyncScope())
                {
                    var store = scope.ServiceProvider.GetRequiredService<StudyBot.Core.Progress.IProgressStore>();
                    var watch = Stopwatch.StartNew();
                    var snapshot = await store.LoadAsync(member, new StudyBot.Core.Progress.NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
                    loads.Add(watch.Elapsed.TotalMilliseconds);
                    var changes = new StudyBot.Core.Progress.ChangeSet(Guid.NewGuid(), DateTime.UtcNow, DateOnly.FromDateTime(DateTime.UtcNow), "probe");
                    var from = snapshot.StateOf("numpy");
                    var to = new StudyBot.Core.Progress.ItemState(from.Status == StudyBot.Core.Progress.ItemStatus.Done ? StudyBot.Core.Progress.ItemStatus.InProgress : StudyBot.Core.Progress.ItemStatus.Done);
                    changes.ItemChanges.Add(new StudyBot.Core.Progress.ItemChange("numpy", from, to, 0));
                    watch.Restart();
                    await store.CommitAsync(member, snapshot, changes, CancellationToken.None);
                    commits.Add(watch.Elapsed.TotalMilliseconds);
                }

                // "bench" runs the benchmark's own sequence: done over every item, then doing over every item, and so on.
                var text = command == "bench"
                    ? $"/progress {((i / items.Length) % 2 == 0 ? "done" : "doing")} {items[i % items.Length]}"
                    : command.Contains("{verb}", StringComparison.Ordinal) ? command.Replace("{verb}", i % 2 == 0 ? "done" : "doing", StringComparison.Ordinal) : command;
                var run = Stopwatch.StartNew();
                await executor.RunTextAsync(member, text, CancellationToken.None);
                runs.Add(run.Elapsed.TotalMilliseconds);
                texts.Add(text);
            }

            if (command == "bench")
            {
                foreach (var verb in new[] { "done", "doing" })
                {
                    var mine = runs.Where((_, k) => texts[k].StartsWith($"/progress {verb} ", StringComparison.Ordinal)).ToList();
                    Console.WriteLine($"// {verb}: median {Median(mine):0.00} ms, p99 {P99(mine):0.00} ms over {mine.Count}");
                }

                Console.WriteLine("// slowest: " + string.Join(", ", runs.Select((r, k) => (r, k)).OrderByDescending(x => x.r).Take(20).Select(x => $"#{x.k} {texts[x.k]} {x.r:0.0} ms")));
            }

            Console.WriteLine($"// WAL size {new FileInfo(dbPath + "-wal").Length / 1024.0 / 1024:0.0} MB = {new FileInfo(dbPath + "-wal").Length / 4120.0:0} frames");
            static double Median(List<double> xs) => xs.Order().ElementAt(xs.Count / 2);
            static double P99(List<double> xs) => xs.Order().ElementAt(xs.Count * 99 / 100);
            Console.WriteLine($"// median load {Median(loads):0.00} ms, commit {Median(commits):0.00} ms, command '{command}' {Median(runs):0.00} ms");
            Console.WriteLine($"// p99    load {P99(loads):0.00} ms, commit {P99(commits):0.00} ms, command '{command}' {P99(runs):0.00} ms; gen0/1/2 collections {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        }
        finally
        {
            await services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("KEEP_DB") is null) { File.Delete(dbPath); } else { Console.WriteLine($"// kept {dbPath}"); }
        }
    }
}
