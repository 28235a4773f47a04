using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Voice;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

/// <summary>Finds a guild channel by mention, id or name, and says whether it is a voice (2) or stage (13) channel.</summary>
internal sealed partial class DiscordVoiceChannelDirectory(DiscordRestClient rest, ILogger<DiscordVoiceChannelDirectory> logger) : IVoiceChannelDirectory
{
    public string Platform => Platforms.Discord;

    [GeneratedRegex(@"^<#(?<id>[0-9]{1,20})>$")]
    private static partial Regex Mention();

    public async Task<VoiceChannelLookup> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(community.ExternalId, out var guildId))
        {
            return new(VoiceChannelOutcome.NotFound);
        }

        var input = text.Trim();
        try
        {
            var mention = Mention().Match(input);
            DiscordChannel? channel;
            if (mention.Success || Snowflake.TryParse(input, out _))
            {
                var id = ulong.Parse(mention.Success ? mention.Groups["id"].Value : input, System.Globalization.CultureInfo.InvariantCulture);
                channel = await rest.GetChannelAsync(id, cancellationToken);
                channel = channel.GuildId == guildId ? channel : null;
            }
            else
            {
                var name = input.TrimStart('#').Trim();
                var channels = await rest.GetGuildChannelsAsync(guildId, cancellationToken);
                var named = channels.Where(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();

                // A voice channel and a text channel may share a name: the voice one is meant.
                channel = named.FirstOrDefault(IsVoice) ?? named.FirstOrDefault();
            }

            if (channel is null)
            {
                return new(VoiceChannelOutcome.NotFound);
            }

            var display = channel.Name ?? Snowflake.Format(channel.Id);
            return new(IsVoice(channel) ? VoiceChannelOutcome.Found : VoiceChannelOutcome.NotVoice, Snowflake.Format(channel.Id), display);
        }
        catch (DiscordApiException ex) when (ex.Status is 403 or 404)
        {
            return new(VoiceChannelOutcome.NotFound);
        }
        catch (Exception ex) when (ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException)
        {
            LogLookupFailed(ex.Message);
            return new(VoiceChannelOutcome.Unavailable);
        }
    }

    private static bool IsVoice(DiscordChannel channel) => channel.Type is ChannelTypes.GuildVoice or ChannelTypes.GuildStageVoice;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up a Discord voice channel failed: {Reason}")]
    private partial void LogLookupFailed(string reason);
}
