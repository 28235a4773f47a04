using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>What a new member meets in their first session: each reply read as a learner would read it.</summary>
public sealed class NewcomerCommandTests
{
    // ---- the board shows the asker where they stand ----

    [Fact]
    public async Task A_new_member_who_logged_time_sees_their_own_standing_and_why_others_do_not_see_them()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");
        await bot.SayAsync("Ada", "/progress log 45 practice numpy");

        var board = await bot.SayAsync("Ada", "/progress board");

        Assert.DoesNotContain("Nobody on this board yet", board.Text, StringComparison.Ordinal);
        Assert.Contains("You: #1, 4 points", board.Text, StringComparison.Ordinal);
        Assert.Contains("first four weeks", board.Text, StringComparison.Ordinal);
        Assert.Contains("`/progress me privacy public`", board.Text, StringComparison.Ordinal);

        // Others still do not see her.
        var bobs = await bot.SayAsync("Bob", "/progress board");
        Assert.DoesNotContain("Ada", ReplyText.All(bobs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_private_member_sees_their_minutes_and_rank_among_the_members_shown()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Bob", "/progress me privacy public");
        await bot.SayAsync("Bob", "/progress log 90 practice");
        await bot.SayAsync("Ada", "/progress me privacy private");
        await bot.SayAsync("Ada", "/progress log 45 learning");

        var board = await bot.SayAsync("Ada", "/progress board week minutes");

        Assert.Contains("Bob", board.Text, StringComparison.Ordinal);
        Assert.Contains("You: #2, 45 min", board.Text, StringComparison.Ordinal);
        Assert.Contains("private", board.Text, StringComparison.Ordinal);
        Assert.Contains("`/progress me privacy public`", board.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_member_shown_on_the_board_is_marked_there_and_gets_no_extra_line()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress me privacy public");
        await bot.SayAsync("Ada", "/progress log 45 practice");

        var board = await bot.SayAsync("Ada", "/progress board");

        Assert.Contains("← you", board.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("You:", board.Text, StringComparison.Ordinal);
    }

    // ---- undo says what it covers, in plain words ----

    [Fact]
    public async Task Undo_of_an_item_reads_naturally()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done numpy");

        var undo = await bot.SayAsync("Ada", "/progress undo");

        Assert.Equal("↩️ Undone: NumPy is back to not started.", undo.Text);
    }

    [Fact]
    public async Task Undo_with_only_settings_changed_says_what_undo_covers()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress goal set 10 hours");
        await bot.SayAsync("Ada", "/progress timezone Europe/Berlin");
        var before = await bot.DumpAsync();

        var undo = await bot.SayAsync("Ada", "/progress undo");

        Assert.StartsWith("There's nothing to undo.", undo.Text, StringComparison.Ordinal);
        Assert.Contains("item changes", undo.Text, StringComparison.Ordinal);
        Assert.Contains("logged study time", undo.Text, StringComparison.Ordinal);
        Assert.Contains("goal", undo.Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task Help_says_exactly_what_undo_covers()
    {
        await using var bot = await TestBot.StartAsync();

        var help = ReplyText.All(await bot.SayAsync("Ada", "/progress help undo"));

        Assert.Contains("Undo your last item change or logged time", help, StringComparison.Ordinal);
    }

    // ---- help shows the forms the README shows ----

    [Fact]
    public async Task Help_lists_the_short_forms_people_type()
    {
        await using var bot = await TestBot.StartAsync();

        var help = ReplyText.All(await bot.SayAsync("Ada", "/progress help"));

        Assert.Contains("`/progress`: See your progress", help, StringComparison.Ordinal);
        Assert.Contains("`/progress rest [until <date|3d|2w|weekday>]`: ", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_full_help_list_still_fits_one_Discord_message_for_an_admin()
    {
        await using var bot = await TestBot.StartAsync();

        var help = await bot.SayAsync("Admin", "/progress help");
        var admin = await bot.SayAsync("Admin", "/studybot help");

        // The admin commands have their own list, which /progress help points admins to (HelpTests checks every limit).
        Assert.Contains("/studybot help", help.Text, StringComparison.Ordinal);
        Assert.Contains("/studybot show", ReplyText.All(admin), StringComparison.Ordinal);
        Assert.InRange(help.Text.Length, 1, 4096);
    }

    // ---- skip with a reason it does not know ----

    [Fact]
    public async Task An_unknown_skip_reason_after_a_real_item_is_named_and_nothing_changes()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start");
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", "/progress skip python-basics wrongreason");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains("`wrongreason` is not a reason: known, not-relevant or later.", reply.Text, StringComparison.Ordinal);
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Fact]
    public async Task A_misspelt_skip_reason_gets_the_reason_it_resembles()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress skip foundation knwon");

        Assert.Contains("`knwon` is not a reason", reply.Text, StringComparison.Ordinal);
        Assert.Contains("Did you mean `known`?", reply.Text, StringComparison.Ordinal);
    }

    // ---- an id with a typo finds its item ----

    [Fact]
    public async Task An_id_with_two_letters_swapped_finds_its_item()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress done pyhton-basics");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.StartsWith("✅ Marked Python Basics (`python-basics`) done", reply.Text, StringComparison.Ordinal);
    }

    // ---- bad values are named whole ----

    [Fact]
    public async Task A_bad_snooze_names_the_whole_value()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress remind snooze 3 years");

        Assert.Contains("`3 years` is not a valid duration", reply.Text, StringComparison.Ordinal);
    }

    // ---- time zones ----

    [Theory]
    [InlineData("CET", "CET")]
    [InlineData("cet", "CET")]
    [InlineData("Etc/GMT-14", "Etc/GMT-14")]
    [InlineData("EST5EDT", "EST5EDT")]
    [InlineData("gmt", "GMT")]
    [InlineData("Asia/Calcutta", "Asia/Calcutta")]
    [InlineData("Europe/Kiev", "Europe/Kiev")]
    [InlineData("us/pacific", "US/Pacific")]
    [InlineData("America/Godthab", "America/Godthab")]
    [InlineData("NZ-CHAT", "NZ-CHAT")]
    public async Task Every_time_zone_database_name_is_accepted_and_stored_in_its_database_spelling(string typed, string stored)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", $"/progress timezone {typed}");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Contains($"Time zone set to {stored}", reply.Text, StringComparison.Ordinal);
        Assert.Equal($"{stored}|\n", await bot.QueryAsync("SELECT TimeZoneId FROM Members WHERE UserId = 'ada'"));
    }

