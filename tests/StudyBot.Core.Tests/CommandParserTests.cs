using StudyBot.Core.Commands;

namespace StudyBot.Core.Tests;

public sealed class CommandParserTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    private static CommandRequest Ok(string text)
    {
        var result = Parser.Parse(text);
        Assert.True(result.Ok, result.Error?.Message);
        return result.Request!;
    }

    private static string Fails(string text)
    {
        var result = Parser.Parse(text);
        Assert.False(result.Ok, $"'{text}' should not parse");
        return result.Error!.Message;
    }

    [Fact]
    public void Bare_progress_runs_the_overview() => Assert.Equal("progress overview", Ok("/progress").Path);

    [Fact]
    public void The_leading_slash_and_letter_case_do_not_matter() => Assert.Equal("progress done", Ok("Progress DONE numpy").Path);

    [Fact]
    public void A_multi_word_item_takes_the_rest_of_the_line()
    {
        var request = Ok("/progress done bias audit");

        Assert.Equal("bias audit", request.String("item"));
    }

    [Fact]
    public void A_trailing_choice_after_a_multi_word_item_is_recognised()
    {
        var request = Ok("/progress skip feature engineering not-relevant");

        Assert.Equal("feature engineering", request.String("item"));
        Assert.Equal("not-relevant", request.String("reason"));
    }

    [Fact]
    public void Choice_aliases_map_to_their_value() => Assert.Equal("known", Ok("/progress skip numpy already").String("reason"));

    [Fact]
    public void Log_takes_minutes_kind_item_and_a_note()
    {
        var request = Ok("/progress log 45 practice numpy worked through arrays");

        Assert.Equal(45L, request.Integer("minutes"));
        Assert.Equal("practice", request.String("kind"));
        Assert.Equal("numpy", request.String("item"));
        Assert.Equal("worked through arrays", request.String("note"));
    }

    [Fact]
    public void Named_options_and_quotes_work_anywhere()
    {
        var request = Ok("/progress log kind:review 1h30 note:\"explained it to Sam\"");

        Assert.Equal(90L, request.Integer("minutes"));
        Assert.Equal("review", request.String("kind"));
        Assert.Equal("explained it to Sam", request.String("note"));
        Assert.Null(request.String("item"));
    }

    [Theory]
    [InlineData("45", 45)]
    [InlineData("45m", 45)]
    [InlineData("90min", 90)]
    [InlineData("1h", 60)]
    [InlineData("1h30", 90)]
    [InlineData("1h30m", 90)]
    [InlineData("1.5h", 90)]
    [InlineData("2 hours", 120)]
    [InlineData("2 days", -1)]
    [InlineData("abc", -1)]
    [InlineData("1h30x", -1)]
    public void Minutes_accept_hours_and_minutes(string text, long minutes)
    {
        var ok = CommandValidator.TryParseMinutes(text, out var parsed);

        Assert.Equal(minutes >= 0, ok);
        if (ok)
        {
            Assert.Equal(minutes, parsed);
        }
    }

    [Fact]
    public void Subcommand_groups_parse_with_defaults_left_out()
    {
        var request = Ok("/progress goal set 10");

        Assert.Equal("progress goal set", request.Path);
        Assert.Equal(10L, request.Integer("amount"));
        Assert.False(request.Has("unit"));
    }

    [Fact]
    public void An_unknown_subcommand_suggests_the_closest() =>
        Assert.Contains("Did you mean `/progress done numpy`?", Fails("/progress doen numpy"), StringComparison.Ordinal);

    [Fact]
    public void An_unknown_root_command_is_refused() => Assert.Contains("I don't know the command", Fails("/dance"), StringComparison.Ordinal);

    [Fact]
    public void A_group_without_a_subcommand_lists_its_subcommands() =>
        Assert.Contains("needs one of: set, show, suggest", Fails("/progress goal"), StringComparison.Ordinal);

    [Fact]
    public void A_missing_required_option_is_named() =>
        Assert.Contains("needs an `item`", Fails("/progress done"), StringComparison.Ordinal);

    [Fact]
    public void Extra_words_after_a_command_without_options_are_refused() =>
        Assert.Contains("takes no options, but got `now please`", Fails("/progress undo now please"), StringComparison.Ordinal);

    [Theory]
    [InlineData("/progress log 0 practice")]
    [InlineData("/progress log 961 practice")]
    [InlineData("/progress log -5 practice")]
    public void Minutes_outside_1_to_960_are_refused(string text) =>
        Assert.Contains("between 1 and 960", Fails(text), StringComparison.Ordinal);

    [Fact]
    public void An_invalid_choice_lists_the_valid_ones() =>
        Assert.Contains("Choose one of: practice, learning, review", Fails("/progress log 30 sleeping"), StringComparison.Ordinal);

    [Fact]
    public void Ten_kilobytes_of_text_are_refused_before_parsing() =>
        Assert.Contains("too long", Fails("/progress done " + new string('a', 10 * 1024)), StringComparison.Ordinal);

    [Fact]
    public void Control_characters_are_refused() =>
        Assert.Contains("control character", Fails("/progress done num\u0007py"), StringComparison.Ordinal);

    [Fact]
    public void Bidirectional_overrides_are_refused() =>
        Assert.Contains("text-direction", Fails("/progress log 30 practice note:\u202Eevil"), StringComparison.Ordinal);

    [Fact]
    public void Emoji_and_right_to_left_text_are_accepted_as_text()
    {
        Assert.Equal("🚀 تعلم الآلة", Ok("/progress log 30 learning note:\"🚀 تعلم الآلة\"").String("note"));
        Assert.Equal("🚀🚀", Ok("/progress done 🚀🚀").String("item"));
    }

    [Fact]
    public void A_too_long_note_is_refused_with_the_limit() =>
        Assert.Contains("A note can be at most 200 characters: yours has 300.", Fails("/progress log 30 practice note:" + new string('x', 300)), StringComparison.Ordinal);

    [Fact]
    public void Empty_input_is_refused_kindly() => Assert.Contains("That was empty", Fails("   "), StringComparison.Ordinal);

    [Fact]
    public void A_named_option_given_twice_is_refused() =>
        Assert.Contains("given twice", Fails("/progress log 30 practice note:a note:b"), StringComparison.Ordinal);

    [Fact]
    public void Errors_about_a_known_command_carry_it_for_usage_and_example()
    {
        var result = Parser.Parse("/progress log 30");
        var reply = CommandExecutor.ErrorReply(result.Error!);

        Assert.Contains("Usage: `/progress log <minutes> <practice|learning|review> [item] [note]`", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Example: `/progress log 45 practice numpy`", reply.Text, StringComparison.Ordinal);
    }
}
