using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Roadmaps;
using StudyBot.Host;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.LoadTest;

/// <summary>
/// Benchmark 1: signed <c>POST /slack/commands</c> at a fixed rate (open loop: requests leave on schedule
/// whether or not earlier ones have been answered) against the real host in Http mode, with the real engine
/// and a SQLite file, Slack's Web API played by the in-process fake.
/// </summary>
internal static class CommandsScenario
{
    private const string Secret = "bench-signing-secret-0123456789abcdef";

    public static async Task<int> RunAsync(LoadOptions o, ILogger log)
    {
        await using var slack = await FakeSlack.StartAsync();

        // users.info is looked up once per member and cached; this run measures the command endpoint.
        slack.EnforceRateLimits = false;
        var zones = new[] { "Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "America/Los_Angeles" };
        var users = Enumerable.Range(1, o.Users).Select(i => $"U{i:D9}").ToArray();
        for (var i = 0; i < users.Length; i++)
        {
            slack.AddUser(new FakeUser(users[i], $"member{i + 1}", zones[i % zones.Length]));
        }

        var roadmapDir = Path.Combine(Fixtures.Repository, "roadmap");
        var items = RoadmapLoader.LoadDirectory(roadmapDir)[0].Items.Select(i => i.Id).ToArray();
        var database = Path.Combine(Path.GetTempPath(), $"studybot-slack-bench-{Guid.NewGuid():N}.db");
        var port = FreePort();
        var settings = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = FakeSlack.BotToken,
            ["Slack:Mode"] = "Http",
            ["Slack:SigningSecret"] = Secret,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Slack:MethodLimits:users.info"] = "100000",
            ["Http:Urls"] = $"http://127.0.0.1:{port}",
            ["Database:ConnectionString"] = $"Data Source={database}",
            ["Roadmaps:Directory"] = roadmapDir,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (o.InlineWindow is not null)
        {
            settings["Slack:InlineReplyWindow"] = o.InlineWindow;
        }

        var app = StudyBotHost.Build([], b => b.Configuration.AddInMemoryCollection(settings));

        // Server-side time: from the request entering the pipeline to the response being complete.
        var serverTimes = new ConcurrentBag<double>();
        var measuring = false;
        app.Use(async (context, next) =>
        {
            var start = Stopwatch.GetTimestamp();
            await next(context);
            if (Volatile.Read(ref measuring) && context.Request.Path.StartsWithSegments("/slack/commands"))
            {
                serverTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        });

        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(30),
            };

            // Every member starts once (a write each), then the mix runs unmeasured for the warm-up.
            Report.Phase(log, "onboarding", users.Length);
            await RunAsync(client, slack, users.Length, Math.Min(o.Rate, 200), n => (users[n], "start programmer part-time"), null);
            Report.Phase(log, "warm-up", o.Rate * o.Warmup);
            await RunAsync(client, slack, o.Rate * o.Warmup, o.Rate, n => Mix(n, users, items, o.Mix), null);

            Report.Phase(log, "measured", o.Rate * o.Seconds);
            var results = new ConcurrentBag<Result>();
            Volatile.Write(ref measuring, true);
            var wall = Stopwatch.StartNew();
            await RunAsync(client, slack, o.Rate * o.Seconds, o.Rate, n => Mix(n, users, items, o.Mix), results);
            wall.Stop();
            Volatile.Write(ref measuring, false);

            // Answers that missed the inline window arrive through response_url; wait for them, then count.
            var deferred = results.Where(r => r.Status == 200 && !r.Inline).Select(r => r.ResponseId).ToHashSet();
            var waitUntil = Stopwatch.StartNew();
            while (waitUntil.Elapsed < TimeSpan.FromSeconds(30) && slack.ResponseUrlPosts.Count(p => deferred.Contains(p.Id)) < deferred.Count)
            {
                await Task.Delay(100);
            }

            var answeredLater = slack.ResponseUrlPosts.Count(p => deferred.Contains(p.Id));
            var ok = results.Count(r => r.Status == 200);
            var client50 = Percentile(results.Select(r => r.Milliseconds), 0.50);
            Report.Commands(
                log,
                results.Count,
                ok,
                results.Count - ok,
                results.Count(r => r.Inline),
                deferred.Count,
                answeredLater,
                ok / wall.Elapsed.TotalSeconds,
                Percentile(serverTimes, 0.50),
                Percentile(serverTimes, 0.90),
                Percentile(serverTimes, 0.99),
                serverTimes.IsEmpty ? 0 : serverTimes.Max(),
                client50,
                Percentile(results.Select(r => r.Milliseconds), 0.99),
                Percentile(results.Select(r => r.FromScheduleMilliseconds), 0.99));
            Report.Machine(log);
            return results.Count == ok && answeredLater == deferred.Count ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>
    /// The mixed load: 60% overview, 20% next, 5% done, 5% doing, 10% log (a write in one command of five);
    /// "reads" keeps only the overview and next.
    /// </summary>
    private static (string User, string Text) Mix(long n, string[] users, string[] items, string mix)
    {
        var user = users[n % users.Length];
        var item = items[(n / users.Length) % items.Length];
        return (mix == "reads" ? n % 16 : n % 20) switch
        {
            < 12 => (user, ""),
            < 16 => (user, "next"),
            16 => (user, $"done {item}"),
            17 => (user, $"doing {item}"),
            _ => (user, "log 30 practice"),
        };
    }

    /// <summary>Open loop: request n leaves at start + n/rate, independent of earlier answers.</summary>
    private static async Task RunAsync(HttpClient client, FakeSlack slack, int total, int rate, Func<long, (string User, string Text)> next, ConcurrentBag<Result>? results)
    {
        var clock = Stopwatch.StartNew();
        var running = new List<Task>(total);
        long sent = 0;
        while (sent < total)
        {
            var due = Math.Min(total, (long)(clock.Elapsed.TotalSeconds * rate) + 1);
            while (sent < due)
            {
                var (user, text) = next(sent);
                var scheduled = TimeSpan.FromSeconds((double)sent / rate);
                running.Add(SendAsync(client, slack, user, text, $"r{Guid.NewGuid():N}", clock, scheduled, results));
                sent++;
            }

            await Task.Delay(1);
        }

        await Task.WhenAll(running);
    }

    private static async Task SendAsync(HttpClient client, FakeSlack slack, string user, string text, string responseId, Stopwatch clock, TimeSpan scheduled, ConcurrentBag<Result>? results)
    {
        var body = SignedCommand.Form(FakeSlack.TeamId, FakeSlack.TeamDomain, user, text, slack.ResponseUrl(responseId), "1." + responseId);
        var command = SignedCommand.Sign(Secret, body, TimeProvider.System.GetUtcNow());
        var start = clock.Elapsed;
        var (status, inline) = await command.SendAsync(client);
        var end = clock.Elapsed;
        results?.Add(new Result(status, inline, responseId, (end - start).TotalMilliseconds, (end - scheduled).TotalMilliseconds));
    }

    private static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Result(int Status, bool Inline, string ResponseId, double Milliseconds, double FromScheduleMilliseconds);
}
