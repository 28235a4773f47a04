using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Cards;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Every command of the catalog, with typical and edge arguments, run through the real engine; every text a member
/// reads (titles, text, fields, bars, button labels, follow-ups, and the DMs and posts that follow) is checked for
/// doubled words ("about about") and wrong plurals ("+1 points").
/// </summary>
public sealed partial class ReplyWordingTests
{
    /// <summary>A study group's first weeks, in order: who says what. Each catalog command appears at least once.</summary>
    private static readonly (string Who, string Text)[] Script =
    [
        ("Ada", "/progress"),
        ("Ada", "/progress help"),
        ("Ada", "/progress help log"),
        ("Ada", "/progress help goal"),
        ("Ada", "/progress help nonsense"),
        ("Ada", "/progress me language fr"),
        ("Ada", "/progress me language en"),
        ("Ada", "/studybot language klingon"),
        ("Ada", "/studybot language en"),
        ("Ada", "/progress undo"),
        ("Ada", "/progress board"),
        ("Ada", "/progress board all improved"),
        ("Ada", "/progress streak"),
        ("Ada", "/progress next"),
        ("Ada", "/progress goal show"),
        ("Ada", "/progress goal suggest"),
        ("Ada", "/progress remind"),
        ("Ada", "/progress remind on"),
        ("Ada", "/progress remind off"),
        ("Ada", "/progress remind snooze 1h"),
        ("Ada", "/progress rest end"),
        ("Ada", "/progress partner status"),
        ("Ada", "/progress partner leave"),
        ("Ada", "/progress partner nudge"),
        ("Ada", "/progress me delete"),
        ("Ada", "/progress start programmer part-time"),
        ("Ada", "/progress start"),
        ("Ada", "/progress path"),
        ("Ada", "/progress path accelerated full-time"),
        ("Ada", "/progress path standard custom 1"),
        ("Ada", "/progress path standard part-time"),
        ("Ada", "/progress done python-basics"),
        ("Ada", "/progress done python-basics"),
        ("Ada", "/progress doing numpy"),
        ("Ada", "/progress doing python-basics"),
        ("Ada", "/progress undo"),
        ("Ada", "/progress skip foundation known"),
        ("Ada", "/progress undo"),
        ("Ada", "/progress note numpy"),
        ("Ada", "/progress note numpy practise broadcasting"),
        ("Ada", "/progress web link"),
        ("Ada", "/progress web signout"),
        ("Ada", "/progress web share"),
        ("Ada", "/progress note numpy link https://numpy.org/doc/"),
        ("Ada", "/progress doing numpy"),
        ("Ada", "/progress note numpy clear"),
        ("Ada", "/progress note numpy link ftp://x"),
        ("Ada", "/progress skip bias audit later"),
        ("Ada", "/progress skip numpy not-relevant"),
        ("Ada", "/progress skip python-basics wrongreason"),
        ("Ada", "/progress skip python-basics"),
        ("Ada", "/progress done pyhton-basics"),
        ("Ada", "/progress done model"),
        ("Ada", "/progress done qwertyuiop"),
        ("Ada", "/progress roadmap"),
        ("Ada", "/progress roadmap 1"),
        ("Ada", "/progress roadmap projects"),
        ("Ada", "/progress roadmap levels"),
        ("Ada", "/progress roadmap tips"),
        ("Ada", "/progress roadmap accelerated"),
        ("Ada", "/progress roadmap quick-wins"),
        ("Ada", "/progress roadmap estimates"),
        ("Ada", "/progress focus 25 practice numpy"),
        ("Ada", "/progress focus"),
        ("Ada", "/progress focus 30 learning"),
        ("Ada", "/progress focus break"),
        ("Ada", "/progress focus extend"),
        ("Ada", "/progress focus stop"),
        ("Ada", "/progress focus log"),
        ("Ada", "/progress focus log"),
        ("Ada", "/progress focus discard"),
        ("Ada", "/progress focus break"),
        ("Ada", "/progress focus stop"),
        ("Ada", "/progress focus log 999"),
        ("Ada", "/progress focus 5 review"),
        ("Ada", "/progress focus discard"),
        ("Ada", "/progress me focus autolog off"),
        ("Ada", "/progress me focus autolog on"),
        ("Ada", "/progress log 1 practice"),
        ("Ada", "/progress log 10 practice"),
        ("Ada", "/progress log 1h30 learning numpy \"a note\""),
        ("Ada", "/progress log 45 review note:\"went over it\""),
        ("Ada", "/progress log 960 practice"),
        ("Ada", "/progress undo"),
        ("Ada", "/progress goal set 1 hours week"),
        ("Ada", "/progress goal set 1 items week"),
        ("Ada", "/progress goal set 1 items month"),
        ("Ada", "/progress goal set 1 hours month"),
        ("Ada", "/progress goal set 1 hours month"),
        ("Ada", "/progress goal set 113 hours week"),
        ("Ada", "/progress goal set 2 items week"),
        ("Ada", "/progress goal show"),
        ("Ada", "/progress goal suggest"),
        ("Ada", "/progress streak"),
        ("Ada", "/progress remind plan weekdays 19:00 library"),
        ("Ada", "/progress remind plan daily 07:30 daily home"),
        ("Ada", "/progress remind plan mon,wed 25:00"),
        ("Ada", "/progress remind show"),
        ("Ada", "/progress remind snooze 1h"),
        ("Ada", "/progress remind snooze tonight"),
        ("Ada", "/progress remind snooze tomorrow"),
        ("Ada", "/progress remind snooze 1w"),
        ("Ada", "/progress remind snooze 3 years"),
        ("Ada", "/progress remind quiet 22:00 07:00"),
        ("Ada", "/progress remind quiet off"),
        ("Ada", "/progress remind off"),
        ("Ada", "/progress remind on"),
        ("Ada", "/progress rest until 2w"),
        ("Ada", "/progress rest"),
        ("Ada", "/progress rest start tomorrow"),
        ("Ada", "/progress rest end"),
        ("Ada", "/progress board"),
        ("Ada", "/progress board week minutes"),
        ("Ada", "/progress board week consistency"),
        ("Ada", "/progress board week improved"),
        ("Ada", "/progress board month points"),
        ("Ada", "/progress board all points"),
        ("Ada", "/progress me privacy partners"),
        ("Ada", "/progress me privacy private"),
        ("Ada", "/progress board"),
        ("Ada", "/progress me privacy public"),
        ("Ada", "/progress me celebrate dm"),
        ("Ada", "/progress me celebrate none"),
        ("Ada", "/progress me celebrate public"),
        ("Ada", "/progress timezone Europe/Berlin"),
        ("Ada", "/progress timezone Europe/Berlin"),
        ("Ada", "/progress timezone EST"),
        ("Ada", "/progress timezone Europe/Berln"),
        ("Ada", "/progress timezone Etc/GMT-14"),
        ("Ada", "/progress timezone Europe/Berlin"),
        ("Bob", "/progress start complete-beginner"),
        ("Bob", "/progress me privacy public"),
        ("Bob", "/progress log 10 learning"),
        ("Bob", "/progress remind plan weekdays 19:00"),
        ("Bob", "/progress partner find"),
        ("Ada", "/progress partner find"),
        ("Ada", "/studybot partners match"),
        ("Ada", "/progress partner status"),
        ("Ada", "/progress partner nudge"),
        ("Ada", "/progress partner nudge"),
        ("Bob", "/progress board"),
        ("Ada", "/progress done mathematics-basics"),
        ("Ada", "/progress done environment-setup"),
        ("Ada", "/progress done foundation-python-mastered"),
        ("Ada", "/progress done foundation-math-understood"),
        ("Ada", "/progress done foundation-environment-ready"),
        ("Ada", "/progress done foundation-first-notebook"),
        ("Ada", "/progress done python-basics"),
        ("Ada", "/progress"),
        ("Ada", "/progress card"),
        ("Ada", "/progress me export"),
        ("Ada", "/studybot channel celebrations #celebrations"),
        ("Ada", "/studybot channel leaderboard #leaderboard"),
        ("Ada", "/studybot channel leaderboard #nowhere"),
        ("Ada", "/studybot timezone Europe/Berlin"),
        ("Ada", "/studybot timezone EST"),
        ("Ada", "/studybot leaderboard schedule monday 09:00"),
        ("Ada", "/studybot reminders max-per-week 1"),
        ("Ada", "/studybot reminders max-per-week 2"),
        ("Ada", "/studybot partners schedule monday 10:00"),
        ("Ada", "/studybot partners schedule off"),
        ("Ada", "/studybot roles map ml-basics @Graduate"),
        ("Ada", "/studybot roles unmap ml-basics"),
        ("Ada", "/studybot roles show"),
        ("Ada", "/studybot roles sync"),
        ("Ada", "/studybot rooms add #study"),
        ("Ada", "/studybot rooms remove #study"),
        ("Ada", "/studybot rooms list"),
        ("Ada", "/progress me rooms ignore"),
        ("Ada", "/studybot export"),
        ("Ada", "/studybot show"),
        ("Ada", "/studybot status"),
        ("Ada", "/studybot help"),
        ("Ada", "/studybot session members on"),
        ("Bob", "/progress session plan tomorrow 10:00 45 #study-hall pair programming"),
        ("Ada", "/studybot session plan monday 19:00 60 #study-hall linear algebra"),
        ("Bob", "/progress session going 1"),
        ("Bob", "/progress session maybe 2"),
        ("Bob", "/progress session cant 2"),
        ("Bob", "/progress session checkin 1"),
        ("Bob", "/progress sessions"),
        ("Ada", "/studybot session cancel 1"),
        ("Ada", "/studybot session members off"),
        ("Ada", "/progress partner leave"),
        ("Ada", "/studybot roadmap list"),
        ("Ada", "/studybot roadmap enable data-engineering"),
        ("Bob", "/progress path roadmap data-engineering"),
        ("Bob", "/progress roadmap"),
        ("Ada", "/studybot roadmap disable ml-zero-to-hero"),
        ("Ada", "/studybot roadmap default data-engineering"),
        ("Ada", "/studybot roadmap default ml-zero-to-hero"),
        ("Ada", "/studybot roadmap disable data-engineering"),
        ("Ada", "/studybot roadmap list"),
        ("Bob", "/progress path roadmap ml-zero-to-hero"),
        ("Bob", "/progress me delete confirm"),
        ("Bob", "/progress"),
    ];

