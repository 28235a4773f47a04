using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace StudyBot.Discord;

public static class DiscordServiceCollectionExtensions
{
    /// <summary>Registers the Discord adapter when it is configured; returns whether it is on.</summary>
    public static bool AddDiscordAdapter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        return false;
    }
}
