using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StudyBot.Slack;

/// <summary>
/// Stops the process when Slack says the adapter can never work as configured (a revoked token, Socket Mode
/// switched off). Runs once: logs the reason as Critical, sets exit code 1 and stops the host. At start-up it is
/// used instead of throwing from StartAsync, which would make the host log the exception with its stack trace: an
/// operator who set a wrong token gets one line that says what to fix, and nothing else at warning or above.
/// </summary>
internal sealed partial class SlackFatal(IHostApplicationLifetime lifetime, ILogger<SlackFatal> logger)
{
    private int _stopped;

    public bool IsStopping => Volatile.Read(ref _stopped) == 1;

    public string? Reason { get; private set; }

    public void Stop(string message) => Stop(message, atStart: false);

    /// <summary>The adapter cannot start: the same stop, logged as "StudyBot cannot start: …".</summary>
    public void StopAtStart(string message) => Stop(message, atStart: true);

    private void Stop(string message, bool atStart)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Reason = message;
        if (atStart)
        {
            LogCannotStart(message);
        }
        else
        {
            LogFatal(message);
        }

        Environment.ExitCode = 1;
        if (atStart)
        {
            // Stopping in the middle of start-up cancels the hosted services still starting (Kestrel's bind among
            // them), which the host then logs as a failure with a stack trace. Once started, the host stops at once.
            lifetime.ApplicationStarted.Register(lifetime.StopApplication);
        }
        else
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Slack adapter stopped: {Reason}")]
    private partial void LogFatal(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "StudyBot cannot start: {Reason}")]
    private partial void LogCannotStart(string reason);
}
