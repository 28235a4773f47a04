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
            BoardMetric.Improved => $"**{e.DisplayName}** · {(e.Improvement >= 0 ? "+" : "")}{Format.Points(e.Improvement)} on the period before",
            BoardMetric.Minutes => $"**{e.DisplayName}** · {Format.Minutes(e.Minutes)}",
            BoardMetric.Focus => $"**{e.DisplayName}** · {Format.Minutes(e.Minutes)} focused",
            _ => $"**{e.DisplayName}** · {Format.Points(e.Points)}{details}",
        };
    }

    private static string Medal(int rank) => rank switch
    {
        0 => "🥇",
        1 => "🥈",
        2 => "🥉",
        _ => $"{rank + 1}.",
    };

    /// <summary>
    /// The board on demand. The member asking always sees where they stand: marked on the board when they are on it,
    /// else on a line of their own (their rank among the members shown, from their own totals), with why others do not
    /// see them and how to change that.
    /// </summary>
    public static Reply Board(BoardQuery query, IReadOnlyList<BoardEntry> entries, string viewerUserId, ViewerStanding? viewer = null)
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
            BoardMetric.Focus => "focus minutes (members who chose public)",
            _ => "points",
        };
        var onBoard = entries.Any(e => e.UserId == viewerUserId);
        var you = onBoard || viewer is null ? null : YouLine(query, entries, viewer);
        var why = onBoard || viewer is null ? null : WhyHidden(query.Metric, viewer);
        var lines = new List<string>();
        if (entries.Count == 0)
        {
            lines.Add(you is null ? "Nobody on this board yet. Log some study time and you could be first!" : "Nobody else is shown on this board yet.");
        }
        else
        {
            lines.AddRange(entries.Select((e, i) => $"{Medal(i)} {Line(e, query.Metric)}{(e.UserId == viewerUserId ? " ← you" : "")}"));
        }

        if (you is not null)
        {
            lines.Add(you);
        }

        if (why is not null)
        {
            lines.Add(why);
        }

        lines.Add("Points come from finished items and logged study time." + (why is null ? " `/progress me privacy` controls how you appear." : ""));
        return new Reply
        {
            Title = $"🏆 Leaderboard: {metric}, {period}",
            Text = string.Join('\n', lines),
            Buttons =
            [
                new ReplyButton("Most consistent", $"progress board {(query.Period == BoardPeriod.All ? "all" : query.Period.ToString().ToLowerInvariant())} consistency"),
                new ReplyButton("Most improved", "progress board week improved"),
            ],
        };
    }

    private static int ValueOf(BoardEntry e, BoardMetric metric) => metric switch
    {
        BoardMetric.Minutes or BoardMetric.Focus => e.Minutes,
        BoardMetric.Consistency => e.ActiveDays,
        BoardMetric.Improved => e.Improvement,
        _ => e.Points,
    };

    /// <summary>"You: #2, 45 min", or what the member has not done yet for this board.</summary>
    private static string YouLine(BoardQuery query, IReadOnlyList<BoardEntry> entries, ViewerStanding viewer)
    {
        var before = query.Period == BoardPeriod.Month ? "month" : "week";
        var soFar = query.Period switch
        {
            BoardPeriod.Week => " this week",
            BoardPeriod.Month => " this month",
            _ => "",
        };
        if (viewer.Value <= 0)
        {
            return query.Metric switch
            {
                BoardMetric.Minutes => $"You: no study time logged{soFar} yet.",
                BoardMetric.Focus => $"You: no focus sessions logged{soFar} yet. `/progress focus` starts one.",
                BoardMetric.Consistency => $"You: no study days{soFar} yet.",
                BoardMetric.Improved => $"You: not ahead of the {before} before yet.",
                _ => $"You: no points{soFar} yet.",
            };
        }

        var value = query.Metric switch
        {
            BoardMetric.Minutes or BoardMetric.Focus => Format.Minutes(viewer.Value),
            BoardMetric.Consistency => Format.Plural(viewer.Value, "day studied", "days studied"),
            BoardMetric.Improved => $"+{Format.Points(viewer.Value)} on the {before} before",
            _ => Format.Points(viewer.Value),
        };
        var rank = 1 + entries.Count(e => ValueOf(e, query.Metric) > viewer.Value);
        return rank > query.Limit && entries.Count >= query.Limit
            ? $"You: outside the top {query.Limit}, {value}."
            : $"You: #{rank}, {value}.";
    }

    /// <summary>Why others do not see the member on this board, and the command that changes it; null when they could.</summary>
    private static string? WhyHidden(BoardMetric metric, ViewerStanding viewer) => viewer.Privacy switch
    {
        PrivacyLevel.Private =>
            "Others don't see you on boards because your privacy is private. `/progress me privacy public` shows you (or `partners`: your name and points).",
        PrivacyLevel.Public => null,
        _ when metric is BoardMetric.Minutes or BoardMetric.Focus =>
            "Minute boards show only members who chose public, so others don't see you here. `/progress me privacy public` changes that.",
        _ when viewer.Beginner =>
            "Others don't see you here yet: in your first four weeks you're on boards only if you choose public. `/progress me privacy public` changes that"
                + (viewer.ShownFrom is { } from ? $"; from {Format.Date(from)} your name and points show anyway." : "."),
        _ => null,
    };

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
