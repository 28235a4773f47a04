using StudyBot.Core.Commands;

namespace StudyBot.Core.Tests;

/// <summary>A bad value is named whole, as the member typed it, not cut at the first space.</summary>
public sealed class BadValueTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    private static string Fails(string text)
    {
        var result = Parser.Parse(text);
        Assert.False(result.Ok, $"'{text}' should not parse");
        return result.Error!.Message;
    }

    [Theory]
    [InlineData("/progress remind snooze 3 years", "`3 years` is not a valid duration")]
    [InlineData("/progress remind snooze 3 fortnights", "`3 fortnights` is not a valid duration")]
    [InlineData("/progress me privacy very private", "`very private` is not a valid level")]
    [InlineData("/progress board week top points", "`top points` is not a valid metric")]
    public void The_whole_bad_value_is_named(string text, string expected) =>
        Assert.Contains(expected, Fails(text), StringComparison.Ordinal);

    [Theory]
    [InlineData("/progress goal set abc hours", "must be a whole number, not `abc`")]
    [InlineData("/progress remind snooze", "needs a `duration`")]
    public void Other_mistakes_keep_their_own_message(string text, string expected) =>
        Assert.Contains(expected, Fails(text), StringComparison.Ordinal);

    [Fact]
    public void Extra_words_after_good_values_are_still_called_extra() =>
        Assert.Contains("I don't know what to do with `please`", Fails("/progress board week points please"), StringComparison.Ordinal);
}
