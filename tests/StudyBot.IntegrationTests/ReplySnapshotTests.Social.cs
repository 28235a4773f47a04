namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of reminders, rest, boards, focus and partners.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] SocialCases =
    [
    ];
}
