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

            for (var i = 0; i < 5; i++)
            {
                var watch = Stopwatch.StartNew();
                await executor.RunTextAsync(member, command, CancellationToken.None);
                Console.WriteLine($"// run {i}: {watch.Elapsed.TotalMilliseconds:0.00} ms");
            }
        }
        finally
        {
            await services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            if (Environment.GetEnvironmentVariable("KEEP_DB") is null) { File.Delete(dbPath); } else { Console.WriteLine($"// kept {dbPath}"); }
        }
    }
}
