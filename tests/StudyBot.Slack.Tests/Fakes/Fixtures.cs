using System.Text.Json.Nodes;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>The Slack fixtures the repository carries (tests/fixtures/slack) and the repository itself.</summary>
public static class Fixtures
{
    private static readonly Lazy<string> RepoRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StudyBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException($"No StudyBot.sln above {AppContext.BaseDirectory}.");
    });

    public static string Repository => RepoRoot.Value;

    public static string Directory => Path.Combine(Repository, "tests", "fixtures", "slack");

    /// <summary>The full path of a fixture; refuses a name that would leave the fixture folder.</summary>
    public static string PathOf(string name)
    {
        var full = Path.GetFullPath(Path.Combine(Directory, name));
        if (!full.StartsWith(Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Fixture '{name}' resolves to {full}, outside the repository's {Directory}.");
        }

        return File.Exists(full)
            ? full
            : throw new FileNotFoundException($"Slack fixture '{name}' is missing: expected it at {full} (tests/fixtures/slack in the repository).", full);
    }

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static JsonObject Json(string name)
    {
        try
        {
            return JsonNode.Parse(Text(name))?.AsObject() ?? throw new InvalidDataException($"Slack fixture '{name}' is JSON null.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"Slack fixture '{name}' is not valid JSON: {ex.Message}", ex);
        }
    }
}
