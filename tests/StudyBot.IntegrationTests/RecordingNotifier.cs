using System.Collections.Concurrent;
using StudyBot.Core.Chat;

namespace StudyBot.IntegrationTests;

/// <summary>What a <see cref="RecordingNotifier"/> does with a send, as a test sets it.</summary>
public enum SendTrouble
{
    /// <summary>Delivered.</summary>
    None = 0,

    /// <summary>A transient failure (5xx, a dropped connection, an open circuit).</summary>
    Transient = 1,

    /// <summary>The send throws, as a notifier with a bug or an unexpected answer would.</summary>
    Throws = 2,

    /// <summary>A 429 with <see cref="RecordingNotifier.RetryAfter"/>.</summary>
    RateLimited = 3,
}

/// <summary>
/// The integration tests' notifier: it records what it was asked to deliver, and when (on the wall clock and the
/// monotonic one), and can be told to refuse DMs, to fail (transiently, by throwing, with 429s) and to enforce a
/// platform's pace, answering sends that come too fast with a 429, as the platforms do.
/// </summary>
internal sealed class RecordingNotifier(TimeProvider time, string platform = Platforms.Console) : INotifier
{
    public sealed record Delivery(DateTimeOffset At, string To, bool Direct, Reply Message, string Key)
    {
        /// <summary>When it arrived on the monotonic clock (differs from <see cref="At"/> once the wall clock steps).</summary>
        public DateTimeOffset Monotonic { get; init; }
    }

    /// <summary>One call, whatever came of it.</summary>
    public sealed record Send(DateTimeOffset At, DateTimeOffset Monotonic, string To, string Key, SendTrouble Outcome);

    private readonly ConcurrentQueue<Delivery> _deliveries = new();
    private readonly ConcurrentQueue<Send> _sends = new();
    private readonly Lock _lock = new();
    private long? _lastAccepted;

    public string Platform => platform;

    public IReadOnlyList<Delivery> Deliveries => [.. _deliveries];

    /// <summary>Every call to the notifier, delivered or not, in order.</summary>
    public IReadOnlyList<Send> Sends => [.. _sends];

    /// <summary>User ids whose DMs are closed: sends to them fail for good.</summary>
    public ConcurrentDictionary<string, bool> ClosedDms { get; } = new();

    /// <summary>What happens to a send to (recipient, key); by default every send is delivered.</summary>
    public Func<string, string, SendTrouble> Trouble { get; set; } = (_, _) => SendTrouble.None;

    /// <summary>The Retry-After of a 429.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>When set, sends closer together than 1/rate (monotonic) get a 429, counted in <see cref="TooFast"/>.</summary>
    public double? MaxPerSecond { get; set; }

    /// <summary>Sends refused because they came faster than <see cref="MaxPerSecond"/>.</summary>
    public int TooFast { get; private set; }

    /// <summary>Runs at the start of every send (e.g. to step the wall clock mid-run).</summary>
    public Action<string>? BeforeSend { get; set; }

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

        return Task.FromResult(Deliver(member.UserId, true, message, idempotencyKey));
    }

    public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, string idempotencyKey, CancellationToken cancellationToken) =>
        Task.FromResult(Deliver("#" + channel.ChannelId, false, message, idempotencyKey));

    private DeliveryResult Deliver(string to, bool direct, Reply message, string key)
    {
        BeforeSend?.Invoke(key);
        var at = time.GetUtcNow();
        var stamp = time.GetTimestamp();
        var monotonic = new DateTimeOffset(time.GetElapsedTime(0, stamp).Ticks, TimeSpan.Zero);
        var trouble = Trouble(to, key);
        if (trouble == SendTrouble.None && MaxPerSecond is { } rate)
        {
            lock (_lock)
            {
                var gap = TimeSpan.FromSeconds(1 / rate);
                if (_lastAccepted is { } last && time.GetElapsedTime(last, stamp) < gap - TimeSpan.FromMilliseconds(1))
                {
                    TooFast++;
                    _sends.Enqueue(new Send(at, monotonic, to, key, SendTrouble.RateLimited));
                    return DeliveryResult.TransientFailure("rate_limited", gap - time.GetElapsedTime(last, stamp));
                }

                _lastAccepted = stamp;
            }
        }

        _sends.Enqueue(new Send(at, monotonic, to, key, trouble));
        switch (trouble)
        {
            case SendTrouble.Transient:
                return DeliveryResult.TransientFailure("service_unavailable");
            case SendTrouble.Throws:
                throw new HttpRequestException("The connection was reset (test outage).");
            case SendTrouble.RateLimited:
                return DeliveryResult.TransientFailure("rate_limited", RetryAfter);
        }

        _deliveries.Enqueue(new Delivery(at, to, direct, message, key) { Monotonic = monotonic });
        return DeliveryResult.Ok;
    }
}
