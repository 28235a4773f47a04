using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Localization;
using StudyBot.Core.Telemetry;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rendering;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord.Interactions;

/// <summary>Delivers the one initial response of an interaction: a REST callback (gateway) or the HTTP answer.</summary>
internal interface IInteractionResponder
{
    Task<CallbackOutcome> RespondAsync(InteractionResponse response, CancellationToken cancellationToken);
}

/// <summary>Gateway mode: the answer is a POST to the interaction's callback URL.</summary>
internal sealed class CallbackResponder(DiscordRestClient rest, Interaction interaction) : IInteractionResponder
{
    public Task<CallbackOutcome> RespondAsync(InteractionResponse response, CancellationToken cancellationToken) =>
        rest.CreateInteractionResponseAsync(interaction.Id, interaction.Token, response, cancellationToken);
}

/// <summary>
/// Runs an interaction against the engine and answers it exactly once within Discord's 3 seconds: a message
/// (type 4) when the command is done within <see cref="DiscordOptions.DeferAfter"/>, otherwise a deferral
/// (type 5, ephemeral) followed by an edit of <c>@original</c>. Follow-ups go out one by one after the answer, each
/// on its own (a failing one is logged, the rest still go). Autocomplete gets type 8 with at most 25 choices;
/// buttons run the command their custom_id names.
/// </summary>
internal sealed partial class InteractionProcessor(
    ICommandRunner runner,
    DiscordRestClient rest,
    RecentIds recent,
    GuildDirectory guilds,
    DmReachability dms,
    IOptions<DiscordOptions> options,
    TimeProvider time,
    ILogger<InteractionProcessor> logger,
    ISeenDeliveries? shared = null,
    StudyBot.Core.Telemetry.StudyBotMetrics? metrics = null)
{
    /// <summary>Autocomplete cannot be deferred: after this, answer with no choices rather than not at all.</summary>
    public static readonly TimeSpan AutocompleteBudget = TimeSpan.FromSeconds(2);

    /// <summary>What a member is told when handling their interaction failed on StudyBot's side (a bug).</summary>
    public const string Apology = "Sorry, something went wrong on my side and nothing was changed.";

    private readonly Lock _lock = new();
    private readonly HashSet<Task> _inFlight = [];
    private readonly TimeSpan _deferAfter = options.Value.DeferAfter;
    private long _handled;

    /// <summary>Interactions answered (or given up on) so far.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight.Count;
            }
        }
    }

    /// <summary>True the first time an interaction id is seen; a duplicate is never answered again.</summary>
    public bool TryClaim(ulong interactionId)
    {
        if (recent.TryClaim(interactionId))
        {
            return true;
        }

        LogDuplicate(interactionId);
        return false;
    }

    /// <summary>
    /// As <see cref="TryClaim"/>, and with several instances on one database (HTTP interactions behind a load balancer)
    /// also across instances: a signed request replayed to another instance is refused there too. When the database
    /// cannot be asked, the interaction is taken (its receipt still applies a command once).
    /// </summary>
    public async Task<bool> TryClaimSharedAsync(ulong interactionId)
    {
        if (!TryClaim(interactionId))
        {
            return false;
        }

        if (shared is null)
        {
            return true;
        }

        try
        {
            // Bounded, so the answer stays inside Discord's 3 seconds even when the database does not answer.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), time);
            if (await shared.TryMarkAsync([string.Create(System.Globalization.CultureInfo.InvariantCulture, $"discord:interaction:{interactionId}")], RecentIds.Retention, timeout.Token))
            {
                return true;
            }
        }
        catch (Exception ex)
        {
            LogSharedClaimFailed(ex, ex.GetType().Name);
            return true;
        }

        LogDuplicate(interactionId);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check with the database whether another instance saw this interaction ({Error}); handling it (its receipt still applies a command once)")]
    private partial void LogSharedClaimFailed(Exception ex, string error);

    /// <summary>Starts processing in the background (tracked for shutdown) and returns the task.</summary>
    public Task Start(Interaction interaction, IInteractionResponder responder, CancellationToken cancellationToken)
    {
        var received = time.GetTimestamp();

        // The member's place in line is taken here, in arrival order, before the thread hop. A failure here is a bug:
        // it is handled (logged, apologised for) with the interaction, never thrown at the gateway's receive loop.
        CommandArrival? arrival = null;
        Exception? arrivalFailure = null;
        try
        {
            arrival = interaction.Type is InteractionTypes.ApplicationCommand or InteractionTypes.MessageComponent && interaction.Invoker is { } user
                ? runner.Arrive(interaction.GuildId is { } guild ? Snowflake.Format(guild) : "dm", Snowflake.Format(user.Id), Snowflake.Format(interaction.Id))
                : null;
        }
        catch (Exception ex)
        {
            arrivalFailure = ex;
        }

        var task = Task.Run(() => ProcessAsync(interaction, responder, received, arrival, arrivalFailure, cancellationToken), CancellationToken.None);
        lock (_lock)
        {
            _inFlight.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_lock)
                {
                    _inFlight.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return task;
    }

    /// <summary>Waits for interactions being answered, up to <paramref name="grace"/>.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        Task[] pending;
        lock (_lock)
        {
            pending = [.. _inFlight];
        }

        if (pending.Length > 0)
        {
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(grace, time));
        }
    }

    private async Task ProcessAsync(Interaction interaction, IInteractionResponder responder, long received, CommandArrival? arrival, Exception? arrivalFailure, CancellationToken cancellationToken)
    {
        var commandStarted = false;
        var state = new AnswerState();

        // The adapter's span: a command's trace starts here over the gateway (over HTTP, under ASP.NET Core's request).
        using var span = StudyBotTrace.Source.StartActivity("discord interaction");
        span?.SetTag("studybot.platform", Platforms.Discord);
        span?.SetTag("studybot.interaction", interaction.Type switch
        {
            InteractionTypes.Ping => "ping",
            InteractionTypes.ApplicationCommand => "command",
            InteractionTypes.MessageComponent => "component",
            InteractionTypes.Autocomplete => "autocomplete",
            InteractionTypes.ModalSubmit => "modal",
            _ => "other",
        });
        try
        {
            if (arrivalFailure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(arrivalFailure);
            }

            if (interaction.Invoker is { } user)
            {
                dms.Clear(user.Id);
            }

            switch (interaction.Type)
            {
                case InteractionTypes.Ping:
                    await responder.RespondAsync(InteractionResponse.Pong, cancellationToken);
                    break;
                case InteractionTypes.Autocomplete:
                    await AutocompleteAsync(interaction, responder, received, state, cancellationToken);
                    break;
                case InteractionTypes.ApplicationCommand:
                case InteractionTypes.MessageComponent:
                    commandStarted = true;
                    await CommandAsync(interaction, responder, received, arrival, state, cancellationToken);
                    break;
                default:
                    await responder.RespondAsync(Message(Reply.Info("Sorry, I can't handle that kind of interaction."), ephemeral: true), cancellationToken);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogCancelled(interaction.Id);
        }
        catch (DiscordApiException ex) when (ex.InteractionTokenInvalid)
        {
            // Past the token's 15 minutes nothing more can reach the member on this interaction; the bot token is fine.
            LogTokenExpired(interaction.Id, Describe(interaction));
        }
        catch (Exception ex) when (ex is DiscordApiException or DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordAuthException)
        {
            // Discord itself refused or failed: a second message would meet the same fate.
            LogFailed(ex, interaction.Id, interaction.Type);
        }
        catch (Exception ex)
        {
            // A bug. Logged without the member's words (their options stay out), and the member hears of it.
            LogUnexpected(ex, Describe(interaction), Platforms.Discord, interaction.Id, interaction.GuildId is { } guildId ? Snowflake.Format(guildId) : "dm");
            await ApologizeAsync(interaction, responder, state, cancellationToken);
        }
        finally
        {
            // Once the command started, RunAsync hands the member's place back when it is done; this covers the rest.
            if (!commandStarted)
            {
                arrival?.Dispose();
            }

            Interlocked.Increment(ref _handled);
        }
    }

    /// <summary>What the member has been shown so far, so a failure is still answered once, in the way Discord allows.</summary>
    private sealed class AnswerState
    {
        /// <summary>A callback was accepted: a second one would be refused (40060).</summary>
        public volatile bool Acknowledged;

        /// <summary>That callback was a deferral, so the answer is an edit of <c>@original</c>.</summary>
        public volatile bool Deferred;

        /// <summary>The member saw an answer (a message, or the edit of the deferral).</summary>
        public volatile bool Completed;

        /// <summary>The command is answered from the catalog alone (help): its reply is everyone's, and so is its rendering.</summary>
        public volatile bool FromCatalog;
    }

    /// <summary>
    /// Tells the member that something failed: within the 3 seconds when nothing was acknowledged yet (autocomplete gets
    /// no choices, as it takes no message), else by editing the deferred answer. Never throws.
    /// </summary>
    private async Task ApologizeAsync(Interaction interaction, IInteractionResponder responder, AnswerState state, CancellationToken cancellationToken)
    {
        var apology = Reply.Error(Text.Get(ReaderCulture(interaction), "Executor.Failed"));
        try
        {
            if (!state.Acknowledged)
            {
                var response = interaction.Type switch
                {
                    InteractionTypes.Ping => InteractionResponse.Pong,
                    InteractionTypes.Autocomplete => new InteractionResponse(CallbackTypes.AutocompleteResult, new AutocompleteData([])),
                    _ => Message(apology, ephemeral: true),
                };
                await responder.RespondAsync(response, cancellationToken);
            }
            else if (state.Deferred && !state.Completed)
            {
                await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, MessageRenderer.Render(apology, ephemeral: true), cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogApologyFailed(ex, interaction.Id);
        }
    }

    /// <summary>The language of what this adapter says itself (an apology, an unreadable command): the interaction's locale, else English.</summary>
    private static System.Globalization.CultureInfo ReaderCulture(Interaction interaction) => Languages.Culture(Languages.Resolve(null, interaction.Locale, null));

    /// <summary>The command's name as the catalog knows it (never the member's option values), for logs.</summary>
    private static string Describe(Interaction interaction)
    {
        try
        {
            return interaction.Type switch
            {
                InteractionTypes.ApplicationCommand or InteractionTypes.Autocomplete => InteractionCommandReader.Read(interaction.Data)?.Path ?? "(no command)",
                InteractionTypes.MessageComponent => "button",
                InteractionTypes.ModalSubmit => "modal",
                InteractionTypes.Ping => "ping",
                _ => $"type {interaction.Type}",
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or ArgumentException)
        {
            return interaction.Data?.Name ?? "(unreadable command)";
        }
    }

    private async Task CommandAsync(Interaction interaction, IInteractionResponder responder, long received, CommandArrival? arrival, AnswerState state, CancellationToken cancellationToken)
    {
        using var workCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var work = RunAsync(interaction, arrival, state, workCancellation.Token);
        var remaining = _deferAfter - time.GetElapsedTime(received);
        if (remaining > TimeSpan.Zero && !work.IsCompleted)
        {
            using var timerCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(work, Task.Delay(remaining, time, timerCancellation.Token));
            await timerCancellation.CancelAsync();
        }

        Reply? reply = null;
        var answered = false;
        try
        {
            if (work.IsCompleted && (await work).Attachments.Count == 0)
            {
                reply = await work;
                var ephemeral = reply.Visibility == Visibility.Private;
                var outcome = await responder.RespondAsync(state.FromCatalog ? MessageRenderer.RenderKept(reply, ephemeral) : Message(reply, ephemeral), cancellationToken);
                if (!Answered(outcome, interaction))
                {
                    return;
                }

                state.Acknowledged = true;
            }
            else if (work.IsCompleted)
            {
                // Files cannot ride on an HTTP-mode answer, so a reply with files is always a deferral and an edit.
                reply = await work;
                var outcome = await responder.RespondAsync(new InteractionResponse(CallbackTypes.DeferredChannelMessage, new DeferData(reply.Visibility == Visibility.Private ? MessageFlags.Ephemeral : 0)), cancellationToken);
                if (!Answered(outcome, interaction))
                {
                    return;
                }

                state.Acknowledged = true;
                state.Deferred = true;
                metrics?.Deferred(Platforms.Discord);
                await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, MessageRenderer.Render(reply, ephemeral: reply.Visibility == Visibility.Private), cancellationToken);
            }
            else
            {
                // Ephemeral is fixed by the deferral; personal answers are the common case.
                var outcome = await responder.RespondAsync(new InteractionResponse(CallbackTypes.DeferredChannelMessage, new DeferData(MessageFlags.Ephemeral)), cancellationToken);
                if (!Answered(outcome, interaction))
                {
                    await workCancellation.CancelAsync();

                    // The command may have finished (and saved) all the same: its notices were not shown.
                    reply = await SettledAsync(work);
                    return;
                }

                state.Acknowledged = true;
                state.Deferred = true;
                metrics?.Deferred(Platforms.Discord);
                LogDeferred(interaction.Id, _deferAfter.TotalMilliseconds);
                reply = await work;
                await rest.EditOriginalResponseAsync(interaction.ApplicationId, interaction.Token, MessageRenderer.Render(reply, ephemeral: true), cancellationToken);
            }

            answered = true;
            state.Completed = true;
        }
        finally
        {
            if (!answered && reply is { FollowUps.Count: > 0 })
            {
                await ReportUndeliveredAsync(interaction, reply.FollowUps, cancellationToken);
            }
        }

        await FollowUpAsync(interaction, reply.FollowUps, cancellationToken);
    }

    /// <summary>
    /// Sends each follow-up on its own: one that fails (after the REST client's retries of 5xx, 429 and network
    /// errors) is logged and the next one still goes out. Notices among the failed ones are reported to the engine.
    /// </summary>
    private async Task FollowUpAsync(Interaction interaction, IReadOnlyList<Reply> followUps, CancellationToken cancellationToken)
    {
        List<Reply>? undelivered = null;
        for (var i = 0; i < followUps.Count; i++)
        {
            var followUp = followUps[i];
            try
            {
                await rest.CreateFollowupAsync(interaction.ApplicationId, interaction.Token, MessageRenderer.Render(followUp, ephemeral: followUp.Visibility == Visibility.Private), cancellationToken);
            }
            catch (DiscordApiException ex) when (ex.InteractionTokenInvalid)
            {
                // The token's 15 minutes are over: none of the rest can go out either.
                LogTokenExpired(interaction.Id, Describe(interaction));
                (undelivered ??= []).AddRange(followUps.Skip(i));
                break;
            }
            catch (Exception ex) when (ex is DiscordApiException or DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordAuthException)
            {
                LogFollowUpFailed(interaction.Id, i + 1, followUps.Count, ex.Message);
                (undelivered ??= []).Add(followUp);
            }
        }

        if (undelivered is not null)
        {
            await ReportUndeliveredAsync(interaction, undelivered, cancellationToken);
        }
    }

    /// <summary>Tells the engine which of its notices never reached the member, so they stay pending.</summary>
    private async Task ReportUndeliveredAsync(Interaction interaction, IEnumerable<Reply> replies, CancellationToken cancellationToken)
    {
        foreach (var notice in replies.Select(r => r.Notice).Where(n => n != ReplyNotice.None).Distinct())
        {
            try
            {
                var member = await MemberAsync(interaction, cancellationToken);
                await runner.NoticeUndeliveredAsync(member, notice, cancellationToken);
                LogNoticeKept(interaction.Id, notice);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                LogNoticeNotKept(ex, interaction.Id, notice);
            }
        }
    }

    private static async Task<Reply?> SettledAsync(Task<Reply> work)
    {
        try
        {
            return await work;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<Reply> RunAsync(Interaction interaction, CommandArrival? arrival, AnswerState state, CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(interaction, arrival, state, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // The engine answers bad input itself; reaching here is a bug, but the member still gets an answer.
            LogEngineFailed(ex, Describe(interaction), Platforms.Discord, interaction.Id, interaction.GuildId is { } guildId ? Snowflake.Format(guildId) : "dm");
            return Reply.Error(Text.Get(ReaderCulture(interaction), "Executor.Failed"));
        }
        finally
        {
            // The member's next command may start (the engine already let go of the place; this covers a failure before it).
            arrival?.Dispose();
        }
    }

    private async Task<Reply> RunCoreAsync(Interaction interaction, CommandArrival? arrival, AnswerState state, CancellationToken cancellationToken)
    {
        var member = await MemberAsync(interaction, cancellationToken);
        if (interaction.Type == InteractionTypes.MessageComponent)
        {
            var customId = interaction.Data?.CustomId;
            return string.IsNullOrWhiteSpace(customId)
                ? Reply.Error(Text.Get(ReaderCulture(interaction), "Adapters.ButtonDoesNothing"))
                : await runner.RunTextAsync(member, "/" + customId, arrival, cancellationToken);
        }

        var command = InteractionCommandReader.Read(interaction.Data);
        if (command is null)
        {
            return Reply.Error(Text.Get(ReaderCulture(interaction), "Adapters.Unreadable"));
        }

        state.FromCatalog = runner.AnswersFromCatalog(command.Path);
        return await runner.RunTypedAsync(member, command.Path, command.Options, arrival, cancellationToken);
    }

    private async Task AutocompleteAsync(Interaction interaction, IInteractionResponder responder, long received, AnswerState state, CancellationToken cancellationToken)
    {
        var command = InteractionCommandReader.Read(interaction.Data);
        IReadOnlyList<AutocompleteChoice> choices = [];
        if (command?.Focused is { } focused)
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var remaining = AutocompleteBudget - time.GetElapsedTime(received);
            var suggest = SuggestAsync(interaction, command.Path, focused, budget.Token);
            var first = await Task.WhenAny(suggest, Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, time, budget.Token));
            await budget.CancelAsync();
            if (first == suggest && suggest.IsCompletedSuccessfully)
            {
                choices = suggest.Result;
            }
            else
            {
                LogAutocompleteSlow(interaction.Id);
            }
        }

        state.Acknowledged = true;
        await responder.RespondAsync(new InteractionResponse(CallbackTypes.AutocompleteResult, new AutocompleteData(choices)), cancellationToken);
    }

    private async Task<IReadOnlyList<AutocompleteChoice>> SuggestAsync(Interaction interaction, string path, FocusedOption focused, CancellationToken cancellationToken)
    {
        var member = await MemberAsync(interaction, cancellationToken);
        var suggestions = await runner.SuggestAsync(member, path, focused.Name, focused.Typed, cancellationToken);
        return suggestions
            .Where(s => s.Value.Length is > 0 and <= 100)
            .DistinctBy(s => s.Value)
            .Take(25)
            .Select(s => new AutocompleteChoice(TextLimits.Cut(string.IsNullOrWhiteSpace(s.Label) ? s.Value : s.Label, 100), s.Value))
            .ToList();
    }

    private async Task<MemberRef> MemberAsync(Interaction interaction, CancellationToken cancellationToken)
    {
        var user = interaction.Invoker ?? throw new InvalidOperationException("The interaction names no user.");
        var community = interaction.GuildId is { } guildId
            ? DiscordIdentity.Community(guildId, guilds)
            : await runner.DirectMessageCommunityAsync(Snowflake.Format(user.Id), cancellationToken);
        return DiscordIdentity.Member(interaction, community);
    }

    private bool Answered(CallbackOutcome outcome, Interaction interaction)
    {
        switch (outcome)
        {
            case CallbackOutcome.Accepted:
                return true;
            case CallbackOutcome.Expired:
                LogExpired(interaction.Id);
                return false;
            default:
                return false;
        }
    }

    private static InteractionResponse Message(Reply reply, bool ephemeral) =>
        new(CallbackTypes.ChannelMessage, MessageRenderer.Render(reply, ephemeral));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Interaction {InteractionId} arrived again; it is answered once only")]
    private partial void LogDuplicate(ulong interactionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Interaction {InteractionId} took longer than {DeferMs:0} ms; deferred, the answer follows as an edit")]
    private partial void LogDeferred(ulong interactionId, double deferMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction {InteractionId} expired before it was answered (Discord's 3-second deadline)")]
    private partial void LogExpired(ulong interactionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Autocomplete for interaction {InteractionId} was too slow; answered with no choices")]
    private partial void LogAutocompleteSlow(ulong interactionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Interaction {InteractionId} was cancelled by shutdown")]
    private partial void LogCancelled(ulong interactionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Interaction {InteractionId} ({Command}, platform {Platform}, guild {GuildId}): the command failed unexpectedly; the member was told nothing was changed")]
    private partial void LogEngineFailed(Exception ex, string command, string platform, ulong interactionId, string guildId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Interaction {InteractionId} ({Command}, platform {Platform}, guild {GuildId}) failed unexpectedly; the member gets an apology")]
    private partial void LogUnexpected(Exception ex, string command, string platform, ulong interactionId, string guildId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Interaction {InteractionId}: the apology could not be delivered either")]
    private partial void LogApologyFailed(Exception ex, ulong interactionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction {InteractionId} ({Command}): Discord refused the interaction token (50027, its 15 minutes are over); nothing more can be sent for it. The bot token is not affected")]
    private partial void LogTokenExpired(ulong interactionId, string command);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Interaction {InteractionId}: follow-up {Number} of {Count} failed ({Reason}); the others are still sent")]
    private partial void LogFollowUpFailed(ulong interactionId, int number, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Interaction {InteractionId}: the {Notice} notice did not reach the member; it stays pending for their next command")]
    private partial void LogNoticeKept(ulong interactionId, ReplyNotice notice);

    [LoggerMessage(Level = LogLevel.Error, Message = "Interaction {InteractionId}: the undelivered {Notice} notice could not be kept pending")]
    private partial void LogNoticeNotKept(Exception ex, ulong interactionId, ReplyNotice notice);

    [LoggerMessage(Level = LogLevel.Error, Message = "Interaction {InteractionId} (type {Type}) could not be answered")]
    private partial void LogFailed(Exception ex, ulong interactionId, int type);
}
