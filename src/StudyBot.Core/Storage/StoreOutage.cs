using Microsoft.Extensions.Logging;

namespace StudyBot.Core.Storage;

/// <summary>
/// Tells an outage of the database (it cannot be reached: nothing listens, the server is shutting down or starting, a
/// connection broke) from a bug. Implemented by the data layer, which knows its providers' errors.
/// </summary>
public interface IStoreFaults
{
    /// <summary>True when <paramref name="exception"/> (or one inside it) says the database cannot be reached right now.</summary>
    bool IsUnavailable(Exception exception);

    /// <summary>What went wrong, in one line fit for a log: no connection string, no password, no member text.</summary>
    string Describe(Exception exception);

    /// <summary>
    /// An outage began: connections kept for reuse may be dead (the server went away under them), so they are dropped,
    /// and the first statement after the outage opens a new one instead of failing on an old one.
    /// </summary>
    void DropIdleConnections();
}

/// <summary>
/// The database's outages as the operator sees them: the first failure that means "cannot be reached" is logged once,
/// with what happened; every later one while it lasts is quiet (commands answer "try again in a minute", scheduled work
/// waits for its next run); the first statement that succeeds again logs that it is over and how long it took. So an
/// outage of an hour is two lines, not one per job run and command.
/// </summary>
public sealed partial class StoreOutage(IStoreFaults faults, TimeProvider time, ILogger<StoreOutage>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    private readonly Lock _lock = new();
    private long? _since;
    private long _outages;
    private long _dropped;

    /// <summary>How many outages have begun.</summary>
    public long Outages => Interlocked.Read(ref _outages);

    /// <summary>
    /// What a connection being opened is marked with: the last outage whose kept connections have been dropped. Only a
    /// connection opened after the current outage's drop (<see cref="CanEnd"/>) is one the outage did not break: while a
    /// server shuts down, a connection from before (or one taken from the pool before the drop ended) may still get a
    /// late answer, and that must not end the outage only for the next statement to start it again.
    /// </summary>
    public long ConnectionMark => Interlocked.Read(ref _dropped);

    /// <summary>Whether a statement answered on a connection opened with <paramref name="mark"/> ends the current outage.</summary>
    public bool CanEnd(long mark) => mark == Outages;

    /// <summary>Whether an outage has been reported and nothing has succeeded since.</summary>
    public bool IsDown
    {
        get
        {
            lock (_lock)
            {
                return _since is not null;
            }
        }
    }

    /// <summary>Whether <paramref name="exception"/> means the database cannot be reached (without reporting it).</summary>
    public bool IsUnavailable(Exception exception) => faults.IsUnavailable(exception);

    /// <summary>
    /// Reports a failure: true when it is an outage (logged once, at its start), false when it is something else, for
    /// the caller to handle as it would any fault.
    /// </summary>
    public bool Report(Exception exception)
    {
        if (!faults.IsUnavailable(exception))
        {
            return false;
        }

        long number;
        lock (_lock)
        {
            if (_since is not null)
            {
                return true;
            }

            _since = time.GetTimestamp();
            number = Interlocked.Increment(ref _outages);
        }

        faults.DropIdleConnections();
        lock (_lock)
        {
            if (number > _dropped)
            {
                Interlocked.Exchange(ref _dropped, number);
            }
        }

        LogDown(_logger, faults.Describe(exception));
        return true;
    }

    /// <summary>The database answered: an outage, if one was reported, is over. Cheap when there is none.</summary>
    public void Answered()
    {
        long since;
        lock (_lock)
        {
            if (_since is not { } started)
            {
                return;
            }

            since = started;
            _since = null;
        }

        LogUp(_logger, time.GetElapsedTime(since).TotalSeconds);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The database cannot be reached ({Error}); commands are answered \"try again in a minute\" and scheduled work waits until it is back, so nothing is lost. StudyBot carries on by itself when it answers again")]
    private static partial void LogDown(ILogger logger, string error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "The database is reachable again after {Seconds:0} s; StudyBot carries on")]
    private static partial void LogUp(ILogger logger, double seconds);
}

/// <summary>Where no data layer says otherwise: nothing is an outage.</summary>
internal sealed class NoStoreFaults : IStoreFaults
{
    public bool IsUnavailable(Exception exception) => false;

    public string Describe(Exception exception) => exception.GetType().Name;

    public void DropIdleConnections()
    {
    }
}
