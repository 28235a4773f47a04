using System.Text.Json.Nodes;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>The shared Slack fixtures (../shared/fixtures/slack next to the repository) and the repository itself.</summary>
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

    public static string Directory => Path.GetFullPath(Path.Combine(Repository, "..", "shared", "fixtures", "slack"));

    public static string PathOf(string name) => Path.Combine(Directory, name);

    public static string Text(string name) => File.ReadAllText(PathOf(name));

    public static byte[] Bytes(string name) => File.ReadAllBytes(PathOf(name));

    public static JsonObject Json(string name) => JsonNode.Parse(Text(name))!.AsObject();
}
