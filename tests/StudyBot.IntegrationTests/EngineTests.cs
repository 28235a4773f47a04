using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

public sealed class EngineTests
{
    private static readonly string[] PhaseZero =
    [
        "python-basics", "mathematics-basics", "environment-setup",
        "foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready", "foundation-first-notebook",
    ];

    [Fact]
    public async Task Finishing_phase_zero_celebrates_the_milestone_and_the_phase_and_points_at_NumPy()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start complete-beginner");

        Reply last = null!;
        foreach (var item in PhaseZero)
        {
            last = await bot.SayAsync("Ada", $"/progress done {item}");
        }

        var text = ReplyText.All(last);
        Assert.Contains("Milestone complete: Foundation Milestone", text, StringComparison.Ordinal);
        Assert.Contains("Phase complete: Phase 0: Foundation", text, StringComparison.Ordinal);
        Assert.Contains("starting with NumPy", text, StringComparison.Ordinal);
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM CompletionEvents"));

        var overview = await bot.SayAsync("Ada", "/progress");
        Assert.Contains(overview.Bars, b => b.Label == "0 Foundation" && b.Percent == 100);
        Assert.StartsWith("⬜ NumPy (`numpy`)", overview.Fields.Single(f => f.Name == "Next").Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_change_is_recorded_with_who_and_when()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress doing numpy");
        bot.Time.Advance(TimeSpan.FromHours(2));
        await bot.SayAsync("Ada", "/progress done numpy");

        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM ItemChanges WHERE ItemId = 'numpy' AND ActorId = 'ada'"));
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM ItemChanges WHERE ToStatus = 2 AND FromStatus = 1 AND AtUtc LIKE '2026-11-25 14:00%'"));
        Assert.Equal(10, await bot.CountAsync("SELECT SUM(Points) FROM ItemChanges"));
    }

    [Fact]
    public async Task Undo_restores_the_previous_state_step_by_step()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress doing numpy");
        await bot.SayAsync("Ada", "/progress done numpy");

        var undo = await bot.SayAsync("Ada", "/progress undo");
        Assert.Contains("is back in progress", undo.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT Status FROM ItemProgress WHERE ItemId = 'numpy'"));

        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal(0, await bot.CountAsync("SELECT Status FROM ItemProgress WHERE ItemId = 'numpy'"));

        var nothing = await bot.SayAsync("Ada", "/progress undo");
        Assert.StartsWith("There's nothing to undo.", nothing.Text, StringComparison.Ordinal);
        Assert.Equal(4, await bot.CountAsync("SELECT COUNT(*) FROM ItemChanges"));
    }

    [Fact]
    public async Task Undo_reverts_a_study_log_and_its_points()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress log 45 practice numpy");

        var undo = await bot.SayAsync("Ada", "/progress undo");

        Assert.Contains("removed the 45 min of practice", undo.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs WHERE RetractedAtUtc IS NOT NULL"));
        var goal = await bot.SayAsync("Ada", "/progress goal set 1 hours");
        Assert.Contains("So far this week: 0h", goal.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skipping_a_phase_as_known_is_one_change_and_one_undo()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress done python-basics");

        var skip = await bot.SayAsync("Ada", "/progress skip foundation known");

        Assert.Contains("Skipped 6 items of Phase 0: Foundation", skip.Text, StringComparison.Ordinal);
        Assert.Contains("Phase complete: Phase 0: Foundation", ReplyText.All(skip), StringComparison.Ordinal);
        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress WHERE Status = 2"));
        Assert.Equal(6, await bot.CountAsync("SELECT COUNT(*) FROM ItemProgress WHERE Status = 0"));
    }

    [Fact]
    public async Task Undoing_a_completion_withdraws_its_unsent_celebration_and_redoing_records_it_once()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress skip foundation known");
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM CompletionEvents"));

        await bot.SayAsync("Ada", "/progress undo");
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM CompletionEvents"));

        await bot.SayAsync("Ada", "/progress skip foundation known");
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM CompletionEvents"));
    }

    [Fact]
    public async Task A_completion_already_celebrated_is_not_recorded_twice()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress skip foundation known");
        await bot.CountAsync("UPDATE CompletionEvents SET NotifiedAtUtc = '2026-11-25 12:00:30' RETURNING 1");
        await bot.SayAsync("Ada", "/progress doing python-basics");

        var again = await bot.SayAsync("Ada", "/progress done python-basics");

