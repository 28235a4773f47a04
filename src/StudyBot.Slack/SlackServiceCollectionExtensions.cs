using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Slack.Api;
using StudyBot.Slack.Http;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.SocketMode;

namespace StudyBot.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Slack adapter when it is configured (a bot token is set); returns whether it is on.
    /// Options are validated at start. Socket Mode runs as a hosted service; Http mode needs the host to
    /// call <see cref="SlackEndpoints.MapSlackEndpoints"/>.
    /// </summary>
    public static bool AddSlackAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(SlackOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(SlackOptions.BotToken)]))
        {
            return false;
        }

        services.AddOptions<SlackOptions>()
            .Bind(section)
            .PostConfigure(o => SlackOptions.ReadAdminList(o, section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SlackOptions>>(new SlackOptionsValidator(configuration));

        // HttpClientFactory's own request logging writes every request URL at Information level. A response_url and
        // an upload URL are secrets in their path (whoever has one can post as StudyBot), so the Slack clients log
        // nothing of their own: the adapter logs what matters, without URLs.
        services.AddHttpClient(SlackApiClient.HttpClientName, (sp, client) =>
        {
            var o = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
            client.BaseAddress = new Uri(o.ApiBaseUrl.TrimEnd('/') + "/");
            client.Timeout = o.RequestTimeout;
        }).RemoveAllLoggers();
        services.AddHttpClient(SlackMessenger.ResponseUrlClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<SlackOptions>>().Value.RequestTimeout)
            .RemoveAllLoggers();

        // Uploads carry their own deadline, which grows with the file's size.
        services.AddHttpClient(SlackFiles.UploadClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();

        services.TryAddTimeProvider();
        services.AddSingleton<SlackFatal>();
        services.AddSingleton<SlackWorkspace>();
        services.AddSingleton<SlackRateLimiter>();
        services.AddSingleton<SlackApiClient>();
        services.AddSingleton<SlackMessenger>();
        services.AddSingleton<SlackFiles>();
        services.AddSingleton<SlackUserDirectory>();
        services.AddSingleton<SlackDispatcher>();
        services.AddSingleton<SlackSignatureVerifier>();
        services.AddSingleton<SlackHttpHandler>();
        services.AddSingleton<SocketEnvelopeHandler>();
        services.AddSingleton<SocketModeService>();
        services.AddSingleton<INotifier, SlackNotifier>();
        services.AddSingleton<IChannelDirectory, SlackChannelDirectory>();

        // Hosted services start in this order and stop in reverse: the token is checked before any socket
        // opens, and in-flight work is drained after the sockets have closed.
        services.AddSingleton<SlackBackgroundWork>();
        services.AddHostedService(sp => sp.GetRequiredService<SlackBackgroundWork>());
        services.AddHostedService<SlackStartupCheck>();
        if (IsSocketMode(section))
        {
            services.AddHostedService(sp => sp.GetRequiredService<SocketModeService>());
        }

        return true;
    }

    private static bool IsSocketMode(IConfigurationSection section) =>
        !string.Equals(section[nameof(SlackOptions.Mode)]?.Trim(), nameof(SlackMode.Http), StringComparison.OrdinalIgnoreCase);

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
