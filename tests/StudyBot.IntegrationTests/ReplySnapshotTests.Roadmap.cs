namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of starting, paths, the overview, the roadmap views, roadmap choice, /studybot administration, status and help.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] RoadmapCases =
    [
        ("overview", [], ["/progress", "/progress overview"]),
        ("overview-progress", ["/progress start programmer part-time", "/progress goal set 5 hours week", "/progress done python-basics", "/progress log 2h practice"], ["/progress", "/progress log 4h learning", "/progress overview"]),
    ];
}
