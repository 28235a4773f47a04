using Microsoft.Extensions.Options;
using StudyBot.Core.Storage;

namespace StudyBot.Host;

/// <summary>
/// Folds every log line that reports the database being unreachable into the outage's one line
/// (<see cref="StoreOutage"/>): EF Core's failed commands, Quartz's store retries and cluster check-ins, a job's or the
/// outbox's failures would otherwise each log the same outage, with a stack trace, every few seconds for as long as
/// it lasts. Any other line, and every line while the database answers, passes through unchanged.
/// </summary>
internal static class StoreOutageLogging
{
    public static IServiceCollection Add(IServiceCollection services) =>
        services.AddSingleton<ILoggerFactory>(sp => new OutageFoldingLoggerFactory(
            new LoggerFactory(
                sp.GetServices<ILoggerProvider>(),
                sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
                sp.GetService<IOptions<LoggerFactoryOptions>>(),
                sp.GetService<IExternalScopeProvider>()),
            sp));

    private sealed class OutageFoldingLoggerFactory(LoggerFactory inner, IServiceProvider services) : ILoggerFactory
    {
        private StoreOutage? _outage;

        /// <summary>Resolved on the first line with an exception: the outage logs through this factory itself.</summary>
        public StoreOutage Outage => _outage ??= services.GetRequiredService<StoreOutage>();

        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(StoreOutage).FullName
                ? inner.CreateLogger(categoryName)
                : new Folding(inner.CreateLogger(categoryName), this, categoryName.StartsWith("Quartz.", StringComparison.Ordinal));

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class Folding(ILogger inner, OutageFoldingLoggerFactory owner, bool quartz) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Warning && owner.Outage.Report(exception))
            {
                return;
            }

            // Quartz's scheduling loop, stopped while it waited out its store's outage, reports the stop's cancellation as
            // an error; a stop is not one.
            if (quartz && exception is OperationCanceledException)
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
