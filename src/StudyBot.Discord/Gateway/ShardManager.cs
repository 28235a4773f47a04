using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Coordination;

namespace StudyBot.Discord.Gateway;

/// <summary>Runs one shard's gateway connection until cancelled (then it closes it); throws on a fatal Discord error.</summary>
internal interface IShardRunner
{
    Task RunAsync(int shardId, CancellationToken cancellationToken);
}

/// <summary>
/// Which shards this instance runs: <paramref name="ShardCount"/> in total; <paramref name="Fixed"/> when
/// <c>Discord:ShardIds</c> names them, else a fair share taken through leases; <paramref name="Lease"/> their length.
/// </summary>
internal sealed record ShardPlan(int ShardCount, IReadOnlyList<int>? Fixed, TimeSpan Lease)
{
    /// <summary>Leases are renewed this often: a third of their length.</summary>
    public TimeSpan RenewEvery => Lease / 3;

    /// <summary>
    /// A shard whose lease was not renewed for this long is stopped at once: two thirds of the lease, so it is closed a
    /// third of the lease (the clocks' allowance) before another instance may take it.
    /// </summary>
    public TimeSpan Fence => Lease - RenewEvery;
}

/// <summary>
/// Spreads the gateway's shards over the StudyBot instances that share a database, through leases
/// (<see cref="ILeaseStore"/>): <c>discord:shard:{n}</c> for each shard, <c>discord:instance:{id}</c> as each
/// instance's heartbeat. Every <see cref="ShardPlan.RenewEvery"/> an instance renews its heartbeat and its shards,
/// counts the live instances, and takes free shards up to its fair share (the shard count split evenly, the first
/// instances by id taking one more when it does not divide), or gives back the ones above it (the connection
/// closed first, then the lease released) so a newcomer gets some. A shard whose lease cannot be renewed is stopped
/// at once: when another instance holds it, or when it has gone unrenewed for <see cref="ShardPlan.Fence"/> (the
/// database unreachable), before the lease runs out. So one shard never has two connections, and a dead instance's
/// shards are taken over once its leases run out. With <c>Discord:ShardIds</c> the instance runs exactly those
/// shards, still under their leases. On SQLite (one process) it simply holds every shard.
/// </summary>
internal sealed partial class ShardManager(ShardPlan plan, ILeaseStore leases, IShardRunner runner, TimeProvider time, ILogger<ShardManager> logger, StudyBot.Core.Operations.ConnectionStates? states = null)
{
    public const string ShardLeasePrefix = "discord:shard:";
    public const string InstanceLeasePrefix = "discord:instance:";

    /// <summary>How long a given-back shard may take to close before its lease is left to run out instead of released.</summary>
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, Shard> _shards = new();
    private readonly TaskCompletionSource<Exception> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<int> _reportedBusy = [];
    private readonly string _token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
    private string _lastReport = "";
    private bool _heartbeatWritten;
    private bool _reportedDuplicate;
    private bool _reportedDatabase;

    /// <summary>The shards this instance runs now (connected or connecting), in order.</summary>
    public IReadOnlyList<int> Held => _shards.Values.Where(s => !s.Stopping).Select(s => s.Id).Order().ToList();

    /// <summary>This instance's fair share at the last count.</summary>
    public int Share { get; private set; }

    /// <summary>Completed rounds of renewing, counting and taking (for tests).</summary>
    public int Rounds { get; private set; }

    public static string ShardLease(int shard) => ShardLeasePrefix + shard.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Keeps this instance's shards until cancelled, then closes them and releases their leases. Throws what a shard
    /// failed with (a fatal gateway close, a bug) after closing the others.
    /// </summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await RoundAsync(stoppingToken);
                Rounds++;
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var next = Task.Delay(plan.RenewEvery, time, wait.Token);
                if (await Task.WhenAny(next, _failed.Task) == _failed.Task)
                {
                    await wait.CancelAsync();
                    throw _failed.Task.Result;
                }

