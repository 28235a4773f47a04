using System.Globalization;
using System.Text;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

/// <summary>
/// Numbers may be written in any of Unicode's decimal digit systems (Arabic-Indic ٤٥, Devanagari ४५, fullwidth ４５,
/// NKo, mathematical bold ...): every one is read as the same number, for minutes, counts, times and dates.
/// </summary>
public sealed class UnicodeDigitTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    /// <summary>The code point of the zero of every decimal digit system in Unicode (as this .NET knows it).</summary>
    public static TheoryData<int> DigitSystems()
    {
        var data = new TheoryData<int>();
        foreach (var zero in Zeros())
        {
            data.Add(zero);
        }

        return data;
    }

    private static IEnumerable<int> Zeros()
    {
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (!Rune.IsValid(cp) || Rune.GetUnicodeCategory(new Rune(cp)) != UnicodeCategory.DecimalDigitNumber || Rune.GetNumericValue(new Rune(cp)) != 0)
            {
                continue;
            }

            yield return cp;
        }
    }

    /// <summary>The ASCII text with each digit written in the system whose zero is <paramref name="zero"/>.</summary>
    private static string In(int zero, string ascii)
    {
        var sb = new StringBuilder();
        foreach (var c in ascii)
        {
            sb.Append(char.IsAsciiDigit(c) ? new Rune(zero + (c - '0')).ToString() : c.ToString());
        }

        return sb.ToString();
    }

    private static CommandRequest Ok(string text)
    {
        var result = Parser.Parse(text);
        Assert.True(result.Ok, $"'{text}': {result.Error?.Message}");
        return result.Request!;
    }

    [Fact]
    public void Unicode_has_many_digit_systems_and_each_has_ten_digits_in_a_row()
    {
        var zeros = Zeros().ToList();

        Assert.True(zeros.Count >= 60, $"only {zeros.Count} digit systems found");
        foreach (var zero in zeros)
        {
            for (var d = 0; d <= 9; d++)
            {
                Assert.Equal(d, Rune.GetNumericValue(new Rune(zero + d)));
            }
        }
    }

    [Theory]
    [MemberData(nameof(DigitSystems))]
    public void Minutes_in_any_digit_system_are_read_as_minutes(int zero)
    {
        Assert.Equal(45L, Ok($"/progress log {In(zero, "45")}m practice").Integer("minutes"));
        Assert.Equal(45L, Ok($"/progress log {In(zero, "45")} practice").Integer("minutes"));
        Assert.Equal(180L, Ok($"/progress log {In(zero, "3")}h practice").Integer("minutes"));
        Assert.Equal(150L, Ok($"/progress log 2.{In(zero, "5")}h practice").Integer("minutes"));
        Assert.Equal(90L, Ok($"/progress log {In(zero, "1")}h{In(zero, "30")} review").Integer("minutes"));
    }

    [Theory]
    [MemberData(nameof(DigitSystems))]
    public void Whole_numbers_in_any_digit_system_are_read(int zero)
    {
        Assert.Equal(12L, Ok($"/progress goal set {In(zero, "12")} hours").Integer("amount"));
        Assert.Equal(3L, Ok($"/studybot reminders max-per-week {In(zero, "3")}").Integer("count"));
        Assert.Equal(20L, Ok($"/progress start programmer custom {In(zero, "20")}").Integer("hours"));
    }

    [Theory]
    [MemberData(nameof(DigitSystems))]
    public void Times_and_dates_in_any_digit_system_are_read(int zero)
    {
        Assert.True(Clock.TryParse(In(zero, "19:30"), out var evening));
        Assert.Equal((19 * 60) + 30, evening);
        Assert.True(Clock.TryParse(In(zero, "7:30") + " pm", out var pm));
        Assert.Equal((19 * 60) + 30, pm);

        var today = new DateOnly(2026, 11, 25);
        Assert.True(RestStartHandler.TryParseUntil(In(zero, "2026-12-31"), today, out var date));
        Assert.Equal(new DateOnly(2026, 12, 31), date);
        Assert.True(RestStartHandler.TryParseUntil(In(zero, "3") + "d", today, out var inThree));
        Assert.Equal(today.AddDays(3), inThree);

        Assert.Equal(["Etc/GMT-3"], TimeZones.Suggest("UTC+" + In(zero, "3")));
    }

    [Theory]
    [InlineData("٤٥m", 45)]
    [InlineData("٣h", 180)]
    [InlineData("2.٥h", 150)]
    [InlineData("߄߅m", 45)]
    [InlineData("４５ｍ", 45)]
    [InlineData("４５", 45)]
    [InlineData("१h३०", 90)]
    [InlineData("𝟒𝟓m", 45)]
    [InlineData("٢٫٥h", 150)]
    public void The_examples_from_the_bug_report_are_read(string text, long minutes)
    {
        Assert.True(CommandValidator.TryParseMinutes(text, out var parsed), text);
        Assert.Equal(minutes, parsed);
    }

    [Theory]
    [InlineData("٤٥x")]
    [InlineData("²h")]
    [InlineData("½h")]
    [InlineData("Ⅻ")]
    [InlineData("٤٥٤٥٤٥٤٥٤٥٤٥٤٥٤٥٤٥٤٥٤٥h")]
    [InlineData("99999999999999999999999")]
    public void Number_like_text_that_is_not_a_number_is_refused_without_throwing(string text)
    {
        var result = Parser.Parse($"/progress log {text} practice");

        Assert.False(result.Ok);
        Assert.NotEmpty(result.Error!.Message);
    }
}
