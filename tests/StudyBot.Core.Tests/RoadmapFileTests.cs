using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

public sealed class RoadmapFileTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    [Fact]
    public void Every_roadmap_file_in_the_repository_loads()
    {
        var roadmaps = RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps);

        Assert.Contains(roadmaps, r => r.Id == "ml-zero-to-hero");
        Assert.All(roadmaps, r => Assert.True(r.Version >= 1));
    }

    [Fact]
    public void The_roadmap_has_the_guides_eight_phases_in_order_with_projects_as_phase_seven()
    {
        Assert.Equal(
            ["Foundation", "Data Fundamentals", "ML Basics", "Advanced ML", "Deep Learning", "Generative AI & Modern LLMs", "Production", "Projects"],
            Roadmap.Phases.Select(p => p.Title));
        Assert.Equal(Enumerable.Range(0, 8), Roadmap.Phases.Select(p => p.Number));
    }

    [Fact]
    public void Phases_have_the_guides_twenty_nine_modules()
    {
        Assert.Equal([3, 4, 4, 3, 4, 5, 3, 3], Roadmap.Phases.Select(p => p.Modules.Count));
        Assert.Equal(29, Roadmap.Items.Count(i => i.Kind == ItemKind.Module));
    }

    [Fact]
    public void Module_titles_and_named_tools_are_kept()
    {
        var vector = Roadmap.FindItem("vector-databases")!;
        Assert.Equal("Vector Databases", vector.Title);
        Assert.Equal(["Pinecone", "ChromaDB", "Weaviate", "FAISS"], vector.Tools);
        Assert.Equal(["LangChain", "LangGraph"], Roadmap.FindItem("llm-agents")!.Tools);
        Assert.Equal(["Quantization", "TensorRT", "ONNX", "GGML"], Roadmap.FindItem("model-optimization")!.Tools);
        Assert.Equal(["MLflow", "Weights & Biases"], Roadmap.FindItem("mlops-basics")!.Tools);
        Assert.Equal("NumPy", Roadmap.FindItem("numpy")!.Title);
        Assert.Equal("with Bias Auditing", Roadmap.FindItem("classification")!.Detail);
        Assert.Equal("Polars & Dask (Polars, Dask)", Roadmap.FindItem("polars-dask")!.DisplayTitle);
    }

    [Fact]
    public void There_are_seven_milestones_one_per_phase_zero_to_six_with_thirty_items()
    {
        Assert.Equal(7, Roadmap.Milestones.Count);
        Assert.Equal(Roadmap.Phases.Take(7).Select(p => p.Id), Roadmap.Milestones.Select(m => m.PhaseId));
        Assert.Equal([4, 4, 5, 4, 4, 4, 5], Roadmap.Milestones.Select(m => m.Items.Count));
        Assert.Equal(30, Roadmap.Items.Count(i => i.Kind == ItemKind.MilestoneItem));
        Assert.Null(Roadmap.MilestoneOf("projects"));
    }

    [Fact]
    public void Milestones_keep_the_guides_durations_and_titles()
    {
        Assert.Equal(["2-3 months", "2-3 months", "2-3 months", "Week 12", "2 months", "1-2 months", "2-3 months"], Roadmap.Milestones.Select(m => m.Duration));
        Assert.Equal("Performed bias auditing on models", Roadmap.FindItem("ml-bias-audit")!.Title);
        Assert.Equal("Portfolio ready!", Roadmap.FindItem("prod-portfolio-ready")!.Title);
        Assert.Equal("First Jupyter notebook created", Roadmap.FindItem("foundation-first-notebook")!.Title);
    }

    [Fact]
    public void The_time_estimate_table_keeps_rows_paces_and_the_stated_totals()
    {
        var t = Roadmap.TimeEstimates;
        Assert.Equal(8, t.Rows.Count);
        Assert.Equal(Roadmap.Phases.Select(p => p.Id), t.Rows.Select(r => r.PhaseId));
        Assert.Equal(new MonthRange(2, 3), t.Rows[0].FullTime);
        Assert.Equal(new MonthRange(4, 6), t.Rows[0].PartTime);
        Assert.Equal(new MonthRange(4, 6), t.Rows[7].FullTime);
        Assert.Equal(new MonthRange(8, 12), t.Rows[7].PartTime);
        Assert.Equal((30, 40), (t.FullTime.MinHoursPerWeek, t.FullTime.MaxHoursPerWeek));
        Assert.Equal((10, 15), (t.PartTime.MinHoursPerWeek, t.PartTime.MaxHoursPerWeek));
        Assert.Equal(new MonthRange(14, 20), t.StatedTotalFullTime);
        Assert.Equal(new MonthRange(28, 35), t.StatedTotalPartTime);
    }

    [Fact]
    public void The_stated_totals_differ_from_the_sum_of_the_rows_and_both_are_kept()
    {
        var t = Roadmap.TimeEstimates;
        Assert.Equal(new MonthRange(16, 24), t.SumOfRowsFullTime);
        Assert.Equal(new MonthRange(32, 48), t.SumOfRowsPartTime);
        Assert.NotEqual(t.StatedTotalFullTime, t.SumOfRowsFullTime);
    }

    [Fact]
    public void Levels_quick_wins_and_the_accelerated_path_are_complete()
    {
        Assert.Equal(["Beginner", "Intermediate", "Advanced"], Roadmap.Levels.Select(l => l.Title));
        Assert.Equal([(1, (int?)8), (9, 16), (17, null)], Roadmap.Levels.Select(l => (l.FromWeek, l.ToWeek)));
        Assert.Equal(10, Roadmap.Levels.Sum(l => l.Projects.Count));
        Assert.Contains(Roadmap.Levels[0].Projects, p => p.Title == "Titanic survival");
        Assert.Equal(["Deep learning", "Computer vision", "NLP", "Model deployment", "MLOps"], Roadmap.Levels[2].Skills);

        Assert.Equal([1, 2, 4], Roadmap.QuickWins.Select(q => q.Week));
        Assert.Equal(9, Roadmap.QuickWins.Sum(q => q.Wins.Count));

        var accelerated = Roadmap.AcceleratedPath!;
        Assert.Equal(6, accelerated.Steps.Count);
        Assert.Equal(8, accelerated.TotalWeeks);
        Assert.Equal(8, accelerated.Steps.Sum(s => s.Weeks));
        Assert.Contains("experienced programmers", accelerated.Audience, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Allocation_profiles_motivation_loop_certification_and_next_steps_are_complete()
    {
        Assert.Equal([("practice", 70), ("learning", 20), ("review", 10)], Roadmap.Allocation.Select(a => (a.Id, a.Percent)));
        Assert.Equal(["complete-beginner", "programmer", "quick-learner"], Roadmap.Profiles.Select(p => p.Id));
        Assert.Equal([5, 4, 4], Roadmap.Profiles.Select(p => p.Advice.Count));
        Assert.Equal("accelerated", Roadmap.FindProfile("quick-learner")!.Path);
        Assert.Equal(5, Roadmap.Motivation.Count);
        Assert.Equal(["Learn", "Practice", "Build", "Review", "Improve"], Roadmap.LearningLoop.Select(l => l.Title));
        Assert.Equal(5, Roadmap.Certification!.Steps.Count);
        Assert.Equal(5, Roadmap.NextSteps.Count);
    }

    [Fact]
    public void Ids_are_unique_kebab_case_and_the_file_says_which_phase_list_is_authoritative()
    {
        var ids = Roadmap.Items.Select(i => i.Id).Concat(Roadmap.Phases.Select(p => p.Id)).Concat(Roadmap.Milestones.Select(m => m.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(ids, id => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", id));

        var text = File.ReadAllText(RepoPaths.MainRoadmap);
        Assert.Contains("overview is authoritative", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Current Position Tracker", text, StringComparison.Ordinal);
    }
}
