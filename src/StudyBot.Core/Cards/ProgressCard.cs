using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Cards;

/// <summary>One phase row of a progress card: its bar, in the roadmap's colour for the phase.</summary>
/// <param name="Color">A colour as <c>#RRGGBB</c>: the phase's <c>color</c> from the roadmap, or a default.</param>
public sealed record ProgressCardPhase(int Number, string Title, int Percent, string Color, bool Complete, bool Current);

/// <summary>
/// Everything a progress card shows, worked out from the member's progress with the same math as
/// <c>/progress</c> (<see cref="ProgressMath"/>, <see cref="Streaks"/>, <see cref="Eta"/>). A renderer only draws it.
/// The texts carry no emoji: the card's font has none.
/// </summary>
public sealed partial record ProgressCard
{
    /// <summary>Used for a phase whose roadmap entry has no valid colour.</summary>
    public static readonly IReadOnlyList<string> DefaultColors = ["#4C9AFF", "#36B37E", "#FFAB00", "#FF7452", "#6554C0", "#00B8D9", "#FF5630", "#8777D9"];

    /// <summary>Alt-text limit: Slack's and Discord's image descriptions both fit 1,000 characters.</summary>
    public const int MaxAltTextLength = 1000;

    public required string MemberName { get; init; }

    public required string RoadmapTitle { get; init; }

    public required int OverallPercent { get; init; }

    public required IReadOnlyList<ProgressCardPhase> Phases { get; init; }

    /// <summary>The phase the member is in, e.g. "Phase 1: Data Fundamentals".</summary>
    public required string CurrentPhase { get; init; }

    /// <summary>The module to work on in that phase, or null when the phase has none open.</summary>
    public string? CurrentModule { get; init; }

    /// <summary>The guide's level for the member's week, e.g. "Beginner · week 3".</summary>
    public string? Level { get; init; }

    public required int StreakWeeks { get; init; }

    public required int StreakFreezes { get; init; }

    public required int StreakBest { get; init; }

    public required bool HasWeeklyGoal { get; init; }

    /// <summary>"3 weeks in a row", "Ready to start", "No weekly goal yet".</summary>
    public required string Streak { get; init; }

    /// <summary>"4.5 h of 10 h", "2 of 3 items" or "No weekly goal yet".</summary>
    public required string WeekGoal { get; init; }

    /// <summary>Share of this week's goal achieved, from 0 to 1 (0 without a goal).</summary>
    public required double WeekGoalFraction { get; init; }

    public required bool RoadmapComplete { get; init; }

    public required DateOnly FinishDate { get; init; }

    /// <summary>"March 2027" or "Roadmap complete".</summary>
    public required string Finish { get; init; }

    /// <summary>"about 4 months at 12.5 h/week".</summary>
    public required string FinishDetail { get; init; }

    /// <summary>The member's local date the card was made on.</summary>
    public required DateOnly Date { get; init; }

    /// <summary>Focus minutes, "today 25 min, this week 1h 40m", or null when the member has none this week (issue 16).</summary>
    public string? Focus { get; init; }

