using StudyBot.Core.Chat;

namespace StudyBot.Core.Notifications;

/// <summary>
/// The words of leaderboards. Privacy is applied by the store's query (private members and shielded beginners
/// never come back); here, minutes and items are shown only for members who chose public.
/// </summary>
public static class Leaderboards
{
    /// <summary>Members in their first four weeks are beginners: on boards only if they chose public.</summary>
    public const int BeginnerDays = 28;

    public const int PostSize = 5;

    public static DateOnly BeginnerCutoff(DateOnly today) => today.AddDays(-BeginnerDays);

    public static string Line(BoardEntry e, BoardMetric metric)
    {
        var details = e.Privacy == PrivacyLevel.Public && (e.Minutes > 0 || e.ItemsDone > 0)
            ? $" · {Format.Minutes(e.Minutes)} · {Format.Plural(e.ItemsDone, "item", "items")}"
            : "";
        return metric switch
        {
            BoardMetric.Consistency => $"**{e.DisplayName}** · {Format.Plural(e.ActiveDays, "day", "days")} studied",
            BoardMetric.Improved => $"**{e.DisplayName}** · {(e.Improvement >= 0 ? "+" : "")}{e.Improvement} points on the period before",
            BoardMetric.Minutes => $"**{e.DisplayName}** · {Format.Minutes(e.Minutes)}",
            _ => $"**{e.DisplayName}** · {e.Points} points{details}",
        };
    }

    private static string Medal(int rank) => rank switch
    {
        0 => "🥇",
        1 => "🥈",
        2 => "🥉",
        _ => $"{rank + 1}.",
    };

    public static Reply Board(BoardQuery query, IReadOnlyList<BoardEntry> entries, string viewerUserId)
    {
        var period = query.Period switch
        {
            BoardPeriod.Week => "this week",
            BoardPeriod.Month => "this month",
            _ => "all time",
        };
        var metric = query.Metric switch
        {
            BoardMetric.Minutes => "minutes studied (members who chose public)",
            BoardMetric.Consistency => "days studied",
            BoardMetric.Improved => "most improved",
            _ => "points",
        };
        var text = entries.Count == 0
            ? "Nobody on this board yet. Log some study time and you could be first!"
            : string.Join('\n', entries.Select((e, i) => $"{Medal(i)} {Line(e, query.Metric)}{(e.UserId == viewerUserId ? " ← you" : "")}"));
        return new Reply
        {
            Title = $"🏆 Leaderboard: {metric}, {period}",
            Text = text + "\nPoints come from finished items and logged study time. `/progress me privacy` controls how you appear.",
            Buttons =
            [
                new ReplyButton("Most consistent", $"progress board {(query.Period == BoardPeriod.All ? "all" : query.Period.ToString().ToLowerInvariant())} consistency"),
                new ReplyButton("Most improved", "progress board week improved"),
            ],
        };
    }

    /// <summary>The weekly post: top members by points, the most consistent and the most improved, and an invitation.</summary>
    public static Reply WeeklyPost(string communityName, DateOnly weekStart, IReadOnlyList<BoardEntry> top, IReadOnlyList<BoardEntry> consistent, IReadOnlyList<BoardEntry> improved)
    {
        var fields = new List<ReplyField>();
        if (top.Count > 0)
        {
            fields.Add(new ReplyField("Top learners", string.Join('\n', top.Select((e, i) => $"{Medal(i)} {Line(e, BoardMetric.Points)}"))));
        }

        if (consistent.Count > 0)
        {
            fields.Add(new ReplyField("Most consistent", string.Join('\n', consistent.Select(e => Line(e, BoardMetric.Consistency))), true));
        }

        var grew = improved.Where(e => e.Improvement > 0).ToList();
        if (grew.Count > 0)
        {
            fields.Add(new ReplyField("Most improved", string.Join('\n', grew.Select(e => Line(e, BoardMetric.Improved))), true));
        }

        return new Reply
        {
            Visibility = Visibility.Public,
            Tone = ReplyTone.Celebration,
            Title = $"🏆 {communityName}: the week of {Format.Date(weekStart)}",
            Text = top.Count == 0
                ? "A quiet week. Every expert was once a beginner: one small session this week is a great start."
                : "Great work, everyone! Every hour counts, whoever is on the list.",
            Fields = [.. fields, new ReplyField("Join in", "Run `/progress` to see where you stand, and `/progress log` after you study.")],
        };
    }
}
