using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rendering;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

/// <summary>
/// Core's outbound port on Discord: DMs (the DM channel is opened once per member and cached) and channel
/// posts. A member whose DMs are closed (50007) is a lasting state: reported as permanent, and not tried
/// again until they next use a command. Every send carries a nonce with enforce_nonce, so the REST client's
/// retries cannot post a message twice.
/// </summary>
internal sealed partial class DiscordNotifier(
    DiscordRestClient rest,
    DmReachability reachability,
    ILogger<DiscordNotifier> logger) : INotifier
{
    private readonly ConcurrentDictionary<ulong, ulong> _dmChannels = new();

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
                // The cached DM channel is gone; open it again once.
                _dmChannels.TryRemove(userId, out _);
                channel = await DmChannelAsync(userId, cancellationToken);
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

        var channel = await rest.CreateDmAsync(userId, cancellationToken);
        _dmChannels[userId] = channel.Id;
        return channel.Id;
    }

    private async Task SendAllAsync(ulong channelId, Reply message, string idempotencyKey, CancellationToken cancellationToken)
    {
        var parts = (Reply[])[message, .. message.FollowUps];
        for (var i = 0; i < parts.Length; i++)
        {
            var payload = MessageRenderer.Render(parts[i], ephemeral: false) with { Nonce = Nonce(idempotencyKey, i) };
            await rest.CreateMessageAsync(channelId, payload, cancellationToken);
        }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Discord delivery failed: {Reason}")]
    private partial void LogFailed(string reason);
}
