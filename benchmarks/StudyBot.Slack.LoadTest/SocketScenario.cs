using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using StudyBot.Host;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.LoadTest;

/// <summary>
/// Slash commands over Socket Mode at a fixed rate against the real host (two connections to the
/// in-process fake): how long Slack waits for each acknowledgement, and that every command is answered
/// exactly once.
/// </summary>
internal static class SocketScenario
{
    public static async Task<int> RunAsync(LoadOptions o, ILogger log)
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.EnforceRateLimits = false;
        slack.RedeliverUnacked = false;
        var users = Enumerable.Range(1, o.Users).Select(i => $"U{i:D9}").ToArray();
        foreach (var id in users)
        {
            slack.AddUser(new FakeUser(id, id, "Europe/Berlin"));
        }

        var database = Path.Combine(Path.GetTempPath(), $"studybot-slack-bench-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = FakeSlack.BotToken,
            ["Slack:AppToken"] = FakeSlack.AppToken,
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Slack:MethodLimits:users.info"] = "100000",
            ["Database:ConnectionString"] = $"Data Source={database}",
            ["Roadmaps:Directory"] = Path.Combine(Fixtures.Repository, "roadmap"),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (o.InlineWindow is not null)
        {
            settings["Slack:InlineReplyWindow"] = o.InlineWindow;
        }

        var app = StudyBotHost.Build([], b => b.Configuration.AddInMemoryCollection(settings));
        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        try
        {
            var sockets = await slack.WaitForSocketsAsync(2);
            var rate = o.Rate == 500 ? 200 : o.Rate;
            var total = rate * o.Seconds;
            Report.Phase(log, "socket", total);
            var sentAt = new ConcurrentDictionary<string, DateTimeOffset>();
            var clock = Stopwatch.StartNew();
            var running = new List<Task>(total);
            for (var n = 0; n < total;)
            {
                var due = Math.Min(total, (int)(clock.Elapsed.TotalSeconds * rate) + 1);
                for (; n < due; n++)
                {
                    var text = (n % 5) switch { 0 => "done numpy", 1 => "next", _ => "" };
                    var envelope = Envelopes.SlashCommand(slack, text, users[n % users.Length]);
                    var id = envelope["envelope_id"]!.GetValue<string>();
                    sentAt[id] = TimeProvider.System.GetUtcNow();
                    running.Add(slack.SendEnvelopeAsync(sockets[n % sockets.Count], envelope));
                }

                await Task.Delay(1);
            }

            await Task.WhenAll(running);
            var settle = Stopwatch.StartNew();
            while (settle.Elapsed < TimeSpan.FromSeconds(30) && Unanswered(slack, sentAt.Keys) > 0)
            {
                await Task.Delay(200);
            }

            var acks = slack.Acks.Where(a => sentAt.ContainsKey(a.EnvelopeId)).ToList();
            var first = acks.GroupBy(a => a.EnvelopeId).ToDictionary(g => g.Key, g => g.First());
            var latencies = first.Select(p => (p.Value.At - sentAt[p.Key]).TotalMilliseconds).Order().ToArray();
            var inline = first.Values.Count(a => a.Payload is not null);
            var deferred = slack.ResponseUrlPosts.Count(p => sentAt.ContainsKey(p.Id));
            Report.Socket(
                log,
                total,
                first.Count,
                acks.Count - first.Count,
                inline,
                deferred,
                Unanswered(slack, sentAt.Keys),
                Percentile(latencies, 0.50),
                Percentile(latencies, 0.90),
                Percentile(latencies, 0.99),
                latencies.Length == 0 ? 0 : latencies[^1],
                latencies.Count(l => l > 3000));
            Report.Machine(log);
            return first.Count == total && inline + deferred == total ? 0 : 1;
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

    private static int Unanswered(FakeSlack slack, ICollection<string> ids)
    {
        var answered = slack.Acks.Where(a => a.Payload is not null).Select(a => a.EnvelopeId)
            .Concat(slack.ResponseUrlPosts.Select(p => p.Id))
            .ToHashSet(StringComparer.Ordinal);
        return ids.Count(id => !answered.Contains(id));
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
