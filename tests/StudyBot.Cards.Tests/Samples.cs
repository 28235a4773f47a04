using StudyBot.Core.Cards;

namespace StudyBot.Cards.Tests;

internal static class Samples
{
    public static readonly string[] Colors = ["#4C9AFF", "#36B37E", "#FFAB00", "#FF7452", "#6554C0", "#00B8D9", "#FF5630", "#8777D9"];

    private static readonly string[] Titles = ["Foundation", "Data Fundamentals", "ML Basics", "Advanced ML", "Deep Learning", "Generative AI & Modern LLMs", "Production", "Projects"];

    /// <summary>A card like the one a member in phase 1 gets, with the shares given per phase.</summary>
    public static ProgressCard Card(string name = "Ada Lovelace", int[]? percents = null, int current = 1, bool goal = true)
    {
        percents ??= [100, 60, 25, 0, 0, 0, 0, 0];
        return new ProgressCard
        {
            MemberName = name,
            RoadmapTitle = "Road to ML: Zero to Hero",
            OverallPercent = 21,
            Phases = Titles.Select((t, i) => new ProgressCardPhase(i, t, percents[i], Colors[i], percents[i] == 100, i == current)).ToList(),
            CurrentPhase = "Phase 1: Data Fundamentals",
            CurrentModule = "Pandas",
            Level = "Beginner · week 8",
            StreakWeeks = goal ? 3 : 0,
            StreakFreezes = 0,
            StreakBest = goal ? 5 : 0,
            HasWeeklyGoal = goal,
            Streak = goal ? "3 weeks in a row" : "No weekly goal yet",
            WeekGoal = goal ? "4.5 h of 10 h" : "No weekly goal yet",
            WeekGoalFraction = goal ? 0.45 : 0,
            RoadmapComplete = false,
            FinishDate = new DateOnly(2029, 3, 1),
            Finish = "March 2029",
            FinishDetail = "about 27 months at 13 h/week",
            Date = new DateOnly(2026, 11, 25),
        };
    }
}
