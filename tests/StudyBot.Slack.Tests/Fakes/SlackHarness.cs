using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Cards;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Slack.Http;

namespace StudyBot.Slack.Tests.Fakes;

public sealed class HarnessOptions
{
    public SlackMode Mode { get; init; } = SlackMode.SocketMode;

    /// <summary>Extra or overriding configuration, e.g. Slack:InlineReplyWindow.</summary>
    public Dictionary<string, string?> Config { get; init; } = [];

    /// <summary>
    /// Give every method a huge client-side budget. Off by default: StudyBot paces itself to Slack's real limits in
    /// every harness, and a test that turns this on says why in a comment.
    /// </summary>
    public bool GenerousLimits { get; init; }

    /// <summary>The fake answers 429 with Retry-After above Slack's documented limits. On by default; a test that turns it off says why.</summary>
    public bool FakeEnforcesLimits { get; init; } = true;

    public DateTimeOffset Start { get; init; } = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The clock to drive the host with (e.g. a <see cref="SteppingClock"/>); by default a new one at <see cref="Start"/>.</summary>
    public FakeTimeProvider? Time { get; init; }

    public bool StartHost { get; init; } = true;

    /// <summary>How long the host may take to start before the test fails (a hang guard, not a timing check).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called on the host's services after StudyBot's own registrations (e.g. a fault injected below the adapter).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }

    /// <summary>Called on the fake before the host starts (add users, inject start-up faults).</summary>
    public Action<FakeSlack>? Arrange { get; init; }

    /// <summary>The database file to use (a restart on the same data); the caller deletes it. By default a new one the harness deletes.</summary>
    public string? DatabasePath { get; init; }

    /// <summary>
    /// A PostgreSQL database (a connection string) instead of the SQLite file, with what the host adds there: deliveries
    /// seen recently shared in the database, as several instances on one database have them.
    /// </summary>
    public string? Postgres { get; init; }
}

/// <summary>
/// The real engine (Core + EF Core on a temp SQLite file + the roadmap in the repo) with the Slack adapter,
/// pointed at a <see cref="FakeSlack"/> and driven by a <see cref="FakeTimeProvider"/>.
/// </summary>
public sealed class SlackHarness : IAsyncDisposable
{
    public const string SigningSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    private static readonly Lazy<RoadmapCatalog> Roadmaps = new(() =>
        new RoadmapCatalog(RoadmapLoader.LoadDirectory(Path.Combine(Fixtures.Repository, "roadmap")), "ml-zero-to-hero"));

    private readonly string _databasePath;
    private bool _ownsDatabase = true;
    private bool _started;
    private TimeSpan _startTimeout = TimeSpan.FromSeconds(30);

    private SlackHarness(FakeSlack slack, WebApplication app, FakeTimeProvider time, CapturingLoggerProvider logs, string databasePath)
    {
        Slack = slack;
        App = app;
        Time = time;
        Logs = logs;
        _databasePath = databasePath;
    }

    public FakeSlack Slack { get; }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => App.Services;

    public Uri HttpBase => new(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public T Get<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public static async Task<SlackHarness> StartAsync(HarnessOptions? options = null)
    {
        options ??= new HarnessOptions();
        var time = options.Time ?? new FakeTimeProvider(options.Start);
        var slack = await FakeSlack.StartAsync(time);
        slack.EnforceRateLimits = options.FakeEnforcesLimits;
        options.Arrange?.Invoke(slack);

        var config = new Dictionary<string, string?>
        {
            ["Slack:BotToken"] = FakeSlack.BotToken,
            ["Slack:AppToken"] = FakeSlack.AppToken,
            ["Slack:SigningSecret"] = SigningSecret,
            ["Slack:Mode"] = options.Mode.ToString(),
            ["Slack:ApiBaseUrl"] = slack.ApiBaseUrl,
            ["Http:Urls"] = "http://127.0.0.1:0",
        };
        if (options.GenerousLimits)
        {
            config["Slack:PostMessagePerMinute"] = "60000";
            config["Slack:ChannelPostsPerMinute"] = "60000";
            foreach (var method in new[] { "users.info", "views.publish", "conversations.open", "conversations.history", "conversations.info", "auth.test", "apps.connections.open", "chat.postEphemeral", "chat.update", "files.getUploadURLExternal", "files.completeUploadExternal" })
            {
                config[$"Slack:MethodLimits:{method}"] = "60000";
            }
        }

        foreach (var (key, value) in options.Config)
        {
            config[key] = value;
        }

        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));

        var databasePath = options.DatabasePath ?? Path.Combine(Path.GetTempPath(), "studybot-slack-tests", $"{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var services = builder.Services;
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(Roadmaps.Value);
        services.AddStudyBotCore();
        services.AddStudyBotCards();
        if (options.Postgres is { } postgres)
        {
            services.AddStudyBotData(DatabaseProvider.PostgreSQL, postgres);
            services.AddSharedSeenDeliveries();
        }
        else
        {
            services.AddStudyBotData($"Data Source={databasePath}");
        }
        if (!services.AddSlackAdapter(builder.Configuration))
        {
            throw new InvalidOperationException("The Slack adapter did not turn on.");
        }

        options.ConfigureServices?.Invoke(services);
        var app = builder.Build();
        app.MapSlackEndpoints();
        await StudyBotDatabase.MigrateAsync(app.Services, CancellationToken.None);
        var harness = new SlackHarness(slack, app, time, logs, databasePath) { _startTimeout = options.StartTimeout, _ownsDatabase = options.DatabasePath is null };
        if (options.StartHost)
        {
            try
            {
                await harness.StartHostAsync();
            }
            catch
            {
                await harness.DisposeAsync();
                throw;
            }
        }

        return harness;
    }

