using System.Diagnostics;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The compose file (<c>compose.yaml</c>: two StudyBots and PostgreSQL) holds what the README promises, and its StudyBot
/// settings, given to two real host processes, make them one cluster on one PostgreSQL database. Docker itself is not
/// on the test machines; the settings are what would go wrong.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string ComposeFile = Path.Combine(RepoPaths.Root, "compose.yaml");

    private static Dictionary<object, object> Compose()
    {
        using var reader = new StringReader(File.ReadAllText(ComposeFile));

        // Merge keys (<<: *studybot-env) resolved as Docker Compose resolves them.
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }

    private static Dictionary<object, object> Map(object? node, string what) =>
        node as Dictionary<object, object> ?? throw new Xunit.Sdk.XunitException($"compose.yaml: {what} is not a mapping");

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        Map(service["environment"], "environment").ToDictionary(e => (string)e.Key, e => (string)e.Value);

    private static List<(string Name, Dictionary<object, object> Service)> StudyBots() =>
        [.. Map(Compose()["services"], "services")
            .Select(s => ((string)s.Key, Map(s.Value, (string)s.Key)))
            .Where(s => s.Item1.StartsWith("studybot", StringComparison.Ordinal))];

    [Fact]
    public void The_compose_file_runs_two_StudyBots_on_its_PostgreSQL_database_with_no_secret_written_in_it()
    {
        var services = Map(Compose()["services"], "services");
        var db = Map(services["db"], "db");
        var dbEnv = Environment(db);
        Assert.StartsWith("postgres:", (string)db["image"], StringComparison.Ordinal);
        Assert.Contains("pg_isready", string.Join(' ', (List<object>)Map(db["healthcheck"], "healthcheck")["test"]), StringComparison.Ordinal);

        var bots = StudyBots();
        Assert.Equal(2, bots.Count);
        foreach (var (name, bot) in bots)
        {
            var env = Environment(bot);
            Assert.Equal("PostgreSQL", env["Database__Provider"]);
            var connection = env["Database__ConnectionString"];
            Assert.Contains("Host=db;", connection, StringComparison.Ordinal);
            Assert.Contains($"Database={dbEnv["POSTGRES_DB"]};", connection, StringComparison.Ordinal);
            Assert.Contains($"Username={dbEnv["POSTGRES_USER"]};", connection, StringComparison.Ordinal);
            Assert.Equal("service_healthy", Map(Map(bot["depends_on"], $"{name}.depends_on")["db"], "db")["condition"]);
            Assert.Equal("on-failure", bot["restart"]);

            // Secrets only as ${...} references to .env.
            foreach (var (key, value) in env.Where(e => Secret().IsMatch(e.Key)))
            {
                Assert.True(value.Length == 0 || Reference().IsMatch(value) || value.Contains("Password=${", StringComparison.Ordinal), $"{name}: {key} is written in compose.yaml");
            }
        }

        Assert.Matches(Reference(), dbEnv["POSTGRES_PASSWORD"]);
        var ids = bots.Select(b => Environment(b.Service)["Instance__Id"]).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, ".env.example")), "compose.yaml tells users to copy .env.example");
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(RepoPaths.Root, ".gitignore")));
    }

    [Fact]
    public void Every_setting_the_compose_file_gives_StudyBot_is_one_the_README_documents()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (var (name, bot) in StudyBots())
        {
            foreach (var key in Environment(bot).Keys)
            {
                // As a setting (`Database:Provider`), an environment variable (Slack__BotToken) or a row of its
                // section's table (| `BotToken` |).
                var setting = key.Replace("__", ":", StringComparison.Ordinal);
                Assert.True(
                    readme.Contains($"`{setting}`", StringComparison.Ordinal)
                    || readme.Contains(key, StringComparison.Ordinal)
                    || readme.Contains($"| `{setting[(setting.IndexOf(':', StringComparison.Ordinal) + 1)..]}` |", StringComparison.Ordinal),
                    $"{name}: {setting} is not in the README");
            }
        }
    }

    [PostgresFact]
    public async Task Two_StudyBots_with_the_compose_files_settings_become_one_cluster_on_one_database_and_stop_cleanly()
    {
        var database = await Postgres.CreateDatabaseAsync();
        var workDir = Directory.CreateTempSubdirectory("studybot-compose-").FullName;
        var hosts = new List<HostNode>();
        try
        {
            foreach (var (name, bot) in StudyBots())
            {
                // As compose passes them, with .env empty, and the database the test's own.
                var env = Environment(bot)
                    .Select(e => (e.Key, Value: e.Key == "Database__ConnectionString" ? database : Reference().Replace(e.Value, "")))
                    .Append(("Roadmaps__Directory", RepoPaths.Roadmaps))
                    .ToList();
                var host = HostNode.Start(name, HostProcess.StartInfo(workDir, env));
                host.Process.StandardInput.Close();
                hosts.Add(host);
            }

            var ids = StudyBots().Select(b => Environment(b.Service)["Instance__Id"]).Order(StringComparer.Ordinal).ToList();
            await Bounded.UntilAsync(
                async () => hosts.Any(h => h.HasExited) || (await HostNode.ClusterNodesAsync(database)).SequenceEqual(ids),
                $"both StudyBots ({string.Join(", ", ids)}) to check in to the Quartz cluster",
                TimeSpan.FromSeconds(90));
            Assert.True(hosts.All(h => !h.HasExited), string.Join("\n", hosts.Select(h => $"{h.Id} exited: {h.Tail}")));

            foreach (var host in hosts)
            {
                using var kill = Process.Start("kill", ["-TERM", host.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await Bounded.WaitAsync(kill.WaitForExitAsync(), "kill -TERM");
            }

            foreach (var host in hosts)
            {
                await Bounded.WaitAsync(host.Process.WaitForExitAsync(), $"{host.Id} (pid {host.Process.Id}) to stop on SIGTERM", TimeSpan.FromSeconds(60));
                Assert.True(host.Process.ExitCode == 0, $"{host.Id}: exit code {host.Process.ExitCode}; {host.Tail}");
            }
        }
        finally
        {
            foreach (var host in hosts)
            {
                host.Dispose();
            }

            Directory.Delete(workDir, recursive: true);
        }
    }

    [GeneratedRegex(@"Token|Secret|Password", RegexOptions.IgnoreCase)]
    private static partial Regex Secret();

    [GeneratedRegex(@"\$\{[A-Z_]+(:?[-?][^}]*)?\}")]
    private static partial Regex Reference();
}
