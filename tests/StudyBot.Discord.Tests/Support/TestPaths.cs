namespace StudyBot.Discord.Tests.Support;

/// <summary>The repository (found by walking up to StudyBot.sln) and the Discord fixtures it carries.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Fixtures { get; } = Path.Combine(RepositoryRoot, "tests", "fixtures", "discord");

    public static string Roadmaps => Path.Combine(RepositoryRoot, "roadmap");

    /// <summary>The full path of a fixture; refuses a name that would leave the fixture folder or that is missing.</summary>
    public static string Fixture(string relative)
    {
        var full = Path.GetFullPath(Path.Combine(Fixtures, relative));
        if (!full.StartsWith(Fixtures + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Fixture '{relative}' resolves to {full}, outside the repository's {Fixtures}.");
        }

        return File.Exists(full)
            ? full
            : throw new FileNotFoundException($"Discord fixture '{relative}' is missing: expected it at {full} (tests/fixtures/discord in the repository).", full);
    }

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
