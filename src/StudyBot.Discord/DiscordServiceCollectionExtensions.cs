using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Registration;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

public static class DiscordServiceCollectionExtensions
{
    internal const string HttpClientKey = "studybot-discord";

    /// <summary>Registers the Discord adapter when <c>Discord:Token</c> is set; returns whether it is on.</summary>
    public static bool AddDiscordAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DiscordOptions.Section);
        if (string.IsNullOrWhiteSpace(section["Token"]))
        {
            return false;
        }

        services.AddOptions<DiscordOptions>().Bind(section).ValidateOnStart()
            .PostConfigure(o =>
            {
                // Discord__ShardIds=0,1 (one value, not a list) binds to nothing: taken in here, split when parsed.
                if (section[nameof(DiscordOptions.ShardIds)] is { } scalar)
                {
                    o.ShardIds.Add(scalar);
                }
            });
        services.AddSingleton<IValidateOptions<DiscordOptions>, DiscordOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddKeyedSingleton(HttpClientKey, (_, _) => new HttpClient(new SocketsHttpHandler
        {
            // DNS changes (Discord moves traffic) are picked up by recycling pooled connections.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
        })
        {
            // Each attempt has its own timeout (Discord:RequestTimeout).
            Timeout = Timeout.InfiniteTimeSpan,
        });
        // Instances sharing a database (an IRateWindows is registered) share the bot token's global limit through it.
        DrainOwners.Register(services);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DiscordOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            var shared = sp.GetService<StudyBot.Core.Coordination.IRateWindows>() is { } windows
                ? new SharedGlobalBudget(windows, sp.GetRequiredService<DrainOwners>(), new GlobalSplit(options.GlobalRateLimit), time, loggers.CreateLogger<SharedGlobalBudget>())
                : null;
            return new RateLimiter(time, loggers.CreateLogger<RateLimiter>(), options.GlobalRateLimit, shared);
        });
        services.AddSingleton(sp => new InvalidRequestGuard(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<DiscordOptions>>().Value.InvalidRequestBudget,
            sp.GetRequiredService<ILogger<InvalidRequestGuard>>()));
        services.AddSingleton(sp => new DiscordRestClient(
            sp.GetRequiredKeyedService<HttpClient>(HttpClientKey),
            sp.GetRequiredService<RateLimiter>(),
            sp.GetRequiredService<InvalidRequestGuard>(),
            sp.GetRequiredService<IOptions<DiscordOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DiscordRestClient>>(),
            sp.GetService<StudyBot.Core.Telemetry.StudyBotMetrics>()));

        services.AddSingleton<RecentIds>();
        services.AddSingleton<GuildDirectory>();
        services.AddSingleton<DmReachability>();
        services.AddSingleton<IdentifyLimiter>();
        services.AddSingleton<DiscordRuntime>();
        services.TryAddSingleton<IFatalStop, HostFatalStop>();
        services.TryAddSingleton<ICommandRunner, ExecutorCommandRunner>();
        services.AddSingleton<InteractionProcessor>();
        services.AddSingleton<CommandRegistrar>();
        services.AddSingleton<GatewayDispatchSink>();
        services.AddSingleton(sp => new SignatureVerifier(
            sp.GetRequiredService<IOptions<DiscordOptions>>().Value.PublicKey
                ?? throw new InvalidOperationException("Discord:PublicKey is needed to verify HTTP interactions.")));
        services.AddSingleton<InteractionsEndpoint>();

        services.AddSingleton<DiscordNotifier>();
        services.AddSingleton<INotifier>(sp => sp.GetRequiredService<DiscordNotifier>());
        services.AddSingleton<IMemberTextEscaper, Rendering.DiscordMarkdown>();
        services.AddSingleton<IChannelDirectory, DiscordChannelDirectory>();
        services.AddSingleton<StudyBot.Core.Voice.IVoiceChannelDirectory, DiscordVoiceChannelDirectory>();
        services.AddSingleton<StudyBot.Core.Roles.ICommunityRoles, DiscordRoles>();

        services.AddSingleton<DiscordAdapterService>();
        services.AddHostedService(sp => sp.GetRequiredService<DiscordAdapterService>());
        services.AddHostedService<VoiceHeartbeat>();
        return true;
    }

    /// <summary>Maps <c>POST /discord/interactions</c> when the adapter is on and <c>Discord:Mode</c> is Http.</summary>
    public static IEndpointRouteBuilder MapDiscordInteractions(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var configuration = endpoints.ServiceProvider.GetRequiredService<IConfiguration>();
        var section = configuration.GetSection(DiscordOptions.Section);
        if (!string.IsNullOrWhiteSpace(section["Token"])
            && string.Equals(section["Mode"]?.Trim(), nameof(DiscordMode.Http), StringComparison.OrdinalIgnoreCase))
        {
            endpoints.MapPost(InteractionsEndpoint.Path, (HttpContext context) =>
                context.RequestServices.GetRequiredService<InteractionsEndpoint>().HandleAsync(context));
        }

        return endpoints;
    }
}
