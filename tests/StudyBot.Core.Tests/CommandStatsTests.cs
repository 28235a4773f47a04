using CsCheck;
using StudyBot.Core.Chat;
using StudyBot.Core.Operations;

namespace StudyBot.Core.Tests;

public sealed class CommandStatsTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "guild-1", "Study guild");
    private static readonly CommunityRef Other = new(Platforms.Slack, "T1", "Other");
    private static readonly DateTime Noon = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private static CommandStats New() => new();

    [Fact]
    public void Each_community_counts_only_its_own_commands()
    {
        var stats = New();
        stats.Record(Guild, TimeSpan.FromMilliseconds(5), Noon);
        stats.Record(Guild, TimeSpan.FromMilliseconds(7), Noon.AddMinutes(1));
        stats.Record(Other, TimeSpan.FromMilliseconds(9), Noon);

        Assert.Equal(2, stats.Since(Guild, Noon.Date, Noon.AddMinutes(2)).Count);
        Assert.Equal(1, stats.Since(Other, Noon.Date, Noon.AddMinutes(2)).Count);
        Assert.Equal(new CommandTotals(0, null), stats.Since(new CommunityRef("console", "x", "x"), Noon.Date, Noon));
    }

    [Fact]
    public void Commands_before_the_moment_asked_about_are_not_counted_to_the_quarter_hour()
    {
        var stats = New();
        stats.Record(Guild, TimeSpan.FromMilliseconds(5), Noon.AddMinutes(-1)); // 11:59, in the 11:45 slot
        stats.Record(Guild, TimeSpan.FromMilliseconds(5), Noon);                 // 12:00, in the 12:00 slot

        Assert.Equal(1, stats.Since(Guild, Noon, Noon.AddMinutes(5)).Count);
        Assert.Equal(2, stats.Since(Guild, Noon.AddMinutes(-15), Noon.AddMinutes(5)).Count);
    }

    [Fact]
    public void Commands_older_than_a_day_fall_out_even_when_asked_for_a_longer_window()
    {
        var stats = New();
        stats.Record(Guild, TimeSpan.FromMilliseconds(5), Noon);
        var dayAndAHalfLater = Noon.AddHours(36);
        stats.Record(Guild, TimeSpan.FromMilliseconds(5), dayAndAHalfLater);

        Assert.Equal(1, stats.Since(Guild, Noon.AddDays(-1), dayAndAHalfLater).Count);
    }

    [Fact]
    public void The_slowest_five_percent_do_not_count_in_the_95th_percentile()
    {
        var stats = New();
        for (var i = 0; i < 95; i++)
        {
            stats.Record(Guild, TimeSpan.FromMilliseconds(10), Noon);
        }

        for (var i = 0; i < 5; i++)
        {
            stats.Record(Guild, TimeSpan.FromSeconds(3), Noon);
        }

        var totals = stats.Since(Guild, Noon.Date, Noon);
        Assert.Equal(100, totals.Count);
        Assert.InRange(totals.P95!.Value.TotalMilliseconds, 10, 12.5);
    }

    [Fact]
    public void Answers_slower_than_the_last_edge_say_so_instead_of_a_number()
    {
        var stats = New();
        stats.Record(Guild, TimeSpan.FromSeconds(30), Noon);

        Assert.Equal(TimeSpan.MaxValue, stats.Since(Guild, Noon.Date, Noon).P95);
    }

    [Fact]
    public void Every_answer_time_falls_in_the_first_bin_whose_edge_holds_it()
    {
        Gen.Double[0, 20_000].Sample(ms =>
        {
            var bin = CommandStats.BinOf(TimeSpan.FromMilliseconds(ms));
            var t = TimeSpan.FromMilliseconds(ms);
            Assert.True(CommandStats.Edge(bin) >= t, $"{ms} ms is above the edge of bin {bin}");
            Assert.True(bin == 0 || CommandStats.Edge(bin - 1) < t, $"{ms} ms fits bin {bin - 1} already");
        }, iter: 5_000);
    }

    [Fact]
    public void The_95th_percentile_is_never_below_the_true_one_and_at_most_one_bin_above_it()
    {
        Gen.Double[1, 6_000].Array[1, 300].Sample(times =>
        {
            var stats = New();
            foreach (var ms in times)
            {
                stats.Record(Guild, TimeSpan.FromMilliseconds(ms), Noon);
            }

            var sorted = times.Order().ToArray();
            var exact = sorted[(int)Math.Ceiling(sorted.Length * 0.95) - 1];
            var p95 = stats.Since(Guild, Noon.Date, Noon).P95!.Value.TotalMilliseconds;
            Assert.True(p95 >= exact - 1e-9, $"p95 {p95} ms is below the true {exact} ms");
            Assert.True(p95 <= exact * CommandStats.Growth + 1e-9, $"p95 {p95} ms is more than one bin above the true {exact} ms");
        }, iter: 500);
    }
}
