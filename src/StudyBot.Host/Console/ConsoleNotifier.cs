using StudyBot.Core.Chat;

namespace StudyBot.Host.Console;

/// <summary>The console's notifier: direct messages and channel posts are printed in the conversation.</summary>
public sealed class ConsoleNotifier(ConsoleOutput output) : INotifier
{
    public string Platform => Platforms.Console;

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken)
    {
        output.Write($"\n📬 Direct message to {member.DisplayName}:\n{ConsoleRenderer.Render(message)}");
        return Task.FromResult(DeliveryResult.Ok);
    }

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken)
    {
        output.Write($"\n📣 Posted in #{channel.ChannelId}:\n{ConsoleRenderer.Render(message)}");
        return Task.FromResult(DeliveryResult.Ok);
    }
}
