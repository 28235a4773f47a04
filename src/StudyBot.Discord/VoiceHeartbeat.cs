using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Voice;

namespace StudyBot.Discord;

/// <summary>
/// The voice study rooms' heartbeat, in every process that runs gateway shards (not a clustered Quartz job: only the
/// process holding a guild's shard sees its members): every <see cref="Interval"/>, while this process's gateway
/// connections are up, the open intervals of the guilds it serves are marked as seen, so an outage closes them where
/// the bot last saw the member; it also counts closed intervals still uncounted.
/// </summary>
internal sealed partial class VoiceHeartbeat(IServiceProvider services, TimeProvider time, ILogger<VoiceHeartbeat> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (services.GetService<VoiceRoomService>() is not { } voice)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await voice.HeartbeatAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The voice study rooms' heartbeat failed; it runs again in a minute")]
    private partial void LogFailed(Exception ex);
}
