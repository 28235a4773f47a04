namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of starting, paths, the overview, the roadmap views, roadmap choice, /studybot administration, status and help.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] RoadmapCases =
    [
    ];
}
