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
using StudyBot.Host.Options;
using StudyBot.Host.Scheduling;
using StudyBot.Slack;
using StudyBot.Slack.Http;

namespace StudyBot.Host;

/// <summary>A configuration or content problem that must stop the host with one clear message.</summary>
public sealed class StartupException(string message) : Exception(message);

/// <summary>Builds the one StudyBot process: options, engine, data, adapters, endpoints.</summary>
public static class StudyBotHost
{
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
        AddOptions<DatabaseOptions, DatabaseOptionsValidator>(services, config, DatabaseOptions.Section);
        AddOptions<CommunityOptions, CommunityOptionsValidator>(services, config, CommunityOptions.Section);
        AddOptions<HttpOptions, HttpOptionsValidator>(services, config, HttpOptions.Section);
        services.AddOptions<RoadmapOptions>().Bind(config.GetSection(RoadmapOptions.Section));
        services.AddOptions<ConsoleOptions>().Bind(config.GetSection(ConsoleOptions.Section));

        var roadmapOptions = config.GetSection(RoadmapOptions.Section).Get<RoadmapOptions>() ?? new RoadmapOptions();
        services.AddSingleton(LoadRoadmaps(roadmapOptions));
        services.AddSingleton(sp => new CoreSettings { DefaultTimeZone = sp.GetRequiredService<IOptions<CommunityOptions>>().Value.DefaultTimeZone });
        services.TryAddSingleton(TimeProvider.System);
        services.AddStudyBotCore();
        services.AddStudyBotCards();

        var database = config.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddStudyBotData(database.ConnectionString);

        var rates = new DeliveryRates();
        foreach (var (platform, rate) in config.GetSection("Delivery:PerSecond").Get<Dictionary<string, double>>() ?? [])
        {
            rates.PerSecond[platform] = rate;
        }

        services.AddSingleton(rates);
        services.AddSingleton(new StudyBot.Core.Privacy.RetentionSettings
        {
            LeftMemberRetention = TimeSpan.FromDays(Math.Max(0, config.GetValue("Retention:LeftMemberDays", 30))),
        });
        var scheduling = config.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
        if (scheduling.Enabled)
        {
            services.AddStudyBotScheduling(scheduling);
        }

        var consoleOptions = config.GetSection(ConsoleOptions.Section).Get<ConsoleOptions>() ?? new ConsoleOptions();
        var discordOn = services.AddDiscordAdapter(config);
        var platformsConfigured = discordOn;
        platformsConfigured |= services.AddSlackAdapter(config);
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

        ConfigureLogging(builder, consoleOn);

        var urls = config.GetSection(HttpOptions.Section).Get<HttpOptions>()?.Urls;
        if (string.IsNullOrWhiteSpace(urls))
        {
            services.AddSingleton<IServer, NoHttpServer>();
        }
        else
        {
            builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        if (discordOn)
        {
            app.MapDiscordInteractions();
        }

        app.MapSlackEndpoints();
        return app;
    }

    /// <summary>Checks every option, then migrates the database: both before anything connects or listens.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new StartupException(string.Join(Environment.NewLine, ex.Failures));
        }

        try
        {
            await StudyBotDatabase.MigrateAsync(app.Services, cancellationToken);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"The database (Database:ConnectionString) cannot be opened or migrated: {ex.Message}");
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
        // A relative folder is looked for in the working directory first, then beside the binary.
        var directory = options.Directory;
        if (!Path.IsPathRooted(directory))
        {
            var fromWorkDir = Path.GetFullPath(directory);
            directory = System.IO.Directory.Exists(fromWorkDir) ? fromWorkDir : Path.Combine(AppContext.BaseDirectory, directory);
        }

        try
        {
            return new RoadmapCatalog(RoadmapLoader.LoadDirectory(directory), options.Default);
        }
        catch (RoadmapLoadException ex)
        {
            throw new StartupException($"Roadmap error in {ex.Message}");
        }
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, bool consoleOn)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConfiguration(builder.Configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        // Every log line goes to stderr, so the conversation on stdout stays clean.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (consoleOn)
        {
            builder.Logging.AddFilter<ConsoleLoggerProvider>((category, level) => level >= LogLevel.Warning);
        }
    }
}
