using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Slack.Api;
using StudyBot.Slack.Inbound;

namespace StudyBot.Slack;

/// <summary>
/// auth.test at start: a refused bot token stops the host with one line naming Slack:BotToken (and exit code 1);
/// the answer tells StudyBot its own user id and workspace. In Socket Mode it runs before any socket opens. In HTTP
/// mode it runs beside the start, so the endpoint listens at once (issue 14: ready sooner): nothing an HTTP command
/// does needs its answer, and a refused token stops the host just the same, with the same line.
/// </summary>
internal sealed partial class SlackStartupCheck(
    SlackApiClient api,
    SlackWorkspace workspace,
    SlackFatal fatal,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackStartupCheck> logger) : IHostedService, IDisposable
{
    private const int Attempts = 4;

    private readonly CancellationTokenSource _stopping = new();
    private Task _check = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.ParsedMode != SlackMode.Http)
        {
            return CheckAsync(cancellationToken);
        }

        _check = Task.Run(() => CheckAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _check.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while Slack was still being asked: nothing to report.
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        SlackApiResponse response = null!;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            response = await api.CallAsync(new SlackApiCall("auth.test") { StopOnFatal = false }, cancellationToken).ConfigureAwait(false);
            if (response.Outcome is not (SlackOutcome.Transient or SlackOutcome.RateLimited) || attempt == Attempts)
            {
                break;
            }

            var wait = response.RetryAfter ?? Backoff.Delay(attempt, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
            LogRetrying(response.Error, wait.TotalSeconds);
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        switch (response.Outcome)
        {
            case SlackOutcome.Ok:
                workspace.TeamId = response.String("team_id");
                workspace.TeamName = response.String("team");
                workspace.BotUserId = response.String("user_id");
                workspace.BotId = response.String("bot_id");
                LogConnected(workspace.TeamName ?? "?", workspace.TeamId ?? "?", workspace.BotUserId ?? "?");
                return;
            case SlackOutcome.Fatal:
                fatal.StopAtStart($"Slack refused Slack:BotToken ({response.Error}). Reinstall the app to the workspace, copy the Bot User OAuth Token (xoxb-…) and set it as Slack__BotToken.");
                return;
            case SlackOutcome.Transient or SlackOutcome.RateLimited:
                fatal.StopAtStart($"Slack's Web API could not be reached to check Slack:BotToken ({response.Error}); check the network and Slack:ApiBaseUrl.");
                return;
            default:
                fatal.StopAtStart($"Slack rejected auth.test for Slack:BotToken ({response.Error}).");
                return;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Slack: signed in to workspace {Team} ({TeamId}) as bot user {UserId}")]
    private partial void LogConnected(string team, string teamId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "auth.test failed ({Error}); retrying in {Seconds:0.#} s")]
    private partial void LogRetrying(string? error, double seconds);
}
