using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Host.Options;

namespace StudyBot.Host.Console;

/// <summary>The console community's channels: a fixed list from <c>Console:Channels</c>.</summary>
public sealed class ConsoleChannels(IOptions<ConsoleOptions> options) : IChannelDirectory
{
    public string Platform => Platforms.Console;

    public Task<ChannelInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken)
    {
        var name = text.Trim().TrimStart('<').TrimEnd('>').TrimStart('#').Trim();
        var match = options.Value.Channels.FirstOrDefault(c => string.Equals(c, name, StringComparison.OrdinalIgnoreCase));
        return Task.FromResult(match is null ? null : new ChannelInfo(match, match));
    }
}
