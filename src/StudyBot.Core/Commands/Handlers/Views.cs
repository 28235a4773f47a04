using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Reply pieces several commands share.</summary>
internal static class Views
{
    public const int NextCount = 3;

    public static IReadOnlyList<PhaseProgress> Progress(CommandContext ctx) => ProgressMath.Phases(ctx.Roadmap, ctx.State);

    public static string Short(string text, int max = 40) => text.Length <= max ? text : text[..(max - 1)] + "…";

    public static string EtaLine(EtaReport eta) =>
        eta.RemainingWeeks <= 0
            ? "Roadmap complete"
            : $"{Format.MonthYear(eta.FinishDate)} ({Eta.DescribeWeeks(eta.RemainingWeeks)}, {(eta.BasedOnLoggedPace ? $"at about {Format.Hours(eta.PaceHoursPerWeek)} h/week, from your plan and recent logs" : $"at your planned {Format.Hours(eta.PlannedHoursPerWeek)} h/week")})";

    public static Level? Level(CommandContext ctx, out int week)
    {
        week = ProgressMath.WeekNumber(ctx.Member.StartDate ?? ctx.Today, ctx.Today);
        return ProgressMath.LevelFor(ctx.Roadmap, week);
    }

    // In the member's language (Resources/Views.resx); the English they give is the same as the overloads above.

    public static string GoalLine(CommandContext ctx, GoalPeriod period)
    {
        var goal = ctx.Snapshot.CurrentGoal(period);
        if (goal is null)
        {
            return ctx.T(period == GoalPeriod.Week ? "Views.NoWeeklyGoal" : "Views.NoMonthlyGoal");
        }

        var achieved = Streaks.AchievedInPeriod(goal, ctx.Snapshot.Days, ctx.Today);
        return ctx.T("Views.GoalProgress", LocalViews.GoalAmount(ctx, achieved, goal.Unit), LocalViews.GoalAmount(ctx, goal.Target, goal.Unit), achieved >= goal.Target ? " ✅" : "");
    }

    public static string StreakLine(CommandContext ctx, StreakStatus streak)
    {
        if (streak.Goal is null)
        {
            return ctx.T("Views.StreakNoGoal");
        }

        var weeks = streak.Current == 0 ? ctx.T("Views.StreakReady") : $"🔥 {Format.Plural(streak.Current, ctx.T("Views.StreakWeek"), ctx.T("Views.StreakWeeks"), ctx.Culture)}";
        var freezes = streak.FreezesAvailable > 0 ? $" · 🧊 {streak.FreezesAvailable}" : "";
        return weeks + freezes;
    }

    public static string EtaLine(CommandContext ctx, EtaReport eta) =>
        eta.RemainingWeeks <= 0
            ? ctx.T("Views.EtaComplete")
            : eta.BasedOnLoggedPace
                ? ctx.T("Views.EtaLogged", Format.MonthYear(eta.FinishDate, ctx.Culture), DescribeWeeks(ctx, eta.RemainingWeeks), Format.Hours(eta.PaceHoursPerWeek, ctx.Culture))
                : ctx.T("Views.EtaPlanned", Format.MonthYear(eta.FinishDate, ctx.Culture), DescribeWeeks(ctx, eta.RemainingWeeks), Format.Hours(eta.PlannedHoursPerWeek, ctx.Culture));

    /// <summary>As <see cref="Eta.DescribeWeeks"/>: "about 3 weeks", "etwa 3 Wochen".</summary>
    public static string DescribeWeeks(CommandContext ctx, double weeks) => weeks switch
    {
        <= 0 => ctx.T("Views.Weeks.Done"),
        < 1 => ctx.T("Views.Weeks.UnderOne"),
        < 1.5 => ctx.T("Views.Weeks.One"),
        < 9 => ctx.T("Views.Weeks.Many", Math.Round(weeks)),
        _ => ctx.T("Views.Weeks.Months", Math.Round(weeks / Eta.WeeksPerMonth)),
    };

    /// <summary>As <see cref="Format.Pace"/>: "part-time (10-15 h/week)", "Teilzeit (10-15 Std./Woche)".</summary>
    public static string Pace(CommandContext ctx, Roadmap roadmap, MemberProfile member) => member.Pace switch
    {
        PaceKind.FullTime => ctx.T("Views.Pace.FullTime", roadmap.TimeEstimates.FullTime.MinHoursPerWeek, roadmap.TimeEstimates.FullTime.MaxHoursPerWeek),
        PaceKind.Custom => ctx.T("Views.Pace.Custom", member.CustomHoursPerWeek ?? 0),
        _ => ctx.T("Views.Pace.PartTime", roadmap.TimeEstimates.PartTime.MinHoursPerWeek, roadmap.TimeEstimates.PartTime.MaxHoursPerWeek),
    };

    /// <summary>As <see cref="Format.PathName"/>: "standard", "accelerated".</summary>
    public static string PathName(CommandContext ctx, PathKind path) => ctx.T(path == PathKind.Accelerated ? "Views.Path.Accelerated" : "Views.Path.Standard");

    /// <summary>A step of the accelerated path: "• Week 1: ...", "• Weeks 2-4: ...".</summary>
    public static string Step(CommandContext ctx, AcceleratedStep step) =>
        step.FromWeek == step.ToWeek ? ctx.T("Views.Week", step.FromWeek, step.Title) : ctx.T("Views.WeekRange", step.FromWeek, step.ToWeek, step.Title);

    /// <summary>As <see cref="MonthRange.ToString"/>: "2-3 months", "2-3 Monate".</summary>
    public static string Months(CommandContext ctx, MonthRange range)
    {
        var culture = ctx.Language == Localization.Languages.English ? System.Globalization.CultureInfo.InvariantCulture : ctx.Culture;
        return range.Min.Equals(range.Max)
            ? ctx.T("Views.Months", range.Min.ToString("0.#", culture))
            : ctx.T("Views.MonthRange", range.Min.ToString("0.#", culture), range.Max.ToString("0.#", culture));
    }
}
