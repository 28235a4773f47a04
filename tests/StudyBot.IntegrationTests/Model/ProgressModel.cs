namespace StudyBot.IntegrationTests.Model;

/// <summary>An item's state in the model: status 0 not started, 1 in progress, 2 done, 3 skipped (with a reason 1-3).</summary>
internal readonly record struct ModelItem(int Status, int Reason = 0)
{
    public static readonly ModelItem NotStarted = new(0);

    public bool IsDone => Status == 2;
}

/// <summary>One local day's totals, as the model expects the daily totals to hold them.</summary>
internal sealed record ModelDay(int Practice, int Learning, int Review, int ItemsDone, int Points)
{
    public static readonly ModelDay Empty = new(0, 0, 0, 0, 0);

    public int Minutes => Practice + Learning + Review;

    /// <summary>A day studied: logged time or an item finished on it.</summary>
    public bool Active => Minutes > 0 || ItemsDone > 0;

    public bool IsEmpty => this == Empty;
}

/// <summary>The week's streak numbers the model expects <c>/progress streak</c> to show.</summary>
internal sealed record ModelStreak(int Current, int Best, int GoalsMet, int FreezesUsed, int Target, bool ThisWeekMet);

/// <summary>
/// A small, separate model of one member's progress: what the totals, points, active days, goal and streak must be
/// after each command. It knows the rules from the README (points per item kind, one point per 10 minutes up to four
/// hours a day then one per 30, at most 16 hours a day, undo newest first, the latest goal counts, a streak of weeks with
/// the weekly goal met, a freeze per four goals met, rest pausing weeks), not the code. All dates are UTC, weeks start on Monday.
/// </summary>
internal sealed class ProgressModel(IReadOnlyDictionary<string, int> itemPoints)
{
    public const int MaxMinutesPerDay = 16 * 60;

    private readonly Dictionary<string, ModelItem> _items = [];
    private readonly Dictionary<DateOnly, ModelDay> _days = [];
    private readonly List<(DateOnly From, int Hours)> _goals = [];
    private readonly List<(DateOnly From, DateOnly? Until)> _rest = [];

    /// <summary>What undo takes back, newest last: one item change or one log, with the day it counted on.</summary>
    private readonly List<Undoable> _undo = [];

    public bool InPool { get; private set; }

    public IReadOnlyDictionary<string, ModelItem> Items => _items;

    public IReadOnlyDictionary<DateOnly, ModelDay> Days => _days.Where(d => !d.Value.IsEmpty).ToDictionary();

    public int TotalPoints => _days.Values.Sum(d => d.Points);

    public ModelItem StateOf(string item) => _items.GetValueOrDefault(item, ModelItem.NotStarted);

    /// <summary>Moves an item; false when it already is in that state (or is done and asked to be skipped): nothing changes.</summary>
    public bool SetItem(string item, ModelItem to, DateOnly today)
    {
        var from = StateOf(item);
        if (from == to || (from.IsDone && to.Status == 3))
        {
            return false;
        }

        var points = to.IsDone ? itemPoints[item] : from.IsDone ? -itemPoints[item] : 0;
        var done = to.IsDone ? 1 : from.IsDone ? -1 : 0;
        _items[item] = to;
        AddToDay(today, 0, 0, 0, done, points);
        _undo.Add(new Undoable(today, item, from, to, points, done, 0, 0));
        return true;
    }

    /// <summary>Logs time; false when the day would pass 16 hours: nothing changes. The points are what the log earned.</summary>
    public bool Log(int minutes, int kind, DateOnly today, out int points)
    {
        var before = Day(today).Minutes;
        if (before + minutes > MaxMinutesPerDay)
        {
            points = 0;
            return false;
        }

        points = PointsForDay(before + minutes) - PointsForDay(before);
        AddToDay(today, kind == 0 ? minutes : 0, kind == 1 ? minutes : 0, kind == 2 ? minutes : 0, 0, points);
        _undo.Add(new Undoable(today, null, default, default, points, 0, minutes, kind));
        return true;
    }

    /// <summary>Takes back the newest item change or log; false when there is none.</summary>
    public bool Undo()
    {
        if (_undo.Count == 0)
        {
            return false;
        }

        var last = _undo[^1];
        _undo.RemoveAt(_undo.Count - 1);
        if (last.Item is { } item)
        {
            _items[item] = last.From;
        }

        AddToDay(last.Date, last.Kind == 0 ? -last.Minutes : 0, last.Kind == 1 ? -last.Minutes : 0, last.Kind == 2 ? -last.Minutes : 0, -last.Done, -last.Points);
        return true;
    }

    /// <summary>Sets the weekly goal in hours; false when it already is that goal.</summary>
    public bool SetGoal(int hours, DateOnly today)
    {
        if (CurrentGoal() == hours)
        {
            return false;
        }

        _goals.Add((today, hours));
        return true;
    }

