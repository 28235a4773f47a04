using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Coordination;
using StudyBot.Core.Privacy;
using StudyBot.Core.Voice;
using StudyBot.Discord.Gateway;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Json;
using StudyBot.Discord.Registration;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

/// <summary>The adapter's own lifetime: interactions in flight get a grace period at shutdown before they are cancelled.</summary>
internal sealed class DiscordRuntime : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();

    public void Dispose() => _stopping.Dispose();
}

/// <summary>How a fatal adapter error at run time stops the process.</summary>
internal interface IFatalStop
{
    void Stop(string message);
}

internal sealed class HostFatalStop(IHostApplicationLifetime lifetime) : IFatalStop
{
    public void Stop(string message)
    {
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }
}

/// <summary>
/// Gateway dispatches the adapter cares about: interactions, guild names for communities, departures (the bot
/// removed from a guild; a member leaving, with Discord:MemberEvents), which start the retention clock, and voice states
/// (VOICE_STATE_UPDATE, GUILD_CREATE's voice_states) for voice study rooms, handed to Core's <see cref="VoiceRoomService"/>
/// with the time they were seen; it queues them and decides off the receive loop.
/// </summary>
internal sealed partial class GatewayDispatchSink(
    InteractionProcessor processor,
    DiscordRestClient rest,
    GuildDirectory guilds,
    DiscordRuntime runtime,
    ILogger<GatewayDispatchSink> logger,
    MembershipService? membership = null,
    StudyBot.Core.Voice.VoiceRoomService? voice = null,
    TimeProvider? time = null) : IGatewayEventSink
{
    public void OnDispatch(string type, JsonElement data)
    {
        switch (type)
        {
            case "INTERACTION_CREATE":
                var interaction = data.Deserialize(DiscordJsonContext.Default.Interaction);
                if (interaction is not null && processor.TryClaim(interaction.Id))
                {
                    processor.Start(interaction, new CallbackResponder(rest, interaction), runtime.Stopping);
                }

                break;
            case "GUILD_CREATE" or "GUILD_UPDATE":
                if (data.Deserialize(DiscordJsonContext.Default.GatewayGuild) is { Unavailable: not true } guild)
                {
                    guilds.Set(guild.Id, guild.Name);
                    if (type == "GUILD_CREATE" && voice is not null)
                    {
                        // Sent on every (re)connect: who sits in voice now settles the intervals left open meanwhile.
                        var states = (guild.VoiceStates ?? []).Select(v => new VoiceState(Snowflake.Format(v.UserId), v.ChannelId is { } c ? Snowflake.Format(c) : null, v.Deafened)).ToList();
                        voice.CommunityAvailable(DiscordIdentity.Community(guild.Id, guilds), states, Now);
                    }
                }

                break;
            case "VOICE_STATE_UPDATE":
                if (voice is not null && data.Deserialize(DiscordJsonContext.Default.GatewayVoiceState) is { GuildId: { } voiceGuild } state)
                {
                    voice.VoiceStateChanged(
                        DiscordIdentity.Community(voiceGuild, guilds),
                        new VoiceState(Snowflake.Format(state.UserId), state.ChannelId is { } channel ? Snowflake.Format(channel) : null, state.Deafened),
                        Now);
                }

                break;
            case "GUILD_DELETE":
                // "unavailable": true is an outage; without it the bot was removed (kicked, or the guild deleted).
                if (voice is not null && data.Deserialize(DiscordJsonContext.Default.GatewayGuild) is { } away)
                {
                    voice.CommunityUnavailable(DiscordIdentity.Community(away.Id, guilds));
                }

                if (data.Deserialize(DiscordJsonContext.Default.GatewayGuild) is { Unavailable: not true } left)
                {
                    var community = DiscordIdentity.Community(left.Id, guilds);
                    guilds.Remove(left.Id);
                    Depart(community, null);
                }

                break;
            case "GUILD_MEMBER_REMOVE":
                if (data.Deserialize(DiscordJsonContext.Default.GuildMemberRemove) is { User: { } gone } removed)
                {
                    Depart(DiscordIdentity.Community(removed.GuildId, guilds), Snowflake.Format(gone.Id));
                }

                break;
        }
    }

    private DateTime Now => (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;

    /// <summary>Records a departure off the receive loop; a failure is logged and the next event is not held up.</summary>
    private void Depart(CommunityRef community, string? userId)
    {
        if (membership is null)
        {
            return;
        }

        Interlocked.Increment(ref _departuresStarted);
        _ = Task.Run(async () =>
        {
            try
            {
                if (userId is null)
                {
                    await membership.CommunityLeftAsync(community, runtime.Stopping);
                }
                else
                {
                    await membership.MemberLeftAsync(community, userId, runtime.Stopping);
                }

                Interlocked.Increment(ref _departures);
            }
            catch (OperationCanceledException) when (runtime.Stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                LogDepartureFailed(ex, community.ExternalId);
            }
        }, CancellationToken.None);
    }

    private int _departures;
    private int _departuresStarted;

    /// <summary>Departures recorded (for tests and health).</summary>
    internal int Departures => Volatile.Read(ref _departures);

    /// <summary>Departures decided on, recorded or not yet: counted on the receive loop, in dispatch order (for tests).</summary>
    internal int DeparturesStarted => Volatile.Read(ref _departuresStarted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a departure from Discord guild {GuildId}; the data stays until the next one")]
    private partial void LogDepartureFailed(Exception ex, string guildId);
}

/// <summary>
/// Starts the Discord adapter: checks the token (a refusal, any 4xx but 429, stops the host naming Discord:Token), registers the
/// commands when they changed (only the instance holding the registration lease), and in Gateway mode keeps this
/// instance's shards connected (<see cref="ShardManager"/>). Fatal gateway close codes at run time stop the host with exit code 1.
/// </summary>
internal sealed partial class DiscordAdapterService(
    IOptions<DiscordOptions> options,
    DiscordRestClient rest,
    CommandRegistrar registrar,
    IdentifyLimiter identifyLimiter,
    GatewayDispatchSink sink,
    InteractionProcessor processor,
    DiscordRuntime runtime,
    IFatalStop fatalStop,
    ILeaseStore leases,
    TimeProvider time,
    ILoggerFactory loggers,
    StudyBot.Core.Operations.ConnectionStates? states = null,
    StudyBot.Core.Operations.LoopHeartbeats? loops = null) : IHostedService
{
    public static readonly TimeSpan ShutdownGrace = TimeSpan.FromSeconds(5);

    /// <summary>Registration attempts while Discord or the network fails (about 20 minutes of backoff in all).</summary>
    public const int RegistrationAttempts = 10;

    public static readonly TimeSpan RegistrationFirstBackoff = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan RegistrationMaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>How often an instance that does not hold the registration lease looks whether the holder is done.</summary>
    public static readonly TimeSpan RegistrationElsewhereWait = CommandRegistrar.LeaseTime / 2;

    private readonly ILogger<DiscordAdapterService> _logger = loggers.CreateLogger<DiscordAdapterService>();
    private readonly CancellationTokenSource _stop = new();
    private Task _background = Task.CompletedTask;
    private int _fatal;

    private GatewayShardRunner? _runner;

    /// <summary>This instance's shards and their leases (Gateway mode), for health checks and tests.</summary>
    public ShardManager? Shards { get; private set; }

    /// <summary>The latest gateway client of each shard this instance ran, by shard id (Gateway mode).</summary>
    public IReadOnlyDictionary<int, GatewayClient> Gateways => _runner?.Clients ?? new Dictionary<int, GatewayClient>();

    /// <summary>The gateway client of this instance's lowest running shard (or the last one to stop), for health checks and tests.</summary>
    public GatewayClient? Gateway => Gateways.OrderBy(g => g.Value.Status == GatewayStatus.Stopped).ThenBy(g => g.Key).Select(g => g.Value).FirstOrDefault();

    public ulong? ApplicationId { get; private set; }

    /// <summary>Completes when command registration has ended (registered, unchanged, or given up), for health checks and tests.</summary>
    public Task Registration => _registration.Task;

    private readonly TaskCompletionSource _registration = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var identified = false;
        try
        {
            // A refused token throws AdapterFatalException, which stops the host at start.
            await IdentifyAsync(cancellationToken);
            identified = true;
        }
        catch (Exception ex) when (ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or JsonException)
        {
            // Discord unreachable at start is not a configuration error: keep trying in the background.
            LogStartDeferred(ex.Message);
        }

        if (o.ParsedMode == DiscordMode.Gateway)
        {
            _runner = new GatewayShardRunner(shard => new GatewayClient(
                new GatewaySettings(o.Token!, shard, o.ShardCount, o.GatewayUrl, o.MemberEvents),
                rest,
                identifyLimiter,
                sink,
                time,
                loggers.CreateLogger<GatewayClient>(),
                states,
                loops));
            Shards = new ShardManager(new ShardPlan(o.ShardCount, o.ParsedShardIds, o.ShardLease), leases, _runner, time, loggers.CreateLogger<ShardManager>(), states);
        }

        _background = Task.Run(() => RunAsync(identified, _stop.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        try
        {
            await _background.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        await processor.DrainAsync(ShutdownGrace);
        runtime.Stop();
    }

    private async Task RunAsync(bool identified, CancellationToken stoppingToken)
    {
        try
        {
            var failures = 0;
            while (!identified)
            {
                try
                {
                    await IdentifyAsync(stoppingToken);
                    identified = true;
                }
                catch (Exception ex) when (ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or JsonException)
                {
                    var wait = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures++)));
                    LogStartDeferred(ex.Message);
                    await Task.Delay(wait, time, stoppingToken);
                }
            }

            // Registration may wait minutes for Discord; interactions on the commands registered before need not.
            var registration = ApplicationId is { } applicationId ? RegisterAsync(applicationId, stoppingToken) : Task.CompletedTask;
            if (Shards is not null)
            {
                await Shards.RunAsync(stoppingToken);
            }

            await registration;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (AdapterFatalException ex)
        {
            Fatal(ex.Message);
        }
        catch (DiscordAuthException)
        {
            Fatal("Discord refused the bot token (401 Unauthorized): Discord:Token is wrong or was reset. Set a valid token in the environment variable Discord__Token.");
        }
        catch (GatewayFatalException ex)
        {
            Fatal(ex.Message);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            // A bug, not a Discord condition: stop loudly rather than run on without a gateway.
            LogCrashed(ex);
            Fatal("The Discord adapter failed unexpectedly: " + ex.Message);
        }
    }

    /// <summary>Signs in; a token Discord refuses (any 4xx but 429) is a configuration error: <see cref="AdapterFatalException"/>.</summary>
    private async Task IdentifyAsync(CancellationToken cancellationToken)
    {
        var call = "GET /users/@me";
        try
        {
            var me = await rest.GetCurrentUserAsync(cancellationToken);
            call = "GET /applications/@me";
            ApplicationId = options.Value.ParsedApplicationId ?? (await rest.GetCurrentApplicationAsync(cancellationToken)).Id;
            LogSignedIn(me.Username ?? Snowflake.Format(me.Id), ApplicationId.Value, options.Value.ParsedMode ?? DiscordMode.Gateway);
        }
        catch (Exception ex) when (TokenRefusal.IsRefusal(ex))
        {
            throw new AdapterFatalException(TokenRefusal.Message(call, ex));
        }
    }

    /// <summary>
    /// Registers the commands, retrying with backoff (honouring Discord's Retry-After) while the failure is Discord's,
    /// the network's or the database's; a 4xx is a problem with the body itself, logged with Discord's errors tree and
    /// not sent again. While another instance holds the registration lease, this one waits for it to finish and then
    /// only compares. Never throws: a refused token stops the adapter through <see cref="Fatal"/>.
    /// </summary>
    private async Task RegisterAsync(ulong applicationId, CancellationToken cancellationToken)
    {
        try
        {
            var toldElsewhere = false;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (await registrar.RegisterAsync(applicationId, cancellationToken) != RegistrationOutcome.Elsewhere)
                    {
                        return;
                    }

                    // Not a failure: the holder registers; look again once it may be done.
                    attempt--;
                    if (!toldElsewhere)
                    {
                        toldElsewhere = true;
                        LogRegistrationElsewhere(RegistrationElsewhereWait.TotalSeconds);
                    }

                    await Task.Delay(RegistrationElsewhereWait, time, cancellationToken);
                }
                catch (Exception ex) when ((ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or RegistrationStateException) && attempt < RegistrationAttempts)
                {
                    var wait = ex switch
                    {
                        DiscordRateLimitedException r => r.RetryAfter > RegistrationBackoff(attempt) ? r.RetryAfter : RegistrationBackoff(attempt),
                        DiscordCircuitOpenException c => c.RetryAfter,
                        _ => RegistrationBackoff(attempt),
                    };
                    LogRegistrationRetry(ex.Message, attempt, RegistrationAttempts, wait.TotalSeconds);
                    await Task.Delay(wait, time, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordApiException or RegistrationStateException)
        {
            // The commands registered last time stay in place; the next start tries again.
            LogRegistrationFailed(ex.Message);
        }
        catch (DiscordAuthException)
        {
            Fatal("Discord refused the bot token (401 Unauthorized) while registering commands: Discord:Token is wrong or was reset. Set a valid token in the environment variable Discord__Token.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogCrashed(ex);
            Fatal("The Discord adapter failed unexpectedly while registering commands: " + ex.Message);
        }
        finally
        {
            _registration.TrySetResult();
        }
    }

    /// <summary>5 s, 10 s, 20 s ... up to 5 minutes, plus up to 20% jitter.</summary>
    private static TimeSpan RegistrationBackoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(RegistrationMaxBackoff.TotalSeconds, RegistrationFirstBackoff.TotalSeconds * Math.Pow(2, attempt - 1)) * (1 + (Random.Shared.NextDouble() * 0.2)));

    /// <summary>Stops the host once, however many parts of the adapter hit the same fatal condition.</summary>
    private void Fatal(string message)
    {
        if (Interlocked.Exchange(ref _fatal, 1) != 0)
        {
            return;
        }

        LogFatal(message);
        fatalStop.Stop(message);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord: signed in as {User}, application {ApplicationId}, {Mode} mode")]
    private partial void LogSignedIn(string user, ulong applicationId, DiscordMode mode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord is not reachable yet ({Reason}); retrying in the background")]
    private partial void LogStartDeferred(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering Discord commands did not go through ({Reason}); attempt {Attempt} of {Attempts}, trying again in {Seconds:0.#} s")]
    private partial void LogRegistrationRetry(string reason, int attempt, int attempts, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another StudyBot instance is registering the Discord commands; this one looks again in {Seconds:0} s whether they are up to date")]
    private partial void LogRegistrationElsewhere(double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Registering Discord commands failed ({Reason}); the previously registered commands stay in place")]
    private partial void LogRegistrationFailed(string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The Discord adapter's background loop failed")]
    private partial void LogCrashed(Exception ex);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Discord adapter stopped: {Message}")]
    private partial void LogFatal(string message);
}
