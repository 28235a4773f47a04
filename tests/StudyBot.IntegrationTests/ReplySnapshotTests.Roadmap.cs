using System.Text;
using Microsoft.Extensions.DependencyInjection;

namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of starting, paths, the overview, the roadmap views, roadmap choice, /studybot administration, status and help.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] RoadmapCases =
    [
        ("overview", [], ["/progress", "/progress overview"]),
        ("overview-progress", ["/progress start programmer part-time", "/progress goal set 5 hours week", "/progress done python-basics", "/progress log 2h practice"], ["/progress", "/progress log 4h learning", "/progress overview"]),
        ("start", [], ["/progress start", "/progress start wizard", "/progress start programmer custom", "/progress start programmer part-time 8", "/progress start programmer part-time", "/progress start quick-learner full-time", "/progress start", "/progress start complete-beginner custom 6"]),
        ("roadmap", ["/progress start programmer part-time", "/progress done python-basics"], ["/progress roadmap", "/progress roadmap 0", "/progress roadmap foundation", "/progress roadmap projects", "/progress roadmap levels", "/progress roadmap tips", "/progress roadmap accelerated", "/progress roadmap quick-wins", "/progress roadmap estimates", "/progress roadmap motivation", "/progress roadmap 42", "/progress roadmap qwerty"]),
        ("path", ["/progress start programmer part-time"], ["/progress path", "/progress path accelerated full-time", "/progress path standard custom 8", "/progress path standard part-time 8", "/progress path custom", "/progress path roadmap", "/progress path roadmap ml-zero-to-hero", "/progress path roadmap qwerty", "/progress path"]),
    ];

    /// <summary>
    /// Cases that need more than the shared test gives: the test roadmap beside the ML one (<see cref="CommunityRoadmapTests.Both"/>)
    /// when <c>Several</c>, and the platform's locale on every command (help reads nothing else).
    /// </summary>
    private static readonly (string Name, bool Several, string[] Setup, string[] Commands)[] RoadmapLocaleCases =
    [
        ("status", false, ["/progress start programmer part-time", "/progress log 30 practice"], ["/studybot status", "/studybot channel leaderboard general", "/studybot partners schedule friday 18:00", "/studybot status"]),
        ("help", false, [], ["/progress help", "/progress help log", "/progress help goal", "/progress help qwerty", "/studybot help", "/studybot help roles map", "/studybot help roadmap", "/studybot help nothing"]),
        ("admin", false, [], ["/studybot show", "/studybot channel leaderboard general", "/studybot channel celebrations \"no such channel\"", "/studybot timezone Europe/Berlin", "/studybot timezone EST", "/studybot timezone Mars/Olympus", "/studybot leaderboard schedule friday 17:30", "/studybot leaderboard schedule someday 17:30", "/studybot leaderboard schedule friday 25:00", "/studybot reminders max-per-week 3", "/studybot reminders max-per-week 1", "/studybot show"]),
        ("admin-roadmaps", true, ["/progress start programmer part-time"], ["/studybot roadmap list", "/studybot roadmap default data-engineering", "/studybot roadmap enable data-engineering", "/studybot roadmap enable data-engineering", "/studybot roadmap enable qwerty", "/studybot roadmap default data-engineering", "/studybot roadmap default data-engineering", "/studybot roadmap disable ml-zero-to-hero", "/studybot roadmap disable ml-zero-to-hero", "/studybot roadmap disable data-engineering", "/studybot roadmap list", "/studybot show"]),
        ("roadmap-choice", true, [], ["/progress start", "/progress start programmer part-time roadmap data-engineering", "/studybot roadmap enable data-engineering", "/progress start", "/progress path", "/progress path roadmap", "/progress path roadmap data-enginering", "/progress path roadmap data-engineering", "/progress path roadmap data-engineering", "/progress roadmap", "/progress roadmap accelerated", "/progress roadmap 9", "/progress path roadmap ml-zero-to-hero"]),
    ];

    public static TheoryData<string, string> RoadmapLocaleSnapshots()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _, _, _) in RoadmapLocaleCases)
        {
            data.Add(name, "en");
            data.Add(name, "de");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoadmapLocaleSnapshots))]
    public async Task Roadmap_replies_read_as_the_snapshot_says(string name, string language)
    {
        var (_, several, setup, commands) = RoadmapLocaleCases.Single(c => c.Name == name);
        await using var bot = await TestBot.StartAsync(
            now: new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero),
            replace: several ? s => s.AddSingleton(CommunityRoadmapTests.Both()) : null);
        var ada = TestBot.Member("Ada") with { Locale = language };
        foreach (var text in setup)
        {
            await bot.Executor.RunTextAsync(ada, text, CancellationToken.None);
        }

        var sb = new StringBuilder();
        foreach (var command in commands)
        {
            sb.Append("> ").Append(command).Append('\n');
            Render(sb, await bot.Executor.RunTextAsync(ada, command, CancellationToken.None));
            sb.Append('\n');
        }

        Compare(Path.Combine(Folder, $"{name}.{language}.txt"), sb.ToString());
    }
}
