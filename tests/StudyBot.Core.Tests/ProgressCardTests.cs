using System.Text.Json;
using StudyBot.Core.Cards;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

public sealed class ProgressCardTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    // Wednesday 25 November 2026, noon UTC: the week began on Monday the 23rd.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static MemberSnapshot Snapshot(
        Dictionary<string, ItemState>? items = null,
        IReadOnlyList<Goal>? goals = null,
        IReadOnlyList<DailyTotal>? days = null,
        string name = "Ada Lovelace",
        string zone = "UTC") => new()
    {
        Community = new Community { Id = 1, Platform = Platforms.Console, ExternalId = "local", Name = "Local", RoadmapId = Roadmap.Id, TimeZoneId = "UTC" },
        Member = new MemberProfile
        {
            Id = 1,
            UserId = "ada",
            DisplayName = name,
            TimeZoneId = zone,
            Pace = PaceKind.PartTime,
            StartDate = new DateOnly(2026, 10, 5),
            Onboarded = true,
        },
        Items = items ?? [],
        Goals = goals ?? [],
        Days = days ?? [],
    };

    private static Dictionary<string, ItemState> FoundationDoneNumpyDonePandasStarted()
    {
        var items = Roadmap.PhaseItems("foundation").ToDictionary(i => i.Id, _ => new ItemState(ItemStatus.Done));
        items["numpy"] = new ItemState(ItemStatus.Done);
        items["pandas"] = new ItemState(ItemStatus.InProgress);
        return items;
    }

    [Fact]
    public void A_card_shows_every_phase_with_its_share_in_the_roadmaps_colour_and_marks_the_current_one()
    {
        var card = ProgressCard.From(Snapshot(FoundationDoneNumpyDonePandasStarted()), Roadmap, Now);

        Assert.Equal("Ada Lovelace", card.MemberName);
        Assert.Equal("Road to ML: Zero to Hero", card.RoadmapTitle);
        Assert.Equal(8, card.Phases.Count);
        Assert.Equal(
            ["#4C9AFF", "#36B37E", "#FFAB00", "#FF7452", "#6554C0", "#00B8D9", "#FF5630", "#8777D9"],
            card.Phases.Select(p => p.Color));
        Assert.Equal([100, 12, 0, 0, 0, 0, 0, 0], card.Phases.Select(p => p.Percent));
        Assert.True(card.Phases[0].Complete);
        Assert.Equal([false, true, false, false, false, false, false, false], card.Phases.Select(p => p.Current));
        Assert.Equal("Phase 1: Data Fundamentals", card.CurrentPhase);
        Assert.Equal("Pandas", card.CurrentModule);
        Assert.Equal("Data Fundamentals", card.Phases[1].Title);
        Assert.Equal(1, card.Phases[1].Number);
    }

    [Fact]
    public void The_overall_share_and_the_finish_date_are_the_ones_progress_shows()
    {
        var snapshot = Snapshot(FoundationDoneNumpyDonePandasStarted());
        var card = ProgressCard.From(snapshot, Roadmap, Now);

        var phases = ProgressMath.Phases(Roadmap, snapshot.StateOf);
        var eta = Eta.Compute(Roadmap, snapshot.Member, phases, snapshot.Days, new DateOnly(2026, 11, 25));
        Assert.Equal(ProgressMath.OverallPercent(phases), card.OverallPercent);
        Assert.InRange(card.OverallPercent, 1, 99);
        Assert.Equal(eta.FinishDate, card.FinishDate);
        Assert.Equal(Format.MonthYear(eta.FinishDate), card.Finish);
        Assert.StartsWith("about ", card.FinishDetail, StringComparison.Ordinal);
        Assert.EndsWith($" at {Format.Hours(12.5)} h/week", card.FinishDetail, StringComparison.Ordinal);
        Assert.False(card.RoadmapComplete);
    }

    [Fact]
    public void The_streak_and_this_weeks_goal_come_from_the_logged_weeks()
    {
        Goal[] goals = [new(GoalPeriod.Week, GoalUnit.Hours, 5, new DateOnly(2026, 11, 9))];
        DailyTotal[] days =
        [
            new(new DateOnly(2026, 11, 10), 360, 0, 0, 0, 0),
            new(new DateOnly(2026, 11, 17), 300, 60, 0, 0, 0),
            new(new DateOnly(2026, 11, 24), 90, 60, 0, 0, 0),
        ];

        var card = ProgressCard.From(Snapshot(goals: goals, days: days), Roadmap, Now);

        Assert.True(card.HasWeeklyGoal);
        Assert.Equal(2, card.StreakWeeks);
        Assert.Equal(2, card.StreakBest);
        Assert.Equal(0, card.StreakFreezes);
        Assert.Equal("2 weeks in a row", card.Streak);
        Assert.Equal("2.5 h of 5 h", card.WeekGoal);
        Assert.Equal(0.5, card.WeekGoalFraction, precision: 6);
    }

    [Fact]
    public void An_items_goal_is_counted_in_items_and_a_goal_met_twice_over_fills_the_bar_once()
    {
        Goal[] goals = [new(GoalPeriod.Week, GoalUnit.Items, 2, new DateOnly(2026, 11, 23))];
        DailyTotal[] days = [new(new DateOnly(2026, 11, 24), 0, 0, 0, 4, 40)];

        var card = ProgressCard.From(Snapshot(goals: goals, days: days), Roadmap, Now);

        Assert.Equal("4 of 2 items", card.WeekGoal);
        Assert.Equal(1.0, card.WeekGoalFraction);
        Assert.Equal("1 week in a row", card.Streak);
    }

    [Fact]
    public void Without_a_goal_the_card_says_so_instead_of_showing_an_empty_streak()
    {
        var card = ProgressCard.From(Snapshot(), Roadmap, Now);

        Assert.False(card.HasWeeklyGoal);
        Assert.Equal("No weekly goal yet", card.Streak);
        Assert.Equal("No weekly goal yet", card.WeekGoal);
        Assert.Equal(0, card.WeekGoalFraction);
        Assert.Equal("Phase 0: Foundation", card.CurrentPhase);
        Assert.Equal("Python Basics", card.CurrentModule);
        Assert.Equal(0, card.OverallPercent);
    }

    [Fact]
    public void A_finished_roadmap_says_so_instead_of_a_date()
    {
        var all = Roadmap.Items.ToDictionary(i => i.Id, _ => new ItemState(ItemStatus.Done));

        var card = ProgressCard.From(Snapshot(all), Roadmap, Now);

        Assert.Equal(100, card.OverallPercent);
        Assert.All(card.Phases, p => Assert.Equal(100, p.Percent));
        Assert.True(card.RoadmapComplete);
        Assert.Equal("Roadmap complete", card.Finish);
        Assert.Null(card.CurrentModule);
    }

    [Fact]
    public void The_card_is_dated_and_counts_the_week_in_the_members_own_time_zone()
    {
        // Sunday 23:30 in UTC is already Monday morning in Tokyo: a new week, with nothing logged yet.
        var sundayNight = new DateTimeOffset(2026, 11, 29, 23, 30, 0, TimeSpan.Zero);
        Goal[] goals = [new(GoalPeriod.Week, GoalUnit.Hours, 5, new DateOnly(2026, 11, 23))];
        DailyTotal[] days = [new(new DateOnly(2026, 11, 26), 120, 0, 0, 0, 0)];

        var utc = ProgressCard.From(Snapshot(goals: goals, days: days), Roadmap, sundayNight);
        var tokyo = ProgressCard.From(Snapshot(goals: goals, days: days, zone: "Asia/Tokyo"), Roadmap, sundayNight);

        Assert.Equal(new DateOnly(2026, 11, 29), utc.Date);
        Assert.Equal("2 h of 5 h", utc.WeekGoal);
        Assert.Equal(new DateOnly(2026, 11, 30), tokyo.Date);
        Assert.Equal("0 h of 5 h", tokyo.WeekGoal);
    }

    [Fact]
    public void A_phase_without_a_valid_colour_gets_a_default_one()
    {
        var roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);
        roadmap = roadmap with { Phases = [.. roadmap.Phases.Select((p, i) => i == 2 ? p with { Color = "orange" } : i == 3 ? p with { Color = null } : p)] };

        var card = ProgressCard.From(Snapshot(), roadmap, Now);

        Assert.Equal(ProgressCard.DefaultColors[2], card.Phases[2].Color);
        Assert.Equal(ProgressCard.DefaultColors[3], card.Phases[3].Color);
        Assert.Equal("#4C9AFF", card.Phases[0].Color);
    }

    [Theory]
    [InlineData("Ada Lovelace", "progress-ada-lovelace-2026-11-25.png")]
    [InlineData("José ../../etc/passwd", "progress-jose-etc-passwd-2026-11-25.png")]
    [InlineData("🚀🚀", "progress-member-2026-11-25.png")]
    [InlineData("Renée O'Brien", "progress-renee-o-brien-2026-11-25.png")]
    public void The_file_name_is_safe_and_says_whose_card_it_is(string name, string expected)
    {
        var card = ProgressCard.From(Snapshot(name: name), Roadmap, Now);

        Assert.Equal(expected, card.FileName);
    }

    [Fact]
    public void The_alt_text_tells_the_whole_card_in_words_within_the_platforms_limit()
    {
        var card = ProgressCard.From(Snapshot(FoundationDoneNumpyDonePandasStarted()), Roadmap, Now);
        var longName = ProgressCard.From(Snapshot(name: new string('x', 2000)), Roadmap, Now);

        var alt = card.AltText();

        Assert.StartsWith("Progress card for Ada Lovelace: ", alt, StringComparison.Ordinal);
        Assert.Contains("Phase 0 Foundation 100%, Phase 1 Data Fundamentals 12%", alt, StringComparison.Ordinal);
        Assert.Contains("Now: Phase 1: Data Fundamentals, Pandas.", alt, StringComparison.Ordinal);
        Assert.Contains("Streak: No weekly goal yet.", alt, StringComparison.Ordinal);
        Assert.Contains($"Finish: {card.Finish}.", alt, StringComparison.Ordinal);
        Assert.Equal(ProgressCard.MaxAltTextLength, longName.AltText().Length);
    }

    [Fact]
    public void An_attachment_survives_the_outbox_as_base64_byte_for_byte()
    {
        var bytes = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        var reply = new Reply
        {
            Text = "🎉 You completed the Foundation Milestone!",
            Attachments = [new ReplyAttachment("progress-ada-2026-11-25.png", ReplyAttachment.Png, bytes, "Progress card for Ada")],
        };

        var json = ReplyJson.Serialize(reply);
        var back = ReplyJson.Deserialize(json);

        var attachment = Assert.Single(back.Attachments);
        Assert.Equal("progress-ada-2026-11-25.png", attachment.FileName);
        Assert.Equal("image/png", attachment.ContentType);
        Assert.Equal("Progress card for Ada", attachment.AltText);
        Assert.Equal(bytes, attachment.Content);
        Assert.Equal(Convert.ToBase64String(bytes), JsonDocument.Parse(json).RootElement.GetProperty("attachments")[0].GetProperty("content").GetString());
        Assert.Empty(ReplyJson.Deserialize(ReplyJson.Serialize(new Reply { Text = "hi" })).Attachments);
    }
}