    [Fact]
    public async Task The_community_zone_takes_the_same_names()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Admin", "/studybot timezone cet");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Equal("CET|\n", await bot.QueryAsync("SELECT TimeZoneId FROM Communities"));
    }

    [Fact]
    public async Task A_default_zone_in_any_letter_case_reaches_new_members_in_its_database_spelling()
    {
        await using var bot = await TestBot.StartAsync(defaultTimeZone: "us/pacific");

        await bot.SayAsync("Ada", "/progress log 30 practice");

        Assert.Equal("US/Pacific|\n", await bot.QueryAsync("SELECT TimeZoneId FROM Members WHERE UserId = 'ada'"));
    }

    [Fact]
    public async Task EST_is_taken_with_a_note_that_it_is_a_fixed_offset_and_New_York_follows_daylight_saving()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress timezone EST");

        Assert.Equal(ReplyTone.Success, reply.Tone);
        Assert.Contains("fixed", reply.Text, StringComparison.Ordinal);
        Assert.Contains("America/New_York", reply.Text, StringComparison.Ordinal);
        Assert.Contains(reply.Buttons, b => b.Command == "progress timezone America/New_York");
        Assert.DoesNotContain("Bucharest", ReplyText.All(reply), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PST", "America/Los_Angeles")]
    [InlineData("EDT", "America/New_York")]
    [InlineData("Europe/Berln", "Europe/Berlin")]
    [InlineData("new york", "America/New_York")]
    public async Task A_zone_that_is_not_in_the_database_gets_a_useful_suggestion(string typed, string suggested)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", $"/progress timezone {typed}");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains($"`{suggested}`", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bucharest", reply.Text, StringComparison.Ordinal);
    }

    // ---- one point, not one points ----

    [Fact]
    public async Task Ten_minutes_earn_one_point_in_the_singular()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress me privacy public");

        var log = await bot.SayAsync("Ada", "/progress log 10 practice");
        var board = await bot.SayAsync("Ada", "/progress board");

        Assert.Contains("(+1 point)", log.Text, StringComparison.Ordinal);
        Assert.Contains("1 point ", board.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("1 points", board.Text, StringComparison.Ordinal);
    }

    // ---- goals a period can hold ----

    [Theory]
    [InlineData("113 hours week", "A weekly goal can be at most 112 hours")]
    [InlineData("600 hours week", "A weekly goal can be at most 112 hours")]
    [InlineData("497 hours month", "A monthly goal can be at most 496 hours")]
    [InlineData("31 items week", "A weekly goal can be at most 30 items")]
    [InlineData("5000 items month", "A monthly goal can be at most")]
    public async Task A_goal_above_what_its_period_can_hold_is_refused_stating_the_limit(string args, string limit)
    {
        await using var bot = await TestBot.StartAsync();
        var before = await bot.DumpAsync();

        var reply = await bot.SayAsync("Ada", $"/progress goal set {args}");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains(limit, reply.Text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(reply.Text, "at most"));
        Assert.Equal(before, await bot.DumpAsync());
    }

    [Theory]
    [InlineData("112 hours week")]
    [InlineData("496 hours month")]
    [InlineData("30 items week")]
    public async Task A_goal_at_the_limit_is_taken(string args)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", $"/progress goal set {args}");

        Assert.Equal(ReplyTone.Success, reply.Tone);
    }

    [Fact]
    public async Task A_goal_suggestion_says_about_once()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");

        var reply = await bot.SayAsync("Ada", "/progress goal suggest");

        Assert.DoesNotContain("about about", reply.Text, StringComparison.Ordinal);
        Assert.Contains("the guide allows about", reply.Text, StringComparison.Ordinal);
    }
}