    [GeneratedRegex(@"\b([\p{L}]+)\s+\1\b", RegexOptions.IgnoreCase)]
    private static partial Regex DoubledWord();

    [GeneratedRegex(@"(?<![\d.,])\b1 (points|minutes|items|hours|days|weeks|months|records|members|reminders|roles|checkpoints|freezes|groups|grants|modules|projects)\b")]
    private static partial Regex OnePlural();

    /// <summary>Every text of a reply a member reads, one per line, labelled with where it came from.</summary>
    private static IEnumerable<string> Texts(Reply reply)
    {
        if (reply.Title is not null)
        {
            yield return reply.Title;
        }

        yield return reply.Text;
        foreach (var field in reply.Fields)
        {
            yield return field.Name;
            yield return field.Value;
        }

        foreach (var bar in reply.Bars)
        {
            yield return bar.Label;
        }

        foreach (var button in reply.Buttons)
        {
            yield return button.Label;
        }

        foreach (var attachment in reply.Attachments)
        {
            yield return attachment.AltText;
        }

        foreach (var text in reply.FollowUps.SelectMany(Texts))
        {
            yield return text;
        }
    }

    private static IEnumerable<string> Problems(string source, Reply reply)
    {
        foreach (var text in Texts(reply))
        {
            var plain = text.Replace("**", "", StringComparison.Ordinal).Replace("`", "", StringComparison.Ordinal);
            foreach (Match m in DoubledWord().Matches(plain))
            {
                yield return $"{source}: doubled \"{m.Value}\" in \"{text}\"";
            }

            foreach (Match m in OnePlural().Matches(plain))
            {
                yield return $"{source}: \"{m.Value}\" should be singular in \"{text}\"";
            }
        }
    }

