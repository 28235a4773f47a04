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
                : new Folding(inner.CreateLogger(categoryName), this, categoryName.StartsWith("Quartz.", StringComparison.Ordinal), DatabaseFacing(categoryName));

        /// <summary>
        /// Parts that do little but talk to the database: while an outage is known, whatever they log with an exception is
        /// its consequence (a connection that broke mid-transaction fails in its own words). The platform adapters are not
        /// among them: their failures are their own.
        /// </summary>
        private static bool DatabaseFacing(string category) =>
            category.StartsWith("Quartz.", StringComparison.Ordinal)
            || category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)
            || category.StartsWith("StudyBot.Host.Scheduling", StringComparison.Ordinal)
            || category.StartsWith("StudyBot.Core.Notifications", StringComparison.Ordinal)
            || category.StartsWith("StudyBot.Core.Roles", StringComparison.Ordinal)
            || category.StartsWith("StudyBot.Core.Partners", StringComparison.Ordinal)
            || category.StartsWith("StudyBot.Core.Privacy", StringComparison.Ordinal)
            || category == "StudyBot.Host.WarmUp";

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private sealed class Folding(ILogger inner, OutageFoldingLoggerFactory owner, bool quartz, bool databaseFacing) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && logLevel >= LogLevel.Warning && (owner.Outage.Report(exception) || (databaseFacing && owner.Outage.IsDown)))
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
