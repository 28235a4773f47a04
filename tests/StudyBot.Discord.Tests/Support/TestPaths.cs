namespace StudyBot.Discord.Tests.Support;

/// <summary>The repository (found by walking up to StudyBot.sln) and the shared fixtures next to it.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Fixtures { get; } = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "discord"));

    public static string Roadmaps => Path.Combine(RepositoryRoot, "roadmap");

    public static string Fixture(string relative) => Path.Combine(Fixtures, relative);

    public static string ReadFixture(string relative) => File.ReadAllText(Fixture(relative));

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "StudyBot.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("StudyBot.sln not found above " + AppContext.BaseDirectory);
    }
}
