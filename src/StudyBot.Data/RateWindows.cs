using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Coordination;

namespace StudyBot.Data;

/// <summary>
/// <see cref="IRateWindows"/> on PostgreSQL's <c>Leases</c> table: one row per counter and second,
/// <c>{counter}:{unix second}</c>, its <c>Value</c> the count, its <c>ExpiresAtUtc</c> a few seconds after the window (no
/// holder, so it is never a live lease). One statement reads the database's clock (<c>now()</c>), picks the window and
/// counts one more with <c>INSERT ... ON CONFLICT DO UPDATE ... WHERE count &lt; cap RETURNING</c>: PostgreSQL locks the
/// window's row and re-checks the count on its newest version, so instances asking at once never pass the cap together.
/// Windows that have ended are deleted now and then. A singleton: each call takes a pooled context in a scope of its own.
/// </summary>
internal sealed class RateWindows(IServiceScopeFactory scopes, TimeProvider time) : IRateWindows
{
    /// <summary>How long a window's row is kept after its second (it is only read during it).</summary>
    private const int KeepSeconds = 10;

    private static readonly TimeSpan SweepEvery = TimeSpan.FromSeconds(30);

    // The clock is read once (the CTE), so the window and the time to the next one agree.
    private const string TakeSql = """
        WITH clock AS (SELECT extract(epoch FROM now())::float8 AS at),
        taken AS (
            INSERT INTO "Leases" ("Name", "Holder", "ExpiresAtUtc", "Value")
            SELECT @prefix || floor(at)::bigint::text, NULL, to_timestamp(floor(at) + @keep), '1' FROM clock
            ON CONFLICT ("Name") DO UPDATE SET "Value" = ("Leases"."Value"::integer + 1)::text
            WHERE "Leases"."Value"::integer < @cap
            RETURNING "Value"
        )
        SELECT clock.at, EXISTS (SELECT 1 FROM taken) FROM clock
        """;

    private const string SweepSql = """
        DELETE FROM "Leases" WHERE "Name" LIKE @prefix || '%' AND "Holder" IS NULL AND "ExpiresAtUtc" < now()
        """;

    private long _lastSweep = time.GetTimestamp();

    public async Task<RateWindowTake> TryTakeAsync(string counter, int perWindow, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(counter);
        ArgumentOutOfRangeException.ThrowIfLessThan(perWindow, 1);
        if (counter.Length > LeaseLimits.MaxNameLength - 21)
        {
            throw new ArgumentException($"a counter's name is at most {LeaseLimits.MaxNameLength - 21} characters", nameof(counter));
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var prefix = counter + ":";
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = TakeSql;
            Add(command, "prefix", prefix);
            Add(command, "keep", (double)KeepSeconds);
            Add(command, "cap", perWindow);
            double at;
            bool taken;
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                if (!await reader.ReadAsync(cancellationToken))
                {
                    throw new InvalidOperationException("the window count returned no row");
                }

                at = reader.GetDouble(0);
                taken = reader.GetBoolean(1);
            }

            if (Interlocked.Read(ref _lastSweep) is var last && time.GetElapsedTime(last) >= SweepEvery
                && Interlocked.CompareExchange(ref _lastSweep, time.GetTimestamp(), last) == last)
            {
                await using var sweep = connection.CreateCommand();
                sweep.CommandText = SweepSql;
                Add(sweep, "prefix", prefix);
                await sweep.ExecuteNonQueryAsync(cancellationToken);
            }

            var untilNext = TimeSpan.FromSeconds(Math.Floor(at) + 1 - at);
            return new RateWindowTake(taken, untilNext);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