    /// <summary>The goal now: from the latest date, and of those set that day the last.</summary>
    public int? CurrentGoal() => _goals.Count == 0 ? null : _goals.OrderBy(g => g.From).Last().Hours;

    public bool RestingOn(DateOnly today) => _rest.Any(r => r.From <= today && (r.Until is null || today <= r.Until));

    public void StartRest(DateOnly today)
    {
        var current = _rest.FindLastIndex(r => r.From <= today && (r.Until is null || today <= r.Until));
        if (current >= 0)
        {
            _rest[current] = (_rest[current].From, null);
        }
        else
        {
            _rest.Add((today, null));
        }
    }

    /// <summary>Ends rest mode; false when not resting.</summary>
    public bool EndRest(DateOnly today)
    {
        var current = _rest.FindLastIndex(r => r.From <= today && (r.Until is null || today <= r.Until));
        if (current < 0)
        {
            return false;
        }

        if (_rest[current].From >= today)
        {
            _rest.RemoveAt(current);
        }
        else
        {
            _rest[current] = (_rest[current].From, today.AddDays(-1));
        }

        return true;
    }

    /// <summary>Joins the partner pool; false when resting (refused) or already in it.</summary>
    public bool FindPartner(DateOnly today)
    {
        if (RestingOn(today) || InPool)
        {
            return false;
        }

        InPool = true;
        return true;
    }

    /// <summary>Leaves the pool; false when not in it.</summary>
    public bool LeavePool()
    {
        var was = InPool;
        InPool = false;
        return was;
    }

    /// <summary>The weekly streak on <paramref name="today"/>; null without a goal.</summary>
    public ModelStreak? Streak(DateOnly today)
    {
        if (_goals.Count == 0)
        {
            return null;
        }

        var thisWeek = WeekStart(today);
        var paused = new HashSet<DateOnly>();
        foreach (var (from, until) in _rest)
        {
            var end = until is { } u && u < today ? u : today;
            for (var week = WeekStart(from); week <= end; week = week.AddDays(7))
            {
                paused.Add(week);
            }
        }

        int streak = 0, best = 0, met = 0, freezes = 0, frozen = 0;
        var thisWeekMet = false;
        var target = 0;
        for (var week = WeekStart(_goals.Min(g => g.From)); week <= thisWeek; week = week.AddDays(7))
        {
            var goal = _goals.Where(g => g.From <= week.AddDays(6)).OrderBy(g => g.From).Last().Hours;
            var minutes = Enumerable.Range(0, 7).Sum(i => Day(week.AddDays(i)).Minutes);
            var isMet = minutes >= goal * 60;
            if (week == thisWeek)
            {
                thisWeekMet = isMet;
                target = goal;
            }

            if (paused.Contains(week))
            {
                continue;
            }

            if (isMet)
            {
                streak++;
                met++;
                if (met % 4 == 0 && freezes < 2)
                {
                    freezes++;
                }
            }
            else if (week != thisWeek)
            {
                if (freezes > 0)
                {
                    freezes--;
                    frozen++;
                }
                else
                {
                    streak = 0;
                }
            }

            best = Math.Max(best, streak);
        }

        return new ModelStreak(streak, best, met, frozen, target, thisWeekMet);
    }

    /// <summary>Points, minutes, items and active days of each week (Monday), month (1st) and all time (key 2000-01-01).</summary>
    public IReadOnlyDictionary<(int Kind, DateOnly Start), (int Points, int Minutes, int Items, int ActiveDays)> Periods()
    {
        var periods = new Dictionary<(int, DateOnly), (int Points, int Minutes, int Items, int ActiveDays)>();
        foreach (var (date, day) in _days)
        {
            foreach (var key in new[] { (0, WeekStart(date)), (1, new DateOnly(date.Year, date.Month, 1)), (2, new DateOnly(2000, 1, 1)) })
            {
                var p = periods.GetValueOrDefault(key);
                periods[key] = (p.Points + day.Points, p.Minutes + day.Minutes, p.Items + day.ItemsDone, p.ActiveDays + (day.Active ? 1 : 0));
            }
        }

        return periods.Where(p => p.Value != default).ToDictionary();
    }

    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    /// <summary>One point per 10 minutes up to four hours in a day, then one per 30.</summary>
    public static int PointsForDay(int minutes) => (Math.Min(minutes, 240) / 10) + (Math.Max(0, minutes - 240) / 30);

    private ModelDay Day(DateOnly date) => _days.GetValueOrDefault(date, ModelDay.Empty);

    private void AddToDay(DateOnly date, int practice, int learning, int review, int done, int points)
    {
        var d = Day(date);
        _days[date] = new ModelDay(d.Practice + practice, d.Learning + learning, d.Review + review, d.ItemsDone + done, d.Points + points);
    }

    private sealed record Undoable(DateOnly Date, string? Item, ModelItem From, ModelItem To, int Points, int Done, int Minutes, int Kind);
}
