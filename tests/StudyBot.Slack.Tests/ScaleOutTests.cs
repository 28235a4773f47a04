using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using StudyBot.Slack.Tests.Fakes;
using StudyBot.Testing;
using Xunit.Abstractions;

namespace StudyBot.Slack.Tests;

/// <summary>
/// Two real StudyBot host processes on one PostgreSQL database against the fake Slack (HTTP mode): a reminder fan-out
/// that the instance draining it dies in the middle of, with everything delivered exactly once and Slack's per-method
/// limits (chat.postMessage's workspace budget, one post a second per channel) never overrun.
/// </summary>
[Collection(ScaleOut.Alone)]
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Members = 200;
    private const int Celebrations = 3;
    private const string WinsChannel = "C0123ABCDEF";
    private const string BoardChannel = "C0456BOARD1";

    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-slack-scale-out-").FullName;
    private readonly ConcurrentDictionary<string, HostNode> _nodes = new();
    private FakeSlack _slack = null!;
    private string _database = "";

    private static string UserId(int i) => $"U{i + 1:D9}";

    public async Task InitializeAsync()
    {
        _slack = await FakeSlack.StartAsync(TimeProvider.System);
        _slack.Channels.Add(BoardChannel);
        _slack.ChannelNames[BoardChannel] = "leaderboard";
        for (var i = 0; i < Members; i++)
        {
            _slack.AddUser(new FakeUser(UserId(i), $"Member {i:0000}", "UTC"));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            node.Kill();
        }

        await _slack.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [PostgresFact]
    public async Task Two_instances_deliver_every_reminder_the_leaderboard_and_celebrations_once_within_Slack_limits_when_one_is_killed_mid_fan_out()
    {
        var clock = Stopwatch.StartNew();
        _database = await Postgres.CreateDatabaseAsync();
        Start("node-1");
        Start("node-2");
        await Bounded.UntilAsync(async () => (await HostNode.ClusterNodesAsync(_database)).Count == 2, "two Quartz cluster nodes checked in", TimeSpan.FromSeconds(60));
        await SeedAsync();
        output.WriteLine($"seeded at {clock.Elapsed.TotalSeconds:0.0} s");

        int Reminded() => Enumerable.Range(0, Members).Count(i => _slack.MessagesIn(FakeSlack.DmChannelFor(UserId(i))).Count > 0);
        await Bounded.UntilAsync(() => Reminded() >= Members / 3 || _nodes.Values.Any(n => n.Process.HasExited), "a third of the reminders delivered", TimeSpan.FromSeconds(60));
        var victim = await ScalarAsync<object>("""SELECT "Holder" FROM "Leases" WHERE "Name" = 'outbox-drain:slack'""") as string ?? "node-1";
        var deliveredAtKill = Reminded();
        _nodes[victim].Kill();
        output.WriteLine($"killed {victim} at {clock.Elapsed.TotalSeconds:0.0} s with {deliveredAtKill} reminders delivered");
        Assert.InRange(deliveredAtKill, 1, Members - 1);
        Start(victim);

        await Bounded.UntilAsync(async () => await UnsentAsync() == 0, "every reminder, the leaderboard and every celebration in the outbox and sent", TimeSpan.FromSeconds(120));
        output.WriteLine($"all delivered at {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.All(_nodes.Values, n => Assert.False(n.Process.HasExited, $"{n.Id} stopped: {n.Tail}"));

        var counts = Enumerable.Range(0, Members).Select(i => _slack.MessagesIn(FakeSlack.DmChannelFor(UserId(i))).Count).ToList();
        Assert.True(counts.All(c => c == 1), $"reminder DMs per member: {string.Join(", ", counts.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Count()} members got {g.Key}"))}");
        Assert.Single(_slack.MessagesIn(BoardChannel));
        var wins = _slack.MessagesIn(WinsChannel);
        Assert.Equal(Celebrations, wins.Count);
        for (var i = 0; i < Celebrations; i++)
        {
            Assert.Single(wins, m => m.Text.Contains($"Member {i:0000}", StringComparison.Ordinal));
        }

        var limited = _slack.Calls.Where(c => c.Status == 429 || c.Error == "ratelimited").GroupBy(c => c.Method).Select(g => $"{g.Key}: {g.Count()}").ToList();
        Assert.True(limited.Count == 0 && _slack.RateLimitedCount == 0, $"rate-limited answers: {string.Join("; ", limited)}");
        output.WriteLine($"{_slack.Calls.Count} calls to the fake Slack; test ran {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private void Start(string id)
    {
        var start = HostProcess.StartInfo(_dir, [
            ("Database__Provider", "PostgreSQL"),
            ("Database__ConnectionString", _database),
            ("Instance__Id", id),
            ("Slack__BotToken", FakeSlack.BotToken),
            ("Slack__SigningSecret", SlackHarness.SigningSecret),
            ("Slack__Mode", "Http"),
            ("Slack__ApiBaseUrl", _slack.ApiBaseUrl),
            ("Http__Urls", "http://127.0.0.1:0"),
            ("Delivery__PerSecond__slack", "4"),
            ("Console__Enabled", "false"),
            ("Diagnostics__WarmUp", "false"),
            ("Roadmaps__Directory", Path.Combine(Fixtures.Repository, "roadmap")),
            ("Scheduling__ReminderInterval", "00:00:01"),
            ("Scheduling__CelebrationInterval", "00:00:01"),
            ("Scheduling__LeaderboardInterval", "00:00:01"),
            ("Scheduling__OutboxInterval", "00:00:01"),
            ("Logging__LogLevel__Default", "Warning"),
        ]);
        _nodes[id] = HostNode.Start(id, start);
    }

    private Task<T> ScalarAsync<T>(string sql) => ScaleSeed.ScalarAsync<T>(_database, sql);

    /// <summary>Deliveries still to come: outbox rows not yet sent or given up, plus those not in the outbox yet.</summary>
    private async Task<long> UnsentAsync() =>
        await ScalarAsync<long>($"""
            SELECT (SELECT COUNT(*) FROM "Outbox" WHERE "SentAtUtc" IS NULL AND "FailedAtUtc" IS NULL)
                 + GREATEST(0, {Members + 1 + Celebrations} - (SELECT COUNT(*) FROM "Outbox"))
                 + (SELECT COUNT(*) FROM "CompletionEvents" WHERE "NotifiedAtUtc" IS NULL)
            """);

    private Task SeedAsync() =>
        ScaleSeed.DueCommunityAsync(_database, "slack", FakeSlack.TeamId, "Study group", BoardChannel, WinsChannel, [.. Enumerable.Range(0, Members).Select(UserId)], Celebrations);
}

/// <summary>
/// Several host processes and a fan-out at the platform's full rate take the machine's cores: these tests run on their
/// own, not beside tests that wait on answers within a few seconds.
/// </summary>
[CollectionDefinition(Alone, DisableParallelization = true)]
public sealed class ScaleOut
{
    public const string Alone = "scale-out, alone";
}