    [Fact]
    public async Task No_reply_of_any_command_has_a_doubled_word_or_a_wrong_plural()
    {
        await using var bot = await TestBot.StartAsync(now: new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), configure: s => s.AddStudyBotCards(), replace: s => s.AddSingleton(CommunityRoadmapTests.Both()));
        var parser = new CommandParser(bot.Executor.Catalog);
        var covered = new HashSet<string>();
        var problems = new List<string>();
        var transcript = new StringBuilder();

        foreach (var (who, text) in Script)
        {
            if (parser.Parse(text).Request is { } request)
            {
                covered.Add(request.Path);
            }

            var reply = await bot.SayAsync(who, text);
            transcript.Append(who).Append("> ").AppendLine(text).AppendLine(string.Join('\n', Texts(reply)));
            problems.AddRange(Problems($"{who}> {text}", reply));

            // Buttons run commands too: press each once, as a member would (all but deleting their data).
            foreach (var button in reply.Buttons.Where(b => !b.Command.Contains("delete confirm", StringComparison.Ordinal)))
            {
                var pressed = await bot.SayAsync(who, "/" + button.Command);
                problems.AddRange(Problems($"{who}> [{button.Label}] /{button.Command}", pressed));
            }

            bot.Time.Advance(TimeSpan.FromMinutes(7));
        }

        // A month of reminders, celebrations, leaderboard posts and partner messages.
        await bot.RunUntilAsync(bot.Time.GetUtcNow().AddDays(30), TimeSpan.FromHours(6));
        foreach (var delivery in bot.Notifier.Deliveries)
        {
            problems.AddRange(Problems($"message to {delivery.To}", delivery.Message));
        }

        var missing = bot.Executor.Catalog.Leaves.Select(l => l.Path).Where(p => !covered.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "The script does not run: " + string.Join(", ", missing));
        Assert.True(bot.Notifier.Deliveries.Count > 0, "no DM or post was delivered in the month");
        Assert.True(problems.Count == 0, string.Join('\n', problems.Distinct()));
    }
}
