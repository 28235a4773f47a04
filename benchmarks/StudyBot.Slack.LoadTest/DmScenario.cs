using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Host;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.LoadTest;

/// <summary>
/// Benchmark 2: a DM to each of N members through the Slack notifier, all handed over at once (the worst
/// case for an outbox fan-out), against the fake enforcing Slack's limits: chat.postMessage per workspace
/// per minute and one message a second per channel, answering 429 with Retry-After when exceeded.
/// </summary>
internal static class DmScenario
{
    public static async Task<int> RunAsync(LoadOptions o, ILogger log)
    {
        await using var slack = await FakeSlack.StartAsync();
        slack.EnforceRateLimits = true;
        slack.PerMinute["chat.postMessage"] = o.PostMessagePerMinute;
        var members = Enumerable.Range(1, o.Members).Select(i => $"U{i:D9}").ToArray();
        foreach (var id in members)
        {
            slack.AddUser(new FakeUser(id, id, "UTC"));
        }

        var database = Path.Combine(Path.GetTempPath(), $"studybot-slack-bench-{Guid.NewGuid():N}.db");
        var app = StudyBotHost.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = FakeSlack.BotToken,
            ["Slack:Mode"] = "Http",
            ["Slack:SigningSecret"] = "unused-in-this-run",
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Slack:PostMessagePerMinute"] = o.PostMessagePerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Http:Urls"] = $"http://127.0.0.1:{FreePort()}",
            ["Database:ConnectionString"] = $"Data Source={database}",
            ["Roadmaps:Directory"] = Path.Combine(Fixtures.Repository, "roadmap"),
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        await app.StartAsync();
        try
        {
            var notifier = app.Services.GetServices<INotifier>().Single(n => n.Platform == Platforms.Slack);
            var community = new CommunityRef(Platforms.Slack, FakeSlack.TeamId, "Study Group");
            var reminder = new Reply
            {
                Title = "Your weekly study reminder",
                Text = "You planned **10 h** this week and have logged 4 h so far. Next up: `numpy`.",
                Fields = [new ReplyField("This week", "4h of 10h"), new ReplyField("Streak", "🔥 3 weeks", true)],
                Buttons = [new ReplyButton("Log 30 min", "progress log 30 practice", ButtonStyle.Primary), new ReplyButton("Next", "progress next")],
            };

            Report.Phase(log, "DMs", members.Length);
            var clock = Stopwatch.StartNew();
            var progress = Task.Run(async () =>
            {
                while (clock.IsRunning)
                {
                    await Task.Delay(TimeSpan.FromSeconds(30));
                    Report.Progress(log, slack.Messages.Count, clock.Elapsed.TotalSeconds);
                }
            });
            var results = await Task.WhenAll(members.Select(m => notifier.SendDirectAsync(new MemberRef(community, m, m), reminder, CancellationToken.None)));
            clock.Stop();
            await progress;

            var accepted = slack.Calls.Where(c => c.Method == "chat.postMessage" && c.Status == 200 && c.Error is null).Select(c => c.At).Order().ToList();
            var span = accepted[^1] - accepted[0];
            var perMinute = (accepted.Count - 1) / span.TotalMinutes;
            var maxWindow = MaxInWindow(accepted, TimeSpan.FromMinutes(1));
            var duplicates = slack.Messages.GroupBy(m => m.Channel).Count(g => g.Count() > 1);
            var missing = members.Count(m => slack.MessagesIn(FakeSlack.DmChannelFor(m)).Count == 0);
            Report.Dms(
                log,
                members.Length,
                results.Count(r => r.Status == DeliveryStatus.Sent),
                slack.RateLimitedCount,
                duplicates,
                missing,
                span.TotalSeconds,
                perMinute,
                o.PostMessagePerMinute,
                perMinute / o.PostMessagePerMinute * 100,
                maxWindow);
            Report.Machine(log);
            return slack.RateLimitedCount == 0 && duplicates == 0 && missing == 0 ? 0 : 1;
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

    private static int MaxInWindow(List<DateTimeOffset> sorted, TimeSpan window)
    {
        var max = 0;
        var left = 0;
        for (var right = 0; right < sorted.Count; right++)
        {
            while (sorted[right] - sorted[left] >= window)
            {
                left++;
            }

            max = Math.Max(max, right - left + 1);
        }

        return max;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
