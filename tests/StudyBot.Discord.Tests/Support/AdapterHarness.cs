using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core;
using StudyBot.Core.Commands;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.Tests.Support;

public sealed class HarnessOptions
{
    public FakeDiscordOptions Server { get; } = new() { BodyValidator = OpenApiSchemas.Validate };

    /// <summary>Extra or overriding settings of the Discord section (and others), e.g. ["Discord:DeferAfter"].</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>The adapter runs on a FakeTimeProvider the test advances.</summary>
    public bool FakeTime { get; set; }

    /// <summary>With <see cref="FakeTime"/>: the fake Discord runs on the same fake clock (its 15-minute tokens, nonce window, buckets).</summary>
    public bool ServerOnFakeTime { get; set; }

    /// <summary>The real engine on a temporary SQLite file instead of the scripted one.</summary>
    public bool RealEngine { get; set; }

    public bool Start { get; set; } = true;

    /// <summary>The real engine's database file; by default a new one in the harness's temporary folder. Set it to restart on the same data.</summary>
    public string? DatabaseFile { get; set; }

    /// <summary>With <see cref="RealEngine"/>: a PostgreSQL database's connection string, used instead of a SQLite file.</summary>
    public string? Postgres { get; set; }

    /// <summary>
    /// Without <see cref="RealEngine"/>: the leases the adapter sees (share one between harnesses to play instances on one
    /// database); a new one by default. With it, the real database's leases are used.
    /// </summary>
    public MemoryLeases? Leases { get; set; }

    /// <summary>This harness's instance id, the holder of its leases.</summary>
    public string InstanceId { get; set; } = "harness";

    /// <summary>Last changes to the registrations (test hooks such as a gated store), applied before the host is built.</summary>
    public Action<IServiceCollection>? Services { get; set; }
}

/// <summary>
/// The Discord adapter in a generic host against a <see cref="FakeDiscordServer"/>: real sockets, real HTTP,
/// the adapter's own DI registration. Disposing checks that every body the adapter sent validated against
/// Discord's OpenAPI schemas.
/// </summary>
internal sealed class AdapterHarness : IAsyncDisposable
{
    private readonly string _directory;


    private AdapterHarness(FakeDiscordServer server, IHost host, string directory, WatchedTime? time, FakeCommandRunner? runner, ListLoggerProvider logs, RecordingFatalStop fatal)
    {
        Server = server;
        Host = host;
        _directory = directory;
        Time = time?.Fake;
        Watch = time;
        Runner = runner;
        Logs = logs;
        Fatal = fatal;
    }

    public FakeDiscordServer Server { get; }

    /// <summary>Whether disposing the harness disposes <see cref="Server"/> too.</summary>
    public bool OwnsServer { get; set; }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public FakeTimeProvider? Time { get; }

    /// <summary>With fake time, the host's clock: it tells when the adapter arms a timer (see <see cref="WatchedTime"/>).</summary>
    public WatchedTime? Watch { get; }

    public FakeCommandRunner? Runner { get; }

    public ListLoggerProvider Logs { get; }

    public RecordingFatalStop Fatal { get; }

    /// <summary>The leases the adapter sees (without the real engine).</summary>
    public MemoryLeases? Leases { get; private init; }

