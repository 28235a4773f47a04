using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Slack.Api;
using StudyBot.Slack.Rendering;

namespace StudyBot.Slack.Inbound;

/// <summary>
/// What StudyBot does with Slack's deliveries, whichever transport brought them (Socket Mode or signed
/// HTTP): slash commands through Core's text parser, buttons running the command their value names, and
/// the App Home dashboard. Transports acknowledge first; this class does the work.
/// </summary>
internal sealed partial class SlackDispatcher(
    CommandExecutor executor,
    SlackUserDirectory users,
    SlackMessenger messenger,
    SlackFiles files,
    SlackBackgroundWork work,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackDispatcher> logger,
    ISeenDeliveries? shared = null,
    StudyBot.Core.Telemetry.StudyBotMetrics? metrics = null) : IDisposable
{
    /// <summary>What a member is told when StudyBot failed before their command ran.</summary>
    public const string Apology = "Sorry, something went wrong on my side and nothing was changed.";

    private readonly SemaphoreSlim _gate = new(options.Value.MaxConcurrentCommands);
    private readonly RecentKeys _events = new(time, RecentKeys.DefaultTtl);

    /// <summary>The apology as a message, for an acknowledgement, a response_url, an ephemeral message or a DM.</summary>
    public static SlackMessage ApologyMessage() => new(Apology, [Section("⚠️ " + Apology)], inChannel: false);

    /// <summary>
    /// Starts a slash command and waits at most <see cref="SlackOptions.InlineReplyWindow"/> for its answer.
    /// Returns the answer when it is ready in time (it then belongs in the acknowledgement); otherwise null,
    /// and the answer is posted to the command's response_url when it is ready.
    /// </summary>
    public async Task<SlackMessage?> StartSlashCommandAsync(SlashCommand command, CancellationToken cancellationToken)
    {
        messenger.ResponseUrlArrived(command.ResponseUrl);

        // The member's place in line is taken on arrival, before the users.info lookup that may be slow.
        var arrival = executor.Arrive(Platforms.Slack, command.TeamId, command.UserId, command.TriggerId);
        // A command that touches no database starts on this thread (it is answered before its first await unless the
        // member lookup must ask Slack); every other one starts on another thread, so one that blocks on the database
        // cannot hold up the acknowledgement past the window below.
        var answer = IsAnsweredFromCatalog(command)
            ? work.RunHere("slash command", ct => AnswerAsync(command, arrival, fromCatalog: true, ct))
            : work.Run("slash command", ct => AnswerAsync(command, arrival, fromCatalog: false, ct));
        var window = options.Value.InlineReplyWindow;
        if (window > TimeSpan.Zero && !answer.IsCompleted)
        {
            try
            {
                await answer.WaitAsync(window, time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Too slow for the acknowledgement: it goes to response_url below.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The request went away; the answer still goes to response_url.
            }
        }

        if (answer.IsCompletedSuccessfully)
        {
            return answer.Result;
        }

        metrics?.Deferred(Platforms.Slack);
        DeliverLater(command, answer);
        return null;
    }

    /// <summary>
    /// Sends an answer that could not go in the acknowledgement (too slow, or the socket closed) to
    /// response_url; if that is missing or refused (expired, 5 uses spent), as an ephemeral message in the
    /// channel, and failing that as a DM, so the answer is not lost.
    /// </summary>
    public void DeliverLater(SlashCommand command, Task<SlackMessage> answer) =>
        work.Run("slash command answer", async ct =>
        {
            var origin = SlackOrigin.Of(command);
            SlackMessage message;
            try
            {
                message = await answer.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogCommandFailed(ex, origin.Command, Platforms.Slack, origin.DeliveryId, origin.TeamId);
                message = ApologyMessage();
            }

            await DeliverAsync(command.ResponseUrl, command.ChannelId, command.UserId, message, origin, ct).ConfigureAwait(false);
        });

    /// <summary>Tells the member of a slash command that failed before it ran, the way <see cref="DeliverLater"/> answers.</summary>
    public void Apologize(SlashCommand command) => DeliverLater(command, Task.FromResult(ApologyMessage()));

    /// <summary>Tells the member who pressed a button that failed before its command ran (response_url, ephemeral, DM).</summary>
    public void Apologize(BlockAction action) =>
        work.Run("button apology", ct => DeliverAsync(action.ResponseUrl, action.ChannelId, action.UserId, ApologyMessage(), SlackOrigin.Of(action), ct));

    /// <summary>
    /// Runs a slash command for its member and renders the reply. An ephemeral answer cannot carry files, so the
    /// reply's files are shared into the member's DM first and the answer says so (or why not). Never throws
    /// except on shutdown.
    /// </summary>
    public Task<SlackMessage> AnswerAsync(SlashCommand command, CancellationToken cancellationToken) =>
        AnswerAsync(command, null, cancellationToken);

    /// <summary>As <see cref="AnswerAsync(SlashCommand, CancellationToken)"/>, in the place the command took in its member's line on arrival.</summary>
    public Task<SlackMessage> AnswerAsync(SlashCommand command, CommandArrival? arrival, CancellationToken cancellationToken) =>
        AnswerAsync(command, arrival, IsAnsweredFromCatalog(command), cancellationToken);

    /// <summary>
    /// The answer; for a command answered from the catalog alone (help), whose reply is the same for everyone who gets
    /// it, the rendering of that very reply is kept (<see cref="BlockKit.RenderKept"/>) rather than done again.
    /// </summary>
    private async Task<SlackMessage> AnswerAsync(SlashCommand command, CommandArrival? arrival, bool fromCatalog, CancellationToken cancellationToken)
    {
        using var place = arrival;
        Reply? reply = null;
        try
        {
            var member = await users.MemberAsync(command.TeamId, command.TeamDomain, command.UserId, command.UserName, cancellationToken).ConfigureAwait(false);
            reply = await RunAsync(member, CommandText(command.Command, command.Text), arrival, cancellationToken).ConfigureAwait(false);
            reply = await files.SendAnswerFilesAsync(reply, command.UserId, cancellationToken).ConfigureAwait(false);
            return fromCatalog ? BlockKit.RenderKept(reply) : BlockKit.Render(reply);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var origin = SlackOrigin.Of(command);
            LogCommandFailed(ex, origin.Command, Platforms.Slack, origin.DeliveryId, origin.TeamId);

            // Once the command has run, the apology would be untrue: the member gets its answer in plain words.
            return reply is null ? ApologyMessage() : PlainAnswer(reply);
        }
    }

    /// <summary>An interactive payload (already acknowledged): a button runs the command its value names. Never throws except on shutdown.</summary>
    public async Task HandleInteractionAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        var action = BlockAction.FromJson(payload);
        if (action is null)
        {
            LogInteractionIgnored(BlockAction.Str(payload, "type") ?? "?");
            return;
        }

        if (action.Value is not { } value || !IsStudyBotCommand(value))
        {
            LogInteractionIgnored("block_actions without a StudyBot command");
            return;
        }

        messenger.ResponseUrlArrived(action.ResponseUrl);
        var origin = SlackOrigin.Of(action);
        Reply? reply = null;
        SlackMessage message;
        try
        {
            using var arrival = executor.Arrive(Platforms.Slack, action.TeamId, action.UserId, action.TriggerId);
            var member = await users.MemberAsync(action.TeamId, action.TeamDomain, action.UserId, action.UserName, cancellationToken).ConfigureAwait(false);
            reply = await RunAsync(member, "/" + value, arrival, cancellationToken).ConfigureAwait(false);
            reply = await files.SendAnswerFilesAsync(reply, action.UserId, cancellationToken).ConfigureAwait(false);
            if (action.FromHomeTab)
            {
                await PublishHomeAsync(member, reply, cancellationToken).ConfigureAwait(false);
                return;
            }

            message = BlockKit.Render(reply);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCommandFailed(ex, origin.Command, Platforms.Slack, origin.DeliveryId, origin.TeamId);
            message = reply is null ? ApologyMessage() : PlainAnswer(reply);
        }

        await DeliverAsync(action.ResponseUrl, action.ChannelId, action.UserId, message, origin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An Events API callback (already acknowledged and deduplicated by the transport). Never throws except on shutdown.</summary>
    public async Task HandleEventAsync(EventCallback callback, CancellationToken cancellationToken)
    {
        try
        {
            if (callback is { EventType: "app_home_opened", Tab: "home", UserId: { } user, TeamId: { } team, BotId: null })
            {
                var member = await users.MemberAsync(team, null, user, null, cancellationToken).ConfigureAwait(false);
                await PublishHomeAsync(member, null, cancellationToken).ConfigureAwait(false);
                return;
            }

            LogEventIgnored(callback.EventType ?? "?");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing to answer: opening a tab is not a command. The next opening tries again.
            LogEventFailed(ex, callback.EventType ?? "?", Platforms.Slack, callback.EventId ?? "-", callback.TeamId ?? "-");
        }
    }

    /// <summary>
    /// Marks an Events API delivery as seen; false for a repeat (a retry whose original already arrived, here or, with
    /// several instances on one database, at another instance).
    /// </summary>
    public async Task<bool> IsFirstDeliveryAsync(string eventId) =>
        _events.TryMark($"event:{eventId}")
        && await SocketMode.SocketEnvelopeHandler.SharedFirstAsync(shared, [$"event:{eventId}"], time, logger).ConfigureAwait(false);

    public void Dispose() => _gate.Dispose();

    /// <summary>Whether the command names (by its catalog words alone) one whose handler reads nothing of the member.</summary>
    internal bool IsAnsweredFromCatalog(SlashCommand command) =>
        executor.AnswersFromCatalog(executor.Parser.PathOf(CommandText(command.Command, command.Text)));

    internal static string CommandText(string command, string text)
    {
        // Slack escapes &, < and > in command text, and phones turn quotes into curly ones.
        var cleaned = Mrkdwn.Unescape(text)
            .Replace('\u201C', '"').Replace('\u201D', '"').Replace('\u201E', '"')
            .Replace('\u2018', '\'').Replace('\u2019', '\'')
            .Replace('\u00A0', ' ')
            .Trim();
        return cleaned.Length == 0 ? command : $"{command} {cleaned}";
    }

    /// <summary>
    /// Delivers an answer that cannot ride in an acknowledgement: to response_url; when there is none, or it is spent,
    /// refused or fails, as an ephemeral message in the channel; failing that, as a DM. A failure of one way (even a
    /// bug) moves on to the next; only when all fail is the answer lost, and that is logged.
    /// </summary>
    private async Task DeliverAsync(string? responseUrl, string? channelId, string userId, SlackMessage message, SlackOrigin origin, CancellationToken cancellationToken)
    {
        if (responseUrl is not null
            && await TryAsync(() => messenger.RespondAsync(responseUrl, message.ToResponse(), cancellationToken), "response_url", origin, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        LogFallback(userId);
        if (!string.IsNullOrEmpty(channelId)
            && await TryAsync(() => messenger.PostEphemeralAsync(channelId, userId, message, cancellationToken), "chat.postEphemeral", origin, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (await TryAsync(async () => (await messenger.PostMessageAsync(userId, message, cancellationToken).ConfigureAwait(false)).Result.Status == DeliveryStatus.Sent, "DM", origin, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        LogAnswerLost(origin.Command, Platforms.Slack, origin.DeliveryId, origin.TeamId);
    }

    private async Task<bool> TryAsync(Func<Task<bool>> send, string way, SlackOrigin origin, CancellationToken cancellationToken)
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeliveryFailed(ex, way, origin.Command, Platforms.Slack, origin.DeliveryId, origin.TeamId);
            return false;
        }
    }

    /// <summary>A reply that ran but could not be rendered: its words, plainly, within Slack's limits.</summary>
    private static SlackMessage PlainAnswer(Reply reply)
    {
        var text = string.Join("\n", new[] { reply.Title, reply.Text }.Where(t => !string.IsNullOrWhiteSpace(t))).Trim();
        if (text.Length > BlockKit.MaxSection)
        {
            text = text[..(char.IsHighSurrogate(text[BlockKit.MaxSection - 1]) ? BlockKit.MaxSection - 1 : BlockKit.MaxSection)];
        }

        return new SlackMessage(text.Length == 0 ? "✅ Done." : text, [], reply.Visibility == Visibility.Public);
    }

    private static JsonObject Section(string text) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text },
    };

    private bool IsStudyBotCommand(string value)
    {
        var first = value.TrimStart('/').Split(' ', 2)[0];
        return executor.Catalog.Root(first) is not null;
    }

    private async Task PublishHomeAsync(MemberRef member, Reply? lastAnswer, CancellationToken cancellationToken)
    {
        var dashboard = await RunAsync(member, "/" + StudyBotCommands.Root, cancellationToken).ConfigureAwait(false);
        await messenger.PublishHomeAsync(member.UserId, BlockKit.HomeView(dashboard, lastAnswer), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Reply> RunAsync(MemberRef member, string text, CancellationToken cancellationToken) =>
        await RunAsync(member, text, null, cancellationToken).ConfigureAwait(false);

    private async Task<Reply> RunAsync(MemberRef member, string text, CommandArrival? arrival, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await executor.RunTextAsync(member, text, arrival, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Command {Command} failed on {Platform} (trigger {DeliveryId}, team {TeamId}); the member is told")]
    private partial void LogCommandFailed(Exception ex, string command, string platform, string deliveryId, string teamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventType} failed on {Platform} (event {EventId}, team {TeamId})")]
    private partial void LogEventFailed(Exception ex, string eventType, string platform, string eventId, string teamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering the answer to {Command} by {Way} failed on {Platform} (trigger {DeliveryId}, team {TeamId}); trying the next way")]
    private partial void LogDeliveryFailed(Exception ex, string way, string command, string platform, string deliveryId, string teamId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The answer to {Command} on {Platform} (trigger {DeliveryId}, team {TeamId}) could not be delivered by response_url, ephemeral message or DM")]
    private partial void LogAnswerLost(string command, string platform, string deliveryId, string teamId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The late answer for {UserId} could not go to response_url; sending it as an ephemeral message or a DM")]
    private partial void LogFallback(string userId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring interactive payload: {Kind}")]
    private partial void LogInteractionIgnored(string kind);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring event {EventType}")]
    private partial void LogEventIgnored(string eventType);
}
