using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Partners;

/// <summary>How much time a member gives: partners should move at a similar speed.</summary>
public enum PaceGroup
{
    PartTime = 0,
    FullTime = 1,
    Accelerated = 2,
}

/// <summary>A member waiting for a partner, as the matcher sees them.</summary>
public sealed record PoolMember(long MemberId, string DisplayName, int Phase, PaceGroup Pace, IReadOnlyList<StudyWindow> Windows);

/// <summary>A usual study time, in UTC minutes from the start of the week (Monday 00:00 UTC), half-open.</summary>
public sealed record StudyWindow(int Start, int End);

/// <summary>A group the matcher formed (two members, or three when numbers are odd), and why.</summary>
public sealed record PartnerGroup(IReadOnlyList<PoolMember> Members, int OverlapMinutes);

/// <summary>
/// Matches study partners: the same or an adjacent phase, a compatible pace, at least two hours a week of
/// overlap in their usual study times (compared in UTC, so across time zones), and nobody they were paired
/// with in the last eight weeks. Hardest-to-match members go first; a member left over when numbers are odd
/// joins a pair both of whose members suit them.
/// </summary>
public static class PartnerMatching
{
    public const int MinimumOverlapMinutes = 120;
    public const int SessionMinutes = 120;
    public const int MinutesPerWeek = 7 * 24 * 60;
    public static readonly TimeSpan NoRepeatFor = TimeSpan.FromDays(8 * 7);

    public static IReadOnlyList<PartnerGroup> Match(IReadOnlyList<PoolMember> pool, IReadOnlySet<(long, long)> recentPairs)
    {
        var compatible = new Dictionary<long, List<(PoolMember Other, int Overlap)>>();
        foreach (var a in pool)
        {
            compatible[a.MemberId] = [];
        }

        for (var i = 0; i < pool.Count; i++)
        {
            for (var j = i + 1; j < pool.Count; j++)
            {
                var (a, b) = (pool[i], pool[j]);
                if (Compatible(a, b, recentPairs, out var overlap))
                {
                    compatible[a.MemberId].Add((b, overlap));
                    compatible[b.MemberId].Add((a, overlap));
                }
            }
        }

        var matched = new HashSet<long>();
        var groups = new List<PartnerGroup>();
        foreach (var member in pool.OrderBy(m => compatible[m.MemberId].Count).ThenBy(m => m.MemberId))
        {
            if (matched.Contains(member.MemberId))
            {
                continue;
            }

            var best = compatible[member.MemberId]
                .Where(c => !matched.Contains(c.Other.MemberId))
                .OrderBy(c => compatible[c.Other.MemberId].Count(o => !matched.Contains(o.Other.MemberId)))
                .ThenByDescending(c => c.Other.Phase == member.Phase)
                .ThenByDescending(c => c.Overlap)
                .ThenBy(c => c.Other.MemberId)
                .Select(c => (PoolMember?)c.Other)
                .FirstOrDefault();
            if (best is null)
            {
                continue;
            }

            matched.Add(member.MemberId);
            matched.Add(best.MemberId);
            groups.Add(new PartnerGroup([member, best], compatible[member.MemberId].First(c => c.Other == best).Overlap));
        }

        // An odd one out joins a pair that suits them both ways, making a trio.
        foreach (var left in pool.Where(m => !matched.Contains(m.MemberId)).ToList())
        {
            var index = groups.FindIndex(g => g.Members.Count == 2 && g.Members.All(m => compatible[left.MemberId].Any(c => c.Other.MemberId == m.MemberId)));
            if (index >= 0)
            {
                var pair = groups[index];
                var overlap = pair.Members.Min(m => compatible[left.MemberId].First(c => c.Other.MemberId == m.MemberId).Overlap);
                groups[index] = new PartnerGroup([.. pair.Members, left], Math.Min(pair.OverlapMinutes, overlap));
                matched.Add(left.MemberId);
            }
        }

        return groups;
    }

    public static bool Compatible(PoolMember a, PoolMember b, IReadOnlySet<(long, long)> recentPairs, out int overlap)
    {
        overlap = 0;
        if (a.MemberId == b.MemberId || Math.Abs(a.Phase - b.Phase) > 1 || a.Pace != b.Pace || recentPairs.Contains(Key(a.MemberId, b.MemberId)))
        {
            return false;
        }

        overlap = Overlap(a.Windows, b.Windows);
        return overlap >= MinimumOverlapMinutes;
    }

    public static (long, long) Key(long a, long b) => a < b ? (a, b) : (b, a);

    /// <summary>Total minutes per week two sets of study windows share.</summary>
    public static int Overlap(IReadOnlyList<StudyWindow> a, IReadOnlyList<StudyWindow> b)
    {
        var total = 0;
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                total += Math.Max(0, Math.Min(x.End, y.End) - Math.Max(x.Start, y.Start));
            }
        }

        return total;
    }

    /// <summary>
    /// A member's usual study times from their plan: a two-hour session at the plan's local time on each
    /// planned day, placed in UTC for the week containing <paramref name="now"/> (so DST is that week's).
    /// Windows that cross the end of the week wrap to its start.
    /// </summary>
    public static IReadOnlyList<StudyWindow> Windows(ReminderPlan plan, string zoneId, DateTimeOffset now)
    {
        var weekStartUtc = new DateTimeOffset(TimeZones.WeekStart(DateOnly.FromDateTime(now.UtcDateTime)).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var localMonday = TimeZones.WeekStart(TimeZones.LocalDate(now, zoneId));
        var windows = new List<StudyWindow>();
        for (var d = 0; d < 7; d++)
        {
            var date = localMonday.AddDays(d);
            if (!plan.Days.HasFlag(Clock.FromDayOfWeek(date.DayOfWeek)))
            {
                continue;
            }

            var start = (int)Math.Round((ReminderSchedule.ToInstant(date, plan.MinutesOfDay, zoneId) - weekStartUtc).TotalMinutes);
            start = ((start % MinutesPerWeek) + MinutesPerWeek) % MinutesPerWeek;
            var end = start + SessionMinutes;
            if (end <= MinutesPerWeek)
            {
                windows.Add(new StudyWindow(start, end));
            }
            else
            {
                windows.Add(new StudyWindow(start, MinutesPerWeek));
                windows.Add(new StudyWindow(0, end - MinutesPerWeek));
            }
        }

        return windows;
    }

    public static PaceGroup PaceOf(MemberProfile member) => member.Path == PathKind.Accelerated
        ? PaceGroup.Accelerated
        : member.Pace == PaceKind.FullTime || (member.Pace == PaceKind.Custom && member.CustomHoursPerWeek >= 25)
            ? PaceGroup.FullTime
            : PaceGroup.PartTime;
}
