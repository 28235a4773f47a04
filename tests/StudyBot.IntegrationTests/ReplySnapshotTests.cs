using System.Text;
using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The replies of the commands whose texts come from resource files, rendered in English and in German, compared with
/// committed snapshots in tests/StudyBot.IntegrationTests/Snapshots/&lt;command&gt;.&lt;language&gt;.txt (the title, text,
/// fields and buttons a member reads, for each case of the command, in order).
/// <para>
/// To write them after changing a text: <c>STUDYBOT_UPDATE_SNAPSHOTS=1 dotnet test tests/StudyBot.IntegrationTests
/// --filter FullyQualifiedName~ReplySnapshotTests</c>, then read the diff before committing. Without the variable a
/// missing or different snapshot fails the test (nothing is written).
/// </para>
/// </summary>
public sealed partial class ReplySnapshotTests
{
    /// <summary>Every snapshot: the cases of each area, kept in a file of their own (ReplySnapshotTests.&lt;Area&gt;.cs).</summary>
    private static (string Name, string[] Setup, string[] Commands)[] Cases => [.. CoreCases, .. RoadmapCases, .. SocialCases, .. SessionCases, .. NoteCases];

    /// <summary>Each snapshot: its name and the commands whose replies it holds (set-up commands run before, unrecorded).</summary>
    private static readonly (string Name, string[] Setup, string[] Commands)[] CoreCases =
    [
        ("language", [], ["/progress me language {lang}", "/progress me language {lang}", "/progress me language fr", "/progress me language klingon", "/studybot language xx", "/studybot language {lang}", "/progress me language auto", "/progress me language auto"]),
        ("done", ["/progress start programmer part-time"], ["/progress done python-basics", "/progress done python-basics", "/progress done pyhton-basics", "/progress done qwertyuiop"]),
        ("doing", ["/progress start programmer part-time", "/progress done python-basics"], ["/progress doing numpy", "/progress doing python-basics"]),
        ("skip", ["/progress start programmer part-time"], ["/progress skip numpy not-relevant", "/progress skip foundation later", "/progress skip foundation later", "/progress skip python-basics wrongreason"]),
        ("log", ["/progress start programmer part-time", "/progress goal set 5 hours week"], ["/progress log 45 practice", "/progress log 2h learning numpy", "/progress log 90 review", "/progress log 30 practice qwertyuiop", "/progress log 900 practice"]),
        ("next", ["/progress start programmer part-time"], ["/progress next"]),
        ("timezone", [], ["/progress timezone Europe/Berlin", "/progress timezone Europe/Berlin", "/progress timezone EST", "/progress timezone Mars/Olympus"]),
        ("streak", ["/progress start programmer part-time"], ["/progress streak", "/progress goal set 2 hours week", "/progress streak", "/progress log 3h practice", "/progress streak"]),
        ("undo", ["/progress start programmer part-time"], ["/progress undo", "/progress done numpy", "/progress undo", "/progress skip foundation known", "/progress undo", "/progress log 45 review", "/progress undo"]),
        ("goal", ["/progress start programmer part-time"], ["/progress goal show", "/progress goal set 10 hours week", "/progress goal set 10 hours week", "/progress goal set 1 items month", "/progress goal set 200 hours week", "/progress goal set 40 items week", "/progress log 90 learning", "/progress goal show", "/progress goal suggest"]),
        ("data", [], ["/progress me export", "/progress me delete", "/progress log 30 practice", "/progress me export", "/studybot export", "/progress me delete", "/progress me delete confirm"]),
        ("card", [], ["/progress card"]),
        ("errors", ["/progress start programmer part-time"], ["", "/progres log 45", "/progress lgo 45", "/progress log abc practice", "/progress log 2000 practice", "/progress log 45 sleeping", "/progress timezone", "/progress streak now please", "/progress log 45 practice note:" + new string('x', 300), "/progress remind plan mondays 25:99", "/progress me privacy maybe"]),
        ("me", [], ["/progress me privacy public", "/progress me privacy private", "/progress me privacy partners", "/progress me celebrate public", "/progress me celebrate dm", "/progress me celebrate none"]),
    ];

    internal static string Folder => Path.Combine(RepoPaths.Root, "tests", "StudyBot.IntegrationTests", "Snapshots");

    public static TheoryData<string, string> Snapshots()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _, _) in Cases)
        {
            data.Add(name, "en");
            data.Add(name, "de");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snapshots))]
    public async Task Replies_read_as_the_snapshot_says(string name, string language)
    {
        var (_, setup, commands) = Cases.Single(c => c.Name == name);
        await using var bot = await TestBot.StartAsync(now: new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        if (name != "language")
        {
            await bot.SayAsync("Ada", $"/progress me language {language}");
        }

        foreach (var text in setup)
        {
            await bot.SayAsync("Ada", text);
        }

        var sb = new StringBuilder();
        foreach (var command in commands.Select(c => c.Replace("{lang}", language, StringComparison.Ordinal)))
        {
            sb.Append("> ").Append(command).Append('\n');
            Render(sb, await bot.SayAsync("Ada", command));
            sb.Append('\n');
        }

        Compare(Path.Combine(Folder, $"{name}.{language}.txt"), sb.ToString());
    }

    internal static void Render(StringBuilder sb, Reply reply)
    {
        if (reply.Title is { Length: > 0 } title)
        {
            sb.Append("# ").Append(title).Append('\n');
        }

        sb.Append(reply.Text.ReplaceLineEndings("\n")).Append('\n');
        foreach (var field in reply.Fields)
        {
            sb.Append("## ").Append(field.Name).Append('\n').Append(field.Value.ReplaceLineEndings("\n")).Append('\n');
        }

        if (reply.Buttons.Count > 0)
        {
            sb.Append("[").Append(string.Join("] [", reply.Buttons.Select(b => b.Label))).Append("]\n");
        }

        foreach (var followUp in reply.FollowUps)
        {
            Render(sb, followUp);
        }
    }

    internal static void Compare(string path, string actual)
    {
        if (Environment.GetEnvironmentVariable("STUDYBOT_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(path), $"No snapshot {Path.GetFileName(path)}: run with STUDYBOT_UPDATE_SNAPSHOTS=1 to write it, and commit it after reading it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }
}
