using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Storage;

namespace StudyBot.Core.Tests;

public sealed class StoreOutageTests
{
    [Fact]
    public void A_connection_opened_while_the_outage_still_drops_kept_connections_cannot_end_it()
    {
        var faults = new Faults();
        var outage = new StoreOutage(faults, new FakeTimeProvider());
        var before = outage.ConnectionMark;
        faults.OnDrop = () =>
        {
            // Taken from the pool between the outage's start and the end of the drop: it may be one the server is
            // about to close, and a late answer on it must not end the outage.
            faults.MarkDuringDrop = outage.ConnectionMark;
        };

        Assert.True(outage.Report(new TimeoutException()));

        Assert.True(outage.IsDown);
        Assert.False(outage.CanEnd(before), "a connection from before the outage");
        Assert.False(outage.CanEnd(faults.MarkDuringDrop), "a connection opened while kept connections were being dropped");
        Assert.True(outage.CanEnd(outage.ConnectionMark), "a connection opened after the drop");
    }

    [Fact]
    public void An_outage_is_reported_once_and_a_second_one_after_an_answer_needs_connections_of_its_own()
    {
        var faults = new Faults();
        var outage = new StoreOutage(faults, new FakeTimeProvider());

        Assert.True(outage.Report(new TimeoutException()));
        Assert.True(outage.Report(new TimeoutException()));
        Assert.Equal(1, faults.Drops);
        var first = outage.ConnectionMark;
        outage.Answered();
        Assert.False(outage.IsDown);

        Assert.True(outage.Report(new TimeoutException()));
        Assert.Equal(2, faults.Drops);
        Assert.False(outage.CanEnd(first), "a connection of the first outage cannot end the second");
        Assert.True(outage.CanEnd(outage.ConnectionMark));
        Assert.False(outage.Report(new InvalidOperationException("a bug, not an outage")));
    }

    private sealed class Faults : IStoreFaults
    {
        public Action? OnDrop { get; set; }

        public long MarkDuringDrop { get; set; } = -1;

        public int Drops { get; private set; }

        public bool IsUnavailable(Exception exception) => exception is TimeoutException;

        public string Describe(Exception exception) => exception.GetType().Name;

        public void DropIdleConnections()
        {
            Drops++;
            OnDrop?.Invoke();
        }
    }
}
