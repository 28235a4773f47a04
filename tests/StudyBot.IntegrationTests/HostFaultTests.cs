namespace StudyBot.IntegrationTests;

/// <summary>
/// A fault that stops the running host ends the process with a non-zero exit code, so systemd, Docker and
/// Kubernetes restart it, and says so in one log line.
/// </summary>
public sealed class HostFaultTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-fault-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task A_background_service_that_fails_at_run_time_ends_the_process_with_exit_code_1_and_one_log_line()
    {
        // Standard input stays open, so the console never reaches the end of its input: only the fault can stop
        // the host. Diagnostics:FailAfterStart is the test-only switch that makes a background service fail once
        // the host has started.
        var run = await HostProcess.RunAsync(
            _workDir,
            "/progress\n",
            [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Diagnostics__FailAfterStart", "true")],
            closeInput: false);

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        var line = Assert.Single(run.StderrLines, l => l.Contains("crit:", StringComparison.Ordinal) || l.Contains("fail:", StringComparison.Ordinal));
        Assert.Contains("crit: StudyBot.Host[", line, StringComparison.Ordinal);
        Assert.Contains("StudyBot is stopping because FailAfterStart failed (InvalidOperationException); exit code 1", line, StringComparison.Ordinal);
        Assert.Contains("Diagnostics:FailAfterStart is set", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Console_input_that_ends_while_the_host_is_still_starting_is_a_normal_stop()
    {
        // Empty input ends at once, while the HTTP listener (started after the console) is still starting.
        var run = await HostProcess.RunAsync(
            _workDir,
            "",
            [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Http__Urls", "http://127.0.0.1:0")]);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("", run.Stderr);
    }

    [Fact]
    public async Task The_end_of_console_input_still_ends_the_process_with_exit_code_0()
    {
        var run = await HostProcess.RunAsync(_workDir, "/progress\n", [("Roadmaps__Directory", RepoPaths.Roadmaps)]);

        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("", run.Stderr);
    }
}
