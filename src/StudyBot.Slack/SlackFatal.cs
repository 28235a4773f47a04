using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace StudyBot.Slack;

/// <summary>
/// Stops the process when Slack says the adapter can never work as configured (a revoked token, Socket Mode
/// switched off). Runs once: logs the reason as Critical, sets exit code 1 and stops the host.
/// </summary>
internal sealed partial class SlackFatal(IHostApplicationLifetime lifetime, ILogger<SlackFatal> logger)
{
    private int _stopped;

    public bool IsStopping => Volatile.Read(ref _stopped) == 1;

    public string? Reason { get; private set; }

    public void Stop(string message)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Reason = message;
        LogFatal(message);
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Slack adapter stopped: {Reason}")]
    private partial void LogFatal(string reason);
}
