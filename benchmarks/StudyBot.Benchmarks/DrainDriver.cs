using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.Benchmarks;

/// <summary>
/// Drains 100,000 outbox messages through a notifier that refuses more than 50 sends in any second of
/// simulated time, and reports the achieved rate (simulated), duplicates, refusals and the wall time.
/// Run: dotnet run -c Release --project benchmarks/StudyBot.Benchmarks -- drain [count]
/// </summary>
internal static class DrainDriver
{
    public const double Limit = 50;

    public static async Task RunAsync(int count)
    {
        var clock = new SimulatedClock(new DateTimeOffset(2026, 11, 23, 19, 0, 0, TimeSpan.Zero));
        var notifier = new LimitedNotifier(clock, (int)Limit);
        var (services, path) = BenchDatabase.Create(clock, s =>
        {
            s.AddSingleton<INotifier>(notifier);
            s.AddSingleton(new DeliveryRates { PerSecond = { [Platforms.Console] = Limit } });
        });
        try
        {
            Seed(path, count, clock.GetUtcNow().UtcDateTime);
            var dispatcher = services.GetRequiredService<OutboxDispatcher>();
            var wall = Stopwatch.StartNew();
            var started = clock.GetUtcNow();
            var sent = 0;
            while (sent < count)
            {
                var delivered = await dispatcher.DrainAsync(TimeSpan.FromHours(24), CancellationToken.None);
                if (delivered == 0)
                {
                    break;
                }

                sent += delivered;
            }

            var simulated = clock.GetUtcNow() - started;
            var rate = notifier.Accepted / simulated.TotalSeconds;
            Console.WriteLine(FormattableString.Invariant(
                $"drained {notifier.Accepted:N0} of {count:N0} in {simulated.TotalSeconds:N0} simulated s: {rate:0.00}/s = {rate / Limit:P1} of the {Limit}/s limit; refused (429) {notifier.Refused}; duplicates {notifier.Duplicates}; wall {wall.Elapsed.TotalSeconds:0.0} s"));
        }
        finally
        {
            BenchDatabase.Delete(services, path);
        }
    }

    private static void Seed(string path, int count, DateTime now)
    {
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        using var tx = connection.BeginTransaction();
        using (var c = connection.CreateCommand())
        {
            c.Transaction = tx;
            c.CommandText = "INSERT INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, RemindersMaxPerWeek, LeaderboardDay, LeaderboardMinutes) VALUES ('console', 'big', 'Big community', 'ml-zero-to-hero', 'UTC', '2026-01-01 00:00:00', 2, 1, 540)";
            c.ExecuteNonQuery();
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO Outbox (CommunityId, MemberId, Key, Kind, Target, Platform, CommunityExternalId, CommunityName, RecipientId, RecipientName, PayloadJson, CreatedAtUtc, DueAtUtc, NextAttemptAtUtc, Attempts)
            VALUES (1, NULL, $key, 'reminder', 0, 'console', 'big', 'Big community', $to, $to, $payload, $now, $now, $now, 0)
            """;
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        var to = insert.Parameters.Add("$to", SqliteType.Text);
        insert.Parameters.AddWithValue("$payload", ReplyJson.Serialize(new Reply { Title = "📅 Study time", Text = "It's study time." }));
        insert.Parameters.AddWithValue("$now", now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        insert.Prepare();
        for (var i = 0; i < count; i++)
        {
            key.Value = $"reminder:bench:{i}";
            to.Value = $"user-{i}";
            insert.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>A clock for discrete-event simulation: waiting on it moves it forward at once.</summary>
    private sealed class SimulatedClock(DateTimeOffset start) : TimeProvider
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow()
        {
            lock (_lock)
            {
                return _now;
            }
        }

        // The outbox paces on timestamps (the monotonic clock): they follow the simulated time too.
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => GetUtcNow().UtcTicks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                lock (_lock)
                {
                    _now += dueTime;
                }

                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }

            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    /// <summary>Accepts at most <paramref name="perSecond"/> sends in any one-second window of the clock; counts duplicates.</summary>
    private sealed class LimitedNotifier(TimeProvider clock, int perSecond) : INotifier
    {
        private readonly Queue<DateTimeOffset> _window = new();
        private readonly ConcurrentDictionary<string, byte> _seen = new();

        public int Accepted { get; private set; }

        public int Refused { get; private set; }

        public int Duplicates { get; private set; }

        public string Platform => Platforms.Console;

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, CancellationToken cancellationToken) =>
            SendDirectAsync(member, message, member.UserId, cancellationToken);

        public Task<DeliveryResult> PostAsync(ChannelAddress channel, Reply message, CancellationToken cancellationToken) =>
            Task.FromResult(DeliveryResult.Ok);

        public Task<DeliveryResult> SendDirectAsync(MemberRef member, Reply message, string idempotencyKey, CancellationToken cancellationToken)
        {
            var now = clock.GetUtcNow();
            while (_window.Count > 0 && now - _window.Peek() >= TimeSpan.FromSeconds(1))
            {
                _window.Dequeue();
            }

            if (_window.Count >= perSecond)
            {
                Refused++;
                return Task.FromResult(DeliveryResult.TransientFailure("rate_limited", TimeSpan.FromSeconds(1)));
            }

            _window.Enqueue(now);
            if (!_seen.TryAdd(idempotencyKey, 0))
            {
                Duplicates++;
            }

            Accepted++;
            return Task.FromResult(DeliveryResult.Ok);
        }
    }
}