        Assert.DoesNotContain("Milestone complete", ReplyText.All(again), StringComparison.Ordinal);
        Assert.Equal(2, await bot.CountAsync("SELECT COUNT(*) FROM CompletionEvents"));
    }

    [Fact]
    public async Task Logging_more_than_sixteen_hours_in_a_local_day_is_refused()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress log 900 practice");

        var reply = await bot.SayAsync("Ada", "/progress log 90 review");

        Assert.Contains("at most 16 hours a day", reply.Text, StringComparison.Ordinal);
        Assert.Contains("up to 1h more today", reply.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs"));

        bot.Time.Advance(TimeSpan.FromHours(12));
        var tomorrow = await bot.SayAsync("Ada", "/progress log 90 review");
        Assert.Equal(ReplyTone.Success, tomorrow.Tone);
    }

    [Fact]
    public async Task Goals_streak_and_balance_show_up_for_the_member()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress goal set 2 hours");
        await bot.SayAsync("Ada", "/progress log 1h practice");
        var log = await bot.SayAsync("Ada", "/progress log 70 learning");

        Assert.Contains("of your 2h goal ✅ goal met!", log.Text, StringComparison.Ordinal);
        Assert.Contains("💡 Practice is 46% of your time", log.Text, StringComparison.Ordinal);

        var streak = await bot.SayAsync("Ada", "/progress streak");
        Assert.Contains("1 week and counting", streak.Text, StringComparison.Ordinal);

        var show = await bot.SayAsync("Ada", "/progress goal show");
        Assert.Contains(show.Bars, b => b.Label == "This week" && b.Percent == 100);
    }

    [Fact]
    public async Task The_streak_follows_the_members_zone_through_the_Berlin_spring_change()
    {
        await using var bot = await TestBot.StartAsync(now: new DateTimeOffset(2026, 3, 23, 9, 0, 0, TimeSpan.Zero));
        await bot.SayAsync("Ada", "/progress timezone europe/berlin");
        await bot.SayAsync("Ada", "/progress goal set 1 hours");
        await bot.SayAsync("Ada", "/progress log 60 practice");

        // Sunday 29 March, 22:30 UTC: 00:30 on Monday 30 March in Berlin, the first day of a new week.
        bot.Time.SetUtcNow(new DateTimeOffset(2026, 3, 29, 22, 30, 0, TimeSpan.Zero));
        await bot.SayAsync("Ada", "/progress log 60 practice");

        var streak = await bot.SayAsync("Ada", "/progress streak");
        Assert.Contains("2 weeks in a row", streak.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM StudyLogs WHERE LocalDate = '2026-03-30'"));
    }

    [Fact]
    public async Task A_time_zone_is_stored_in_its_canonical_form()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress timezone AMERICA/new_york");

        Assert.Contains("Time zone set to America/New_York", reply.Text, StringComparison.Ordinal);
        Assert.Equal(1, await bot.CountAsync("SELECT COUNT(*) FROM Members WHERE TimeZoneId = 'America/New_York'"));
    }

    [Fact]
    public async Task An_ambiguous_item_offers_the_candidates_as_buttons()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress done model");

        Assert.Contains("fits more than one item", reply.Text, StringComparison.Ordinal);
        Assert.Contains(reply.Buttons, b => b.Command == "progress done model-evaluation");
    }

    [Fact]
    public async Task Start_onboards_with_a_profile_and_pace_and_path_changes_keep_the_start_date()
    {
        await using var bot = await TestBot.StartAsync();

        var start = await bot.SayAsync("Ada", "/progress start quick-learner full-time");
        Assert.Contains("Path: accelerated · pace: full-time (30-40 h/week)", start.Text, StringComparison.Ordinal);

        bot.Time.Advance(TimeSpan.FromDays(70));
        var path = await bot.SayAsync("Ada", "/progress path standard custom 6");
        Assert.Contains("standard** path at a custom (6 h/week) pace", path.Text, StringComparison.Ordinal);

        var overview = await bot.SayAsync("Ada", "/progress");
        Assert.Equal("Intermediate (week 11)", overview.Fields.Single(f => f.Name == "Level").Value);
    }

    [Fact]
    public async Task A_custom_pace_without_hours_is_explained()
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", "/progress start programmer custom");

        Assert.Equal(ReplyTone.Error, reply.Tone);
        Assert.Contains("needs the hours", reply.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Goal_suggestions_come_with_buttons_that_set_them()
    {
        await using var bot = await TestBot.StartAsync();
        await bot.SayAsync("Ada", "/progress start programmer part-time");

        var suggest = await bot.SayAsync("Ada", "/progress goal suggest");

        Assert.Contains("12 hours a week", suggest.Text, StringComparison.Ordinal);
        var press = await bot.SayAsync("Ada", "/" + suggest.Buttons[0].Command);
        Assert.Contains("Goal set: 12 hours a week", press.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command_and_explains_one()
    {
        await using var bot = await TestBot.StartAsync();

        var all = await bot.SayAsync("Ada", "/progress help");
        var one = await bot.SayAsync("Ada", "/progress help goal set");

        Assert.Contains("`/progress log <minutes> <practice|learning|review> [item] [note]`", ReplyText.All(all), StringComparison.Ordinal);
        Assert.Contains("Example: `/progress goal set 10 hours week`", one.Fields.Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_roadmap_shows_phases_and_the_guides_extras()
    {
        await using var bot = await TestBot.StartAsync();

        var phase = await bot.SayAsync("Ada", "/progress roadmap 5");
        var estimates = await bot.SayAsync("Ada", "/progress roadmap estimates");
        var levels = await bot.SayAsync("Ada", "/progress roadmap levels");

        Assert.Equal("Phase 5: Generative AI & Modern LLMs", phase.Title);
        Assert.Contains("Vector Databases (Pinecone, ChromaDB, Weaviate, FAISS)", ReplyText.All(phase), StringComparison.Ordinal);
        Assert.Contains("the rows add up to 16-24 months and 32-48 months", estimates.Text, StringComparison.Ordinal);
        Assert.Contains("Titanic survival", ReplyText.All(levels), StringComparison.Ordinal);
    }
}
