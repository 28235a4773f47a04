using Microsoft.Extensions.Time.Testing;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>A bug below the adapter, for fault tests: an HTTP handler that throws for the requests it is told to.</summary>
public sealed class FaultyHandler(Func<HttpRequestMessage, bool> when) : DelegatingHandler
{
    public int Thrown { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (when(request))
        {
            Thrown++;
            throw new InvalidOperationException("A fault injected by the test.");
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>A clock whose wall clock can be made to throw (a bug anywhere that reads it), for fault tests.</summary>
public sealed class BreakableClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    public bool Broken { get; set; }

    public override DateTimeOffset GetUtcNow() => Broken ? throw new InvalidOperationException("A fault injected by the test.") : base.GetUtcNow();

    public override long GetTimestamp() => base.GetUtcNow().Ticks;
}
