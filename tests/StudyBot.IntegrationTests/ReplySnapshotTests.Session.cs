namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of group study sessions, roles and voice rooms.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] SessionCases =
    [
    ];
}
