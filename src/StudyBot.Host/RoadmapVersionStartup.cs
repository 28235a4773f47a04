using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.Host;

/// <summary>
/// The start-up step after the database migrations, before the adapters and jobs start: moves members' progress to
/// newer versions of the roadmap files (<see cref="RoadmapVersions"/>), or stops the start with the reason (an older
/// file, a version changed without a new number, dropped ids, a community that failed: nothing of it changed).
/// </summary>
public static class RoadmapVersionStartup
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<RoadmapCatalog>();
        try
        {
            await RoadmapVersions.UpgradeAsync(services, catalog.All, cancellationToken);
        }
        catch (RoadmapVersionException ex)
        {
            throw new StartupException($"Roadmaps: {ex.Message}");
        }
    }
}
