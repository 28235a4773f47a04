using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;

namespace StudyBot.Discord;

/// <summary>
/// Finds the channel an admin names for celebrations or leaderboards: a mention (<c>&lt;#id&gt;</c>, which Discord
/// puts in a text option when one types #channel), a bare id, or a name. Only text and announcement channels of
/// the same guild count.
/// </summary>
internal sealed partial class DiscordChannelDirectory(DiscordRestClient rest, ILogger<DiscordChannelDirectory> logger) : IChannelDirectory
{
    public string Platform => Platforms.Discord;

    [GeneratedRegex(@"^<#(?<id>[0-9]{1,20})>$")]
    private static partial Regex Mention();

    public async Task<ChannelInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken)
    {
        if (!Snowflake.TryParse(community.ExternalId, out var guildId))
        {
            return null;
        }

        var input = text.Trim();
        try
        {
            var mention = Mention().Match(input);
            if (mention.Success || Snowflake.TryParse(input, out _))
            {
                var id = ulong.Parse(mention.Success ? mention.Groups["id"].Value : input, System.Globalization.CultureInfo.InvariantCulture);
                var channel = await rest.GetChannelAsync(id, cancellationToken);
                return channel.GuildId == guildId && IsText(channel) ? Info(channel) : null;
            }

            var name = input.TrimStart('#').Trim();
            var channels = await rest.GetGuildChannelsAsync(guildId, cancellationToken);
            var match = channels.Where(IsText).FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
            return match is null ? null : Info(match);
        }
        catch (DiscordApiException ex) when (ex.Status is 403 or 404)
        {
            // Not visible to the bot: as good as not there.
            return null;
        }
        catch (Exception ex) when (ex is DiscordUnavailableException or DiscordRateLimitedException or DiscordCircuitOpenException)
        {
            LogLookupFailed(ex.Message);
            return null;
        }
    }

    private static bool IsText(DiscordChannel channel) => channel.Type is ChannelTypes.GuildText or ChannelTypes.GuildAnnouncement;

    private static ChannelInfo Info(DiscordChannel channel) => new(Snowflake.Format(channel.Id), channel.Name ?? Snowflake.Format(channel.Id));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking up a Discord channel failed: {Reason}")]
    private partial void LogLookupFailed(string reason);
}