    /// <summary>Starts the host; fails (never hangs) when it does not start in time, naming the fake's own faults.</summary>
    public async Task StartHostAsync()
    {
        _started = true;
        try
        {
            await Bounded.WaitAsync(App.StartAsync(), "the host to start", _startTimeout);
        }
        catch (TimeoutException)
        {
            // Start-up waits on fake time (auth.test retries), which only the test moves: say what it waited for.
            throw new TimeoutException(
                $"The host did not start within {_startTimeout.TotalSeconds:0} s (the Slack adapter's start-up auth.test never succeeded)." +
                (Slack.OwnFaults.Count == 0 ? "" : " The fake Slack failed: " + string.Join("; ", Slack.OwnFaults)));
        }
    }

    /// <summary>
    /// Moves the fake clock forward in steps, letting real work run between steps, until the condition holds;
    /// returns how much fake time that took. Throws if it needs more than <paramref name="max"/>.
    /// </summary>
    public async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, TimeSpan step, TimeSpan max, string what)
    {
        var advanced = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // Give asynchronous work a moment on the real clock before deciding.
            for (var i = 0; i < 5 && !condition(); i++)
            {
                await Task.Delay(10);
            }

            if (clock.Elapsed > Bounded.Default && !condition())
            {
                throw Bounded.TimedOut(Bounded.Default, $"{what} (after {advanced} of fake time)");
            }

            if (condition())
            {
                return advanced;
            }

            if (advanced >= max)
            {
                throw new TimeoutException($"{what} did not happen within {max} of fake time.");
            }

            Time.Advance(step);
            advanced += step;
        }
    }

    /// <summary>
    /// Waits for <paramref name="count"/> live Socket Mode connections. StudyBot opens them paced to
    /// apps.connections.open's budget (20 a minute, so about 3 s apart), so the wait moves the fake clock.
    /// </summary>
    public async Task<IReadOnlyList<FakeSocket>> WaitForSocketsAsync(int count)
    {
        await AdvanceUntilAsync(() => Slack.OpenSockets.Count(s => s.HelloSent) >= count, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(2), $"{count} live socket(s)");
        return await Slack.WaitForSocketsAsync(count);
    }

    /// <summary>
    /// Waits for a post to the response_url with this id, moving the fake clock meanwhile: the work behind an answer
    /// (users.info, files, conversations.info) is paced to Slack's budgets and may wait for its turn.
    /// </summary>
    public async Task<ResponseUrlPost> WaitForResponseAsync(string id)
    {
        await AdvanceUntilAsync(() => Slack.ResponseUrlPosts.Any(r => r.Id == id), TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(2), $"the response_url post {id}");
        return Slack.ResponseUrlPosts.First(r => r.Id == id);
    }

    /// <summary>
    /// The explicit signal that the adapter has taken in <paramref name="envelopes"/> Socket Mode envelopes (handled
    /// or recognised as repeats) and finished all the work they started: after it, nothing more can follow from them,
    /// so a test checks "only once" here rather than after a real sleep.
    /// </summary>
    public Task SettledAsync(int envelopes, string what)
    {
        var handler = Get<StudyBot.Slack.SocketMode.SocketEnvelopeHandler>();
        return IdleAsync(() => handler.Handled + handler.Duplicates >= envelopes, what);
    }

    /// <summary>Waits (bounded) until the condition holds and no Slack background work is in flight.</summary>
    public Task IdleAsync(Func<bool> condition, string what)
    {
        var work = Get<StudyBot.Slack.Inbound.SlackBackgroundWork>();
        return FakeSlack.WaitUntilAsync(() => condition() && work.InFlight == 0, what: what);
    }

    /// <summary>A member's state as the database holds it.</summary>
    public async Task<MemberSnapshot> LoadMemberAsync(string userId, string teamId = FakeSlack.TeamId)
    {
        await using var scope = Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        var member = new MemberRef(new CommunityRef(Platforms.Slack, teamId, FakeSlack.TeamDomain), userId, userId);
        return await store.LoadAsync(member, new NewcomerDefaults("ml-zero-to-hero", "UTC"), CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        var fatal = Services.GetRequiredService<SlackFatal>().IsStopping;
        if (_started)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await App.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The test already failed or left work behind; disposal below still cleans up.
            }
        }

        // Bounded too: a disposal that waits on something that never comes must fail, not hang the run.
        await Bounded.WaitAsync(App.DisposeAsync().AsTask(), "the Slack adapter's host to be disposed");
        await Bounded.WaitAsync(Slack.DisposeAsync().AsTask(), "the fake Slack to be disposed");

        // A fatal stop sets the process exit code; the tests that provoke one (FatalStopTests) put it back.
        if (fatal)
        {
            Environment.ExitCode = 0;
        }

        SqliteConnection.ClearAllPools();
        foreach (var file in _ownsDatabase ? new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" } : [])
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: the temp folder is cleaned by the OS.
            }
        }
    }
}
