using System.Globalization;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using StudyBot.Cards;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Discord;
using StudyBot.Host.Console;
using StudyBot.Host.Health;
using StudyBot.Host.Options;
using StudyBot.Host.Scheduling;
using StudyBot.Host.Telemetry;
using StudyBot.Slack;
using StudyBot.Slack.Http;
using StudyBot.Web;

namespace StudyBot.Host;

/// <summary>A configuration or content problem that must stop the host with one clear message.</summary>
public sealed class StartupException(string message, bool multiLine = false) : Exception(message)
{
    /// <summary>The message lists several problems, one per line (a broken roadmap file); printed as it is.</summary>
    public bool MultiLine => multiLine;
}

/// <summary>Builds the one StudyBot process: options, engine, data, adapters, endpoints.</summary>
public static partial class StudyBotHost
{
    /// <summary>The host's own reports of faults; StudyBot reports them itself, in one line (see <see cref="RunAsync"/>).</summary>
    private const string HostInternalsCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>
    /// What a run of the bot (Program) has that a host built by tests and benchmarks does not: the pages' own listener
    /// (<see cref="WebOptions.DefaultUrl"/>) when neither <c>Web:Urls</c> nor <c>Http:Urls</c> is set. <c>Web:Urls</c> set
    /// to nothing leaves the pages on <c>Http:Urls</c> only; <c>Web:Enabled=false</c> turns them off.
    /// </summary>
    public static void UseRunDefaults(WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        if (config[$"{WebOptions.Section}:{nameof(WebOptions.Urls)}"] is null && string.IsNullOrWhiteSpace(config[$"{HttpOptions.Section}:{nameof(HttpOptions.Urls)}"]))
        {
            config[$"{WebOptions.Section}:{nameof(WebOptions.Urls)}"] = WebOptions.DefaultUrl;
        }
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // The content root is the app's folder (unless --contentRoot or DOTNET_CONTENTROOT says otherwise), so the
        // appsettings.json that ships beside the binary applies whatever the working directory is.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = ContentRootIsSet(args) ? null : AppContext.BaseDirectory,
        });

        // Then the working directory's appsettings.json (and appsettings.{Environment}.json) override it, before
        // user secrets, environment variables and the command line.
        AddWorkingDirectorySettings(builder);
        builder.Host.UseDefaultServiceProvider(o =>
        {
            o.ValidateScopes = true;
            o.ValidateOnBuild = true;
        });
        configure?.Invoke(builder);

        var config = builder.Configuration;
        var services = builder.Services;
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.StopHost);
        AddOptions<DatabaseOptions, DatabaseOptionsValidator>(services, config, DatabaseOptions.Section);
        AddOptions<CommunityOptions, CommunityOptionsValidator>(services, config, CommunityOptions.Section);
        AddOptions<HttpOptions, HttpOptionsValidator>(services, config, HttpOptions.Section);
        AddOptions<ConsoleOptions, ConsoleOptionsValidator>(services, config, ConsoleOptions.Section);

        // The binder adds configured list items to the defaults; configured channels replace them instead.
        services.AddOptions<ConsoleOptions>().PostConfigure(o =>
        {
            var channels = config.GetSection($"{ConsoleOptions.Section}:{nameof(ConsoleOptions.Channels)}").GetChildren().Select(c => c.Value).ToList();
            if (channels.Count > 0)
            {
                o.Channels = channels.Select(c => c?.Trim() ?? "").ToList();
            }
        });
        AddOptions<SchedulingOptions, SchedulingOptionsValidator>(services, config, SchedulingOptions.Section);
        AddOptions<RetentionOptions, RetentionOptionsValidator>(services, config, RetentionOptions.Section);
        AddOptions<DeliveryOptions, DeliveryOptionsValidator>(services, config, DeliveryOptions.Section);
        services.AddOptions<RoadmapOptions>().Bind(config.GetSection(RoadmapOptions.Section));

        services.AddSingleton(LoadRoadmaps(Read<RoadmapOptions>(config, RoadmapOptions.Section)));
        services.AddSingleton(sp => new CoreSettings { DefaultTimeZone = sp.GetRequiredService<IOptions<CommunityOptions>>().Value.DefaultTimeZone });
        services.TryAddSingleton(TimeProvider.System);
        services.AddStudyBotCore();
        services.AddStudyBotCards();

        // An unknown provider is refused by the validator before anything opens the database.
        var database = Read<DatabaseOptions>(config, DatabaseOptions.Section);
        var instance = services.FirstOrDefault(d => d.ServiceType == typeof(StudyBotInstance))?.ImplementationInstance as StudyBotInstance
            ?? Read<InstanceOptions>(config, InstanceOptions.Section).Resolve();
        services.TryAddSingleton(instance);
        services.AddStudyBotData(database.ParsedProvider ?? StudyBot.Data.DatabaseProvider.Sqlite, database.ConnectionString);
        services.AddSingleton<DatabaseLock>();
        StoreOutageLogging.Add(services);
        if (database.ParsedProvider == StudyBot.Data.DatabaseProvider.PostgreSQL)
        {
            // Several instances may share the database: a platform delivery redelivered to another instance is known there.
            services.AddSharedSeenDeliveries();
        }

        // Both are read when first needed, after PrepareAsync has validated them.
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.ToRates());
        services.AddSingleton(sp => new StudyBot.Core.Privacy.RetentionSettings
        {
            LeftMemberRetention = TimeSpan.FromDays(sp.GetRequiredService<IOptions<RetentionOptions>>().Value.LeftMemberDays),
        });
        // The first hosted service, so it starts before the scheduler and the adapters and runs while they start
        // and connect.
        var diagnostics = Read<DiagnosticsOptions>(config, DiagnosticsOptions.Section);
        services.AddSingleton(new WarmUpDone(done: !diagnostics.WarmUp));
        if (diagnostics.WarmUp)
        {
            services.AddHostedService<WarmUp>();
        }

        var scheduling = Read<SchedulingOptions>(config, SchedulingOptions.Section);
        if (scheduling.Enabled)
        {
            var provider = database.ParsedProvider ?? StudyBot.Data.DatabaseProvider.Sqlite;
            services.AddStudyBotScheduling(
                scheduling,
                provider == StudyBot.Data.DatabaseProvider.PostgreSQL ? QuartzConnection(database.ConnectionString) : null,
                instance.Id);
        }

        var consoleOptions = Read<ConsoleOptions>(config, ConsoleOptions.Section);
        var discordOn = services.AddDiscordAdapter(config);
        var slackOn = services.AddSlackAdapter(config);
        var platformsConfigured = discordOn || slackOn;
        var consoleOn = consoleOptions.Enabled ?? !platformsConfigured;
        if (consoleOn)
        {
            services.AddSingleton(new ConsoleOutput(System.Console.Out));
            services.AddSingleton<ConsoleAttachments>();
            services.AddSingleton(new ConsoleInput(System.Console.In, !System.Console.IsInputRedirected, stopHostAtEnd: !platformsConfigured));
            services.AddSingleton<INotifier, ConsoleNotifier>();
            services.AddSingleton<IChannelDirectory, ConsoleChannels>();
            services.AddHostedService<ConsoleAdapter>();
        }

        if (diagnostics.FailAfterStart)
        {
            services.AddHostedService<FailAfterStart>();
        }

        services.AddStudyBotHealth(config, new Health.HealthParts(
            discordOn,
            discordOn && !string.Equals(config["Discord:Mode"]?.Trim(), "Http", StringComparison.OrdinalIgnoreCase),
            slackOn,
            slackOn && !string.Equals(config["Slack:Mode"]?.Trim(), "Http", StringComparison.OrdinalIgnoreCase),
            scheduling.Enabled));
        ConfigureLogging(builder, consoleOn);

        // Metrics and traces (issue 15): OpenTelemetry, /metrics on Metrics:Urls (a listener of its own), OTLP when set.
        HostTelemetry.Add(builder);
        // The web pages (issue 20): on every Http:Urls listener and on their own Web:Urls (StudyBot.Web).
        var web = Read<StudyBot.Web.WebOptions>(config, StudyBot.Web.WebOptions.Section);
        if (web.Enabled)
        {
            services.AddStudyBotWeb(config);
        }

        var urls = (Read<HttpOptions>(config, HttpOptions.Section).Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(web.Enabled ? web.UrlList : [])
            .Concat(HostTelemetry.ReadUrls(config))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
        if (urls.Length == 0)
        {
            services.AddSingleton<IServer, NoHttpServer>();
        }
        else
        {
            builder.WebHost.UseUrls(urls);
        }

        var app = builder.Build();
        HostTelemetry.Map(app);
        app.MapStudyBotHealth();
        if (discordOn)
        {
            app.MapDiscordInteractions();
        }

        app.MapSlackEndpoints();
        if (web.Enabled)
        {
            app.MapStudyBotWeb();
            app.Lifetime.ApplicationStarted.Register(() => PrintWebAddress(app, consoleOn));
        }

        return app;
    }

    /// <summary>
    /// The one line that says where the pages are, once the listeners are bound: on standard error beside the console's
    /// conversation (whose log lines below warnings are hidden), as a log line otherwise.
    /// </summary>
    private static void PrintWebAddress(WebApplication app, bool consoleOn)
    {
        if (app.Services.GetRequiredService<StudyBot.Web.WebAddress>().PublicUrl is not { } url)
        {
            return;
        }

        if (consoleOn)
        {
            System.Console.Error.WriteLine($"Web pages: {url}");
        }
        else
        {
            LogWebPages(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StudyBot.Host"), url.ToString());
        }
    }

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Web pages: {Url}")]
    private static partial void LogWebPages(ILogger logger, string url);

    /// <summary>
    /// Checks every option, takes the database's lock (another StudyBot on the same SQLite file stops this one here,
    /// before it touches anything), then migrates the database: all before anything connects or listens.
    /// </summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (Exception ex) when (ex is OptionsValidationException or AggregateException or InvalidOperationException
            && StartupMessage(ex, app.Configuration) is { } message)
        {
            throw new StartupException(message);
        }

        // One process per SQLite file (several instances share a PostgreSQL database instead): the lock is held until
        // the host is disposed, or the process ends however it ends.
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        LogInstance(
            app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StudyBot.Host"),
            app.Services.GetRequiredService<StudyBotInstance>().Id,
            (database.ParsedProvider ?? StudyBot.Data.DatabaseProvider.Sqlite).ToString());
        if ((database.ParsedProvider ?? StudyBot.Data.DatabaseProvider.Sqlite) == StudyBot.Data.DatabaseProvider.Sqlite)
        {
            app.Services.GetRequiredService<DatabaseLock>().Acquire(database.ConnectionString);
        }

        await MigrateAsync(app, database, cancellationToken);
        await RoadmapVersionStartup.RunAsync(app.Services, cancellationToken);
    }

    /// <summary>
    /// Migrates the database. A PostgreSQL server that cannot be reached yet is waited for, up to
    /// <c>Database:WaitAtStart</c> (logged once when the wait begins), because in compose or Kubernetes it often starts
    /// beside StudyBot and takes seconds to accept connections: a bounded wait saves a crash loop and the supervisor's
    /// growing restart delay, and a server that stays away still ends in exit code 1 with the reason. A refused login,
    /// a missing database or a newer schema stop the start at once: waiting would not fix them.
    /// </summary>
    private static async Task MigrateAsync(WebApplication app, DatabaseOptions database, CancellationToken cancellationToken)
    {
        var postgres = database.ParsedProvider == StudyBot.Data.DatabaseProvider.PostgreSQL;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StudyBot.Host");
        long? started = null;
        while (true)
        {
            try
            {
                await StudyBotDatabase.MigrateAsync(app.Services, cancellationToken);
                if (!postgres)
                {
                    // The file's lock proves no other StudyBot runs on it: leases others hold were left by a crash.
                    await StudyBotDatabase.ReleaseOthersLeasesAsync(app.Services, cancellationToken);
                }

                if (started is { } since)
                {
                    LogDatabaseUp(logger, TimeProvider.System.GetElapsedTime(since).TotalSeconds);
                }

                return;
            }
            catch (NewerDatabaseException ex)
            {
                throw new StartupException($"Database:ConnectionString: {ex.Message}.");
            }
            catch (Exception ex) when (postgres && PostgresFault.Of(ex, database.ConnectionString) is { } fault)
            {
                if (!fault.Waitable || database.WaitAtStart <= TimeSpan.Zero)
                {
                    throw new StartupException($"Database:ConnectionString: {fault.Message}.");
                }

                // The wait is counted from the first failure, so it is the full time however long the first try took.
                if (started is null)
                {
                    started = TimeProvider.System.GetTimestamp();
                    LogWaitingForDatabase(logger, fault.Server, fault.Reason, database.WaitAtStart.TotalSeconds);
                }

                var waited = TimeProvider.System.GetElapsedTime(started.Value);
                if (waited >= database.WaitAtStart)
                {
                    throw new StartupException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"Database:ConnectionString: {fault.Message} (tried for {database.WaitAtStart.TotalSeconds:0} s, Database:WaitAtStart)"));
                }

                var pause = database.WaitAtStart - waited;
                await Task.Delay(pause < RetryAtStart ? pause : RetryAtStart, cancellationToken);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                // The message never shows the connection string: it may carry a password.
                throw new StartupException($"The database (Database:ConnectionString) cannot be opened or migrated: {OneLine(ex.Message)}");
            }
        }
    }

    /// <summary>How often a start tries a PostgreSQL server it is waiting for.</summary>
    private static readonly TimeSpan RetryAtStart = TimeSpan.FromSeconds(1);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "PostgreSQL at {Server} cannot be reached yet ({Reason}); waiting up to {Seconds:0} s for it (Database:WaitAtStart)")]
    private static partial void LogWaitingForDatabase(ILogger logger, string server, string reason, double seconds);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "PostgreSQL answered after {Seconds:0} s; StudyBot is starting")]
    private static partial void LogDatabaseUp(ILogger logger, double seconds);

    /// <summary>
    /// Runs a prepared and started host until it stops, and returns the process's exit code: 0 after a normal
    /// stop (end of console input, Ctrl+C, SIGTERM), 1 when it stopped on a fault (a background service failed,
    /// an adapter hit a fatal platform error, stopping failed), so systemd, Docker and Kubernetes restart it.
    /// </summary>
    public static async Task<int> RunAsync(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StudyBot.Host");
        try
        {
            await app.WaitForShutdownAsync();
        }
        catch (Exception ex)
        {
            var failed = FailedBackgroundService(app.Services);
            if (failed is not null)
            {
                LogStoppedOnFault(logger, failed.Value.Name, failed.Value.Error.GetType().Name, failed.Value.Error);
            }
            else
            {
                LogStopFailed(logger, ex.GetType().Name, ex);
            }

            return 1;
        }

        if (FailedBackgroundService(app.Services) is { } fault)
        {
            LogStoppedOnFault(logger, fault.Name, fault.Error.GetType().Name, fault.Error);
            return 1;
        }

        // An adapter that hit a fatal platform error at run time set the exit code before stopping the host.
        return Environment.ExitCode;
    }

    /// <summary>Prints the one line a start-up failure gets (never a stack trace) and returns exit code 1.</summary>
    public static int CannotStart(Exception exception, IConfiguration? configuration)
    {
        System.Console.Error.WriteLine($"StudyBot cannot start: {StartupMessage(exception, configuration) ?? $"unexpected {Describe(exception)}"}");
        return 1;
    }

    /// <summary>What went wrong at start, in words that name the setting to fix; null when it is not a known kind.</summary>
    private static string? StartupMessage(Exception exception, IConfiguration? configuration) => exception switch
    {
        StartupException { MultiLine: true } => exception.Message,
        StartupException or AdapterFatalException => OneLine(exception.Message),
        OptionsValidationException invalid => Sentences(invalid.Failures),
        AggregateException many when many.InnerExceptions.All(e => e is OptionsValidationException) =>
            Sentences(many.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures)),
        AggregateException many when many.InnerExceptions.Select(e => StartupMessage(e, configuration)).ToList() is var messages
            && messages.TrueForAll(m => m is not null) => Sentences(messages!),
        InvalidOperationException binding when configuration is not null => SettingErrors.Describe(binding, configuration),
        IOException listen when KestrelBindFailure().Match(listen.Message) is { Success: true } bind =>
            $"{ListenKey(configuration, bind.Groups["url"].Value)}: {bind.Groups["url"].Value} cannot be listened on ({bind.Groups["why"].Value}); stop what uses it or choose another address.",
        _ => null,
    };

    /// <summary>The setting a listen address that could not be bound came from.</summary>
    private static string ListenKey(IConfiguration? configuration, string url) =>
        configuration is not null && HostTelemetry.ReadUrls(configuration).Contains(url) ? "Metrics:Urls"
        : configuration is not null && StudyBot.Web.WebOptions.Split(configuration["Web:Urls"]).Contains(url, StringComparer.OrdinalIgnoreCase)
            && !StudyBot.Web.WebOptions.Split(configuration["Http:Urls"]).Contains(url, StringComparer.OrdinalIgnoreCase) ? "Web:Urls"
        : "Http:Urls";

    [System.Text.RegularExpressions.GeneratedRegex(@"^Failed to bind to address (?<url>\S+?): (?<why>.+?)\.?$")]
    private static partial System.Text.RegularExpressions.Regex KestrelBindFailure();

    private static string Sentences(IEnumerable<string> failures) =>
        string.Join(" ", failures.Select(f => OneLine(f).TrimEnd()).Select(f => f.EndsWith('.') ? f : f + "."));

    private static string OneLine(string text) =>
        string.Join(" ", text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Describe(Exception exception) => $"{exception.GetType().Name}: {OneLine(exception.Message)}";

    private static (string Name, Exception Error)? FailedBackgroundService(IServiceProvider services) =>
        services.GetServices<IHostedService>()
            .OfType<BackgroundService>()
            .Where(s => s.ExecuteTask is { IsFaulted: true })
            .Select(s => (s.GetType().Name, (Exception)s.ExecuteTask!.Exception!.GetBaseException()))
            .Cast<(string, Exception)?>()
            .FirstOrDefault();

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "StudyBot instance {InstanceId} is starting on {Provider} (Instance:Id names it; it owns the work it claims)")]
    private static partial void LogInstance(ILogger logger, string instanceId, string provider);

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "StudyBot is stopping because {Service} failed ({Error}); exit code 1, so a service manager restarts it.")]
    private static partial void LogStoppedOnFault(ILogger logger, string service, string error, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Critical, Message = "StudyBot failed while stopping ({Error}); exit code 1.")]
    private static partial void LogStopFailed(ILogger logger, string error, Exception exception);

    /// <summary>The connection string for Quartz's store; one Npgsql cannot read is left as it is, for the validator to name at start.</summary>
    private static string QuartzConnection(string connectionString)
    {
        try
        {
            return PostgresConnection.Normalise(connectionString);
        }
        catch (ArgumentException)
        {
            return connectionString;
        }
    }

    /// <summary>Reads a section for use while building; a value of the wrong form stops the host naming its key.</summary>
    private static T Read<T>(IConfiguration config, string section)
        where T : class, new()
    {
        try
        {
            return config.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException ex) when (SettingErrors.Describe(ex, config) is { } message)
        {
            throw new StartupException(message);
        }
    }

    private static void AddOptions<TOptions, TValidator>(IServiceCollection services, IConfiguration config, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().Bind(config.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
    }

    private static bool ContentRootIsSet(string[] args)
    {
        var hostSettings = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build();
        return !string.IsNullOrWhiteSpace(hostSettings[HostDefaults.ContentRootKey]);
    }

    private static void AddWorkingDirectorySettings(WebApplicationBuilder builder)
    {
        var workDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Directory.GetCurrentDirectory()));
        var contentRoot = Path.TrimEndingDirectorySeparator(Path.GetFullPath(builder.Environment.ContentRootPath));
        if (string.Equals(workDir, contentRoot, StringComparison.Ordinal))
        {
            return;
        }

        var sources = builder.Configuration.Sources;
        var after = sources.Select((source, index) => (source, index))
            .LastOrDefault(s => s.source is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path: { } path }
                && path.StartsWith("appsettings", StringComparison.OrdinalIgnoreCase))
            .index;
        var files = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(workDir);
        foreach (var name in new[] { $"appsettings.{builder.Environment.EnvironmentName}.json", "appsettings.json" })
        {
            sources.Insert(after + 1, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                FileProvider = files,
                Path = name,
                Optional = true,
                ReloadOnChange = false,
            });
        }
    }

    private static RoadmapCatalog LoadRoadmaps(RoadmapOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            throw new StartupException("Roadmaps:Directory is empty; use e.g. roadmap.");
        }

        if (string.IsNullOrWhiteSpace(options.Default))
        {
            throw new StartupException("Roadmaps:Default is empty; use e.g. ml-zero-to-hero.");
        }

        // A relative folder is looked for in the working directory first, then beside the binary.
        string directory;
        if (Path.IsPathRooted(options.Directory))
        {
            directory = options.Directory;
            if (!Directory.Exists(directory))
            {
                throw new StartupException($"Roadmap folder '{options.Directory}' does not exist (Roadmaps:Directory)");
            }
        }
        else
        {
            var fromWorkDir = Path.GetFullPath(options.Directory);
            var fromApp = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, options.Directory));
            directory = Directory.Exists(fromWorkDir) ? fromWorkDir
                : Directory.Exists(fromApp) ? fromApp
                : throw new StartupException($"Roadmap folder '{options.Directory}' does not exist (Roadmaps:Directory); looked in {fromWorkDir} and {fromApp}");
        }

        if (!Directory.EnumerateFiles(directory).Any(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)))
        {
            throw new StartupException($"Roadmap folder '{directory}' has no roadmap files (*.yaml) (Roadmaps:Directory)");
        }

        IReadOnlyList<Roadmap> roadmaps;
        try
        {
            roadmaps = RoadmapLoader.LoadDirectory(directory);
        }
        catch (RoadmapLoadException ex) when (ex.Problems.Count == 1)
        {
            // One problem: one line, "file:line:column: problem" (or "file: problem" when it is not about a line).
            throw new StartupException($"Roadmap error in {ex.Problems[0]}");
        }
        catch (RoadmapLoadException ex)
        {
            // Every problem of every file, one per line, as `roadmap check` prints them.
            throw new StartupException($"{ex.Problems.Count} roadmap problems; fix them (`roadmap check <file>` lists them too):\n{string.Join("\n", ex.Problems)}", multiLine: true);
        }

        if (!roadmaps.Any(r => r.Id == options.Default))
        {
            throw new StartupException($"Roadmaps:Default '{options.Default}' is not among the loaded roadmaps ({string.Join(", ", roadmaps.Select(r => r.Id))}); use one of their ids.");
        }

        return new RoadmapCatalog(roadmaps, options.Default);
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, bool consoleOn)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        LogFormat.AddConsole(builder.Logging, builder.Configuration);

        // Every log line goes to stderr, so the conversation on stdout stays clean.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (consoleOn)
        {
            builder.Logging.AddFilter<ConsoleLoggerProvider>((category, level) => level >= LogLevel.Warning);
        }

        // The host's own fault reports ("Hosting failed to start", "BackgroundService failed", each with a stack
        // trace) are replaced by StudyBot's one line: "StudyBot cannot start: ..." or "StudyBot is stopping because ...".
        builder.Logging.AddFilter(HostInternalsCategory, LogLevel.None);
        builder.Logging.AddFilter<ConsoleLoggerProvider>(HostInternalsCategory, LogLevel.None);

        // ASP.NET Core's hosting starts an Activity and a logging scope for every request whenever its category is on at
        // all, though it writes only Information and Debug lines ("Request starting ..."). Where those lines would not be
        // written anyway (the usual Warning for Microsoft.*), the category is switched off, so a request costs neither.
        if (!LogsInformation(builder.Configuration.GetSection("Logging"), HostingDiagnosticsCategory))
        {
            builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        }
    }

    /// <summary>ASP.NET Core's per-request log category (request starting and finished, at Information and Debug).</summary>
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// Whether the logging configuration lets <paramref name="category"/> write Information lines, for any provider: the
    /// longest matching prefix in <c>Logging:LogLevel</c> and in each <c>Logging:{Provider}:LogLevel</c> (then their
    /// <c>Default</c>) decides, as the logging filter does; nothing configured means Information.
    /// </summary>
    internal static bool LogsInformation(IConfigurationSection logging, string category)
    {
        var sections = new List<IConfigurationSection> { logging.GetSection("LogLevel") };
        sections.AddRange(logging.GetChildren().Where(c => c.Key != "LogLevel").Select(c => c.GetSection("LogLevel")).Where(s => s.Exists()));
        var anyConfigured = false;
        foreach (var levels in sections)
        {
            var best = levels.GetChildren()
                .Where(c => c.Key != "Default" && (category.Equals(c.Key, StringComparison.OrdinalIgnoreCase) || category.StartsWith(c.Key + ".", StringComparison.OrdinalIgnoreCase)))
                .OrderByDescending(c => c.Key.Length)
                .Select(c => c.Value)
                .FirstOrDefault() ?? levels["Default"];
            if (best is null)
            {
                continue;
            }

            anyConfigured = true;
            if (!Enum.TryParse<LogLevel>(best, ignoreCase: true, out var level) || level <= LogLevel.Information)
            {
                return true;
            }
        }

        return !anyConfigured;
    }
}

