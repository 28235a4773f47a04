namespace StudyBot.Core.Tests;

/// <summary>Finds the repository root (the folder with StudyBot.sln) from the test assembly's folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Roadmaps => Path.Combine(Root, "roadmap");

    public static string MainRoadmap => Path.Combine(Roadmaps, "ml-zero-to-hero.yaml");

    /// <summary>The small second roadmap that uses every key of the format.</summary>
    public static string DataEngineeringFixture => Path.Combine(Root, "tests", "fixtures", "roadmaps", "data-engineering.yaml");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StudyBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("StudyBot.sln not found above " + AppContext.BaseDirectory);
    }
}
