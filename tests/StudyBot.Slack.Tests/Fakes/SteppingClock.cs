using Microsoft.Extensions.Time.Testing;

namespace StudyBot.Slack.Tests.Fakes;

/// <summary>
/// A machine whose wall clock is corrected (NTP stepping it back, a VM restored from a snapshot) while its monotonic
/// clock, the timestamps and timers, keeps moving forward as it does on a real machine.
/// </summary>
public sealed class SteppingClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private TimeSpan _offset;

    /// <summary>Moves only the wall clock (negative: back in time); timestamps and timers are not affected.</summary>
    public void StepWallClock(TimeSpan by) => _offset += by;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + _offset;

    // The monotonic clock is the unstepped one.
    public override long GetTimestamp() => base.GetUtcNow().Ticks;
}
