using CsCheck;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Tests;

/// <summary>
/// Edges of the text parser that mutation testing found untested: the hints in its error messages, the
/// closeness rule for typos, trailing choices after a multi-word value, quotes, and the minutes grammar.
/// </summary>
public sealed class CommandParserEdgeTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    private static CommandRequest Ok(string text)
    {
        var result = Parser.Parse(text);
        Assert.True(result.Ok, result.Error?.Message);
        return result.Request!;
    }

    private static CommandError Fails(string text)
    {
        var result = Parser.Parse(text);
        Assert.False(result.Ok, $"'{text}' should not parse");
        return result.Error!;
    }

    [Fact]
    public void An_unknown_command_lists_the_commands_there_are()
    {
        Assert.Equal("I don't know the command `/progres`. Did you mean `/progress`? I understand /progress, /studybot; try `/progress help`.", Fails("/progres").Message);
    }

    [Fact]
    public void A_mistyped_subcommand_gets_the_one_it_was_probably_meant_to_be_as_a_hint_and_a_suggestion()
    {
        var error = Fails("/progress dnoe numpy");

        Assert.Contains("has no subcommand `dnoe`. Did you mean `/progress done numpy`? It has: ", error.Message, StringComparison.Ordinal);
        Assert.Equal("progress done numpy", error.Suggestion);
    }

    [Fact]
    public void A_subcommand_that_is_nothing_like_any_gets_the_list_without_a_guess()
    {
        var error = Fails("/progress xylophone");

        Assert.Contains("has no subcommand `xylophone`. It has: ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Did you mean", error.Message, StringComparison.Ordinal);
        Assert.Null(error.Suggestion);
    }

    [Fact]
    public void The_closest_candidate_wins_and_a_typo_may_be_a_third_of_the_word_long()
    {
        Assert.Equal("leaderboard", CommandParser.Closest("leaderbord", ["leaderboards", "leaderboard"]));
        Assert.Equal("leaderboard", CommandParser.Closest("ledrboard", ["leaderboard"]));
        Assert.Null(CommandParser.Closest("leadxxxxrd", ["leaderboard"]));
        Assert.Null(CommandParser.Closest("anything", []));
        Assert.Equal("do", CommandParser.Closest("dp", ["do"]));
    }

    [Fact]
    public void A_single_word_that_is_also_a_choice_is_the_item_not_the_reason()
    {
        var request = Ok("/progress skip later");

        Assert.Equal("later", request.String("item"));
        Assert.Null(request.String("reason"));
    }

    [Fact]
    public void A_quoted_trailing_word_stays_part_of_the_item()
    {
        var request = Ok("/progress skip bias audit \"later\"");

        Assert.Equal("bias audit later", request.String("item"));
        Assert.Null(request.String("reason"));
    }

    [Fact]
    public void Curly_quotes_keep_words_together_like_straight_ones()
    {
        Assert.Equal("bias audit", Ok("/progress done “bias audit”").String("item"));
        Assert.Equal("later", Ok("/progress skip “bias audit” later").String("reason"));
    }

    [Fact]
    public void A_note_after_an_item_takes_the_rest_of_the_line()
    {
        var request = Ok("/progress log 45 practice numpy arrays and broadcasting");

        Assert.Equal("numpy", request.String("item"));
        Assert.Equal("arrays and broadcasting", request.String("note"));
    }

    [Fact]
    public void An_optional_choice_a_word_does_not_fit_is_left_out_and_one_it_fits_is_taken()
    {
        var without = Ok("/progress remind plan weekdays 19:00 library");
        var with = Ok("/progress remind plan weekdays 19:00 daily library");

        Assert.Null(without.String("frequency"));
        Assert.Equal("library", without.String("where"));
        Assert.Equal("daily", with.String("frequency"));
        Assert.Equal("library", with.String("where"));
    }

    [Fact]
    public void A_bad_last_value_is_explained_with_the_words_after_it()
    {
        var error = Fails("/progress remind snooze 3 years");

        Assert.Contains("3 years", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("at the end", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Words_left_over_after_good_values_are_named()
    {
        Assert.Equal("`/progress next` takes no options, but got `soon please`.", Fails("/progress next soon please").Message);
    }

    [Fact]
    public void Minutes_that_are_not_minutes_say_how_to_write_them()
    {
        Assert.Equal("`abc` is not a number of minutes. Write minutes like 45, or hours like 1h30.", Fails("/progress log abc practice").Message);
        Assert.Equal("Minutes must be between 1 and 960 (that is up to 16 hours), not 2000.", Fails("/progress log 2000 practice").Message);
    }

    [Fact]
    public void A_whole_number_option_takes_no_hours_and_says_its_range()
    {
        Assert.Equal("`count` must be a whole number, not `1h`.", Fails("/studybot reminders max-per-week 1h").Message);
        Assert.Equal("`count` must be between 1 and 7, not 9.", Fails("/studybot reminders max-per-week 9").Message);
    }

    [Fact]
    public void A_missing_required_value_is_named_with_its_article_and_description()
    {
        var message = Fails("/progress done").Message;

        Assert.StartsWith("`/progress done` needs an `item`: ", message, StringComparison.Ordinal);
        Assert.Equal(char.ToLowerInvariant(message["`/progress done` needs an `item`: ".Length]), message["`/progress done` needs an `item`: ".Length]);
    }

    [Theory]
    [InlineData("45", 45)]
    [InlineData("45m", 45)]
    [InlineData("90min", 90)]
    [InlineData("5mins", 5)]
    [InlineData("5minutes", 5)]
    [InlineData("1h", 60)]
    [InlineData("1h30", 90)]
    [InlineData("1h30m", 90)]
    [InlineData("1.5h", 90)]
    [InlineData("2 hours 15", 135)]
    [InlineData("10.5hours30m", 660)]
    public void Minutes_are_read_in_every_form_the_help_shows(string text, long minutes)
    {
        Assert.True(CommandValidator.TryParseMinutes(text, out var read), text);
        Assert.Equal(minutes, read);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("30s")]
    [InlineData("1h30x")]
    [InlineData("100.5hours30m")]
    public void Anything_else_is_not_minutes(string text)
    {
        Assert.False(CommandValidator.TryParseMinutes(text, out _), text);
    }

    [Fact]
    public void Any_hours_and_minutes_in_any_written_form_read_as_their_total()
    {
        string[] hourUnits = ["h", "hr", "hrs", "hour", "hours"];
        string[] minuteUnits = ["", "m", "min", "mins", "minute", "minutes"];
        var unit = Gen.Int[0, hourUnits.Length - 1].Select(i => hourUnits[i]);
        var minuteUnit = Gen.Int[0, minuteUnits.Length - 1].Select(i => minuteUnits[i]);
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 59], unit, minuteUnit).Sample((hours, minutes, h, m) =>
        {
            var text = $"{hours}{h}{(minutes == 0 && m.Length == 0 ? "" : $"{minutes}{m}")}";
            return text.Length > 12 || (CommandValidator.TryParseMinutes(text, out var read) && read == (hours * 60) + minutes);
        });
    }

    [Fact]
    public void Typed_values_from_Discord_are_checked_like_text()
    {
        var log = StudyBotCommands.Catalog().Find("progress log")!;

        var ok = CommandValidator.Validate(log, new Dictionary<string, object> { ["minutes"] = 90.0, ["kind"] = "practice", ["note"] = 42L });
        Assert.True(ok.Ok, ok.Error?.Message);
        Assert.Equal("42", ok.Request!.String("note"));

        Assert.False(CommandValidator.Validate(log, new Dictionary<string, object> { ["minutes"] = 1.5, ["kind"] = "practice" }).Ok);
        Assert.False(CommandValidator.Validate(log, new Dictionary<string, object> { ["minutes"] = 1e16, ["kind"] = "practice" }).Ok);
    }

    /// <summary>A command with the option kinds the catalog has few or none of today (booleans, one-sided ranges).</summary>
    private static readonly CommandDefinition Kinds = new("kinds", "Every kind of option")
    {
        Options =
        [
            new("flag", OptionType.Boolean, "A switch"),
            new("name", OptionType.String, "A name") { Required = true },
            new("note", OptionType.String, "A note"),
            new("low", OptionType.Integer, "At least one") { Min = 1 },
            new("high", OptionType.Integer, "At most nine") { Max = 9 },
        ],
    };

    private static ParseResult Check(params (string Name, object Value)[] values) =>
        CommandValidator.Validate(Kinds, values.Append(("name", (object)"x")).GroupBy(v => v.Item1).ToDictionary(g => g.Key, g => g.First().Item2));

    [Theory]
    [InlineData("true", true)]
    [InlineData(" YES ", true)]
    [InlineData("on", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("No", false)]
    [InlineData("off", false)]
    [InlineData("0", false)]
    public void A_yes_or_no_option_reads_every_usual_way_of_saying_it(string text, bool value)
    {
        var result = Check(("flag", text));

        Assert.True(result.Ok, result.Error?.Message);
        Assert.Equal(value, result.Request!.Boolean("flag"));
        Assert.True(Check(("flag", true)).Request!.Boolean("flag"));
    }

    [Fact]
    public void Anything_else_for_a_yes_or_no_option_is_refused_by_name()
    {
        Assert.Equal("`flag` must be yes or no.", Check(("flag", "maybe")).Error!.Message);
        Assert.Equal("`flag` must be yes or no.", Check(("flag", 2L)).Error!.Message);
    }

    [Fact]
    public void A_required_text_left_blank_is_refused_and_an_optional_one_is_left_out()
    {
        Assert.Equal("`name` cannot be empty.", CommandValidator.Validate(Kinds, new Dictionary<string, object> { ["name"] = "   " }).Error!.Message);

        var result = Check(("note", "  "));
        Assert.True(result.Ok, result.Error?.Message);
        Assert.False(result.Request!.Has("note"));
    }

    [Fact]
    public void A_one_sided_range_says_which_side()
    {
        Assert.Equal("`low` must be at least 1, not 0.", Check(("low", "0")).Error!.Message);
        Assert.Equal("`high` must be at most 9, not 10.", Check(("high", 10L)).Error!.Message);
        Assert.Equal(7, Check(("high", 7)).Request!.Integer("high"));
        Assert.Equal(4, Check(("low", 4.0)).Request!.Integer("low"));
        Assert.Equal("`low` must be a whole number, not `4.5`.", Check(("low", 4.5)).Error!.Message);
    }

    [Fact]
    public void A_typed_option_the_command_does_not_have_is_named_back()
    {
        // Discord may still send an option of an older registration of the command.
        var done = StudyBotCommands.Catalog().Find("progress done")!;

        var result = CommandValidator.Validate(done, new Dictionary<string, object> { ["item"] = "numpy", ["colour"] = "red" });

        Assert.Equal("`/progress done` has no option `colour`.", result.Error!.Message);
    }

    [Fact]
    public void A_missing_option_that_starts_with_a_vowel_gets_an()
    {
        Assert.StartsWith("`/progress goal set` needs an `amount`: how many hours", Fails("/progress goal set").Message, StringComparison.Ordinal);
    }

    // ---- found by the mutation run on the rewritten parser --------------------------------------------------------

    /// <summary>A catalog of one command, /t, with the given options: for grammar rules the real catalog has no example of.</summary>
    private static CommandParser ParserFor(params OptionDefinition[] options) =>
        new(new CommandCatalog([new CommandDefinition("t", "A test command") { Example = "/t", Options = options }]));

    [Fact]
    public void An_unknown_command_nothing_like_any_gets_the_list_without_a_guess_even_with_words_after_it()
    {
        var error = Fails("/xyzzy log 45");

        Assert.Equal("I don't know the command `/xyzzy`. I understand /progress, /studybot; try `/progress help`.", error.Message);
        Assert.Null(error.Suggestion);
    }

    [Fact]
    public void A_quoted_unknown_command_is_taken_as_typed_and_gets_no_guess()
    {
        var error = Fails("\"progres\" log 45");

        Assert.Equal("I don't know the command `progres`. I understand /progress, /studybot; try `/progress help`.", error.Message);
        Assert.Null(error.Suggestion);
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(101, false)]
    public void A_guess_is_offered_as_a_button_only_when_it_fits_in_one(int length, bool button)
    {
        var note = new string('n', length - "progress log 45 ".Length);

        var error = Fails($"/progres log 45 {note}");

        Assert.Contains("Did you mean `/progress log 45 n", error.Message, StringComparison.Ordinal);
        Assert.Equal(button ? $"progress log 45 {note}" : null, error.Suggestion);
    }

    [Fact]
    public void A_guess_keeps_the_words_after_the_mistake_as_typed_quotes_included()
    {
        Assert.Equal("progress \"log\" 45", Fails("/progres \"log\" 45").Suggestion);
        Assert.Equal("progress x\"log\" 45", Fails("/progres x\"log\" 45").Suggestion);
    }

    [Fact]
    public void Empty_quotes_glued_to_a_quoted_word_leave_it_quoted()
    {
        Assert.Equal(Fails("/progress \"help\"").Message, Fails("/progress \"\"\"help\"").Message);
        Assert.Equal("I don't know the command ``. I understand /progress, /studybot; try `/progress help`.", Fails("\"\"\"\"").Message);
    }

    [Fact]
    public void A_word_that_fits_two_later_choices_skips_an_optional_choice_it_does_not_fit_and_goes_to_the_first()
    {
        var parser = ParserFor(
            new("a", OptionType.String, "First") { Choices = [new("x", "X")] },
            new("b", OptionType.String, "Second") { Choices = [new("y", "Y"), new("z", "Z")] },
            new("c", OptionType.String, "Third") { Choices = [new("y", "Y"), new("w", "W")] });

        var result = parser.Parse("/t y");

        Assert.True(result.Ok, result.Error?.Message);
        Assert.Equal("y", result.Request!.String("b"));
        Assert.Single(result.Request.Options);
    }

    [Fact]
    public void An_optional_choice_is_not_skipped_to_give_its_word_to_a_yes_or_no_option()
    {
        var parser = ParserFor(
            new("a", OptionType.String, "First") { Choices = [new("x", "X")] },
            new("flag", OptionType.Boolean, "Second"));

        var result = parser.Parse("/t yes");

        Assert.Equal("`yes` is not a valid a for `/t`. Choose one of: x.", result.Error?.Message);
        Assert.True(parser.Parse("/t flag:yes").Ok);
    }

    [Fact]
    public void With_extra_words_and_two_bad_values_the_first_bad_value_is_named()
    {
        var parser = ParserFor(new OptionDefinition("a", OptionType.Integer, "First"), new OptionDefinition("b", OptionType.Integer, "Second"));

        Assert.Equal("`a` must be a whole number, not `x`.", parser.Parse("/t x y z").Error?.Message);
        Assert.Equal("`b` must be a whole number, not `y z`.", parser.Parse("/t 1 y z").Error?.Message);
    }

    [Fact]
    public void A_platform_number_too_large_to_be_whole_is_not_minutes()
    {
        var log = StudyBotCommands.Catalog().Find("progress log")!;

        Assert.StartsWith("`1000000000000000` is not a number of minutes.", CommandValidator.Validate(log, new Dictionary<string, object> { ["minutes"] = 1e15 }, checkRequired: false).Error?.Message, StringComparison.Ordinal);
        Assert.StartsWith("Minutes must be between 1 and 960", CommandValidator.Validate(log, new Dictionary<string, object> { ["minutes"] = 1e15 - 1 }, checkRequired: false).Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_value_from_a_platform_is_no_value_and_never_a_crash()
    {
        var log = StudyBotCommands.Catalog().Find("progress log")!;

        Assert.Equal(
            "`` is not a number of minutes. Write minutes like 45, or hours like 1h30.",
            CommandValidator.Validate(log, new Dictionary<string, object> { ["minutes"] = null! }, checkRequired: false).Error?.Message);
        var note = CommandValidator.Validate(log, new Dictionary<string, object> { ["note"] = null! }, checkRequired: false);
        Assert.True(note.Ok, note.Error?.Message);
        Assert.Empty(note.Request!.Options);
    }

    [Fact]
    public void A_value_over_its_length_is_told_with_what_replies_call_it()
    {
        var catalog = StudyBotCommands.Catalog();

        Assert.Equal(
            "A note can be at most 200 characters: yours has 201.",
            CommandValidator.Validate(catalog.Find("progress log")!, new Dictionary<string, object> { ["note"] = new string('n', 201) }, checkRequired: false).Error?.Message);
        Assert.Equal(
            "A place can be at most 60 characters: yours has 61.",
            CommandValidator.Validate(catalog.Find("progress remind plan")!, new Dictionary<string, object> { ["where"] = new string('p', 61) }, checkRequired: false).Error?.Message);
    }

    [Fact]
    public void A_limit_of_one_character_is_told_in_the_singular()
    {
        var parser = ParserFor(new OptionDefinition("initial", OptionType.String, "One letter") { MaxLength = 1 });

        Assert.Equal("An initial can be at most 1 character: yours has 2.", parser.Parse("/t ab").Error?.Message);
    }

    [Fact]
    public void A_bad_time_of_day_is_told_with_examples_and_the_word_the_option_also_takes()
    {
        Assert.Equal($"`late` isn't a time of day. Write it like {Clock.Examples}, or `off`.", Fails("/progress remind quiet late").Message);
        Assert.Equal($"`late` isn't a time of day. Write it like {Clock.Examples}.", Fails("/progress remind quiet 22:00 late").Message);
    }
}
