using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Discord.Interactions;

namespace StudyBot.Discord.Tests.Support;

/// <summary>A scripted engine: records what it was asked and answers as told, optionally waiting on a gate.</summary>
internal sealed class FakeCommandRunner : ICommandRunner
{
    public ConcurrentQueue<(MemberRef Who, string Path, IReadOnlyDictionary<string, object> Options)> Runs { get; } = new();

    public ConcurrentQueue<(MemberRef Who, string Text)> TextRuns { get; } = new();

    public ConcurrentQueue<(MemberRef Who, string Path, string Option, string Typed)> Suggests { get; } = new();

    /// <summary>When set, commands wait for it: a slow handler.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public Func<string, Reply> Answer { get; set; } = path => new Reply { Text = $"ran {path}" };

    /// <summary>When set, taking the member's place in line throws it: a bug on the way into the engine.</summary>
    public Exception? ArriveFailure { get; set; }

    public CommandArrival? Arrive(string community, string userId, string interactionId) =>
        ArriveFailure is { } failure ? throw failure : null;

    public IReadOnlyList<Suggestion> Suggestions { get; set; } = [new("NumPy (numpy)", "numpy"), new("Pandas (pandas)", "pandas")];

    public async Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CancellationToken cancellationToken)
    {
        Runs.Enqueue((who, path, options));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Answer(path);
    }

    public async Task<Reply> RunTextAsync(MemberRef who, string text, CancellationToken cancellationToken)
    {
        TextRuns.Enqueue((who, text));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        return Answer(text);
    }

    public Task<IReadOnlyList<Suggestion>> SuggestAsync(MemberRef who, string path, string optionName, string typed, CancellationToken cancellationToken)
    {
        Suggests.Enqueue((who, path, optionName, typed));
        return Task.FromResult(Suggestions);
    }

    public Task<CommunityRef> DirectMessageCommunityAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(new CommunityRef(Platforms.Discord, "dm:" + userId, "Direct messages"));

    public ConcurrentQueue<(MemberRef Who, ReplyNotice Notice)> UndeliveredNotices { get; } = new();

    public Task NoticeUndeliveredAsync(MemberRef who, ReplyNotice notice, CancellationToken cancellationToken)
    {
        UndeliveredNotices.Enqueue((who, notice));
        return Task.CompletedTask;
    }
}

/// <summary>Records a fatal stop instead of setting the test process's exit code.</summary>
internal sealed class RecordingFatalStop : IFatalStop
{
    public TaskCompletionSource<string> Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Stop(string message) => Stopped.TrySetResult(message);
}

/// <summary>Keeps every log line, so tests can check what was (and was not) logged.</summary>
public sealed class ListLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this, categoryName);

    public void Dispose()
    {
    }

    public bool Contains(string text) => Lines.Any(l => l.Message.Contains(text, StringComparison.OrdinalIgnoreCase));

    public string All => string.Join('\n', Lines.Select(l => $"{l.Level} {l.Category}: {l.Message}"));

    private sealed class ListLogger(ListLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((logLevel, category, formatter(state, exception) + (exception is null ? "" : " | " + exception)));
    }
}

public static class Wait
{
    /// <summary>Polls until the condition holds; fails after a generous real-time limit (never a timing assertion).</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? limit = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (limit ?? TimeSpan.FromSeconds(20)))
            {
                throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Timed out after {(limit ?? TimeSpan.FromSeconds(20)).TotalSeconds:0.#} s waiting for {what}"));
            }

            await Task.Delay(10);
        }
    }

    /// <summary>As <see cref="UntilAsync(Func{bool}, string, TimeSpan?)"/>, for a condition that has to ask (a database, a server).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? limit = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > (limit ?? TimeSpan.FromSeconds(20)))
            {
                throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Timed out after {(limit ?? TimeSpan.FromSeconds(20)).TotalSeconds:0.#} s waiting for {what}"));
            }

            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Advances fake time in steps (letting real I/O run between them) until the condition holds: for protocol
    /// timers such as heartbeats, backoffs and invalid-session waits.
    /// </summary>
    public static async Task PumpUntilAsync(FakeTimeProvider time, Func<bool> condition, string what, TimeSpan? step = null, TimeSpan? limit = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > (limit ?? TimeSpan.FromSeconds(20)))
            {
                throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Timed out after {(limit ?? TimeSpan.FromSeconds(20)).TotalSeconds:0.#} s pumping fake time waiting for {what}"));
            }

            time.Advance(step ?? TimeSpan.FromMilliseconds(500));
            await Task.Delay(3);
        }
    }
}
