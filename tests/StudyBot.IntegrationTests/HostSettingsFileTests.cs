using System.Text.Json.Nodes;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Where the real host reads appsettings.json from: the app's folder whatever the working directory is, then
/// the working directory's, which overrides it. Relative paths in settings stay relative to the working directory.
/// </summary>
public sealed class HostSettingsFileTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("studybot-appfolder-").FullName;

    public HostSettingsFileTests()
    {
        AppFolder = Directory.CreateDirectory(Path.Combine(_root, "app")).FullName;
        WorkDir = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;

        // A copy of the built host in its own folder, so its appsettings.json can be changed: the host and its
        // settings files are copied (the runtime takes the app's folder from the path of the real file),
        // everything else is linked.
        foreach (var entry in new DirectoryInfo(AppContext.BaseDirectory).EnumerateFileSystemInfos())
        {
            var target = Path.Combine(AppFolder, entry.Name);
            if (entry is FileInfo file && (file.Name == "StudyBot.Host.dll" || file.Name.EndsWith(".json", StringComparison.Ordinal)))
            {
                file.CopyTo(target);
            }
            else
            {
                File.CreateSymbolicLink(target, entry.FullName);
            }
        }
    }

    private string AppFolder { get; }

    private string WorkDir { get; }

    private string HostDll => Path.Combine(AppFolder, "StudyBot.Host.dll");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void SetDatabase(string appsettings, string connectionString)
    {
        var json = File.Exists(appsettings) ? JsonNode.Parse(File.ReadAllText(appsettings))!.AsObject() : new JsonObject();
        json["Database"] = new JsonObject { ["ConnectionString"] = connectionString };
        File.WriteAllText(appsettings, json.ToJsonString());
    }

    private Task<HostProcess.Result> RunAsync() => HostProcess.RunAsync(WorkDir, "/progress start\n", [], HostDll);

    [Fact]
    public async Task Settings_in_appsettings_json_beside_the_binary_apply_from_another_working_directory()
    {
        SetDatabase(Path.Combine(AppFolder, "appsettings.json"), "Data Source=from-app-folder.db");

        var run = await RunAsync();

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("Let's start Road to ML: Zero to Hero", run.Stdout, StringComparison.Ordinal);

        // The database path is relative to the working directory, as the README says, not to the app's folder.
        Assert.True(File.Exists(Path.Combine(WorkDir, "from-app-folder.db")), "the database from the app folder's appsettings.json was not created in the working directory");
        Assert.False(File.Exists(Path.Combine(AppFolder, "from-app-folder.db")));
        Assert.False(Directory.Exists(Path.Combine(WorkDir, "data")), "the default database was used instead of the app folder's setting");
    }

    [Fact]
    public async Task An_appsettings_json_in_the_working_directory_overrides_the_one_beside_the_binary()
    {
        SetDatabase(Path.Combine(AppFolder, "appsettings.json"), "Data Source=from-app-folder.db");
        SetDatabase(Path.Combine(WorkDir, "appsettings.json"), "Data Source=from-working-directory.db");

        var run = await RunAsync();

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.True(File.Exists(Path.Combine(WorkDir, "from-working-directory.db")), "the working directory's appsettings.json did not apply");
        Assert.False(File.Exists(Path.Combine(WorkDir, "from-app-folder.db")));
    }

    [Fact]
    public async Task The_roadmaps_beside_the_binary_are_found_from_another_working_directory()
    {
        var run = await RunAsync();

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains("Let's start Road to ML: Zero to Hero", run.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(WorkDir, "data", "studybot.db")), "data/studybot.db is not relative to the working directory");
    }
}
