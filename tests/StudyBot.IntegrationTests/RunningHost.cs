using System.Diagnostics;
using System.Text;

namespace StudyBot.IntegrationTests;

/// <summary>A host process left running on the console adapter, its standard input kept open.</summary>
internal sealed class RunningHost : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private RunningHost(Process process)
    {
        _process = process;
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static RunningHost Start(string workDir, params (string Key, string Value)[] env)
    {
        var start = HostProcess.StartInfo(workDir, [("Roadmaps__Directory", RepoPaths.Roadmaps), .. env]);
        var host = new RunningHost(Process.Start(start)!);
        host._process.OutputDataReceived += (_, e) => Append(host._stdout, e.Data);
        host._process.ErrorDataReceived += (_, e) => Append(host._stderr, e.Data);
        host._process.BeginOutputReadLine();
        host._process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Types a command and waits for an answer that contains <paramref name="expected"/>.</summary>
    public async Task SayAsync(string command, string expected)
    {
        var before = Count(Stdout, expected);
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        await Bounded.UntilAsync(
            () => Count(Stdout, expected) > before || _process.HasExited,
            $"the host (pid {_process.Id}) to answer {command} with \"{expected}\"");
        Assert.True(Count(Stdout, expected) > before, $"the host exited before answering {command}; exit code {ExitCodeOrNone()}; stderr: {Stderr}; stdout: {Stdout}");
    }

    /// <summary>Waits until standard error holds <paramref name="expected"/> (a log line), or the host exits.</summary>
    public async Task LoggedAsync(string expected, TimeSpan? timeout = null)
    {
        await Bounded.UntilAsync(
            () => Stderr.Contains(expected, StringComparison.Ordinal) || _process.HasExited,
            $"the host (pid {_process.Id}) to log \"{expected}\"",
            timeout);
        Assert.True(Stderr.Contains(expected, StringComparison.Ordinal), $"the host exited before logging \"{expected}\"; exit code {ExitCodeOrNone()}; stderr: {Stderr}; stdout: {Stdout}");
    }

    /// <summary>Ends the console's input, as the end of a piped script does, and returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        _process.StandardInput.Close();
        await Bounded.WaitAsync(_process.WaitForExitAsync(), $"the host (pid {_process.Id}) to exit at the end of its input");
        return _process.ExitCode;
    }

    /// <summary>SIGKILL on Linux and macOS: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await Bounded.WaitAsync(_process.WaitForExitAsync(), $"the killed host (pid {_process.Id}) to exit");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder into, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (into)
        {
            into.Append(line).Append('\n');
        }
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private string ExitCodeOrNone() => _process.HasExited ? _process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none";
}
