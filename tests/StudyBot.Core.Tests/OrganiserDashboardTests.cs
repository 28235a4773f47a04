using System.Globalization;
using System.Text;
using CsCheck;
using StudyBot.Core.Chat;
using StudyBot.Core.Dashboard;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>The pure parts of the organisers' dashboard: the view from the store's counts, and the CSV's fields.</summary>
public sealed class OrganiserDashboardTests
{
    private static readonly RoadmapCatalog Roadmaps = new(
        RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps).Append(RoadmapLoader.LoadFile(RepoPaths.DataEngineeringFixture)),
        "ml-zero-to-hero");

    private static readonly DateTimeOffset Now = new(2026, 12, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly CommunityRef Home = new(Platforms.Console, "local", "Local");

    private static DashboardView Compose(IReadOnlyList<DashboardMember> members, Func<DashboardMember, IEnumerable<(string Item, ItemState State)>> items)
    {
        var buckets = OrganiserDashboard.Buckets.For(Roadmaps);
        var counts = new List<BucketCount>();
        foreach (var m in members)
        {
            foreach (var group in items(m).GroupBy(i => buckets.ByItem[i.Item]))
            {
                counts.Add(new BucketCount(m.Id, group.Key, group.Count(i => i.State.IsLearned), group.Count(i => i.State.IsExcluded)));
            }
        }

        var community = new Community { Id = 1, Platform = Home.Platform, ExternalId = Home.ExternalId, Name = "Local", RoadmapId = "ml-zero-to-hero", TimeZoneId = "UTC" };
        var data = new DashboardData(community, members, counts, [1, 2, 3, 4, 5, 6, 7, 8], 3, 1, 0, new ReminderCounts(4, 1, 3, 2), []);
        var query = OrganiserDashboard.Query(buckets, Now, "UTC");
        return OrganiserDashboard.Compose(Roadmaps, Home, data, buckets, query, Now, CultureInfo.GetCultureInfo("en"), new DeliveryFailures([], []));
    }

    private static DashboardMember Member(long id, string name, string? roadmap = null, PrivacyLevel privacy = PrivacyLevel.Partners, DateOnly? last = null) =>
        new(id, name.ToLowerInvariant(), name, privacy, roadmap, "UTC", new DateOnly(2026, 11, 1), last, null);

    private static readonly ItemState Done = new(ItemStatus.Done);
    private static readonly ItemState Known = new(ItemStatus.Skipped, SkipReason.AlreadyKnown);
    private static readonly ItemState NotRelevant = new(ItemStatus.Skipped, SkipReason.NotRelevant);
    private static readonly ItemState Later = new(ItemStatus.Skipped, SkipReason.Later);

    [Fact]
    public void Percentages_and_the_funnel_follow_ProgressMath_for_every_member()
    {
        var roadmap = Roadmaps.Get("data-engineering");
        var everything = roadmap.Items.Where(i => i.Kind != ItemKind.Project).Select(i => (i.Id, Done)).ToList();
        var members = new[]
        {
            Member(1, "Finisher", "data-engineering"),
            Member(2, "Starter", "data-engineering"),
            Member(3, "Modules", "data-engineering"),
            Member(4, "Hidden", "data-engineering", PrivacyLevel.Private),
            Member(5, "Hidden2", "data-engineering", PrivacyLevel.Private),
            Member(6, "Main"),
        };
        var states = new Dictionary<long, (string, ItemState)[]>
        {
            [1] = [.. everything],
            [2] = [("de-sql", Done), ("de-python-for-data", NotRelevant), ("de-first-query", Later)],
            // Modules of the first phase done, its milestone not: still in the first phase.
            [3] = [("de-sql", Known), ("de-python-for-data", Done)],
            [4] = [("de-sql", Done)],
            [5] = [],
            [6] = [("python-basics", Done)],
        };
        var view = Compose(members, m => states[m.Id]);

        Assert.Equal(6, view.Members);
        Assert.Equal(2, view.PrivateMembers);
        Assert.Equal(["data-engineering", "ml-zero-to-hero"], view.Roadmaps.Select(r => r.RoadmapId));
        var de = view.Roadmaps[0];
        Assert.Equal(5, de.Members);
        foreach (var m in members.Where(m => m.RoadmapId is not null && m.Privacy != PrivacyLevel.Private))
        {
            var expected = ProgressMath.Phases(roadmap, id => states[m.Id].Where(s => s.Item1 == id).Select(s => s.Item2).FirstOrDefault());
            var row = de.Rows.Single(r => r.UserId == m.UserId);
            Assert.Equal(expected.Select(p => p.Percent), row.PhasePercents);
            Assert.Equal(ProgressMath.OverallPercent(expected), row.OverallPercent);
            Assert.Equal(ProgressMath.CurrentPhase(expected).Id, row.CurrentPhaseId);
        }

        // Finisher reached every phase and finished; the rest are in the first.
        Assert.Equal([5, 1, 1], de.Funnel.Select(f => f.Members));
        Assert.Equal(1, de.Finished);
        var hidden = Assert.IsType<PrivateRow>(de.Private);
        Assert.Equal(2, hidden.Members);
        Assert.Equal(2, hidden.Quiet); // never progressed since November 1
        Assert.DoesNotContain(de.Rows, r => r.DisplayName.StartsWith("Hidden", StringComparison.Ordinal));
        Assert.Equal(new ReminderSummary(4, 1, 3, 2), view.Reminders);
        Assert.Equal(66, view.Reminders.ResponsePercent);
        Assert.Equal(new DateOnly(2026, 10, 26), view.WeeklyActive[0].WeekStart);
        Assert.Equal(8, view.WeeklyActive[^1].ActiveMembers);
    }

    [Fact]
    public void A_phase_whose_items_are_all_not_relevant_is_100_percent_and_the_quiet_mark_starts_at_14_days()
    {
        var roadmap = Roadmaps.Get("data-engineering");
        var streaming = roadmap.PhaseItems("de-streaming").Select(i => (i.Id, NotRelevant)).ToArray();
        var view = Compose([Member(1, "A", "data-engineering", last: new DateOnly(2026, 12, 2)), Member(2, "B", "data-engineering", last: new DateOnly(2026, 12, 1))], _ => streaming);
        var rows = view.Roadmaps[0].Rows;
        Assert.Equal([0, 0, 100], rows[0].PhasePercents);
        Assert.Equal(("B", 14, true), (rows[0].DisplayName, rows[0].DaysWithoutProgress, rows[0].Quiet));
        Assert.Equal(("A", 13, false), (rows[1].DisplayName, rows[1].DaysWithoutProgress, rows[1].Quiet));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+49 30", "'+49 30")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("=HYPERLINK(\"x\",\"y\")", "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")]
    [InlineData("", "")]
    public void A_csv_field_is_quoted_as_RFC_4180_says_and_never_starts_a_formula(string value, string field) =>
        Assert.Equal(field, DashboardCsv.Field(value));

    [Fact]
    public void Every_csv_field_reads_back_as_its_text_and_no_field_starts_a_formula()
    {
        Gen.String[Gen.Char["=+-@,\"\r\n\t ab'"], 0, 12].Sample(value =>
        {
            var field = DashboardCsv.Field(value);
            var read = ReadField(field);
            var expected = value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal) ? "'" + value : value;
            Assert.Equal(expected, read);
            Assert.False(read.Length > 0 && "=+-@".Contains(read[0], StringComparison.Ordinal), read);
        });
    }

    /// <summary>One field as an RFC 4180 reader reads it.</summary>
    private static string ReadField(string field)
    {
        if (field.Length == 0 || field[0] != '"')
        {
            Assert.DoesNotContain(',', field);
            Assert.DoesNotContain('"', field);
            Assert.DoesNotContain('\n', field);
            Assert.DoesNotContain('\r', field);
            return field;
        }

        Assert.EndsWith("\"", field, StringComparison.Ordinal);
        var sb = new StringBuilder();
        for (var i = 1; i < field.Length - 1; i++)
        {
            if (field[i] == '"')
            {
                Assert.Equal('"', field[i + 1]);
                i++;
            }

            sb.Append(field[i]);
        }

        return sb.ToString();
    }
}
