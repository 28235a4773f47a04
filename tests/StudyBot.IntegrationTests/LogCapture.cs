using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StudyBot.IntegrationTests;

internal sealed record LogLine(LogLevel Level, string Category, string Message, Exception? Exception)
{
    /// <summary>The line as the console logger would print it, exception included.</summary>
    public string Text => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
}

/// <summary>Keeps every log line at every level, so tests can check what an operator would see and what no log may hold.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue(new LogLine(logLevel, category, formatter(state, exception), exception));
            }
        }
    }
}
