using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rendering;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

/// <summary>
/// Core's outbound port on Discord: DMs (the DM channel is opened once per member: kept in memory and, through
/// <see cref="IDmChannelStore"/>, in the database every instance shares) and channel posts. A member whose DMs are
/// closed (50007) is a lasting state: reported as permanent, and not tried again until they next use a command. Every
/// send carries a nonce with enforce_nonce, so the REST client's retries cannot post a message twice.
/// </summary>
/// <remarks>
/// A send whose outcome is unknown (the request left, the answer did not come back) is remembered with the time its nonce
/// was first sent. While Discord still de-duplicates that nonce (<see cref="DiscordRestClient.NonceWindow"/>) the next
/// attempt simply repeats it; after that, the channel's recent messages are read first, and a message of the bot's with
/// that nonce or the same words counts as delivered, so no member gets the same reminder twice.
/// <para>
/// A DM channel is looked up in memory, then in the database, and opened on Discord only when neither knows it; a channel
/// opened is remembered in both. So a restarted instance, or another instance on the same database, DMs a member with one
/// request (the post) rather than two. The database is a cache here: when it cannot be read or written (within
/// <see cref="StoreTimeout"/>) the channel is opened on Discord, the log says so once until it answers again, and it is
/// not asked again for <see cref="StoreRetryAfter"/> (a database that hangs must not slow every DM).
/// </para>
/// </remarks>
internal sealed partial class DiscordNotifier(
    DiscordRestClient rest,
    DmReachability reachability,
    TimeProvider time,
    ILogger<DiscordNotifier> logger,
    IDmChannelStore? dmChannels = null) : INotifier
{
    /// <summary>How long a DM channel lookup or write in the database may take before the DM goes on without it.</summary>
    public static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(2);

    /// <summary>After the database failed a DM channel lookup or write, how long DMs go on without asking it.</summary>
    public static readonly TimeSpan StoreRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>How many recent messages are read to find a send whose outcome was unknown.</summary>
    public const int HistoryDepth = 50;

    /// <summary>Unknown outcomes older than this are forgotten (the outbox gives up long before).</summary>
    public static readonly TimeSpan UnsureKept = TimeSpan.FromDays(2);

    private const int MaxUnsure = 10_000;

    private readonly ConcurrentDictionary<ulong, ulong> _dmChannels = new();
    private readonly ConcurrentDictionary<string, long> _unsure = new(StringComparer.Ordinal);
    private ulong? _botUserId;
    private long _storeFailedAt;

    /// <summary>Sends whose outcome is unknown, remembered until a later attempt settles them.</summary>
    public int UnsureSends => _unsure.Count;

    public string Platform => Platforms.Discord;

    public int CachedDmChannels => _dmChannels.Count;

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
        SendDirectAsync(member, message, Guid.NewGuid().ToString("N"), cancellationToken);

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
        PostAsync(channel, message, Guid.NewGuid().ToString("N"), cancellationToken);

    /// <summary>The outbox's key becomes the message nonce, so even a re-run of the outbox cannot post it twice.</summary>
    public async Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(member.UserId, out var userId))
        {
            return DeliveryResult.PermanentFailure($"'{member.UserId}' is not a Discord user id");
        }

        if (reachability.IsClosed(userId))
        {
            return DeliveryResult.PermanentFailure("The member does not accept DMs from the bot (Discord 50007)");
        }

        try
        {
            var channel = await DmChannelAsync(userId, cancellationToken);
            try
            {
                await SendAllAsync(channel, message, idempotencyKey, cancellationToken);
            }
            catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.UnknownChannel)
            {
                // The remembered DM channel is gone: forget it (here and in the database) and open it again, once.
                _dmChannels.TryRemove(userId, out _);
                await StoreAsync((store, ct) => store.ForgetAsync(Platform, Snowflake.Format(userId), Snowflake.Format(channel), ct), cancellationToken);
                channel = await OpenDmChannelAsync(userId, cancellationToken);
                await SendAllAsync(channel, message, idempotencyKey, cancellationToken);
            }

            return DeliveryResult.Ok;
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.CannotSendMessagesToUser)
        {
            reachability.MarkClosed(userId);
            LogDmsClosed(userId);
            return DeliveryResult.PermanentFailure("The member does not accept DMs from the bot (Discord 50007)");
        }
        catch (DiscordApiException ex) when (ex.Code == DiscordErrorCodes.OpeningDmsTooFast)
        {
            return DeliveryResult.TransientFailure("Discord says DMs are being opened too fast (40003)", TimeSpan.FromMinutes(1));
        }
        catch (Exception ex) when (ex is DiscordApiException or DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordAuthException)
        {
            return Failure(ex);
        }
    }

    public async Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(channel.ChannelId, out var channelId))
        {
            return DeliveryResult.PermanentFailure($"'{channel.ChannelId}' is not a Discord channel id");
        }

        try
        {
            await SendAllAsync(channelId, message, idempotencyKey, cancellationToken);
            return DeliveryResult.Ok;
        }
        catch (Exception ex) when (ex is DiscordApiException or DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException or DiscordAuthException)
        {
            return Failure(ex);
        }
    }

    private async Task<ulong> DmChannelAsync(ulong userId, CancellationToken cancellationToken)
    {
        if (_dmChannels.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        string? stored = null;
        await StoreAsync(async (store, ct) => stored = await store.FindAsync(Platform, Snowflake.Format(userId), ct), cancellationToken);
        if (Snowflake.TryParse(stored, out var known))
        {
            _dmChannels[userId] = known;
            return known;
        }

        return await OpenDmChannelAsync(userId, cancellationToken);
    }

    /// <summary>Opens the DM channel on Discord (it returns the existing one) and remembers it here and in the database.</summary>
    private async Task<ulong> OpenDmChannelAsync(ulong userId, CancellationToken cancellationToken)
    {
        var channel = await rest.CreateDmAsync(userId, cancellationToken);
        _dmChannels[userId] = channel.Id;
        await StoreAsync((store, ct) => store.RememberAsync(Platform, Snowflake.Format(userId), Snowflake.Format(channel.Id), ct), cancellationToken);
        return channel.Id;
    }

    /// <summary>
    /// Runs one call on the DM channel store, bounded by <see cref="StoreTimeout"/>; a failure is logged once (until a
    /// call succeeds again) and otherwise ignored: the DM goes on without the database, which is not asked again for
    /// <see cref="StoreRetryAfter"/>. Cancellation by the caller is not a failure and is passed on.
    /// </summary>
    private async Task StoreAsync(Func<IDmChannelStore, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        var failedAt = Interlocked.Read(ref _storeFailedAt);
        if (dmChannels is null || (failedAt != 0 && time.GetElapsedTime(failedAt) < StoreRetryAfter))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StoreTimeout, time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await call(dmChannels, bounded.Token);
            if (Interlocked.Exchange(ref _storeFailedAt, 0) != 0)
            {
                LogStoreBack();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Exchange(ref _storeFailedAt, Math.Max(1, time.GetTimestamp())) == 0)
            {
                LogStoreFailed(ex is OperationCanceledException ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no answer within {StoreTimeout.TotalSeconds:0} s") : ex.GetType().Name + ": " + ex.Message.Split('\n')[0]);
            }
        }
    }

    private async Task SendAllAsync(ulong channelId, Reply message, string idempotencyKey, CancellationToken cancellationToken)
    {
        var parts = (Reply[])[message, .. message.FollowUps];
        for (var i = 0; i < parts.Length; i++)
        {
            var nonce = Nonce(idempotencyKey, i);
            var payload = MessageRenderer.Render(parts[i], ephemeral: false) with { Nonce = nonce };
            if (_unsure.TryGetValue(nonce, out var since) && time.GetElapsedTime(since) >= DiscordRestClient.NonceWindow)
            {
                // Discord no longer de-duplicates this nonce: sending blindly could post it twice.
                if (await AlreadyPostedAsync(channelId, payload, cancellationToken))
                {
                    _unsure.TryRemove(nonce, out _);
                    LogFoundPosted(channelId);
                    continue;
                }

                _unsure.TryRemove(nonce, out _);
            }

            var first = _unsure.TryGetValue(nonce, out var earlier) ? earlier : time.GetTimestamp();
            try
            {
                await rest.CreateMessageAsync(channelId, payload, cancellationToken, first);
                _unsure.TryRemove(nonce, out _);
            }
            catch (DiscordUnavailableException ex) when (ex.OutcomeUnknown)
            {
                Remember(nonce, first);
                throw;
            }
        }
    }

    private void Remember(string nonce, long first)
    {
        _unsure[nonce] = first;
        if (_unsure.Count > MaxUnsure)
        {
            foreach (var (key, at) in _unsure)
            {
                if (time.GetElapsedTime(at) > UnsureKept)
                {
                    _unsure.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>
    /// Whether the channel's recent messages hold this one from the bot: by nonce where Discord lists it, else by its
    /// words (content, embed titles and descriptions). When the history cannot be read, false: sending is then the lesser harm.
    /// </summary>
    private async Task<bool> AlreadyPostedAsync(ulong channelId, MessagePayload payload, CancellationToken cancellationToken)
    {
        try
        {
            _botUserId ??= (await rest.GetCurrentUserAsync(cancellationToken)).Id;
            var recent = await rest.GetChannelMessagesAsync(channelId, HistoryDepth, cancellationToken);
            return recent.Any(m => m.Author?.Id == _botUserId && (m.Nonce == payload.Nonce || SameWords(m, payload)));
        }
        catch (Exception ex) when (ex is DiscordApiException or System.Text.Json.JsonException)
        {
            LogHistoryUnreadable(channelId, ex.Message);
            return false;
        }
    }

    private static bool SameWords(DiscordMessage posted, MessagePayload payload)
    {
        static string Clean(string? text) => (text ?? "").Trim();
        var sent = payload.Embeds ?? [];
        var found = posted.Embeds ?? [];
        return Clean(posted.Content) == Clean(payload.Content)
            && sent.Count == found.Count
            && sent.Zip(found).All(p => Clean(p.First.Title) == Clean(p.Second.Title) && Clean(p.First.Description) == Clean(p.Second.Description));
    }

    /// <summary>Discord allows 25 characters: a hash of the key and the part, the same on every retry.</summary>
    internal static string Nonce(string idempotencyKey, int part)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{idempotencyKey}\n{part}"));
        return Convert.ToHexStringLower(hash)[..25];
    }

    private DeliveryResult Failure(Exception ex)
    {
        LogFailed(ex.Message);
        return ex switch
        {
            DiscordRateLimitedException r => DeliveryResult.TransientFailure(ex.Message, r.RetryAfter),
            DiscordCircuitOpenException c => DeliveryResult.TransientFailure(ex.Message, c.RetryAfter),
            DiscordUnavailableException => DeliveryResult.TransientFailure(ex.Message),
            DiscordAuthException => DeliveryResult.TransientFailure(ex.Message, TimeSpan.FromMinutes(10)),
            DiscordApiException { Status: 403 or 404 } => DeliveryResult.PermanentFailure(ex.Message),
            _ => DeliveryResult.PermanentFailure(ex.Message),
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Discord user {UserId} does not accept DMs from the bot (50007); not DMing them until they use a command")]
    private partial void LogDmsClosed(ulong userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "A message whose send had an unknown outcome is already in channel {ChannelId}; not sending it again")]
    private partial void LogFoundPosted(ulong channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the recent messages of channel {ChannelId} ({Reason}); sending the message whose earlier send had an unknown outcome")]
    private partial void LogHistoryUnreadable(ulong channelId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database cannot keep DM channel ids right now ({Reason}); opening DM channels on Discord instead until it answers")]
    private partial void LogStoreFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database keeps DM channel ids again")]
    private partial void LogStoreBack();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord delivery failed: {Reason}")]
    private partial void LogFailed(string reason);
}
