using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace StudyBot.Discord.LoadTest;

/// <summary>
/// One system under test in issue 14's peers run: a process on 127.0.0.1 whose CPU time is read from /proc. StudyBot is
/// started through <see cref="Hosts"/>; the floor (<c>dotnet StudyBot.Floor.dll</c>) and the Node.js peers
/// (<c>node app.js</c>) through <see cref="StartAsync"/>. Disposing stops the process (and anything it started) with a
/// bounded wait.
/// </summary>
internal sealed class PeerServer : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    private readonly Process? _process;
    private readonly Hosts? _hosts;
    private readonly ConcurrentQueue<string> _output = new();

    private PeerServer(string name, Uri address, Process? process, Hosts? hosts)
    {
        Name = name;
        Address = address;
        _process = process;
        _hosts = hosts;
    }

    public string Name { get; }

    public Uri Address { get; }

    public int ProcessId => _process?.Id ?? _hosts!.ProcessIds.Single();

    /// <summary>User + system CPU seconds of the server process so far.</summary>
    public double CpuSeconds() => _hosts?.CpuSeconds() ?? InteractionLoad.CpuSeconds(_process!.Id);

    public bool HasExited => _process?.HasExited ?? _hosts!.AnyExited;

    /// <summary>The last lines the process wrote, for a report when it fails.</summary>
    public string Tail => string.Join('\n', _hosts is null ? _output.TakeLast(30) : _hosts.Stderr.TakeLast(30));

    /// <summary>StudyBot, already started and healthy.</summary>
    public static PeerServer Of(Hosts hosts) => new("StudyBot", hosts.Client(0).BaseAddress!, null, hosts);

    /// <summary>Starts <paramref name="fileName"/> and waits (bounded) until its port accepts connections; null if it never did.</summary>
    public static async Task<PeerServer?> StartAsync(string name, string fileName, IReadOnlyList<string> arguments, string workingDirectory, int port, IReadOnlyDictionary<string, string> environment, ILogger log)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var server = new PeerServer(name, new Uri($"http://127.0.0.1:{port}"), process, null);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < ReadyTimeout && !process.HasExited)
        {
            if (await AcceptsAsync(port))
            {
                return server;
            }

            await Task.Delay(100);
        }

        Log.Problem(log, $"{name} did not listen on 127.0.0.1:{port} within {ReadyTimeout.TotalSeconds:0} s{(process.HasExited ? $" (it exited with {process.ExitCode})" : "")}:\n{server.Tail}");
        await server.DisposeAsync();
        return null;
    }

    /// <summary>Whether <paramref name="command"/> runs at all (e.g. <c>node --version</c>), within 10 s.</summary>
    public static async Task<string?> VersionAsync(string command)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null)
            {
                return null;
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_hosts is not null)
        {
            await _hosts.DisposeAsync();
            return;
        }

        var process = _process!;
        try
        {
            process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(StopTimeout);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"{Name} (pid {process.Id}) did not exit within {StopTimeout.TotalSeconds:0} s of SIGKILL.");
        }

        process.Dispose();
    }
}