/// <summary>
/// Test-only (<c>Diagnostics:FailAfterStart</c>, off by default): fails once the host has started, as a bug in
/// an adapter would, so a test can see the process end with exit code 1.
/// </summary>
internal sealed class FailAfterStart(IHostApplicationLifetime lifetime) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        throw new InvalidOperationException("Diagnostics:FailAfterStart is set, so this background service fails on purpose (a test-only switch).");
    }
}

/// <summary>
/// Right after start, in the background, rehearses a few commands so the first real ones answer as fast as later
/// ones (<see cref="CommandExecutor.WarmUpAsync"/>): the JIT, EF Core's model and compiled queries, the first SQLite
/// write, the receipt's JSON, the parser's regexes. It does not hold up the start: it begins once the host has started
/// (the console reads, the HTTP endpoint listens), so it does not slow the adapters' start either, and a command that
/// arrives meanwhile simply runs alongside it. The scheduled jobs wait for it (<see cref="WarmUpDone"/>).
/// </summary>
internal sealed partial class WarmUp(CommandExecutor executor, IHostApplicationLifetime lifetime, WarmUpDone done, TimeProvider time, ILogger<WarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken);
        }
        finally
        {
            done.Set();
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: StartAsync goes on to the adapters at once.
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => up.TrySetResult()))
        {
            try
            {
                await up.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var started = time.GetTimestamp();
        try
        {
            await executor.WarmUpAsync(stoppingToken);
            LogWarmedUp(time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Never a reason to stop the host: the first commands are merely slower.
            LogWarmUpFailed(ex.GetType().Name, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Warmed up the command path in {Milliseconds:0} ms")]
    private partial void LogWarmedUp(double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The start-up warm-up failed ({Error}); the first commands may be slower")]
    private partial void LogWarmUpFailed(string error, Exception ex);
}

/// <summary>
/// Whether the start-up warm-up is over (from the start when there is none): the scheduled jobs, which would compete
/// with it and with the first commands for the same two cores, start after it.
/// </summary>
internal sealed class WarmUpDone
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WarmUpDone(bool done)
    {
        if (done)
        {
            _done.TrySetResult();
        }
    }

    public Task Task => _done.Task;

    public void Set() => _done.TrySetResult();
}