                await next;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await StopAllAsync();
        }
    }

    /// <summary>One round: renew, count, give back or take. Database failures are logged; the fences guard the shards.</summary>
    internal async Task RoundAsync(CancellationToken cancellationToken)
    {
        await ReapAsync(cancellationToken);
        try
        {
            await RenewAsync(cancellationToken);
            Share = plan.Fixed?.Count ?? await FairShareAsync(cancellationToken);
            states?.Plan(GatewayClient.Platform, Share);
            await GiveBackAsync(cancellationToken);
            await TakeAsync(cancellationToken);
            _reportedDatabase = false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_reportedDatabase)
            {
                _reportedDatabase = true;
                LogRoundFailed(ex.GetType().Name, ex.Message);
            }
        }

        var report = string.Join(",", Held);
        if (report != _lastReport)
        {
            _lastReport = report;
            LogHolding(report.Length == 0 ? "none" : report, plan.ShardCount, Share);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        if (plan.Fixed is null)
        {
            await HeartbeatAsync(cancellationToken);
        }

        foreach (var shard in _shards.Values.Where(s => !s.Stopping).OrderBy(s => s.Id))
        {
            var started = time.GetTimestamp();
            bool renewed;
            try
            {
                renewed = await leases.TryAcquireAsync(ShardLease(shard.Id), plan.Lease, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Not renewed this time: the fence stops the shard if it stays so.
                LogRenewFailed(shard.Id, ex.GetType().Name, ex.Message);
                continue;
            }

            if (renewed)
            {
                shard.Renewed(plan.Fence - time.GetElapsedTime(started));
            }
            else
            {
                LogLost(shard.Id);
                shard.Stop();
            }
        }
    }

    /// <summary>
    /// Renews this instance's heartbeat lease, whose value is a token of this process: finding another token there means
    /// another live process uses the same instance id (the lease cannot tell them apart, so both would take the same shards).
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var name = InstanceLeasePrefix + leases.Holder;
        if (!await leases.TryAcquireAsync(name, plan.Lease, cancellationToken))
        {
            return;
        }

        if (_heartbeatWritten && await leases.ReadValueAsync(name, cancellationToken) is { } seen && seen != _token && !_reportedDuplicate)
        {
            _reportedDuplicate = true;
            LogDuplicateInstance(leases.Holder);
        }

        _heartbeatWritten |= await leases.WriteValueAsync(name, _token, cancellationToken);
    }

    private async Task<int> FairShareAsync(CancellationToken cancellationToken)
    {
        var instances = (await leases.ListLiveAsync(InstanceLeasePrefix, cancellationToken)).Select(l => l.Holder).Append(leases.Holder)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var rank = instances.IndexOf(leases.Holder);
        return (plan.ShardCount / instances.Count) + (rank < plan.ShardCount % instances.Count ? 1 : 0);
    }

    private async Task GiveBackAsync(CancellationToken cancellationToken)
    {
        var extra = _shards.Values.Where(s => !s.Stopping).OrderByDescending(s => s.Id).Take(Math.Max(0, Held.Count - Share)).ToList();
        foreach (var shard in extra)
        {
            LogGivingBack(shard.Id, Share);
            shard.Stop();
            if (await shard.StoppedAsync(StopTimeout))
            {
                _shards.TryRemove(shard.Id, out _);
                await leases.ReleaseAsync(ShardLease(shard.Id), cancellationToken);
            }
        }
    }

    private async Task TakeAsync(CancellationToken cancellationToken)
    {
        var wanted = Share - Held.Count;
        if (wanted <= 0)
        {
            return;
        }

        IEnumerable<int> candidates;
        Dictionary<int, string> holders = [];
        if (plan.Fixed is { } mine)
        {
            candidates = mine;
            foreach (var lease in await leases.ListLiveAsync(ShardLeasePrefix, cancellationToken))
            {
                if (int.TryParse(lease.Name.AsSpan(ShardLeasePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var held))
                {
                    holders[held] = lease.Holder;
                }
            }
        }
        else
        {
            // A lease under this instance's own id that it does not run was left by its previous run (a restart with a
            // stable Instance:Id): its to take again at once.
            var taken = (await leases.ListLiveAsync(ShardLeasePrefix, cancellationToken))
                .Where(l => l.Holder != leases.Holder).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
            candidates = Enumerable.Range(0, plan.ShardCount).Where(s => !taken.Contains(ShardLease(s)));
        }

        foreach (var id in candidates.Where(s => !_shards.ContainsKey(s)).ToList())
        {
            if (wanted <= 0)
            {
                break;
            }

            if (await leases.TryAcquireAsync(ShardLease(id), plan.Lease, cancellationToken))
            {
                _reportedBusy.Remove(id);
                Start(id);
                wanted--;
            }
            else if (plan.Fixed is not null && _reportedBusy.Add(id))
            {
                LogFixedShardBusy(id, holders.GetValueOrDefault(id, "another instance"));
            }
        }
    }

    private void Start(int id)
    {
        var shard = new Shard(id, time, plan.Fence, () => LogFenced(id, plan.Fence.TotalSeconds));
        _shards[id] = shard;
        shard.Task = Task.Run(() => runner.RunAsync(id, shard.Token), CancellationToken.None);
        _ = shard.Task.ContinueWith(
            t => _failed.TrySetResult(t.Exception!.GetBaseException()),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Takes in shards whose connection ended (stopped by a fence or a lost lease) and frees their leases.</summary>
    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        foreach (var shard in _shards.Values.Where(s => s.Task.IsCompleted).ToList())
        {
            _shards.TryRemove(shard.Id, out _);
            shard.Dispose();
            try
            {
                await leases.ReleaseAsync(ShardLease(shard.Id), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // It runs out on its own.
            }
        }
    }

    private async Task StopAllAsync()
    {
        var shards = _shards.Values.ToList();
        foreach (var shard in shards)
        {
            shard.Stop();
        }

        using var timeout = new CancellationTokenSource(StopTimeout);
        foreach (var shard in shards)
        {
            var stopped = await shard.StoppedAsync(StopTimeout);
            _shards.TryRemove(shard.Id, out _);
            shard.Dispose();
            if (stopped)
            {
                await QuietlyAsync(() => leases.ReleaseAsync(ShardLease(shard.Id), timeout.Token));
            }
        }

        if (plan.Fixed is null)
        {
            await QuietlyAsync(() => leases.ReleaseAsync(InstanceLeasePrefix + leases.Holder, timeout.Token));
        }
    }

    private static async Task QuietlyAsync(Func<Task> release)
    {
        try
        {
            await release();
        }
        catch (Exception)
        {
            // At shutdown a lease that cannot be released runs out on its own.
        }
    }

    /// <summary>One running shard: its connection's stop switch and the fence that pulls it when renewals stop.</summary>
    private sealed class Shard : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ITimer _fence;

        public Shard(int id, TimeProvider time, TimeSpan fence, Action fenced)
        {
            Id = id;
            _fence = time.CreateTimer(
                _ =>
                {
                    if (!Stopping)
                    {
                        fenced();
                        Stop();
                    }
                },
                null,
                fence,
                Timeout.InfiniteTimeSpan);
        }

        public int Id { get; }

        public Task Task { get; set; } = Task.CompletedTask;

        public CancellationToken Token => _stop.Token;

        public volatile bool Stopping;

        public void Renewed(TimeSpan fence) => _fence.Change(fence > TimeSpan.Zero ? fence : TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        public void Stop()
        {
            Stopping = true;
            _fence.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            try
            {
                _stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        public async Task<bool> StoppedAsync(TimeSpan timeout)
        {
            try
            {
                await Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                return false;
            }
            catch (Exception)
            {
                // How it ended is the runner's to report (a fault is taken in by the manager's loop).
            }

            return true;
        }

        public void Dispose()
        {
            _fence.Dispose();
            _stop.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord shards: this instance runs {Shards} of {Count} (its share: {Share})")]
    private partial void LogHolding(string shards, int count, int share);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord shard {Shard}: giving it back to stay within this instance's share of {Share}, so another instance can take it")]
    private partial void LogGivingBack(int shard, int share);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord shard {Shard}: another instance holds its lease now; its connection here is closed at once")]
    private partial void LogLost(int shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord shard {Shard}: its lease was not renewed for {Seconds:0.#} s (is the database reachable?); its connection is closed before another instance may take it")]
    private partial void LogFenced(int shard, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord shard {Shard}: renewing its lease failed ({Error}: {Reason}); trying again at the next round")]
    private partial void LogRenewFailed(int shard, string error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord shards: a round of leases failed ({Error}: {Reason}); the shards held stay until their leases would run out")]
    private partial void LogRoundFailed(string error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord shard {Shard} is in Discord:ShardIds but {Holder} holds it; it starts here once that lease is free")]
    private partial void LogFixedShardBusy(int shard, string holder);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Another live StudyBot uses the instance id {InstanceId}: both take the same Discord shards and claims. Give every instance its own Instance:Id (or leave it unset for a generated one)")]
    private partial void LogDuplicateInstance(string instanceId);
}

/// <summary>The production runner: a new <see cref="GatewayClient"/> (a new session) each time a shard starts here.</summary>
internal sealed class GatewayShardRunner(Func<int, GatewayClient> create) : IShardRunner
{
    private readonly ConcurrentDictionary<int, GatewayClient> _clients = new();

    /// <summary>The latest gateway client of each shard this instance ran, by shard id; its status says whether it still runs.</summary>
    public IReadOnlyDictionary<int, GatewayClient> Clients => _clients;

    public Task RunAsync(int shardId, CancellationToken cancellationToken)
    {
        var client = create(shardId);
        _clients[shardId] = client;
        return client.RunAsync(cancellationToken);
    }
}
