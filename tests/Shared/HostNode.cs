using System.Collections.Concurrent;
using System.Diagnostics;

namespace StudyBot.Testing;

/// <summary>
/// A real host process started by a test that runs several at once (a scale-out test): its id, the process, and the
/// last lines it printed (stdout and stderr together) for failure messages.
/// </summary>
internal sealed class HostNode : IDisposable
{
    private const int Kept = 200;

    private HostNode(string id, Process process)
    {
        Id = id;
        Process = process;
    }

    public string Id { get; }

    public Process Process { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>The last 30 lines it printed.</summary>
    public string Tail => string.Join('\n', Output.TakeLast(30));

    public bool HasExited => Process.HasExited;

    /// <summary>Starts the host as <paramref name="start"/> says and keeps what it prints.</summary>
    public static HostNode Start(string id, ProcessStartInfo start)
    {
        var node = new HostNode(id, Process.Start(start) ?? throw new InvalidOperationException($"could not start host {id}"));
        node.Process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        node.Process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        node.Process.BeginOutputReadLine();
        node.Process.BeginErrorReadLine();
        return node;
    }

    /// <summary>SIGKILL (no shutdown code runs), waited for up to 10 s.</summary>
    public void Kill()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    /// <summary>The Quartz cluster's live nodes on a PostgreSQL database (none before Quartz has made its tables), by name.</summary>
    public static async Task<List<string>> ClusterNodesAsync(string connectionString)
    {
        string printed;
        try
        {
            printed = await Postgres.PsqlAsync(connectionString, "SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = 'StudyBot' ORDER BY instance_name");
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("does not exist", StringComparison.Ordinal))
        {
            return [];
        }

        return [.. printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Output.Enqueue(line);
        while (Output.Count > Kept)
        {
            Output.TryDequeue(out _);
        }
    }
}
