using System.Diagnostics;

namespace StudyBot.IntegrationTests;

/// <summary>The real host process, driven through piped standard input as the README shows.</summary>
public sealed class ConsoleProcessTests : IDisposable
{
    private static readonly string[] PhaseZero =
    [
        "python-basics", "mathematics-basics", "environment-setup",
        "foundation-python-mastered", "foundation-math-understood", "foundation-environment-ready", "foundation-first-notebook",
    ];

    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-console-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private sealed record Run(int ExitCode, string Stdout, string Stderr);

    private async Task<Run> RunHostAsync(string input, params (string Key, string Value)[] env)
    {
        var hostDll = Path.Combine(AppContext.BaseDirectory, "StudyBot.Host.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(hostDll);
        start.Environment["Roadmaps__Directory"] = RepoPaths.Roadmaps;
        start.Environment["Console__User"] = "Ada";
        // The web pages' own listener (http://127.0.0.1:5080 in a run of the bot) would collide between tests running side by side.
        start.Environment["Web__Enabled"] = "false";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the host did not exit at the end of its input: " + await stderr);
        }

        return new Run(process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task A_newcomer_completes_phase_zero_in_the_console_and_the_state_persists()
    {
        var input = "/progress start\n" + string.Concat(PhaseZero.Select(i => $"/progress done {i}\n")) + "/progress\n";

        var first = await RunHostAsync(input);

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("== Let's start Road to ML: Zero to Hero ==", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("== 🎉 Milestone complete: Foundation Milestone ==", first.Stdout, StringComparison.Ordinal);
        Assert.Contains("== 🏁 Phase complete: Phase 0: Foundation ==", first.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"0 Foundation\s+██████████ 100%", first.Stdout);
        Assert.Matches(@"Next:\r?\n  ⬜ NumPy \(numpy\)", first.Stdout);
        Assert.True(File.Exists(Path.Combine(_workDir, "data", "studybot.db")));

        var second = await RunHostAsync("/progress\n");

        Assert.Equal(0, second.ExitCode);
        Assert.Matches(@"0 Foundation\s+██████████ 100%", second.Stdout);
        Assert.Matches(@"Next:\r?\n  ⬜ NumPy \(numpy\)", second.Stdout);
    }

    [Fact]
    public async Task The_console_writes_progress_cards_to_files_and_prints_where()
    {
        var run = await RunHostAsync("/progress done python-basics\n/progress card\n/progress card\n");

        Assert.Equal(0, run.ExitCode);
        var saved = System.Text.RegularExpressions.Regex.Matches(run.Stdout, @"📎 Image saved: (?<path>\S+\.png)").Select(m => m.Groups["path"].Value).ToList();
        Assert.Equal(2, saved.Count);
        Assert.NotEqual(saved[0], saved[1]);
        var cards = Path.Combine(_workDir, "data", "cards");
        Assert.All(saved, path =>
        {
            Assert.Equal(cards, Path.GetDirectoryName(path));
            Assert.Matches(@"^progress-ada-\d{4}-\d{2}-\d{2}(-2)?\.png$", Path.GetFileName(path));
            using var image = SkiaSharp.SKBitmap.Decode(File.ReadAllBytes(path));
            Assert.Equal(1200, image.Width);
            Assert.Equal(630, image.Height);
        });
        Assert.Equal(2, Directory.GetFiles(cards).Length);
    }

    [Fact]
    public async Task Logs_stay_off_standard_output()
    {
        var run = await RunHostAsync("/progress help\n", ("Logging__LogLevel__Default", "Trace"));

        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("info:", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warn:", run.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("Ada> /progress help", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task As_switches_member_and_typed_numbers_press_buttons()
    {
        var run = await RunHostAsync("/as Bob\n/progress done numpy\n/as Ada\n/progress roadmap 1\n/progress\n1\n");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("You are now 'Bob'.", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Bob> /progress done numpy", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("⬜ NumPy (numpy)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("→ /progress start", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_roadmap_stops_the_host_naming_the_file_and_line()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_workDir, "broken-roadmaps")).FullName;
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Roadmaps, "ml-zero-to-hero.yaml")).Replace("    phase: advanced-ml\n", "    phase: nowhere\n", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(dir, "ml.yaml"), yaml);
        var line = yaml[..yaml.IndexOf("phase: nowhere", StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var run = await RunHostAsync("/progress\n", ("Roadmaps__Directory", dir));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Contains($"StudyBot cannot start: Roadmap error in {Path.Combine(dir, "ml.yaml")}:{line}:12: milestone 'advanced-ml-milestone' points at phase 'nowhere'", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_roadmap_with_several_problems_stops_the_host_listing_each_one_per_line()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_workDir, "broken-roadmaps")).FullName;
        var yaml = File.ReadAllText(Path.Combine(RepoPaths.Roadmaps, "ml-zero-to-hero.yaml"))
            .Replace("    phase: advanced-ml\n", "    phase: nowhere\n", StringComparison.Ordinal)
            .Replace("      - id: pandas\n", "      - id: Pandas\n", StringComparison.Ordinal);
        var file = Path.Combine(dir, "ml.yaml");
        File.WriteAllText(file, yaml);
        int LineOf(string text) => yaml[..yaml.IndexOf(text, StringComparison.Ordinal)].Count(c => c == '\n') + 1;

        var run = await RunHostAsync("/progress\n", ("Roadmaps__Directory", dir));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("", run.Stdout);
        Assert.Equal(
            [
                "StudyBot cannot start: 2 roadmap problems; fix them (`roadmap check <file>` lists them too):",
                $"{file}:{LineOf("id: Pandas")}:13: id 'Pandas' of a module is not kebab-case; use lowercase letters, digits and single hyphens, e.g. 'pandas'",
                $"{file}:{LineOf("phase: nowhere")}:12: milestone 'advanced-ml-milestone' points at phase 'nowhere', which does not exist (phases: foundation, data-fundamentals, ml-basics, advanced-ml, deep-learning, generative-ai, production, projects)",
            ],
            run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_bad_setting_stops_the_host_naming_the_key()
    {
        var run = await RunHostAsync("/progress\n", ("Community__DefaultTimeZone", "Mars/Olympus_Mons"));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("StudyBot cannot start: Community:DefaultTimeZone 'Mars/Olympus_Mons' is not an IANA time zone", run.Stderr, StringComparison.Ordinal);
    }
}
