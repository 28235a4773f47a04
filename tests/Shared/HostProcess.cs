using System.Diagnostics;

namespace StudyBot.Testing;

/// <summary>Starts the real host process (<c>dotnet StudyBot.Host.dll</c>) and collects what it printed and how it ended.</summary>
internal static class HostProcess
{
    /// <summary>The host built next to the tests (in a test project that references StudyBot.Host).</summary>
    public static string BuiltHostDll { get; } = Path.Combine(AppContext.BaseDirectory, "StudyBot.Host.dll");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>Standard error without blank lines.</summary>
        public IReadOnlyList<string> StderrLines =>
            Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>
    /// How the host process is started: in <paramref name="workDir"/>, all output redirected as UTF-8, in Production,
    /// as console member Ada, with <paramref name="env"/> as settings and nothing inherited that would change what the
    /// host connects to (tokens, content roots, a database).
    /// </summary>
    public static ProcessStartInfo StartInfo(string workDir, IEnumerable<(string Key, string Value)> env, string? hostDll = null, IEnumerable<string>? arguments = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
            StandardErrorEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(hostDll ?? BuiltHostDll);
        foreach (var argument in arguments ?? [])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Console__User"] = "Ada";
        foreach (var inherited in new[] { "Discord__Token", "Slack__BotToken", "DOTNET_CONTENTROOT", "ASPNETCORE_CONTENTROOT", "Database__ConnectionString" })
        {
            start.Environment.Remove(inherited);
        }

        // An OpenTelemetry exporter set up on the machine running the tests must not receive the tests' telemetry (nor
        // make a host's behaviour depend on it): tests that want OTLP set it themselves.
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        // The web pages' own listener (http://127.0.0.1:5080 in a run of the bot) would collide between tests running side
        // by side: off unless a test turns it on (Web__Enabled=true, Web__Urls=http://127.0.0.1:0).
        foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("Web__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["Web__Enabled"] = "false";
        foreach (var (key, value) in env)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    /// <param name="workDir">The process's working directory.</param>
    /// <param name="input">Written to standard input.</param>
    /// <param name="env">Settings as environment variables (<c>Section__Key</c>).</param>
    /// <param name="hostDll">Another copy of the host, e.g. in a folder with its own appsettings.json.</param>
    /// <param name="closeInput">
    /// False keeps standard input open after <paramref name="input"/>, so the console never reaches the end of its
    /// input: the process then ends only if something else stops it.
    /// </param>
    /// <param name="arguments">Command-line arguments after the program, e.g. <c>db copy --from ...</c>.</param>
    public static async Task<Result> RunAsync(
        string workDir,
        string input,
        IEnumerable<(string Key, string Value)> env,
        string? hostDll = null,
        bool closeInput = true,
        IEnumerable<string>? arguments = null)
    {
        var start = StartInfo(workDir, env, hostDll, arguments);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteAsync(input);
            await process.StandardInput.FlushAsync();
            if (closeInput)
            {
                process.StandardInput.Close();
            }
        }
        catch (IOException)
        {
            // The host stopped before reading its input (a start-up failure): what it printed says why.
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"the host process (working directory {workDir}) did not exit within 90 s; stderr: {await stderr}; stdout: {await stdout}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
