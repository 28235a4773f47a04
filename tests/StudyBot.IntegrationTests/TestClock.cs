using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Fake time for the engine's tests, with two things <see cref="FakeTimeProvider"/> lacks:
/// <list type="bullet">
/// <item>a wall clock that can step back (<see cref="StepWallClockBack"/>) while the monotonic timestamp goes on
/// forward, as a system clock corrected by NTP or by hand does;</item>
/// <item>a pump (<see cref="PumpAsync{T}"/>) that runs work which waits on this clock (the outbox's pacing) and moves
/// the clock to the next timer whenever the work is only waiting, so real pacing runs in tests without real waits.</item>
/// </list>
/// </summary>
internal sealed class TestClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _lock = new();
    private readonly HashSet<PendingTimer> _pending = [];
    private long _wallOffsetTicks;
    private long _version;

    /// <summary>The clock's monotonic time: where <see cref="GetUtcNow"/> would be had the wall clock never stepped.</summary>
    public DateTimeOffset Monotonic => new(GetTimestamp(), TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _wallOffsetTicks));

    // The base derives timestamps from GetUtcNow(): keep them on its own time, which never steps back.
    public override long GetTimestamp() => base.GetUtcNow().Ticks;

    /// <summary>Sets the wall clock back by <paramref name="step"/>; timestamps and timers carry on unaffected.</summary>
    public void StepWallClockBack(TimeSpan step) => Interlocked.Add(ref _wallOffsetTicks, -step.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new PendingTimer(this, callback, state, dueTime, period);

    /// <summary>
    /// Runs <paramref name="work"/> to its end, advancing the clock to the next timer each time the work has been
    /// waiting without a change for a moment; fails naming <paramref name="what"/> after 60 real seconds.
    /// </summary>
    public async Task<T> PumpAsync<T>(Func<Task<T>> work, string what)
    {
        var task = Task.Run(work);
        var watch = Stopwatch.StartNew();
        var overdue = 0;
        while (!task.IsCompleted)
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"Waited 60 s for {what}; the clock stands at {GetUtcNow():O}.");
            }

            // Only waiting, not working: nothing changed for a moment, and then for a little longer.
            var version = Interlocked.Read(ref _version);
            var quiet = Stopwatch.StartNew();
            await Task.WhenAny(task, Task.Delay(2));
            if (task.IsCompleted || Interlocked.Read(ref _version) != version || NextWakeup() is null)
            {
                continue;
            }

            await Task.WhenAny(task, Task.Delay(10));
            if (task.IsCompleted || Interlocked.Read(ref _version) != version)
            {
                continue;
            }

            // A machine too busy to wake this loop on time may also have kept the work from running: what looked like
            // waiting may be work stuck in the queue (a CI run saw one platform's run sit through seven of another's
            // one-second waits). Look again, a bounded number of times, before trusting such a quiet moment.
            if (quiet.Elapsed > OnTime && overdue++ < MaxOverdue)
            {
                continue;
            }

            overdue = 0;

            var now = Monotonic;
            if (NextWakeup() is { } at && at > now)
            {
                Advance(at - now);
            }
        }

        return await task;
    }

    public Task PumpAsync(Func<Task> work, string what) => PumpAsync(async () =>
    {
        await work();
        return true;
    }, what);

    /// <summary>The longest a quiet moment of 12 ms may really take to count as quiet at once.</summary>
    private static readonly TimeSpan OnTime = TimeSpan.FromMilliseconds(40);

    /// <summary>How many late quiet moments in a row the pump sits out before it takes one anyway.</summary>
    private const int MaxOverdue = 3;

    /// <summary>
    /// Tells the pump that work is running (a database command started or ended, say): a quiet moment that saw it
    /// is not quiet, so the clock does not jump ahead of work that was only slow.
    /// </summary>
    public void Working() => Changed();

    /// <summary>How many changes the pump has seen: timers set, fired or cancelled, and work reported.</summary>
    public long Changes => Interlocked.Read(ref _version);

    private DateTimeOffset? NextWakeup()
    {
        lock (_lock)
        {
            return _pending.Count == 0 ? null : _pending.Min(t => t.WakeAt);
        }
    }

    private void Changed() => Interlocked.Increment(ref _version);

    /// <summary>A one-shot timer of the base clock, <paramref name="wait"/> from now on the monotonic time.</summary>
    private ITimer BaseTimer(TimerCallback callback, TimeSpan wait) =>
        // Should the base clock add the wait to GetUtcNow(), which steps with the wall clock, take the offset back out.
        base.CreateTimer(callback, null, BaseSchedulesOnGetUtcNow.Value ? wait - TimeSpan.FromTicks(Interlocked.Read(ref _wallOffsetTicks)) : wait, Timeout.InfiniteTimeSpan);

    /// <summary>Whether <see cref="FakeTimeProvider"/> schedules its timers from the overridable GetUtcNow() or its own time.</summary>
    private static readonly Lazy<bool> BaseSchedulesOnGetUtcNow = new(() =>
    {
        var probe = new Probe();
        var fired = false;
        using var timer = probe.CreateTimer(_ => fired = true, null, TimeSpan.FromMinutes(30), Timeout.InfiniteTimeSpan);
        probe.Advance(TimeSpan.FromSeconds(1));
        return fired;
    });

    /// <summary>
    /// A clock whose GetUtcNow() is an hour behind its own time: a timer due in half an hour fires a second later only
    /// if the base schedules from GetUtcNow().
    /// </summary>
    private sealed class Probe : FakeTimeProvider
    {
        public Probe()
            : base(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
        }

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() - TimeSpan.FromHours(1);
    }

    /// <summary>A timer on the monotonic time, tracked so the pump knows when the next one is due.</summary>
    private sealed class PendingTimer : ITimer
    {
        private readonly TestClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private ITimer? _inner;
        private TimeSpan _period;
        private long _generation;
        private bool _disposed;

        public PendingTimer(TestClock clock, TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _clock = clock;
            _callback = callback;
            _state = state;
            Change(dueTime, period);
        }

        public DateTimeOffset WakeAt { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ITimer? old;
            long generation;
            var wait = dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime;
            var on = dueTime != Timeout.InfiniteTimeSpan;
            lock (_clock._lock)
            {
                if (_disposed)
                {
                    return false;
                }

                _period = period;
                old = _inner;
                _inner = null;
                generation = ++_generation;
                _clock._pending.Remove(this);
                if (on)
                {
                    WakeAt = _clock.Monotonic + wait;
                    _clock._pending.Add(this);
                }
            }

            old?.Dispose();
            if (on)
            {
                var inner = _clock.BaseTimer(_ => Fire(generation), wait);
                lock (_clock._lock)
                {
                    if (_generation == generation && !_disposed)
                    {
                        _inner = inner;
                        inner = null;
                    }
                }

                inner?.Dispose();
            }

            _clock.Changed();
            return true;
        }

        private void Fire(long generation)
        {
            TimeSpan period;
            lock (_clock._lock)
            {
                if (_disposed || generation != _generation)
                {
                    return;
                }

                _clock._pending.Remove(this);
                period = _period;
            }

            _clock.Changed();
            _callback(_state);
            bool again;
            lock (_clock._lock)
            {
                again = !_disposed && generation == _generation && period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan;
            }

            if (again)
            {
                Change(period, period);
            }
        }

        public void Dispose()
        {
            ITimer? inner;
            lock (_clock._lock)
            {
                _disposed = true;
                inner = _inner;
                _inner = null;
                _clock._pending.Remove(this);
            }

            inner?.Dispose();
            _clock.Changed();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
