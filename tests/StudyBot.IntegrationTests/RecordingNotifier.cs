using System.Collections.Concurrent;
using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>A notifier that records what it was asked to deliver, and when, and can be told to refuse DMs.</summary>
internal sealed class RecordingNotifier(TimeProvider time, string platform = Platforms.Console) : INotifier
{
    public sealed record Delivery(DateTimeOffset At, string To, bool Direct, Reply Message, string Key);

    private readonly ConcurrentQueue<Delivery> _deliveries = new();

    public string Platform => platform;

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    /// <summary>User ids whose DMs are closed: sends to them fail for good.</summary>
    public ConcurrentDictionary<string, bool> ClosedDms { get; } = new();

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
        SendDirectAsync(member, message, "", cancellationToken);

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
        PostAsync(channel, message, "", cancellationToken);

    public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (ClosedDms.ContainsKey(member.UserId))
        {
            return Task.FromResult(DeliveryResult.PermanentFailure("dms_closed"));
        }

        _deliveries.Enqueue(new Delivery(time.GetUtcNow(), member.UserId, true, message, idempotencyKey));
        return Task.FromResult(DeliveryResult.Ok);
    }

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken)
    {
        _deliveries.Enqueue(new Delivery(time.GetUtcNow(), "#" + channel.ChannelId, false, message, idempotencyKey));
        return Task.FromResult(DeliveryResult.Ok);
    }
}
