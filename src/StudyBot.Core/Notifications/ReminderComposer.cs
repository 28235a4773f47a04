using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Notifications;

/// <summary>
/// The words of a weekly goal reminder: this week's goal and progress, the next items, a quick win early on,
/// a 70/20/10 hint when the balance is off, and the streak as encouragement (never guilt). The opening line
/// varies and is never the same twice in a row.
/// </summary>
public static class ReminderComposer
{
    private static readonly string[] Openings =
    [
        "Hi {name}! It's {when}: your study time{place}.",
        "{name}, your planned session is now{place}. Small steps add up.",
        "Time to learn, {name}! {when}{place}, just as you planned.",
        "Hey {name}, a friendly nudge: it's study time{place}. Even 25 minutes counts.",
    ];

    public static int TemplateCount => Openings.Length;

    /// <summary>A template other than the last one used, chosen from the occurrence so it is stable on retry.</summary>
    public static int PickTemplate(int lastTemplate, DateTimeOffset occurrence)
    {
        var pick = (int)((occurrence.ToUnixTimeSeconds() / 60) % Openings.Length);
        return pick == lastTemplate ? (pick + 1) % Openings.Length : pick;
    }

    public static Reply Reminder(Roadmap roadmap, MemberSnapshot member, IReadOnlyList<RestPeriod> rest, MemberPreferences prefs, DateTimeOffset now, int template)
    {
        var zone = member.Member.TimeZoneId;
        var today = TimeZones.LocalDate(now, zone);
        var local = TimeZones.ToLocal(now, zone);
        Func<string, ItemState> state = member.StateOf;
        var place = prefs.Plan?.Place is { Length: > 0 } p ? $" at {p}" : "";
        var opening = Openings[template % Openings.Length]
            .Replace("{name}", member.Member.DisplayName, StringComparison.Ordinal)
            .Replace("{when}", $"{local:dddd HH:mm}", StringComparison.Ordinal)
            .Replace("{place}", place, StringComparison.Ordinal);

        var fields = new List<ReplyField>();
        var goal = member.CurrentGoal(GoalPeriod.Week);
        if (goal is not null)
        {
            var achieved = Streaks.AchievedInPeriod(goal, member.Days, today);
            fields.Add(new ReplyField("This week's goal", achieved >= goal.Target
                ? $"{goal.Describe()}: already met ✅ ({Format.GoalAmount(achieved, goal.Unit)}). Anything more is a bonus."
                : $"{goal.Describe()}: {Format.GoalAmount(achieved, goal.Unit)} so far, {Format.GoalAmount(goal.Target - achieved, goal.Unit)} to go."));
        }
        else
        {
            fields.Add(new ReplyField("This week's goal", "Not set yet. `/progress goal suggest` proposes one that fits your pace."));
        }

        var next = ProgressMath.NextItems(roadmap, state, 3);
        if (next.Count > 0)
        {
            fields.Add(new ReplyField("Next up", string.Join('\n', next.Select(i => $"{Format.Icon(state(i.Id))} {Format.Item(i)}"))));
        }

        var week = ProgressMath.WeekNumber(member.Member.StartDate ?? today, today);
        if (ProgressMath.QuickWinsFor(roadmap, week) is { } wins)
        {
            fields.Add(new ReplyField("Quick win", $"Week {week}: {Lower(wins.Wins[0].Title)} (or {string.Join(", ", wins.Wins.Skip(1).Select(w => Lower(w.Title)))})."));
        }

        var weekStart = TimeZones.WeekStart(today);
        var balance = Balance.For(roadmap, member.Days.Where(d => d.Date >= weekStart.AddDays(-7) && d.Date <= today));
        if (balance.Nudge is not null)
        {
            fields.Add(new ReplyField("Balance", balance.Nudge));
        }

        var streak = Streaks.Compute(member.Goals, member.Days, today, PausedWeeks(rest, today));
        if (streak.Goal is not null)
        {
            fields.Add(new ReplyField("Streak", streak.Current switch
            {
                0 => "This week can be week one of a new streak.",
                1 => "🔥 1 week so far: this week makes it two.",
                _ => $"🔥 {streak.Current} weeks in a row. Keep the rhythm going!",
            }));
        }

        return new Reply
        {
            Title = "📅 Study time",
            Text = opening,
            Fields = fields,
            Buttons =
            [
                new ReplyButton("Snooze 1h", "progress remind snooze 1h"),
                new ReplyButton("Log 30 min", "progress log 30 practice", ButtonStyle.Primary),
                new ReplyButton("What's next", "progress next"),
            ],
        };
    }

    public static Reply FreshStart(MemberSnapshot member, DateTimeOffset now)
    {
        var local = TimeZones.ToLocal(now, member.Member.TimeZoneId);
        var moment = local.Day == 1 ? "A new month" : "A new week";
        return new Reply
        {
            Title = "🌱 Fresh start",
            Text = $"{moment} is a good moment to pick things back up, {member.Member.DisplayName}. Life gets busy, and that's fine: rest is part of learning. "
                + "I've paused your reminders so they don't pile up. Whenever you're ready, any `/progress` command (or the button) brings them back.",
            Buttons =
            [
                new ReplyButton("Resume reminders", "progress remind on", ButtonStyle.Primary),
                new ReplyButton("What's next", "progress next"),
            ],
        };
    }

    private static string Lower(string text) => text.Length == 0 ? text : char.ToLowerInvariant(text[0]) + text[1..];

    /// <summary>Weeks that touch a rest period: they neither count toward nor break a streak.</summary>
    public static IReadOnlySet<DateOnly> PausedWeeks(IReadOnlyList<RestPeriod> rest, DateOnly today)
    {
        var weeks = new HashSet<DateOnly>();
        foreach (var period in rest)
        {
            var end = period.Until is { } u && u < today ? u : today;
            for (var week = TimeZones.WeekStart(period.From); week <= end; week = week.AddDays(7))
            {
                weeks.Add(week);
            }
        }

        return weeks;
    }
}
