using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Coordination;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Named leases on the shared database (<see cref="ILeaseStore"/>): at most one holder of a live lease, the holder keeps
/// it while it renews, anyone takes one that ran out or was released, and its value outlives its holders. On a SQLite
/// file and on PostgreSQL, with several instances on one database and one fake clock.
/// </summary>
public sealed class LeaseStoreTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Instances sharing one database (a new SQLite file or PostgreSQL database) on one fake clock.</summary>
    private sealed class Instances : IAsyncDisposable
    {
        private readonly List<ServiceProvider> _providers = [];
        private readonly string? _file;

        private Instances(FakeTimeProvider time, string? file)
        {
            Time = time;
            _file = file;
        }

        public FakeTimeProvider Time { get; }

        public List<ILeaseStore> Stores { get; } = [];

        public static async Task<Instances> StartAsync(DatabaseProvider provider, int count)
        {
            var time = new FakeTimeProvider(Start);
            var file = provider == DatabaseProvider.Sqlite ? Path.Combine(Path.GetTempPath(), $"studybot-leases-{Guid.NewGuid():N}.db") : null;
            var connection = file is null ? await Postgres.CreateDatabaseAsync() : $"Data Source={file}";
            var instances = new Instances(time, file);
            for (var i = 0; i < count; i++)
            {
                var services = new ServiceCollection()
                    .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                    .AddSingleton<TimeProvider>(time)
                    .AddSingleton(new StudyBotInstance($"instance-{(char)('a' + i)}"))
                    .AddStudyBotData(provider, connection)
                    .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
                instances._providers.Add(services);
                if (i == 0)
                {
                    await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
                }

                instances.Stores.Add(services.GetRequiredService<ILeaseStore>());
            }

            return instances;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var provider in _providers)
            {
                await provider.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (_file is not null)
            {
                foreach (var f in new[] { _file, _file + "-wal", _file + "-shm" })
                {
                    File.Delete(f);
                }
            }
        }
    }

    private static readonly CancellationToken None = CancellationToken.None;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_live_lease_has_one_holder_who_keeps_it_by_renewing_and_anyone_takes_it_once_it_runs_out(DatabaseProvider provider)
    {
        await using var db = await Instances.StartAsync(provider, 2);
        var (a, b) = (db.Stores[0], db.Stores[1]);
        var ttl = TimeSpan.FromSeconds(30);

        Assert.True(await a.TryAcquireAsync("discord:shard:0", ttl, None));
        Assert.False(await b.TryAcquireAsync("discord:shard:0", ttl, None));

        // a renews within the time-to-live, again and again: b never gets it.
        for (var i = 0; i < 5; i++)
        {
            db.Time.Advance(TimeSpan.FromSeconds(20));
            Assert.True(await a.TryAcquireAsync("discord:shard:0", ttl, None));
            Assert.False(await b.TryAcquireAsync("discord:shard:0", ttl, None));
        }

        var live = Assert.Single(await b.ListLiveAsync("discord:shard:", None));
        Assert.Equal(("discord:shard:0", "instance-a", db.Time.GetUtcNow() + ttl), (live.Name, live.Holder, live.ExpiresAt));

        // a stops renewing: at its expiry b takes it, and a's next renewal fails.
        db.Time.Advance(ttl);
        Assert.Empty(await b.ListLiveAsync("discord:shard:", None));
        Assert.True(await b.TryAcquireAsync("discord:shard:0", ttl, None));
        Assert.False(await a.TryAcquireAsync("discord:shard:0", ttl, None));
        Assert.Equal("instance-b", Assert.Single(await a.ListLiveAsync("discord:", None)).Holder);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_released_lease_is_free_at_once_and_only_its_holder_can_release_it(DatabaseProvider provider)
    {
        await using var db = await Instances.StartAsync(provider, 2);
        var (a, b) = (db.Stores[0], db.Stores[1]);
        var ttl = TimeSpan.FromMinutes(5);
        Assert.True(await a.TryAcquireAsync("discord:commands", ttl, None));

        await b.ReleaseAsync("discord:commands", None);
        Assert.False(await b.TryAcquireAsync("discord:commands", ttl, None));

        await a.ReleaseAsync("discord:commands", None);
        Assert.Empty(await a.ListLiveAsync("discord:commands", None));
        Assert.True(await b.TryAcquireAsync("discord:commands", ttl, None));

        // Releasing a lease never held, or one that does not exist, changes nothing.
        await a.ReleaseAsync("nothing:here", None);
        Assert.Equal("instance-b", Assert.Single(await a.ListLiveAsync("discord:", None)).Holder);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Only_the_holder_writes_the_value_and_the_value_outlives_the_holder(DatabaseProvider provider)
    {
        await using var db = await Instances.StartAsync(provider, 2);
        var (a, b) = (db.Stores[0], db.Stores[1]);
        var ttl = TimeSpan.FromMinutes(2);

        Assert.Null(await a.ReadValueAsync("discord:commands", None));
        Assert.False(await a.WriteValueAsync("discord:commands", "not held yet", None));
        Assert.True(await a.TryAcquireAsync("discord:commands", ttl, None));
        Assert.True(await a.WriteValueAsync("discord:commands", """{"1/global":"abc"}""", None));
        Assert.False(await b.WriteValueAsync("discord:commands", "not mine", None));

        await a.ReleaseAsync("discord:commands", None);
        Assert.False(await a.WriteValueAsync("discord:commands", "released", None));
        Assert.Equal("""{"1/global":"abc"}""", await b.ReadValueAsync("discord:commands", None));

        // The next holder finds the value, and a lease that ran out cannot be written by its old holder.
        Assert.True(await b.TryAcquireAsync("discord:commands", ttl, None));
        Assert.Equal("""{"1/global":"abc"}""", await b.ReadValueAsync("discord:commands", None));
        db.Time.Advance(ttl);
        Assert.False(await b.WriteValueAsync("discord:commands", "too late", None));
        var longest = new string('x', LeaseLimits.MaxValueLength);
        Assert.True(await a.TryAcquireAsync("discord:commands", ttl, None));
        Assert.True(await a.WriteValueAsync("discord:commands", longest, None));
        Assert.Equal(longest, await b.ReadValueAsync("discord:commands", None));
        await Assert.ThrowsAsync<ArgumentException>(() => a.WriteValueAsync("discord:commands", longest + "x", None));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Listing_by_prefix_shows_only_live_leases_with_that_prefix_and_treats_wildcards_as_text(DatabaseProvider provider)
    {
        await using var db = await Instances.StartAsync(provider, 2);
        var (a, b) = (db.Stores[0], db.Stores[1]);
        Assert.True(await a.TryAcquireAsync("discord:instance:instance-a", TimeSpan.FromSeconds(30), None));
        Assert.True(await b.TryAcquireAsync("discord:instance:instance-b", TimeSpan.FromSeconds(10), None));
        Assert.True(await b.TryAcquireAsync("discord:shard:1", TimeSpan.FromSeconds(30), None));
        Assert.True(await a.TryAcquireAsync("discord_instance_x", TimeSpan.FromSeconds(30), None));

        Assert.Equal(["instance-a", "instance-b"], (await a.ListLiveAsync("discord:instance:", None)).Select(l => l.Holder));
        Assert.Empty(await a.ListLiveAsync("discord%", None));
        Assert.Single(await a.ListLiveAsync("discord_", None));

        db.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(["instance-a"], (await b.ListLiveAsync("discord:instance:", None)).Select(l => l.Holder));
    }

    [Fact]
    public async Task On_SQLite_a_start_after_a_crash_frees_the_leases_the_crashed_run_held_and_keeps_their_values()
    {
        var file = Path.Combine(Path.GetTempPath(), $"studybot-leases-{Guid.NewGuid():N}.db");
        try
        {
            // A run that crashed: its leases are still live, one with a value.
            await using (var crashed = new ServiceCollection()
                .AddLogging()
                .AddSingleton(TimeProvider.System)
                .AddSingleton(new StudyBotInstance("crashed-run"))
                .AddStudyBotData($"Data Source={file}")
                .BuildServiceProvider())
            {
                await StudyBotDatabase.MigrateAsync(crashed, None);
                var leases = crashed.GetRequiredService<ILeaseStore>();
                Assert.True(await leases.TryAcquireAsync("discord:shard:0", TimeSpan.FromMinutes(5), None));
                Assert.True(await leases.TryAcquireAsync("discord:commands", TimeSpan.FromMinutes(5), None));
                Assert.True(await leases.WriteValueAsync("discord:commands", "hashes", None));
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using var app = StudyBot.Host.StudyBotHost.Build(
            [
                $"--Database:ConnectionString=Data Source={file}",
                "--Instance:Id=next-run",
                $"--Roadmaps:Directory={RepoPaths.Roadmaps}",
                "--Console:Enabled=false",
                "--Scheduling:Enabled=false",
                "--Diagnostics:WarmUp=false",
                "--Logging:LogLevel:Default=Warning",
            ]);
            await StudyBot.Host.StudyBotHost.PrepareAsync(app, None);

            var store = app.Services.GetRequiredService<ILeaseStore>();
            Assert.Empty(await store.ListLiveAsync("discord:", None));
            Assert.Equal("hashes", await store.ReadValueAsync("discord:commands", None));
            Assert.True(await store.TryAcquireAsync("discord:shard:0", TimeSpan.FromSeconds(30), None));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { file, file + "-wal", file + "-shm", file + ".lock" })
            {
                File.Delete(f);
            }
        }
    }

    [PostgresFact]
    public async Task Many_instances_grabbing_one_free_lease_at_once_give_it_to_exactly_one()
    {
        await using var db = await Instances.StartAsync(DatabaseProvider.PostgreSQL, 6);
        for (var round = 0; round < 20; round++)
        {
            var name = $"discord:shard:{round}";
            var results = await Task.WhenAll(db.Stores.Select(s => Task.Run(() => s.TryAcquireAsync(name, TimeSpan.FromSeconds(30), None))));
            Assert.Equal(1, results.Count(r => r));
            var holder = Assert.Single(await db.Stores[0].ListLiveAsync(name, None)).Holder;
            Assert.Equal(holder, db.Stores[Array.IndexOf(results, true)].Holder);
        }
    }

    /// <summary>One step of a run: an instance takes (or renews) the lease for some seconds, releases it, or time passes.</summary>
    private sealed record Step(int Instance, int Kind, int Seconds);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Any_run_of_takes_renewals_releases_and_passing_time_follows_the_lease_rules(DatabaseProvider provider)
    {
        await using var db = await Instances.StartAsync(provider, 3);
        var steps = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 3], Gen.Int[1, 40]).Select(t => new Step(t.Item1, t.Item2, t.Item3)).Array[1, 30];
        var run = 0;

        await steps.SampleAsync(
            async plan =>
            {
                // A lease of its own per run, on the one database and clock (one run at a time: they share the clock).
                var name = $"prop:{Interlocked.Increment(ref run)}";
                string? holder = null;
                var expires = DateTimeOffset.MinValue;
                foreach (var step in plan)
                {
                    var store = db.Stores[step.Instance];
                    var now = db.Time.GetUtcNow();
                    switch (step.Kind)
                    {
                        case 0 or 1:
                            // Free, run out or already mine: taken (renewed); otherwise refused and unchanged.
                            var expected = holder is null || holder == store.Holder || expires <= now;
                            var ttl = TimeSpan.FromSeconds(step.Seconds);
                            Assert.Equal(expected, await store.TryAcquireAsync(name, ttl, None));
                            if (expected)
                            {
                                (holder, expires) = (store.Holder, now + ttl);
                            }

                            break;
                        case 2:
                            await store.ReleaseAsync(name, None);
                            if (holder == store.Holder)
                            {
                                holder = null;
                            }

                            break;
                        default:
                            db.Time.Advance(TimeSpan.FromSeconds(step.Seconds));
                            break;
                    }

                    // Never two holders: the live lease, if any, is the model's one holder.
                    var live = await db.Stores[(step.Instance + 1) % 3].ListLiveAsync(name, None);
                    var modelLive = holder is not null && expires > db.Time.GetUtcNow();
                    Assert.Equal(modelLive ? [holder!] : Array.Empty<string>(), live.Select(l => l.Holder).ToArray());
                }
            },
            iter: provider == DatabaseProvider.Sqlite ? 100 : 40,
            threads: 1);
    }
}
