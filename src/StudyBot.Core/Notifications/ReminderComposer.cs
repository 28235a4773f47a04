using System.Globalization;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;
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
    /// <summary>The opening lines (Resources/Reminders.resx, Reminders.Opening0..): {0} the name, {1} the day and time, {2} the place.</summary>
    private const int Openings = 4;

    public static int TemplateCount => Openings;

    /// <summary>A template other than the last one used, chosen from the occurrence so it is stable on retry.</summary>
    public static int PickTemplate(int lastTemplate, DateTimeOffset occurrence)
    {
        var pick = (int)((occurrence.ToUnixTimeSeconds() / 60) % Openings);
        return pick == lastTemplate ? (pick + 1) % Openings : pick;
    }

    /// <summary>
    /// The reminder in <paramref name="language"/> (the recipient's, from <see cref="Languages.Resolve"/>; English when
    /// null). <paramref name="roadmap"/> should already be in that language (<see cref="Roadmap.In(string)"/>).
    /// </summary>
    public static Reply Reminder(Roadmap roadmap, MemberSnapshot member, IReadOnlyList<RestPeriod> rest, MemberPreferences prefs, DateTimeOffset now, int template, string? language = null)
    {
        var culture = Languages.Culture(language);
        string T(string key, params object?[] args) => Text.Get(culture, key, args);
        var zone = member.Member.TimeZoneId;
        var today = TimeZones.LocalDate(now, zone);
        var local = TimeZones.ToLocal(now, zone);
        Func<string, ItemState> state = member.StateOf;
        var place = prefs.Plan?.Place is { Length: > 0 } p ? T("Reminders.Place", p) : "";
        var opening = T($"Reminders.Opening{template % Openings}", member.Member.DisplayName, local.ToString("dddd HH:mm", culture), place);

        var fields = new List<ReplyField>();
        var goal = member.CurrentGoal(GoalPeriod.Week);
        if (goal is not null)
        {
            var achieved = Streaks.AchievedInPeriod(goal, member.Days, today);
            fields.Add(new ReplyField(T("Reminders.GoalField"), achieved >= goal.Target
                ? T("Reminders.GoalMet", ProgressTexts.Goal(culture, goal), ProgressTexts.GoalAmount(culture, achieved, goal.Unit))
                : T("Reminders.GoalSoFar", ProgressTexts.Goal(culture, goal), ProgressTexts.GoalAmount(culture, achieved, goal.Unit), ProgressTexts.GoalAmount(culture, goal.Target - achieved, goal.Unit))));
        }
        else
        {
            fields.Add(new ReplyField(T("Reminders.GoalField"), T("Reminders.NoGoal")));
        }

        var next = ProgressMath.NextItems(roadmap, state, 3);
        if (next.Count > 0)
        {
            fields.Add(new ReplyField(T("Reminders.NextField"), string.Join('\n', next.Select(i => $"{Format.Icon(state(i.Id))} {Format.Item(i)}"))));
        }

        var week = ProgressMath.WeekNumber(member.Member.StartDate ?? today, today);
        if (ProgressMath.QuickWinsFor(roadmap, week) is { } wins)
        {
            // German nouns keep their capital.
            var lower = culture.TwoLetterISOLanguageName == Languages.German ? (Func<string, string>)(t => t) : Lower;
            fields.Add(new ReplyField(T("Reminders.QuickWinField"), T("Reminders.QuickWin", week, lower(wins.Wins[0].Title), string.Join(", ", wins.Wins.Skip(1).Select(w => lower(w.Title))))));
        }

        var weekStart = TimeZones.WeekStart(today);
        var balance = Balance.For(roadmap, member.Days.Where(d => d.Date >= weekStart.AddDays(-7) && d.Date <= today));
        if (balance.Nudge is not null)
        {
            fields.Add(new ReplyField(T("Reminders.BalanceField"), ProgressTexts.BalanceNudge(culture, roadmap, balance)!));
        }

        var streak = Streaks.Compute(member.Goals, member.Days, today, PausedWeeks(rest, today));
        if (streak.Goal is not null)
        {
            fields.Add(new ReplyField(T("Reminders.StreakField"), streak.Current switch
            {
                0 => T("Reminders.StreakZero"),
                1 => T("Reminders.StreakOne"),
                _ => T("Reminders.StreakMany", streak.Current),
            }));
        }

        return new Reply
        {
            Title = T("Reminders.Title"),
            Text = opening,
            Fields = fields,
            Buttons =
            [
                new ReplyButton(T("Reminders.Snooze"), "progress remind snooze 1h"),
                new ReplyButton(T("Reminders.Log"), "progress log 30 practice", ButtonStyle.Primary),
                new ReplyButton(T("Reminders.Next"), "progress next"),
            ],
        };
    }

    /// <summary>The one "fresh start" message, in <paramref name="language"/> (the recipient's; English when null).</summary>
    public static Reply FreshStart(MemberSnapshot member, DateTimeOffset now, string? language = null)
    {
        var culture = Languages.Culture(language);
        var local = TimeZones.ToLocal(now, member.Member.TimeZoneId);
        return new Reply
        {
            Title = Text.Get(culture, "Reminders.FreshTitle"),
            Text = Text.Get(culture, local.Day == 1 ? "Reminders.FreshMonth" : "Reminders.FreshWeek", member.Member.DisplayName),
            Buttons =
            [
                new ReplyButton(Text.Get(culture, "Reminders.Resume"), "progress remind on", ButtonStyle.Primary),
                new ReplyButton(Text.Get(culture, "Reminders.Next"), "progress next"),
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
