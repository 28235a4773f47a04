using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Notifications;

namespace StudyBot.Core.Tests;

/// <summary>How people actually write times, notes, choices and dates, and how limits are told.</summary>
public sealed class GrammarTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    private static CommandRequest Ok(string text)
    {
        var result = Parser.Parse(text);
        Assert.True(result.Ok, $"'{text}': {result.Error?.Message}");
        return result.Request!;
    }

    private static CommandError Fails(string text)
    {
        var result = Parser.Parse(text);
        Assert.False(result.Ok, $"'{text}' should not parse");
        return result.Error!;
    }

    [Theory]
    [InlineData("7 pm", "19:00")]
    [InlineData("7pm", "19:00")]
    [InlineData("7 PM", "19:00")]
    [InlineData("7 p.m.", "19:00")]
    [InlineData("19:00", "19:00")]
    [InlineData("7:30 pm", "19:30")]
    [InlineData("7.30pm", "19:30")]
    [InlineData("12 am", "00:00")]
    [InlineData("12am", "00:00")]
    [InlineData("12 pm", "12:00")]
    [InlineData("12:15 am", "00:15")]
    [InlineData("9am", "09:00")]
    [InlineData("07:30", "07:30")]
    [InlineData("noon", "12:00")]
    [InlineData("midnight", "00:00")]
    public void A_study_plan_reads_the_time_as_people_write_it(string time, string expected)
    {
        var request = Ok($"/progress remind plan weekdays {time} library");

        Assert.Equal(expected, request.String("time"));
        Assert.Equal("library", request.String("where"));
    }

    [Fact]
    public void A_plan_time_with_pm_and_no_place_has_no_place()
    {
        var request = Ok("/progress remind plan weekdays 7 pm");

        Assert.Equal("19:00", request.String("time"));
        Assert.False(request.Has("where"), $"where = '{request.String("where")}'");
    }

    [Fact]
    public void Every_option_that_takes_a_time_reads_am_and_pm()
    {
        var quiet = Ok("/progress remind quiet 10 pm 7 am");
        Assert.Equal("22:00", quiet.String("from"));
        Assert.Equal("07:00", quiet.String("to"));

        Assert.Equal("off", Ok("/progress remind quiet off").String("from"));
        Assert.Equal("21:30", Ok("/studybot leaderboard schedule monday 9:30 pm").String("time"));
        Assert.Equal("10:00", Ok("/studybot partners schedule friday 10 am").String("time"));
        Assert.Equal("19:00", Ok("/progress remind plan weekdays time:7 pm").String("time"));
    }

    [Theory]
    [InlineData("/progress remind plan weekdays 25:00")]
    [InlineData("/progress remind plan weekdays 13 pm")]
    [InlineData("/progress remind plan weekdays 7:75")]
    [InlineData("/progress remind quiet 22:00 soon")]
    [InlineData("/studybot leaderboard schedule monday teatime")]
    public void A_time_that_is_not_a_time_is_refused_with_examples(string text) =>
        Assert.Contains("isn't a time of day", Fails(text).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(19 * 60, "7 pm", true)]
    [InlineData(0, "12 am", true)]
    [InlineData(12 * 60, "12 pm", true)]
    [InlineData((19 * 60) + 30, "7.30pm", true)]
    [InlineData(0, "0 am", false)]
    [InlineData(0, "24:00", false)]
    public void The_clock_reads_twelve_hour_times(int minutes, string text, bool ok)
    {
        Assert.Equal(ok, Clock.TryParse(text, out var parsed));
        if (ok)
        {
            Assert.Equal(minutes, parsed);
        }
    }

    [Fact]
    public void A_named_note_takes_the_rest_of_the_line()
    {
        var request = Ok("/progress log 45 practice numpy note:great session today");

        Assert.Equal("numpy", request.String("item"));
        Assert.Equal("great session today", request.String("note"));
    }

    [Fact]
    public void A_quoted_note_is_kept_whole()
    {
        Assert.Equal("great session today", Ok("/progress log 45 practice numpy note:\"great session today\"").String("note"));
        Assert.Equal("great session today", Ok("/progress log 45 practice note:\"great session today\"").String("note"));
        Assert.Equal("great session today", Ok("/progress log 45 practice note:great session today").String("note"));
    }

    [Fact]
    public void A_note_ends_where_another_named_option_starts()
    {
        var request = Ok("/progress log 45 note:read chapter 3 kind:learning");

        Assert.Equal("read chapter 3", request.String("note"));
        Assert.Equal("learning", request.String("kind"));
    }

    [Fact]
    public void A_note_at_its_limit_is_kept_and_one_character_more_is_refused_with_the_limit()
    {
        var atLimit = string.Concat(Enumerable.Repeat("🎉", 200));
        Assert.Equal(atLimit, Ok($"/progress log 30 practice note:{atLimit}").String("note"));

        var message = Fails($"/progress log 30 practice note:{atLimit}🎉").Message;
        Assert.Contains("A note can be at most 200 characters", message, StringComparison.Ordinal);
        Assert.Contains("201", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lengths_count_what_a_person_sees()
    {
        var hundred = string.Concat(Enumerable.Repeat("🚀", 100));
        Assert.Equal(hundred, Ok($"/progress done {hundred}").String("item"));

        Assert.Contains("at most 100 characters", Fails($"/progress done {hundred}🚀").Message, StringComparison.Ordinal);

        // One family emoji is one character though it is seven code points.
        var families = string.Concat(Enumerable.Repeat("👨‍👩‍👧‍👦", 60));
        Assert.Equal(families, Ok($"/progress log 30 practice note:{families}").String("note"));
    }

    [Fact]
    public void A_did_you_mean_button_keeps_the_arguments()
    {
        var error = Fails("/progress dnoe numpy");

        Assert.Equal("progress done numpy", error.Suggestion);
        Assert.Contains("Did you mean `/progress done numpy`?", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/progress goal sett 10 hours month", "progress goal set 10 hours month")]
    [InlineData("/progress lgo 45 practice note:\"great day\"", "progress log 45 practice note:\"great day\"")]
    [InlineData("/progress nxet", "progress next")]
    [InlineData("/progres done numpy", "progress done numpy")]
    public void Every_correction_runs_the_corrected_command_with_its_arguments(string typed, string suggestion)
    {
        var error = Fails(typed);

        Assert.Equal(suggestion, error.Suggestion);
        Assert.True(Parser.Parse("/" + suggestion).Ok, suggestion);
    }

    [Theory]
    [InlineData("/progress board minutes", "metric", "minutes")]
    [InlineData("/progress board month", "period", "month")]
    [InlineData("/progress board minutes month", "period", "month")]
    [InlineData("/progress board minutes month", "metric", "minutes")]
    [InlineData("/progress path full-time", "pace", "full-time")]
    [InlineData("/progress path full-time accelerated", "path", "accelerated")]
    [InlineData("/progress start part-time", "pace", "part-time")]
    [InlineData("/progress start part-time programmer", "profile", "programmer")]
    [InlineData("/progress goal set 10 month", "period", "month")]
    [InlineData("/progress goal set 10 month items", "unit", "items")]
    [InlineData("/progress remind plan weekdays 19:00 library daily", "where", "library daily")]
    public void Optional_choices_can_be_given_on_their_own_in_any_order(string text, string option, string value) =>
        Assert.Equal(value, Ok(text).String(option));

    [Fact]
    public void A_custom_pace_takes_its_hours_after_the_choices()
    {
        var request = Ok("/progress path custom 20");

        Assert.Equal("custom", request.String("pace"));
        Assert.Equal(20L, request.Integer("hours"));
        Assert.False(request.Has("path"));
    }

    [Theory]
    [InlineData("/progress board week top points", "`top points` is not a valid metric")]
    [InlineData("/progress start wizard", "not a valid profile")]
    [InlineData("/progress board points points", "given twice")]
    public void A_word_that_fits_no_choice_is_still_named(string text, string expected) =>
        Assert.Contains(expected, Fails(text).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("today", 0)]
    [InlineData("until today", 0)]
    [InlineData("tomorrow", 1)]
    [InlineData("friday", 2)]
    [InlineData("next friday", 2)]
    [InlineData("wednesday", 7)]
    [InlineData("3d", 3)]
    [InlineData("3 days", 3)]
    [InlineData("2w", 14)]
    [InlineData("2 weeks", 14)]
    [InlineData("2026-12-31", 36)]
    [InlineData("31 Dec", 36)]
    [InlineData("Dec 31", 36)]
    [InlineData("31 December 2026", 36)]
    public void Rest_until_reads_days_dates_and_spans(string text, int days)
    {
        var today = new DateOnly(2026, 11, 25); // a Wednesday

        Assert.True(RestStartHandler.TryParseUntil(text, today, out var date), text);
        Assert.Equal(today.AddDays(days), date);
    }

    [Fact]
    public void Rest_until_today_parses_as_the_rest_command() =>
        Assert.Equal("until today", Ok("/progress rest until today").String("until"));

    [Theory]
    [InlineData("\u200B")]
    [InlineData("\u2066")]
    [InlineData("\u200F")]
    [InlineData("\uFEFF")]
    [InlineData("\u2060")]
    [InlineData("\U000E0041")]
    public void Invisible_formatting_in_a_note_is_refused(string invisible) =>
        Assert.Contains("invisible", Fails($"/progress log 30 practice note:hello{invisible}world").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("👨‍👩‍👧‍👦")]
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")]
    [InlineData("🇩🇪")]
    [InlineData("1️⃣")]
    [InlineData("می‌خواهم")]
    public void Emoji_sequences_and_joiners_people_type_are_accepted(string text) =>
        Assert.Equal($"note {text}", Ok($"/progress log 30 practice note:\"note {text}\"").String("note"));
}