    public DiscordAdapterService Adapter => Services.GetRequiredService<DiscordAdapterService>();

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public static async Task<AdapterHarness> StartAsync(Action<HarnessOptions>? configure = null, FakeDiscordServer? sharedServer = null)
    {
        var options = new HarnessOptions();
        configure?.Invoke(options);
        var time = options.FakeTime ? new WatchedTime(new FakeTimeProvider(new DateTimeOffset(2026, 7, 6, 19, 0, 0, TimeSpan.Zero))) : null;
        if (time is not null && options.ServerOnFakeTime)
        {
            options.Server.Time = time.Fake;
        }

        var server = sharedServer ?? await FakeDiscordServer.StartAsync(options.Server);
        var directory = Directory.CreateTempSubdirectory("studybot-discord-").FullName;
        var logs = new ListLoggerProvider();
        var fatal = new RecordingFatalStop();
        var runner = options.RealEngine ? null : new FakeCommandRunner();

        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var settings = new Dictionary<string, string?>
        {
            ["Discord:Token"] = FakeDiscordOptions.Token,
            ["Discord:ApiBaseUrl"] = server.ApiBaseUrl,
            ["Discord:RequestTimeout"] = "00:00:05",
        };
        foreach (var (key, value) in options.Settings)
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(time ?? TimeProvider.System);
        builder.Services.AddSingleton<IFatalStop>(fatal);
        if (runner is not null)
        {
            builder.Services.AddSingleton<ICommandRunner>(runner);
            builder.Services.AddSingleton(StudyBotCommands.Catalog());
        }
        else
        {
            builder.Services.AddSingleton(new RoadmapCatalog(RoadmapLoader.LoadDirectory(TestPaths.Roadmaps), "ml-zero-to-hero"));
            builder.Services.AddStudyBotCore();
            if (options.Postgres is { } postgres)
            {
                builder.Services.AddStudyBotData(DatabaseProvider.PostgreSQL, postgres);
            }
            else
            {
                builder.Services.AddStudyBotData($"Data Source={options.DatabaseFile ?? Path.Combine(directory, "studybot.db")}");
            }
        }

        // Without the real engine the leases are in memory; with it they are the database's, held under the harness's id.
        var leases = options.RealEngine ? null : options.Leases ?? new MemoryLeases();
        if (leases is not null)
        {
            builder.Services.AddSingleton<StudyBot.Core.Coordination.ILeaseStore>(sp => new MemoryLeaseStore(leases, options.InstanceId, sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            builder.Services.AddSingleton(new StudyBotInstance(options.InstanceId));
        }

        if (!builder.Services.AddDiscordAdapter(builder.Configuration))
        {
            throw new InvalidOperationException("The adapter did not turn on.");
        }

        options.Services?.Invoke(builder.Services);

        var host = builder.Build();
        if (options.RealEngine)
        {
            await StudyBotDatabase.MigrateAsync(host.Services, CancellationToken.None);
        }

        // A server the test passed in outlives the harness (a restart on the same fake Discord); the test disposes it.
        var harness = new AdapterHarness(server, host, directory, time, runner, logs, fatal) { OwnsServer = sharedServer is null, Leases = leases };
        if (options.Start)
        {
            await host.StartAsync();
        }

        return harness;
    }

    /// <summary>
    /// Waits for a live gateway session that the adapter has taken in (READY or RESUMED processed) and, unless
    /// <paramref name="registered"/> is false, for command registration to end: it runs beside the gateway, and a
    /// test's first interaction should not race the fake validating the registration body.
    /// </summary>
    public async Task<FakeGatewayConnection> ReadyAsync(bool registered = true)
    {
        var connection = await Server.WaitForConnectionAsync(c => c.Session is not null && !c.Closed.Task.IsCompleted);
        await Wait.UntilAsync(
            () => Adapter.Gateway is { Status: Gateway.GatewayStatus.Ready } gateway && gateway.SessionId == connection.Session!.Id,
            "the adapter to process READY");
        if (registered)
        {
            await Wait.UntilAsync(() => Adapter.Registration.IsCompleted, "command registration to end");
        }

        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Host.StopAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
        }

        Host.Dispose();
        if (OwnsServer)
        {
            // Bounded too: a fake whose sockets never close must fail the test, not hang the run.
            await Bounded.WaitAsync(Server.DisposeAsync().AsTask(), "the fake Discord server to stop");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        Assert.True(Server.SchemaViolations.IsEmpty, "Request bodies that break Discord's OpenAPI schemas:\n" + string.Join("\n", Server.SchemaViolations));

        // StudyBot leaves a property out rather than send null: Discord takes both, stricter implementations refuse null.
        var nulls = Server.Requests
            .Where(r => r.Body.Length > 0)
            .SelectMany(r => FakeDiscordServer.ExplicitNulls(r.Json, "").Select(p => $"{r.Method} {r.Template}: {p}"))
            .Distinct()
            .ToList();
        Assert.True(nulls.Count == 0, "Request bodies with explicit nulls:\n" + string.Join("\n", nulls.Take(20)));
    }
}
