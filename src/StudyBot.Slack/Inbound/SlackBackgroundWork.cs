using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StudyBot.Slack.Inbound;

/// <summary>
/// Work that runs after Slack has been acknowledged (the command, the response_url post, a Home refresh).
/// Nothing is fire-and-forget: every task is tracked, its failure logged, and shutdown waits for what is in
/// flight (up to the host's shutdown timeout) before cancelling the rest.
/// </summary>
internal sealed partial class SlackBackgroundWork(ILogger<SlackBackgroundWork> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, Task> _running = new();
    private long _next;

    public int InFlight => _running.Count;

    public Task<T> Run<T>(string what, Func<CancellationToken, Task<T>> work)
    {
        var task = Task.Run(() => work(_stopping.Token), CancellationToken.None);
        Track(what, task);
        return task;
    }

    /// <summary>
    /// As <see cref="Run{T}"/>, but starts the work on the calling thread (no thread hop): only for work that does not
    /// block before its first await. Tracked (and its failure logged) unless it is already done when it returns.
    /// </summary>
    public Task<T> RunHere<T>(string what, Func<CancellationToken, Task<T>> work)
    {
        Task<T> task;
        try
        {
            task = work(_stopping.Token);
        }
        catch (Exception ex)
        {
            task = Task.FromException<T>(ex);
        }

        if (!task.IsCompletedSuccessfully)
        {
            Track(what, task);
        }

        return task;
    }

    public void Run(string what, Func<CancellationToken, Task> work) =>
        Track(what, Task.Run(() => work(_stopping.Token), CancellationToken.None));

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_running.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogAbandoned(_running.Count);
        }
        catch (Exception)
        {
            // Each failure was already logged where it happened.
        }
        finally
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private void Track(string what, Task task)
    {
        var id = Interlocked.Increment(ref _next);
        _running[id] = task;
        _ = task.ContinueWith(
            t =>
            {
                _running.TryRemove(id, out _);
                if (t.IsFaulted && t.Exception is { } ex)
                {
                    LogFailed(ex.GetBaseException(), what);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Slack background work '{What}' failed")]
    private partial void LogFailed(Exception ex, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutting down with {Count} Slack task(s) still running; they are cancelled")]
    private partial void LogAbandoned(int count);
}
