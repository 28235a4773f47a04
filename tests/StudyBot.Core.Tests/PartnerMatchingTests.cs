using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;

namespace StudyBot.Core.Tests;

public sealed class PartnerMatchingTests
{
    private static readonly string[] Zones =
    [
        "UTC", "Europe/London", "Europe/Berlin", "Europe/Helsinki", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
        "Australia/Sydney", "Pacific/Auckland", "America/New_York", "America/Chicago", "America/Los_Angeles",
    ];

    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A synthetic community: 500 members in 12 zones, with common study days and times.</summary>
    private static List<(PoolMember Member, ReminderPlan Plan, string Zone)> Community(int size, int seed)
    {
        var random = new Random(seed);
        StudyDays[] days = [StudyDays.Weekdays, StudyDays.Weekend, StudyDays.Every, StudyDays.Monday | StudyDays.Wednesday | StudyDays.Friday, StudyDays.Tuesday | StudyDays.Thursday];
        int[] times = [7 * 60, 12 * 60, 18 * 60, 19 * 60, 20 * 60, 21 * 60];
        var members = new List<(PoolMember, ReminderPlan, string)>();
        for (var i = 0; i < size; i++)
        {
            var zone = Zones[i % Zones.Length];
            var plan = new ReminderPlan(days[random.Next(days.Length)], times[random.Next(times.Length)], ReminderFrequency.Weekly, null);
            var member = new PoolMember(i + 1, $"m{i + 1}", random.Next(8), (PaceGroup)random.Next(3), PartnerMatching.Windows(plan, zone, Now));
            members.Add((member, plan, zone));
        }

        return members;
    }

    [Fact]
    public void Five_hundred_members_in_twelve_zones_are_matched_only_by_the_rules()
    {
        var pool = Community(500, 7).Select(c => c.Member).ToList();

        var groups = PartnerMatching.Match(pool, new HashSet<(long, long)>());

        var all = groups.SelectMany(g => g.Members).ToList();
        Assert.Equal(all.Count, all.Select(m => m.MemberId).Distinct().Count());
        Assert.All(groups, g => Assert.InRange(g.Members.Count, 2, 3));
        foreach (var group in groups)
        {
            foreach (var a in group.Members)
            {
                foreach (var b in group.Members.Where(b => b != a))
                {
                    Assert.True(Math.Abs(a.Phase - b.Phase) <= 1, "same or adjacent phase");
                    Assert.Equal(a.Pace, b.Pace);
                    Assert.True(PartnerMatching.Overlap(a.Windows, b.Windows) >= PartnerMatching.MinimumOverlapMinutes, "two hours of overlap");
                }
            }
        }

        Assert.True(all.Count > 250, $"most members find a partner ({all.Count} of 500)");
    }

    [Fact]
    public void Nobody_is_matched_with_the_same_partner_twice_in_eight_weeks()
    {
        var pool = Community(500, 11).Select(c => c.Member).ToList();
        var recent = new HashSet<(long, long)>();
        var everPaired = new HashSet<(long, long)>();

        for (var week = 0; week < 8; week++)
        {
            foreach (var group in PartnerMatching.Match(pool, recent))
            {
                foreach (var a in group.Members)
                {
                    foreach (var b in group.Members.Where(b => b.MemberId > a.MemberId))
                    {
                        Assert.True(everPaired.Add(PartnerMatching.Key(a.MemberId, b.MemberId)), $"week {week}: {a.MemberId} and {b.MemberId} again");
                        recent.Add(PartnerMatching.Key(a.MemberId, b.MemberId));
                    }
                }
            }
        }

        Assert.True(everPaired.Count > 1000);
    }

    [Fact]
    public void An_odd_member_out_joins_a_pair_as_a_trio()
    {
        var plan = new ReminderPlan(StudyDays.Weekdays, 19 * 60, ReminderFrequency.Weekly, null);
        var windows = PartnerMatching.Windows(plan, "Europe/Berlin", Now);
        var pool = Enumerable.Range(1, 5).Select(i => new PoolMember(i, $"m{i}", 2, PaceGroup.PartTime, windows)).ToList();

        var groups = PartnerMatching.Match(pool, new HashSet<(long, long)>());

        Assert.Equal([2, 3], groups.Select(g => g.Members.Count).Order());
    }

    [Fact]
    public void Study_times_are_compared_across_time_zones()
    {
        // 19:00 in Berlin (UTC+1 in November) is 13:00 in New York (UTC-5): the same instant.
        var berlin = PartnerMatching.Windows(new ReminderPlan(StudyDays.Weekdays, 19 * 60, ReminderFrequency.Weekly, null), "Europe/Berlin", Now);
        var newYork = PartnerMatching.Windows(new ReminderPlan(StudyDays.Weekdays, 13 * 60, ReminderFrequency.Weekly, null), "America/New_York", Now);
        var tokyo = PartnerMatching.Windows(new ReminderPlan(StudyDays.Weekdays, 19 * 60, ReminderFrequency.Weekly, null), "Asia/Tokyo", Now);

        Assert.Equal(5 * 120, PartnerMatching.Overlap(berlin, newYork));
        Assert.Equal(0, PartnerMatching.Overlap(berlin, tokyo));
    }

    [Fact]
    public void Phases_two_apart_paces_that_differ_and_little_overlap_are_not_matched()
    {
        var plan = new ReminderPlan(StudyDays.Weekdays, 19 * 60, ReminderFrequency.Weekly, null);
        var windows = PartnerMatching.Windows(plan, "UTC", Now);
        var oneEvening = PartnerMatching.Windows(new ReminderPlan(StudyDays.Monday, 20 * 60, ReminderFrequency.Weekly, null), "UTC", Now);
        var a = new PoolMember(1, "a", 2, PaceGroup.PartTime, windows);
        var none = new HashSet<(long, long)>();

        Assert.False(PartnerMatching.Compatible(a, a with { MemberId = 2, Phase = 4 }, none, out _));
        Assert.False(PartnerMatching.Compatible(a, a with { MemberId = 3, Pace = PaceGroup.FullTime }, none, out _));
        Assert.False(PartnerMatching.Compatible(a, a with { MemberId = 4, Windows = oneEvening }, none, out _));
        Assert.True(PartnerMatching.Compatible(a, a with { MemberId = 5, Phase = 3 }, none, out var overlap));
        Assert.Equal(600, overlap);
    }
}
