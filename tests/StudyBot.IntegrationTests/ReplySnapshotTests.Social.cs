using System.Text;

namespace StudyBot.IntegrationTests;

/// <summary>The snapshot cases of reminders, rest, boards, focus and partners.</summary>
public sealed partial class ReplySnapshotTests
{
    private static readonly (string Name, string[] Setup, string[] Commands)[] SocialCases =
    [
        ("remind", ["/progress start programmer part-time"], ["/progress remind show", "/progress remind snooze 1w", "/progress remind on", "/progress remind plan weekdays 19:00 library", "/progress goal set 5 hours week", "/progress remind show", "/progress remind plan mon,wed,fri 7pm daily at home", "/progress remind plan saturday 10:00", "/progress remind quiet 22:00 07:00", "/progress remind quiet 22:00 22:00", "/progress remind quiet 22:00", "/progress remind quiet off 07:00", "/progress remind quiet off", "/progress remind snooze tomorrow", "/progress remind show", "/progress remind off", "/progress remind off", "/progress remind show", "/progress remind on", "/progress remind plan someday 19:00", "/progress remind plan weekdays 25:00", "/progress timezone Europe/Berlin", "/progress remind plan daily 19:00"]),
        ("rest", ["/progress start programmer part-time", "/progress remind plan weekdays 19:00"], ["/progress rest end", "/progress rest until 2w", "/progress rest until friday", "/progress remind show", "/progress rest end", "/progress rest", "/progress rest end", "/progress rest until someday", "/progress rest until 2020-01-01", "/progress rest until 2030-01-01"]),
        ("board", [], ["/progress board", "/progress board all improved", "/progress board week improved", "/progress board month consistency", "/progress board all focus", "/progress log 45 practice", "/progress board", "/progress board month minutes", "/progress me privacy public", "/progress board", "/progress board week consistency", "/progress me privacy private", "/progress board all points"]),
        ("partner", ["/progress start programmer part-time"], ["/progress partner", "/progress partner find", "/progress partner nudge", "/progress remind plan weekdays 19:00", "/progress partner find", "/progress partner find", "/progress partner status", "/studybot partners match", "/progress partner leave", "/progress partner leave", "/studybot partners schedule monday 10:00", "/studybot partners schedule someday 10:00", "/studybot partners schedule monday", "/progress partner find", "/studybot partners schedule off", "/progress rest", "/progress partner find", "/progress partner nudge"]),
        ("focus", ["/progress start programmer part-time"], ["/progress focus log", "/progress focus", "/progress focus", "/progress focus 30", "/progress focus break", "/progress focus extend", "/progress focus log", "/progress focus stop", "/progress focus stop", "/progress focus break", "/progress focus break", "/progress focus 25", "/progress focus", "/progress focus stop", "/progress focus log 999", "/progress focus discard", "/progress focus extend", "/progress focus 25 sleeping", "/progress focus 25 learning numpy", "/progress focus stop", "/progress me focus autolog off", "/progress me focus autolog on"]),
    ];

    /// <summary>
    /// Replies that need time to pass (a focus session that ends) or a second member (a partner): each step is who says
    /// what, then how many minutes pass before the next step ("~" before the text: set-up, not recorded).
    /// </summary>
    private static readonly (string Name, (string Who, string Text, int Minutes)[] Steps)[] TimedSocialCases =
    [
        ("focus-timed",
        [
            ("Ada", "~/progress start programmer part-time", 0), ("Ada", "/progress goal set 5 hours week", 0),
            ("Ada", "/progress focus 25 practice numpy", 10), ("Ada", "/progress focus stop", 0), ("Ada", "/progress focus log", 0), ("Ada", "/progress focus log", 0),
            ("Ada", "/progress focus 25", 26), ("Ada", "/progress focus", 0), ("Ada", "/progress focus break", 0), ("Ada", "/progress focus stop", 0), ("Ada", "/progress focus discard", 0), ("Ada", "/progress focus discard", 0),
            ("Ada", "/progress focus 180 review", 181), ("Ada", "/progress focus extend", 0), ("Ada", "/progress focus log", 0),
            ("Ada", "/progress focus 25", 26), ("Ada", "/progress focus extend", 0), ("Ada", "/progress me focus autolog off", 6), ("Ada", "/progress focus stop", 0),
        ]),
        ("partner-pair",
        [
            ("Ada", "~/progress start programmer part-time", 0), ("Bob", "~/progress start programmer part-time", 0),
            ("Ada", "/progress remind plan weekdays 19:00", 0), ("Bob", "/progress remind plan weekdays 19:00", 0),
            ("Ada", "/progress partner find", 0), ("Bob", "/progress partner find", 0), ("Ada", "/studybot partners match", 0),
            ("Ada", "/progress partner status", 0), ("Ada", "/progress partner find", 0), ("Bob", "/progress goal set 5 hours week", 0), ("Ada", "/progress goal set 2 hours week", 0),
            ("Bob", "/progress log 6h practice", 0), ("Ada", "/progress log 3h practice", 0), ("Ada", "/progress partner status", 0),
            ("Bob", "/progress me privacy private", 0), ("Bob", "/progress rest", 0), ("Ada", "/progress partner status", 0),
            ("Ada", "/progress partner nudge", 0), ("Ada", "/progress partner nudge", 0), ("Ada", "/progress partner leave", 0), ("Bob", "/progress partner status", 0),
        ]),
    ];

    public static TheoryData<string, string> TimedSocialSnapshots()
    {
        var data = new TheoryData<string, string>();
        foreach (var (name, _) in TimedSocialCases)
        {
            data.Add(name, "en");
            data.Add(name, "de");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TimedSocialSnapshots))]
    public async Task Social_replies_over_time_and_between_members_read_as_the_snapshot_says(string name, string language)
    {
        var (_, steps) = TimedSocialCases.Single(c => c.Name == name);
        await using var bot = await TestBot.StartAsync(now: new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        foreach (var who in steps.Select(s => s.Who).Distinct())
        {
            await bot.SayAsync(who, $"/progress me language {language}");
        }

        var sb = new StringBuilder();
        foreach (var (who, text, minutes) in steps)
        {
            // "~" marks a set-up step whose reply belongs to another area: it runs unrecorded.
            if (text.StartsWith('~'))
            {
                await bot.SayAsync(who, text[1..]);
                continue;
            }

            sb.Append("> ").Append(who).Append(": ").Append(text).Append('\n');
            Render(sb, await bot.SayAsync(who, text));
            sb.Append('\n');
            if (minutes > 0)
            {
                // Time passes without the jobs: a session past its end waits for its answer, as between two job runs.
                bot.Time.Advance(TimeSpan.FromMinutes(minutes));
                sb.Append("(").Append(minutes).Append(" minutes later)\n\n");
            }
        }

        Compare(Path.Combine(Folder, $"{name}.{language}.txt"), sb.ToString());
    }
}
