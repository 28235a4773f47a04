using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Coordination;
using StudyBot.Data;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// The shard manager's rules, in one process on fake time: instances on one SQLite file (its real leases), each with
/// a runner that records when a shard identifies (through the real <see cref="IdentifyLimiter"/>) and stops. The
/// gateway itself is left out here; the real processes are in <see cref="ShardProcessTests"/>.
/// </summary>
public sealed class ShardManagerTests : IAsyncDisposable
{
    private static readonly CancellationToken None = CancellationToken.None;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"studybot-shards-{Guid.NewGuid():N}.db");
    private readonly List<ServiceProvider> _providers = [];
    private readonly Recorder _recorder = new();

    /// <summary>Which instance runs each shard now, and every start and stop, with overlaps noted.</summary>
    private sealed class Recorder
    {
        public ConcurrentDictionary<int, string> Running { get; } = new();

        public ConcurrentQueue<(string Instance, int Shard, DateTimeOffset At)> Identified { get; } = new();

        public ConcurrentQueue<string> Overlaps { get; } = new();

        public IReadOnlyList<int> ShardsOf(string instance) => Running.Where(r => r.Value == instance).Select(r => r.Key).Order().ToList();
    }

    /// <summary>A shard connection as far as the manager can tell: identify (in its bucket's turn), then run until stopped.</summary>
    private sealed class RecordingRunner(string instance, Recorder recorder, IdentifyLimiter limiter, TimeProvider time) : IShardRunner
    {
        public async Task RunAsync(int shardId, CancellationToken cancellationToken)
        {
            var running = false;
            try
            {
                await limiter.WaitAsync(shardId, 1, cancellationToken);
                running = true;
                if (!recorder.Running.TryAdd(shardId, instance))
                {
                    recorder.Overlaps.Enqueue($"shard {shardId} started on {instance} while {recorder.Running.GetValueOrDefault(shardId)} ran it");
                }

                recorder.Identified.Enqueue((instance, shardId, time.GetUtcNow()));

                // Connected until the manager stops the shard (the manager's own waits for it are bounded).
                var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await using (cancellationToken.Register(() => stopped.TrySetCanceled(cancellationToken)))
                {
                    await stopped.Task;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                if (running)
                {
                    recorder.Running.TryRemove(new KeyValuePair<int, string>(shardId, instance));
                }
            }
        }
    }

    /// <summary>An instance's leases that can lose the database (every call fails) and note its last shard renewal.</summary>
    private sealed class Switchable(ILeaseStore inner, TimeProvider time) : ILeaseStore
    {
        public volatile bool Unreachable;

        public DateTimeOffset LastShardRenewal { get; private set; }

        public string Holder => inner.Holder;

        public async Task<bool> TryAcquireAsync(string name, TimeSpan timeToLive, CancellationToken cancellationToken)
        {
            Check();
            var taken = await inner.TryAcquireAsync(name, timeToLive, cancellationToken);
            if (taken && name.StartsWith(ShardManager.ShardLeasePrefix, StringComparison.Ordinal))
            {
                LastShardRenewal = time.GetUtcNow();
            }

            return taken;
        }

        public Task ReleaseAsync(string name, CancellationToken cancellationToken)
        {
            Check();
            return inner.ReleaseAsync(name, cancellationToken);
        }

        public Task<IReadOnlyList<LiveLease>> ListLiveAsync(string prefix, CancellationToken cancellationToken)
        {
            Check();
            return inner.ListLiveAsync(prefix, cancellationToken);
        }

        public Task<string?> ReadValueAsync(string name, CancellationToken cancellationToken)
        {
            Check();
            return inner.ReadValueAsync(name, cancellationToken);
        }

        public Task<bool> WriteValueAsync(string name, string? value, CancellationToken cancellationToken)
        {
            Check();
            return inner.WriteValueAsync(name, value, cancellationToken);
        }

        private void Check()
        {
            if (Unreachable)
            {
                throw new InvalidOperationException("the database cannot be reached (test)");
            }
        }
    }

    private sealed record Instance(string Id, ShardManager Manager, Switchable Leases);

    private async Task<Instance> InstanceAsync(string id, ShardPlan plan, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(_time)
            .AddSingleton(new StudyBotInstance(id))
            .AddStudyBotData($"Data Source={_file}")
            .BuildServiceProvider();
        if (_providers.Count == 0)
        {
            await StudyBotDatabase.MigrateAsync(services, None);
        }

        _providers.Add(services);
        var leases = new Switchable(services.GetRequiredService<ILeaseStore>(), _time);
        var runner = new RecordingRunner(id, _recorder, new IdentifyLimiter(_time, leases), _time);
        ILogger<ShardManager> logger = logs is null ? NullLogger<ShardManager>.Instance : new Logger<ShardManager>(LoggerFactory.Create(b => b.AddProvider(logs)));
        return new Instance(id, new ShardManager(plan, leases, runner, _time, logger), leases);
    }

    private static ShardPlan Plan(int shards, IReadOnlyList<int>? fixedIds = null) => new(shards, fixedIds, new DiscordOptions().ShardLease);

    /// <summary>
    /// Moves the clock in small steps, letting real work run between them, until the condition holds; the managers of
    /// <paramref name="rounds"/> (driven by hand, not running) do a round every renewal interval meanwhile, as they would.
    /// </summary>
    private async Task PumpUntilAsync(Func<bool> condition, string what, TimeSpan? step = null, TimeSpan? most = null, params Instance[] rounds)
    {
        var limit = _time.GetUtcNow() + (most ?? TimeSpan.FromMinutes(5));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var nextRound = _time.GetUtcNow() + Plan(1).RenewEvery;
        while (!condition())
        {
            if (_time.GetUtcNow() >= nextRound)
            {
                nextRound += Plan(1).RenewEvery;
                foreach (var instance in rounds)
                {
                    await instance.Manager.RoundAsync(None);
                }
            }

            Assert.True(_time.GetUtcNow() < limit && clock.Elapsed < TimeSpan.FromSeconds(60), $"Waited {most ?? TimeSpan.FromMinutes(5)} of fake time for {what}; running: {string.Join(", ", _recorder.Running.Select(r => $"{r.Key}@{r.Value}"))}");
            _time.Advance(step ?? TimeSpan.FromMilliseconds(500));
            for (var spin = 0; spin < 20 && !condition(); spin++)
            {
                await Task.Delay(2);
            }
        }
    }

    private Task UntilIdentifiedAsync(Instance[] rounds, string instance, params int[] shards) =>
        PumpUntilAsync(() => _recorder.ShardsOf(instance).SequenceEqual(shards), $"{instance} to run shards {string.Join(",", shards)}", rounds: rounds);

    [Fact]
    public async Task Two_instances_split_four_shards_two_each_and_the_first_gives_the_newcomer_its_share()
    {
        var a = await InstanceAsync("instance-a", Plan(4));
        var b = await InstanceAsync("instance-b", Plan(4));

        await a.Manager.RoundAsync(None);
        Assert.Equal([0, 1, 2, 3], a.Manager.Held);
        await UntilIdentifiedAsync([a], "instance-a", 0, 1, 2, 3);

        // The newcomer counts two instances: its share is two, and nothing is free yet.
        await b.Manager.RoundAsync(None);
        Assert.Equal(2, b.Manager.Share);
        Assert.Empty(b.Manager.Held);

        // a is above its share: it closes two shards first, then lets their leases go; b takes them.
        await a.Manager.RoundAsync(None);
        Assert.Equal([0, 1], a.Manager.Held);
        Assert.Equal([0, 1], _recorder.ShardsOf("instance-a"));
        await b.Manager.RoundAsync(None);
        Assert.Equal([2, 3], b.Manager.Held);
        await UntilIdentifiedAsync([a, b], "instance-b", 2, 3);

        // Steady: renewing every interval changes nothing.
        for (var round = 0; round < 3; round++)
        {
            await a.Manager.RoundAsync(None);
            await b.Manager.RoundAsync(None);
            _time.Advance(Plan(4).RenewEvery);
        }

        Assert.Equal([0, 1], a.Manager.Held);
        Assert.Equal([2, 3], b.Manager.Held);
        Assert.Empty(_recorder.Overlaps);
    }

    [Fact]
    public async Task With_three_instances_and_four_shards_no_instance_runs_more_than_two_and_each_runs_one()
    {
        var instances = new[] { await InstanceAsync("instance-a", Plan(4)), await InstanceAsync("instance-b", Plan(4)), await InstanceAsync("instance-c", Plan(4)) };

        foreach (var instance in instances)
        {
            await instance.Manager.RoundAsync(None);
        }

        for (var round = 0; round < 3; round++)
        {
            foreach (var instance in instances)
            {
                await instance.Manager.RoundAsync(None);
            }
        }

        Assert.Equal([2, 1, 1], instances.Select(i => i.Manager.Held.Count));
        Assert.Equal([0, 1, 2, 3], instances.SelectMany(i => i.Manager.Held).Order());
    }

    [Fact]
    public async Task Instances_identify_in_one_bucket_at_least_five_seconds_apart_across_instances()
    {
        var a = await InstanceAsync("instance-a", Plan(2));
        var b = await InstanceAsync("instance-b", Plan(2));
        await a.Manager.RoundAsync(None);
        await b.Manager.RoundAsync(None);
        await a.Manager.RoundAsync(None);
        await b.Manager.RoundAsync(None);

        await PumpUntilAsync(() => _recorder.Running.Count == 2, "both shards to identify", step: TimeSpan.FromMilliseconds(250), rounds: [a, b]);

        var times = _recorder.Identified.Select(i => i.At).Order().ToList();
        for (var i = 1; i < times.Count; i++)
        {
            Assert.True(times[i] - times[i - 1] >= IdentifyLimiter.Spacing, $"identifies at {string.Join(", ", times)}");
        }
    }

    [Fact]
    public async Task A_shard_whose_lease_another_instance_holds_is_closed_at_the_next_renewal()
    {
        var a = await InstanceAsync("instance-a", Plan(1));
        await a.Manager.RoundAsync(None);
        await UntilIdentifiedAsync([a], "instance-a", 0);

        // a stalled past its lease and another instance took the shard (written here as that would leave it).
        await using (var connection = new SqliteConnection($"Data Source={_file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = """UPDATE "Leases" SET "Holder" = 'instance-b' WHERE "Name" = 'discord:shard:0'""";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        await a.Manager.RoundAsync(None);

        Assert.Empty(a.Manager.Held);
        await Wait.UntilAsync(() => _recorder.Running.IsEmpty, "shard 0's connection on instance-a to close");
    }

    [Fact]
    public async Task A_shard_that_cannot_be_renewed_is_closed_before_its_lease_runs_out_so_no_one_else_can_have_taken_it()
    {
        var plan = Plan(1);
        var a = await InstanceAsync("instance-a", plan);
        var b = await InstanceAsync("instance-b", plan);
        await a.Manager.RoundAsync(None);
        await UntilIdentifiedAsync([], "instance-a", 0);
        var renewed = a.Leases.LastShardRenewal;

        a.Leases.Unreachable = true;
        _time.Advance(plan.RenewEvery);
        await a.Manager.RoundAsync(None);
        Assert.Equal([0], a.Manager.Held);

        // Two thirds of the lease without a renewal: closed at once, while the lease still keeps everyone else off.
        _time.Advance(plan.Fence - plan.RenewEvery);
        await Wait.UntilAsync(() => _recorder.Running.IsEmpty, "shard 0's connection on instance-a to close");
        Assert.True(_time.GetUtcNow() < renewed + plan.Lease);
        Assert.False(await b.Leases.TryAcquireAsync(ShardManager.ShardLease(0), plan.Lease, None));

        // Once the lease ran out, another instance takes the shard.
        _time.Advance(plan.Lease - plan.Fence);
        await b.Manager.RoundAsync(None);
        Assert.Equal([0], b.Manager.Held);
        await UntilIdentifiedAsync([b], "instance-b", 0);
        Assert.Empty(_recorder.Overlaps);
    }

    [Fact]
    public async Task With_the_default_lease_a_dead_instances_shards_are_identified_again_by_the_other_within_a_minute()
    {
        var plan = Plan(4);
        var a = await InstanceAsync("instance-a", plan);
        var b = await InstanceAsync("instance-b", plan);
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = a.Manager.RunAsync(stopA.Token);
        await PumpUntilAsync(() => _recorder.ShardsOf("instance-a").Count == 4, "instance-a to run every shard");
        var runB = b.Manager.RunAsync(stopB.Token);
        await PumpUntilAsync(() => _recorder.ShardsOf("instance-a").Count == 2 && _recorder.ShardsOf("instance-b").Count == 2, "two shards on each instance");
        var orphans = _recorder.ShardsOf("instance-a");

        // a dies: no more renewals, no goodbye.
        a.Leases.Unreachable = true;
        var lastRenewal = a.Leases.LastShardRenewal;
        await stopA.CancelAsync();
        await Bounded.WaitAsync(runA, "instance-a's manager to end");
        var identifiedBefore = _recorder.Identified.Count;

        await PumpUntilAsync(() => _recorder.ShardsOf("instance-b").Count == 4, "instance-b to run every shard", step: TimeSpan.FromMilliseconds(500), most: TimeSpan.FromMinutes(2));

        var takeovers = _recorder.Identified.Skip(identifiedBefore).Where(i => orphans.Contains(i.Shard)).ToList();
        Assert.Equal(orphans, takeovers.Select(t => t.Shard).Order());
        Assert.All(takeovers, t => Assert.True(t.Instance == "instance-b" && t.At - lastRenewal <= TimeSpan.FromMinutes(1), $"shard {t.Shard} identified {(t.At - lastRenewal).TotalSeconds:0.#} s after instance-a's last renewal"));
        Assert.Empty(_recorder.Overlaps);

        await stopB.CancelAsync();
        await Bounded.WaitAsync(runB, "instance-b's manager to end");
    }

    [Fact]
    public async Task An_instance_given_ShardIds_runs_exactly_those_and_an_instance_sharing_the_rest_takes_only_the_others()
    {
        var fixedOne = await InstanceAsync("fixed", Plan(4, [1, 3]));
        var shared = await InstanceAsync("shared", Plan(4));

        await fixedOne.Manager.RoundAsync(None);
        await shared.Manager.RoundAsync(None);

        Assert.Equal([1, 3], fixedOne.Manager.Held);
        Assert.Equal([0, 2], shared.Manager.Held);
    }

    [Fact]
    public async Task Stopping_closes_the_shards_and_frees_their_leases_for_the_next_instance_at_once()
    {
        var a = await InstanceAsync("instance-a", Plan(2));
        var b = await InstanceAsync("instance-b", Plan(2));
        using var stop = new CancellationTokenSource();
        var run = a.Manager.RunAsync(stop.Token);
        await PumpUntilAsync(() => _recorder.Running.Count == 2, "instance-a to run both shards");

        await stop.CancelAsync();
        await Bounded.WaitAsync(run, "instance-a's manager to stop");

        Assert.True(_recorder.Running.IsEmpty);
        await b.Manager.RoundAsync(None);
        Assert.Equal([0, 1], b.Manager.Held);
    }

    [Fact]
    public async Task Two_live_processes_with_one_instance_id_are_reported_but_a_restart_under_its_old_id_is_not()
    {
        var logs = new ListLoggerProvider();
        var before = await InstanceAsync("same", Plan(2), logs);
        using var stop = new CancellationTokenSource();
        var run = before.Manager.RunAsync(stop.Token);
        await PumpUntilAsync(() => _recorder.ShardsOf("same").Count == 2, "the first process to run both shards");
        before.Leases.Unreachable = true;
        await stop.CancelAsync();
        await Bounded.WaitAsync(run, "the first process to end without releasing anything");

        // A restart under the same id (a stable Instance:Id): its leases are its own, so it takes the shards at once.
        var restarted = await InstanceAsync("same", Plan(2), logs);
        for (var round = 0; round < 3; round++)
        {
            await restarted.Manager.RoundAsync(None);
        }

        Assert.Equal([0, 1], restarted.Manager.Held);
        Assert.False(logs.Contains("uses the instance id"), logs.All);

        // A second live process under the same id.
        var twin = await InstanceAsync("same", Plan(2), logs);
        for (var round = 0; round < 2; round++)
        {
            await restarted.Manager.RoundAsync(None);
            await twin.Manager.RoundAsync(None);
        }

        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Critical && l.Message.Contains("Another live StudyBot uses the instance id same", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_lease_lets_a_dead_instances_shards_be_taken_over_within_a_minute_with_time_to_identify()
    {
        var plan = Plan(4);

        // Its leases run out, the next round of the others comes, then the identifies in one bucket, 5 s apart.
        Assert.True(plan.Lease + plan.RenewEvery + (IdentifyLimiter.Spacing * 3) <= TimeSpan.FromMinutes(1));
        Assert.True(plan.Fence < plan.Lease);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" })
        {
            File.Delete(f);
        }
    }
}
