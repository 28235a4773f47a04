using System.Globalization;
using CsCheck;
using StudyBot.Core.Commands;
using StudyBot.Core.Localization;

namespace StudyBot.Core.Tests;

/// <summary>
/// What the parser says about a command it cannot read comes in the reader's language (Resources/Parse.resx), and the
/// language changes only the words: the same lines parse, fail and suggest the same things in English and German.
/// </summary>
public sealed class ParserLanguageTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());
    private static readonly CultureInfo German = Languages.Culture(Languages.German);

    [Theory]
    [InlineData("", "Da kam nichts an.")]
    [InlineData("/progres log 45", "Den Befehl `/progres` kenne ich nicht. Meintest du `/progress log 45`?")]
    [InlineData("/progress lgo 45", "`/progress` hat keinen Unterbefehl `lgo`. Meintest du `/progress log 45`?")]
    [InlineData("/progress log abc practice", "`abc` ist keine Minutenzahl.")]
    [InlineData("/progress log 2000 practice", "Die Minuten müssen zwischen 1 und 960 liegen (also bis zu 16 Stunden), nicht bei 2000.")]
    [InlineData("/progress log 45 sleeping", "`sleeping` passt nicht als kind für `/progress log`.")]
    [InlineData("/progress log minutes:45 minutes:50", "Die Option `minutes` steht zweimal da.")]
    [InlineData("/progress timezone", "`/progress timezone` braucht die Angabe `zone`:")]
    [InlineData("/progress streak now please", "`/progress streak` nimmt keine Optionen, bekam aber `now please`.")]
    [InlineData("/progress log 45 practice\u202Enote", "unsichtbares Schreibrichtungszeichen (U+202E)")]
    public void A_German_reader_reads_what_is_wrong_in_German(string line, string expected)
    {
        var german = Parser.Parse(line, German);

        Assert.False(german.Ok);
        Assert.Contains(expected, german.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Limits_are_told_in_German_with_German_numbers()
    {
        var note = Parser.Parse("/progress log 45 practice note:" + new string('x', 900), German).Error!.Message;
        var line = Parser.Parse("/progress log 45 practice note:" + new string('x', 1200), German).Error!.Message;

        Assert.StartsWith("Die Angabe `note` darf höchstens 200 Zeichen lang sein, deine hat 900.", note, StringComparison.Ordinal);
        Assert.StartsWith("Die Nachricht ist zu lang (1.231 Zeichen). Befehle haben höchstens 1.000 Zeichen", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_line_parses_the_same_in_both_languages_and_only_the_words_differ()
    {
        var words = new[] { "/progress", "log", "45", "practice", "done", "numpy", "note:", "\"a b\"", "timezone", "x", "2000", "me", "language", "de", "/studybot", "rest", "until", "friday", "7pm", "\u200B", "" };
        Gen.Int[0, words.Length - 1].Array[0, 7].Sample(picks =>
        {
            var line = string.Join(' ', picks.Select(i => words[i]));
            var english = Parser.Parse(line);
            var german = Parser.Parse(line, German);

            Assert.Equal(english.Ok, german.Ok);
            Assert.Equal(english.Request?.Path, german.Request?.Path);
            Assert.Equal(english.Error?.Suggestion, german.Error?.Suggestion);
            Assert.Equal(english.Error?.Command, german.Error?.Command);
            if (!english.Ok)
            {
                Assert.False(string.IsNullOrWhiteSpace(german.Error!.Message));
            }
        });
    }
}
