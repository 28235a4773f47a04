using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;

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

    public static string Line(BoardEntry e, BoardMetric metric) => Line(e, metric, Languages.Default);

    /// <summary>One member's line on a board, in <paramref name="culture"/> (texts from Resources/Board.resx).</summary>
    public static string Line(BoardEntry e, BoardMetric metric, CultureInfo culture)
    {
        string T(string key, params object?[] args) => Text.Get(culture, key, args);
        var details = e.Privacy == PrivacyLevel.Public && (e.Minutes > 0 || e.ItemsDone > 0)
            ? T("Board.Details", Format.Minutes(e.Minutes, culture), Format.Plural(e.ItemsDone, T("Board.Item"), T("Board.Items"), culture))
            : "";
        return metric switch
        {
            BoardMetric.Consistency => T("Board.Line.Consistency", e.DisplayName, Format.Plural(e.ActiveDays, T("Board.Day"), T("Board.Days"), culture)),
            BoardMetric.Improved => T("Board.Line.Improved", e.DisplayName, e.Improvement >= 0 ? "+" : "", Format.Points(e.Improvement, culture)),
            BoardMetric.Minutes => T("Board.Line.Minutes", e.DisplayName, Format.Minutes(e.Minutes, culture)),
            BoardMetric.Focus => T("Board.Line.Focus", e.DisplayName, Format.Minutes(e.Minutes, culture)),
            _ => T("Board.Line.Points", e.DisplayName, Format.Points(e.Points, culture), details),
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
    /// see them and how to change that. Written in <paramref name="culture"/> (English when none is given).
    /// </summary>
    public static Reply Board(BoardQuery query, IReadOnlyList<BoardEntry> entries, string viewerUserId, ViewerStanding? viewer = null, CultureInfo? culture = null)
    {
        var c = culture ?? Languages.Default;
        string T(string key, params object?[] args) => Text.Get(c, key, args);
        var period = query.Period switch
        {
            BoardPeriod.Week => T("Board.Period.Week"),
            BoardPeriod.Month => T("Board.Period.Month"),
            _ => T("Board.Period.All"),
        };
        var metric = query.Metric switch
        {
            BoardMetric.Minutes => T("Board.Metric.Minutes"),
            BoardMetric.Consistency => T("Board.Metric.Consistency"),
            BoardMetric.Improved => T("Board.Metric.Improved"),
            BoardMetric.Focus => T("Board.Metric.Focus"),
            _ => T("Board.Metric.Points"),
        };
        var onBoard = entries.Any(e => e.UserId == viewerUserId);
        var you = onBoard || viewer is null ? null : YouLine(query, entries, viewer, c);
        var why = onBoard || viewer is null ? null : WhyHidden(query.Metric, viewer, c);
        var lines = new List<string>();
        if (entries.Count == 0)
        {
            lines.Add(you is null ? T("Board.Empty") : T("Board.EmptyOthers"));
        }
        else
        {
            lines.AddRange(entries.Select((e, i) => $"{Medal(i)} {Line(e, query.Metric, c)}{(e.UserId == viewerUserId ? T("Board.YouMark") : "")}"));
        }

        if (you is not null)
        {
            lines.Add(you);
        }

        if (why is not null)
        {
            lines.Add(why);
        }

        lines.Add(T("Board.Footer") + (why is null ? T("Board.FooterPrivacy") : ""));
        return new Reply
        {
            Title = T("Board.Title", metric, period),
            Text = string.Join('\n', lines),
            Buttons =
            [
                new ReplyButton(T("Board.ConsistentButton"), $"progress board {(query.Period == BoardPeriod.All ? "all" : query.Period.ToString().ToLowerInvariant())} consistency"),
                new ReplyButton(T("Board.ImprovedButton"), "progress board week improved"),
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
    private static string YouLine(BoardQuery query, IReadOnlyList<BoardEntry> entries, ViewerStanding viewer, CultureInfo culture)
    {
        string T(string key, params object?[] args) => Text.Get(culture, key, args);
        var month = query.Period == BoardPeriod.Month;
        var soFar = query.Period switch
        {
            BoardPeriod.Week => T("Board.SoFar.Week"),
            BoardPeriod.Month => T("Board.SoFar.Month"),
            _ => "",
        };
        if (viewer.Value <= 0)
        {
            return query.Metric switch
            {
                BoardMetric.Minutes => T("Board.You.NoMinutes", soFar),
                BoardMetric.Focus => T("Board.You.NoFocus", soFar),
                BoardMetric.Consistency => T("Board.You.NoDays", soFar),
                BoardMetric.Improved => T(month ? "Board.You.NotAheadMonth" : "Board.You.NotAheadWeek"),
                _ => T("Board.You.NoPoints", soFar),
            };
        }

        var value = query.Metric switch
        {
            BoardMetric.Minutes or BoardMetric.Focus => Format.Minutes(viewer.Value, culture),
            BoardMetric.Consistency => Format.Plural(viewer.Value, T("Board.DayStudied"), T("Board.DaysStudied"), culture),
            BoardMetric.Improved => T(month ? "Board.AheadMonth" : "Board.AheadWeek", Format.Points(viewer.Value, culture)),
            _ => Format.Points(viewer.Value, culture),
        };
        var rank = 1 + entries.Count(e => ValueOf(e, query.Metric) > viewer.Value);
        return rank > query.Limit && entries.Count >= query.Limit
            ? T("Board.You.Outside", query.Limit, value)
            : T("Board.You.Rank", rank, value);
    }

    /// <summary>Why others do not see the member on this board, and the command that changes it; null when they could.</summary>
    private static string? WhyHidden(BoardMetric metric, ViewerStanding viewer, CultureInfo culture) => viewer.Privacy switch
    {
        PrivacyLevel.Private => Text.Get(culture, "Board.Hidden.Private"),
        PrivacyLevel.Public => null,
        _ when metric is BoardMetric.Minutes or BoardMetric.Focus => Text.Get(culture, "Board.Hidden.Minutes"),
        _ when viewer.Beginner =>
            Text.Get(culture, "Board.Hidden.Beginner")
                + (viewer.ShownFrom is { } from ? Text.Get(culture, "Board.Hidden.BeginnerFrom", Format.Date(from, culture)) : Text.Get(culture, "Board.Hidden.BeginnerEnd")),
        _ => null,
    };

    /// <summary>
    /// The weekly post: top members by points, the most consistent and the most improved, and an invitation; in
    /// <paramref name="culture"/>, the community's language (English when none is given).
    /// </summary>
    public static Reply WeeklyPost(string communityName, DateOnly weekStart, IReadOnlyList<BoardEntry> top, IReadOnlyList<BoardEntry> consistent, IReadOnlyList<BoardEntry> improved, CultureInfo? culture = null)
    {
        var c = culture ?? Languages.Default;
        string T(string key, params object?[] args) => Text.Get(c, key, args);
        var fields = new List<ReplyField>();
        if (top.Count > 0)
        {
            fields.Add(new ReplyField(T("Board.Post.Top"), string.Join('\n', top.Select((e, i) => $"{Medal(i)} {Line(e, BoardMetric.Points, c)}"))));
        }

        if (consistent.Count > 0)
        {
            fields.Add(new ReplyField(T("Board.Post.Consistent"), string.Join('\n', consistent.Select(e => Line(e, BoardMetric.Consistency, c))), true));
        }

        var grew = improved.Where(e => e.Improvement > 0).ToList();
        if (grew.Count > 0)
        {
            fields.Add(new ReplyField(T("Board.Post.Improved"), string.Join('\n', grew.Select(e => Line(e, BoardMetric.Improved, c))), true));
        }

        return new Reply
        {
            Visibility = Visibility.Public,
            Tone = ReplyTone.Celebration,
            Title = T("Board.Post.Title", communityName, Format.Date(weekStart, c)),
            Text = top.Count == 0 ? T("Board.Post.Quiet") : T("Board.Post.Great"),
            Fields = [.. fields, new ReplyField(T("Board.Post.Join"), T("Board.Post.JoinText"))],
        };
    }

    /// <summary>The weekly post's field on the longest partner streak, in <paramref name="culture"/>; it goes before the last field.</summary>
    public static ReplyField PartnerStreakField(IEnumerable<string> names, int weeks, CultureInfo? culture = null)
    {
        var c = culture ?? Languages.Default;
        return new ReplyField(
            Text.Get(c, "Board.Post.Partners"),
            Text.Get(c, "Board.Post.PartnerStreak", string.Join(" & ", names), Format.Plural(weeks, Text.Get(c, "Board.Week"), Text.Get(c, "Board.Weeks"), c)));
    }
}
