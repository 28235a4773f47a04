namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of group study sessions, roles and voice rooms.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] SessionCases =
    [
        ("session", ["/progress timezone Europe/Berlin"], [
            "/progress sessions",
            "/studybot session plan monday 19:00 60 linear algebra",
            "/studybot session plan monday 19:00 60 #study-hall linear algebra",
            "/progress session plan tomorrow 10:00 45 #study-hall",
            "/progress sessions",
            "/progress session going 1",
            "/progress session maybe 2",
            "/progress session cant 1",
            "/progress session going 9",
            "/progress session checkin 1",
            "/studybot session members on",
            "/progress sessions",
            "/studybot session members off",
            "/studybot session cancel 2",
            "/studybot session cancel 2",
            "/progress session going 2",
        ]),
        ("session-bad", [], [
            "/studybot session plan someday 19:00 60 #study-hall",
            "/studybot session plan monday 25:00 60 #study-hall",
            "/studybot session plan 2026-12-01 19:00 60 #study-hall",
            "/studybot session plan 2028-12-01 19:00 60 #study-hall",
            "/studybot session plan monday 19:00 5 #study-hall",
            "/studybot session plan monday 19:00 60 #study-hall " + new string('x', 101),
        ]),
        ("roles-console", [], ["/studybot roles show", "/studybot roles map 1 @Graduate", "/studybot roles sync"]),
        ("rooms-console", [], ["/studybot rooms list", "/studybot rooms add #Study Room", "/progress me rooms ignore"]),
        ("session-checkin", ["/studybot session plan today 9:05 30 #study-hall pair programming", "/studybot session plan monday 08:30 60 #study-hall"], [
            "/progress sessions",
            "/progress session checkin 1",
            "/progress session checkin 1",
            "/progress session checkin 2",
        ]),
    ];
}
