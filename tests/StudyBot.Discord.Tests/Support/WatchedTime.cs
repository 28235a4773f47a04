using Microsoft.Extensions.Time.Testing;

namespace StudyBot.Discord.Tests.Support;

/// <summary>
/// Fake time that says when the code under test arms a timer. A waiter on fake time (a rate limiter, the gateway
/// sender) arms one when it parks, and only moving the clock can fire it: so "it armed its timer" is the explicit
/// signal that it is waiting, and a test checks "nothing happened yet" right then instead of after a real sleep.
/// </summary>
public sealed class WatchedTime(FakeTimeProvider fake) : TimeProvider
{
    private readonly List<TimeSpan> _armed = [];
    private readonly List<Watched> _timers = [];

    public WatchedTime()
        : this(new FakeTimeProvider())
    {
    }

    public FakeTimeProvider Fake => fake;

    /// <summary>Timers armed so far with a due time (a timer created stopped does not count).</summary>
    public int Armed
    {
        get
        {
            lock (_armed)
            {
                return _armed.Count;
            }
        }
    }

    /// <summary>The due time of the last timer armed.</summary>
    public TimeSpan LastDue
    {
        get
        {
            lock (_armed)
            {
                return _armed[^1];
            }
        }
    }

    public void Advance(TimeSpan by) => fake.Advance(by);

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override long GetTimestamp() => fake.GetTimestamp();

    public override long TimestampFrequency => fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var watched = new Watched(this);

        // Armed first: a timer due at once may fire inside CreateTimer.
        watched.Arm(dueTime);
        watched.Inner = fake.CreateTimer(
            s =>
            {
                watched.Fired(period);
                callback(s);
            },
            state,
            dueTime,
            period);
        lock (_armed)
        {
            _timers.Add(watched);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                _armed.Add(dueTime);
            }
        }

        return watched;
    }

    /// <summary>
    /// The due times (from now) of timers still waiting to fire: none means nothing is scheduled, so moving the
    /// clock cannot make anything happen. The explicit signal that a stopped component has really stopped.
    /// </summary>
    public IReadOnlyList<TimeSpan> Pending()
    {
        var now = fake.GetUtcNow();
        lock (_armed)
        {
            return _timers.Where(t => t.DueAt is not null).Select(t => t.DueAt!.Value - now).ToList();
        }
    }

    private sealed class Watched(WatchedTime owner) : ITimer
    {
        public ITimer Inner { get; set; } = null!;

        public DateTimeOffset? DueAt { get; private set; }

        public void Arm(TimeSpan dueTime)
        {
            lock (owner._armed)
            {
                DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : owner.Fake.GetUtcNow() + dueTime;
            }
        }

        public void Fired(TimeSpan period)
        {
            lock (owner._armed)
            {
                DueAt = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : owner.Fake.GetUtcNow() + period;
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (owner._armed)
            {
                DueAt = null;
            }

            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> timers in all have been armed: the waiter has parked.</summary>
    public Task ParkedAsync(int count, string what) => Wait.UntilAsync(() => Armed >= count, what);

    /// <summary>
    /// Waits (bounded) until <paramref name="count"/> timers whose due time matches have been armed since the
    /// <paramref name="mark"/> (an earlier <see cref="Armed"/>): for hosts where several components keep timers.
    /// </summary>
    public async Task ArmedAsync(int mark, Func<TimeSpan, bool> due, string what, int count = 1)
    {
        try
        {
            await Wait.UntilAsync(
                () =>
                {
                    lock (_armed)
                    {
                        return _armed.Skip(mark).Count(due) >= count;
                    }
                },
                what);
        }
        catch (TimeoutException ex)
        {
            lock (_armed)
            {
                throw new TimeoutException($"{ex.Message} (timers armed since: {string.Join(", ", _armed.Skip(mark))})", ex);
            }
        }
    }
}
