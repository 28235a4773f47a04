using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Notifications;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Host;
using StudyBot.Discord.Tests.Support;
using StudyBot.Testing;
using Xunit.Abstractions;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Several real StudyBot host processes on one PostgreSQL database, against the fake Discord (HTTP interactions mode,
/// so no gateway): a fan-out that one of them dies in the middle of, with everything delivered exactly once and the
/// platform's rate limits (the global 50 requests a second per bot token and the per-route buckets) never overrun.
/// </summary>
[Collection(ScaleOut.Alone)]
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Members = 1000;
    private const int Celebrations = 10;
    private const ulong FirstUser = 200_000_000_000_000_000;
    private const ulong LeaderboardChannel = 645027906669510667;
    private const ulong CelebrationChannel = 645027906669510668;

    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-scale-out-").FullName;
    private readonly ConcurrentDictionary<string, HostNode> _nodes = new();
    private FakeDiscordServer _discord = null!;
    private string _database = "";

    public async Task InitializeAsync()
    {
        _discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecordRequests = true });
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes.Values)
        {
            node.Kill();
        }

        await _discord.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [PostgresFact]
    public async Task Three_instances_deliver_a_thousand_reminders_the_leaderboard_and_celebrations_exactly_once_within_Discord_limits_when_one_is_killed_mid_fan_out()
    {
        var clock = Stopwatch.StartNew();
        _database = await Postgres.CreateDatabaseAsync();

        // The first instance migrates and registers the commands (the registered hash, kept in the database, then tells
        // the others that Discord has them); the other two join it as Quartz cluster nodes.
        Start("node-1");
        await Bounded.UntilAsync(() => _discord.RegisteredCommands.ContainsKey("global") || Exited("node-1"), "node-1 to register the commands", TimeSpan.FromSeconds(60));
        Assert.False(Exited("node-1"), _nodes["node-1"].Tail);
        Start("node-2");
        Start("node-3");
        await Bounded.UntilAsync(async () => (await HostNode.ClusterNodesAsync(_database)).Count == 3, "three Quartz cluster nodes checked in", TimeSpan.FromSeconds(60));

        // 1,000 members due for their weekly reminder in the same minute, a weekly leaderboard due, and milestone
        // celebrations waiting: seeded straight into the database (as a month of /progress commands would have left it).
        await SeedAsync();
        output.WriteLine($"seeded at {clock.Elapsed.TotalSeconds:0.0} s");
        using var watching = new CancellationTokenSource();
        var drainers = WatchDrainersAsync(clock, watching.Token);

        // In the middle of the fan-out, the instance that is draining the outbox dies (SIGKILL) and starts again under
        // the same Instance:Id.
        await Bounded.UntilAsync(() => _discord.DirectMessageCount >= Members / 3 || _nodes.Values.Any(n => n.Process.HasExited), "a third of the reminders delivered", TimeSpan.FromSeconds(60));
        var victim = await DrainingNodeAsync() ?? "node-2";
        var deliveredAtKill = _discord.DirectMessageCount;
        _nodes[victim].Kill();
        output.WriteLine($"killed {victim} at {clock.Elapsed.TotalSeconds:0.0} s with {deliveredAtKill} reminders delivered");
        Assert.InRange(deliveredAtKill, 1, Members - 1);
        Start(victim);

        await Bounded.UntilAsync(async () => await UnsentAsync() == 0 && await UnnotifiedAsync() == 0, "every reminder, the leaderboard and every celebration in the outbox and sent", TimeSpan.FromSeconds(120));
        output.WriteLine($"all delivered at {clock.Elapsed.TotalSeconds:0.0} s");
        await watching.CancelAsync();
        output.WriteLine($"Discord's drain owned by, in turn: {string.Join(", ", await drainers)}");
        Assert.All(_nodes.Values, n => Assert.False(n.Process.HasExited, $"{n.Id} stopped: {n.Tail}"));

        // Every member got exactly one reminder DM.
        var counts = Enumerable.Range(0, Members).Select(i => FirstUser + (ulong)i)
            .Select(u => _discord.DmChannelOf(u) is { } c ? _discord.MessageCount(c) : 0).ToList();
        Assert.True(counts.All(c => c == 1), $"reminder DMs per member: {string.Join(", ", counts.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Count()} members got {g.Key}"))}");

        // The weekly leaderboard was posted once, and each celebration once.
        Assert.Equal(1, _discord.MessageCount(LeaderboardChannel));
        var celebrated = _discord.Messages.GetValueOrDefault(CelebrationChannel)?.Select(m => m.ToJsonString()).ToList() ?? [];
        Assert.Equal(Celebrations, celebrated.Count);
        for (var i = 0; i < Celebrations; i++)
        {
            Assert.Single(celebrated, m => m.Contains($"Member {i:0000}", StringComparison.Ordinal));
        }

        // And Discord never had to say "too many requests".
        var limited = _discord.Requests.Where(r => r.Status == 429).GroupBy(r => $"{r.Method} {r.Template}").Select(g => $"{g.Key}: {g.Count()}").ToList();
        Assert.True(limited.Count == 0, $"429 answers: {string.Join("; ", limited)}");
        output.WriteLine($"{_discord.Requests.Count} requests to the fake Discord; test ran {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [PostgresFact]
    public async Task While_one_instance_drains_Discord_another_sends_nothing_so_the_limits_the_first_learned_are_not_overrun()
    {
        _database = await Postgres.CreateDatabaseAsync();
        var a = await BuildAsync("node-a");
        await using var _ = a;
        var b = await BuildAsync("node-b");
        await using var __ = b;
        const int members = 200;
        await SeedAsync(members, celebrations: 0);
        var reminders = a.Services.GetRequiredService<ReminderService>();
        for (var run = 0; run < 10 && await reminders.RunDueAsync(CancellationToken.None) > 0; run++)
        {
        }

        // Quartz runs the outbox job on one node at a time, but each run on whichever node fires first: node-a's run,
        // then node-b's straight after. Node-b knows nothing of the requests node-a just made (the last second's global
        // budget, the buckets it learned), so only node-a, which owns Discord's drain, sends.
        var first = await a.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        var second = await b.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.InRange(first, 1, members - 1);
        Assert.Equal(0, second);
        var limited = _discord.Requests.Where(r => r.Status == 429).GroupBy(r => $"{r.Method} {r.Template}").Select(g => $"{g.Key}: {g.Count()}").ToList();
        Assert.True(limited.Count == 0, $"429 answers: {string.Join("; ", limited)}");

        // Node-a's next runs carry on, and every member gets their reminder once.
        for (var run = 0; run < 10 && await UnsentAsync(members) > 0; run++)
        {
            await a.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        }

        Assert.Equal(0, await UnsentAsync(members));
        var counts = Enumerable.Range(0, members).Select(i => _discord.DmChannelOf(FirstUser + (ulong)i) is { } c ? _discord.MessageCount(c) : 0).ToList();
        Assert.All(counts, c => Assert.Equal(1, c));
        Assert.Equal(0, _discord.Requests.Count(r => r.Status == 429));
    }

    /// <summary>A host in this process on the shared database, prepared but not started: its jobs run when the test says.</summary>
    private async Task<WebApplication> BuildAsync(string id)
    {
        var app = StudyBotHost.Build(
        [
            "--Database:Provider=PostgreSQL",
            "--Database:ConnectionString=" + _database,
            "--Instance:Id=" + id,
            "--Discord:Token=" + FakeDiscordOptions.Token,
            "--Discord:ApiBaseUrl=" + _discord.ApiBaseUrl,
            "--Console:Enabled=false",
            "--Diagnostics:WarmUp=false",
            "--Scheduling:Enabled=false",
            "--Roadmaps:Directory=" + TestPaths.Roadmaps,
            "--Logging:LogLevel:Default=Warning",
        ]);
        await StudyBotHost.PrepareAsync(app, CancellationToken.None);
        return app;
    }

    private void Start(string id)
    {
        var start = HostProcess.StartInfo(_dir, [
            ("Database__Provider", "PostgreSQL"),
            ("Database__ConnectionString", _database),
            ("Instance__Id", id),
            ("Discord__Token", FakeDiscordOptions.Token),
            ("Discord__Mode", "Http"),
            ("Discord__PublicKey", SignatureTests.PublicKeyHex),
            ("Discord__ApiBaseUrl", _discord.ApiBaseUrl),
            ("Http__Urls", "http://127.0.0.1:0"),
            ("Console__Enabled", "false"),
            ("Diagnostics__WarmUp", "false"),
            ("Roadmaps__Directory", TestPaths.Roadmaps),
            ("Scheduling__ReminderInterval", "00:00:01"),
            ("Scheduling__CelebrationInterval", "00:00:01"),
            ("Scheduling__LeaderboardInterval", "00:00:01"),
            ("Scheduling__OutboxInterval", "00:00:01"),
            ("Logging__LogLevel__Default", "Warning"),
        ]);
        _nodes[id] = HostNode.Start(id, start);
    }

    private bool Exited(string id) => _nodes[id].Process.HasExited;

    private Task<T> ScalarAsync<T>(string sql) => ScaleSeed.ScalarAsync<T>(_database, sql);

    /// <summary>
    /// Deliveries still to come: the outbox rows not yet sent or given up, plus those not even in the outbox yet (each
    /// member's reminder, the leaderboard and each celebration make one row).
    /// </summary>
    private Task<long> UnsentAsync(int rows = Members + 1 + Celebrations) =>
        ScalarAsync<long>($"""
            SELECT (SELECT COUNT(*) FROM "Outbox" WHERE "SentAtUtc" IS NULL AND "FailedAtUtc" IS NULL)
                 + GREATEST(0, {rows} - (SELECT COUNT(*) FROM "Outbox"))
            """);

    private Task<long> UnnotifiedAsync() => ScalarAsync<long>("""SELECT COUNT(*) FROM "CompletionEvents" WHERE "NotifiedAtUtc" IS NULL""");

    /// <summary>Which instance owned Discord's outbox drain (its lease), each change with the test's time.</summary>
    private async Task<List<string>> WatchDrainersAsync(Stopwatch clock, CancellationToken cancellationToken)
    {
        var turns = new List<string>();
        string? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var owner = await ScalarAsync<object>("""SELECT "Holder" FROM "Leases" WHERE "Name" = 'outbox-drain:discord' AND "ExpiresAtUtc" > now()""");
                if (owner is string id && id != last)
                {
                    turns.Add($"{id} at {clock.Elapsed.TotalSeconds:0.0} s");
                    last = id;
                }

                await Task.Delay(100, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return turns;
    }

    /// <summary>The instance holding outbox claims now, if one does.</summary>
    private async Task<string?> DrainingNodeAsync()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var owner = await ScalarAsync<object>("""SELECT "ClaimedBy" FROM "Outbox" WHERE "SentAtUtc" IS NULL AND "ClaimedUntilUtc" > now() LIMIT 1""");
            if (owner is string id)
            {
                return id;
            }

            await Task.Delay(50);
        }

        return null;
    }

    private Task SeedAsync(int members = Members, int celebrations = Celebrations) =>
        ScaleSeed.DueCommunityAsync(
            _database,
            "discord",
            InteractionFactory.GuildId.ToString(CultureInfo.InvariantCulture),
            "Study Hall",
            LeaderboardChannel.ToString(CultureInfo.InvariantCulture),
            CelebrationChannel.ToString(CultureInfo.InvariantCulture),
            [.. Enumerable.Range(0, members).Select(i => (FirstUser + (ulong)i).ToString(CultureInfo.InvariantCulture))],
            celebrations);
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
