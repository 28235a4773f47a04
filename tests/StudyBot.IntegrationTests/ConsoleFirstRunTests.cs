using System.Diagnostics;

namespace StudyBot.IntegrationTests;

/// <summary>A first console session in the real host process: button numbers and where exports go.</summary>
public sealed class ConsoleFirstRunTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-console-first-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private async Task<string> RunHostAsync(string input, params (string Key, string Value)[] env)
    {
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
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StudyBot.Host.dll"));
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

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    [Fact]
    public async Task A_number_without_a_button_says_which_numbers_there_are()
    {
        var output = await RunHostAsync("/progress start programmer part-time\n7\n/progress goal show\n1\n");

        Assert.Contains("There's no button 7: the last reply has buttons 1-3.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Commands start with /progress", output, StringComparison.Ordinal);
        Assert.Contains("  → /progress goal suggest", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_number_after_a_reply_with_no_button_or_one_says_so()
    {
        var output = await RunHostAsync("/progress timezone Europe/Berlin\n2\n/progress streak\n4\n");

        Assert.Contains("There's no button 2: the last reply has no buttons.", output, StringComparison.Ordinal);
        Assert.Contains("There's no button 4: the last reply has only button 1.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Commands start with /progress", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_goes_to_its_own_folder_not_beside_the_cards()
    {
        var output = await RunHostAsync("/progress log 30 practice\n/progress me export\n/studybot export\n");

        var exports = Path.Combine(_workDir, "data", "exports");
        Assert.Equal(2, Directory.GetFiles(exports, "*.json").Length);
        Assert.False(Directory.Exists(Path.Combine(_workDir, "data", "cards")), "the export went beside the cards");
        Assert.Contains($"📎 File saved: {exports}{Path.DirectorySeparatorChar}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_exports_folder_is_a_setting()
    {
        var elsewhere = Path.Combine(_workDir, "my-exports");

        await RunHostAsync("/progress log 30 practice\n/progress me export\n", ("Console__ExportsDirectory", elsewhere));

        Assert.Single(Directory.GetFiles(elsewhere, "*.json"));
    }
}