    /// <summary>Builds the card for a member at an instant, from their snapshot and their community's roadmap.</summary>
    public static ProgressCard From(MemberSnapshot snapshot, Roadmap roadmap, DateTimeOffset now)
    {
        var member = snapshot.Member;
        var today = TimeZones.LocalDate(now, member.TimeZoneId);
        var progress = ProgressMath.Phases(roadmap, snapshot.StateOf);
        var current = ProgressMath.CurrentPhase(progress);
        var module = ProgressMath.CurrentModule(roadmap, current, snapshot.StateOf);
        var streak = Streaks.Compute(snapshot.Goals, snapshot.Days, today, ReminderComposer.PausedWeeks(snapshot.Rest, today));
        var eta = Eta.Compute(roadmap, member, progress, snapshot.Days, today);
        var week = ProgressMath.WeekNumber(member.StartDate ?? today, today);
        var level = ProgressMath.LevelFor(roadmap, week);
        var goal = snapshot.CurrentGoal(GoalPeriod.Week);
        var achieved = goal is null ? 0 : Streaks.AchievedInPeriod(goal, snapshot.Days, today);
        var complete = eta.RemainingWeeks <= 0;

        return new ProgressCard
        {
            MemberName = member.DisplayName,
            RoadmapTitle = roadmap.Title,
            OverallPercent = ProgressMath.OverallPercent(progress),
            Phases = progress.Select((p, i) => new ProgressCardPhase(p.Phase.Number, p.Phase.Title, p.Percent, ColorOf(p.Phase, i), p.Complete, p.Phase.Id == current.Id)).ToList(),
            CurrentPhase = Format.PhaseName(current),
            CurrentModule = module?.DisplayTitle,
            Level = level is null ? null : $"{level.Title} · week {week}",
            StreakWeeks = streak.Current,
            StreakFreezes = streak.FreezesAvailable,
            StreakBest = streak.Best,
            HasWeeklyGoal = goal is not null,
            Streak = StreakText(streak),
            WeekGoal = goal is null ? "No weekly goal yet" : GoalText(goal, achieved),
            WeekGoalFraction = goal is null || goal.Target <= 0 ? 0 : Math.Clamp(achieved / goal.Target, 0, 1),
            RoadmapComplete = complete,
            FinishDate = eta.FinishDate,
            Finish = complete ? "Roadmap complete" : Format.MonthYear(eta.FinishDate),
            FinishDetail = complete
                ? "every phase done"
                : $"{Eta.DescribeWeeks(eta.RemainingWeeks)} at {Format.Hours(eta.PaceHoursPerWeek)} h/week",
            Date = today,
        };
    }

    /// <summary>A safe, descriptive file name such as <c>progress-ada-lovelace-2026-11-25.png</c>.</summary>
    public string FileName
    {
        get
        {
            var letters = MemberName.Normalize(NormalizationForm.FormKD)
                .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                .ToArray();
            var slug = NonSlug().Replace(new string(letters).ToLowerInvariant(), "-").Trim('-');
            if (slug.Length > 40)
            {
                slug = slug[..40].TrimEnd('-');
            }

            return $"progress-{(slug.Length == 0 ? "member" : slug)}-{Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.png";
        }
    }

    /// <summary>The card in words: the image's alt text, and what a platform that cannot show it says instead.</summary>
    public string AltText()
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Progress card for {MemberName}: {OverallPercent}% of {RoadmapTitle}. ");
        sb.Append(string.Join(", ", Phases.Select(p => $"Phase {p.Number} {p.Title} {p.Percent}%"))).Append(". ");
        sb.Append("Now: ").Append(CurrentPhase);
        if (CurrentModule is not null)
        {
            sb.Append(", ").Append(CurrentModule);
        }

        sb.Append(". Streak: ").Append(Streak).Append(". This week: ").Append(WeekGoal).Append(". Finish: ").Append(Finish).Append('.');
        if (Focus is not null)
        {
            sb.Append(" Focus: ").Append(Focus).Append('.');
        }

        var text = sb.ToString();
        return text.Length <= MaxAltTextLength ? text : text[..(MaxAltTextLength - 1)] + "…";
    }

    /// <summary>The card as an attachment, once a renderer has drawn it.</summary>
    public ReplyAttachment ToAttachment(byte[] png) => new(FileName, ReplyAttachment.Png, png, AltText());

    private static string ColorOf(Phase phase, int index) =>
        phase.Color is { } c && HexColor().IsMatch(c) ? c.ToUpperInvariant() : DefaultColors[index % DefaultColors.Count];

    private static string StreakText(StreakStatus streak)
    {
        if (streak.Goal is null)
        {
            return "No weekly goal yet";
        }

        var weeks = streak.Current == 0 ? "Ready to start" : $"{Format.Plural(streak.Current, "week", "weeks")} in a row";
        return streak.FreezesAvailable > 0 ? $"{weeks} · {Format.Plural(streak.FreezesAvailable, "freeze", "freezes")}" : weeks;
    }

    private static string GoalText(Goal goal, double achieved) => goal.Unit == GoalUnit.Hours
        ? $"{Format.Hours(achieved)} h of {goal.Target} h"
        : $"{Format.Hours(achieved)} of {Format.Plural(goal.Target, "item", "items")}";

    [GeneratedRegex("^#[0-9A-Fa-f]{6}$")]
    private static partial Regex HexColor();

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NonSlug();
}
