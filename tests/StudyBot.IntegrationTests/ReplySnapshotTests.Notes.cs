namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of notes and links on roadmap items (issue 20).</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] NoteCases =
    [
        ("note", ["/progress start programmer part-time"], [
            "/progress note numpy",
            "/progress note numpy practise broadcasting <b>before</b> pandas & \"polars\"",
            "/progress note numpy",
            "/progress note numpy link https://numpy.org/doc/",
            "/progress note numpy link https://numpy.org/doc",
            "/progress done numpy",
            "/progress note numpy redo the exercises",
            "/progress note numpy clear",
            "/progress note numpy clear",
        ]),
        ("note-bad", ["/progress start programmer part-time"], [
            "/progress note qwertyuiop my note",
            "/progress note numpy link",
            "/progress note numpy link javascript:alert(1)",
            "/progress note numpy link https://example.org/" + new string('a', 500),
            "/progress note numpy " + new string('x', 2001),
            "/progress note numpy " + new string('x', 3100),
        ]),
    ];
}
