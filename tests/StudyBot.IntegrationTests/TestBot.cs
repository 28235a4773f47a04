using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Core.Notifications;
using StudyBot.Host.Console;
using StudyBot.Host.Options;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The real engine on a real SQLite file (or, with <see cref="DatabaseProvider.PostgreSQL"/>, a fresh database on the
/// tests' private PostgreSQL), with a fake clock: what every adapter talks to.
/// </summary>
internal sealed class TestBot : IAsyncDisposable
{
    public static readonly CommunityRef Home = new(Platforms.Console, "local", "Local study group");

    private readonly ServiceProvider _services;

    private readonly bool _ownsFile;

    private TestBot(DatabaseProvider provider, string connectionString, string dbPath, bool ownsFile, TestClock time, FakeTimeProvider gateTime, ServiceProvider services, RecordingNotifier notifier, IReadOnlyDictionary<string, RecordingNotifier> notifiers)
    {
        Notifier = notifier;
        Notifiers = notifiers;
        Provider = provider;
        ConnectionString = connectionString;
        DbPath = dbPath;
        _ownsFile = ownsFile;
        Time = time;
        GateTime = gateTime;
        _services = services;
        Executor = services.GetRequiredService<CommandExecutor>();
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The SQLite file (unused on PostgreSQL).</summary>
    public string DbPath { get; }

    public TestClock Time { get; }

    /// <summary>The write gate's own clock for its idle delay, apart from <see cref="Time"/> so pumping the bot's clock never fires it.</summary>
    public FakeTimeProvider GateTime { get; }

    public CommandExecutor Executor { get; }

    public RecordingNotifier Notifier { get; }

    /// <summary>Each platform's notifier: the console's (<see cref="Notifier"/>) and those asked for at start.</summary>
    public IReadOnlyDictionary<string, RecordingNotifier> Notifiers { get; }

    /// <summary>One pass of every background job, as Quartz would run them, at the fake clock's current time.</summary>
    public async Task RunJobsAsync()
    {
        await Services.GetRequiredService<ReminderService>().RunDueAsync(CancellationToken.None);
        await Services.GetRequiredService<CelebrationService>().RunAsync(CancellationToken.None);
        await Services.GetRequiredService<LeaderboardService>().RunDueAsync(CancellationToken.None);
        await Services.GetRequiredService<StudyBot.Core.Partners.PartnerService>().RunScheduledAsync(CancellationToken.None);
        await Services.GetRequiredService<StudyBot.Core.Partners.PartnerService>().OfferRematchesAsync(CancellationToken.None);
        await Services.GetRequiredService<StudyBot.Core.Focus.FocusService>().RunAsync(CancellationToken.None);
        await Services.GetRequiredService<StudyBot.Core.Sessions.SessionService>().RunDueAsync(CancellationToken.None);
        await DrainAsync(TimeSpan.FromMinutes(1));
    }

    /// <summary>One outbox run at each platform's real pace, the clock moving while it waits; returns how many were delivered.</summary>
    public Task<int> DrainAsync(TimeSpan budget) =>
        Time.PumpAsync(() => Services.GetRequiredService<OutboxDispatcher>().DrainAsync(budget, CancellationToken.None), "the outbox to drain");

    /// <summary>Moves the clock forward in steps, running the jobs after each, as a live bot would.</summary>
    public async Task RunUntilAsync(DateTimeOffset until, TimeSpan step)
    {
        while (Time.GetUtcNow() < until)
        {
            var next = Time.GetUtcNow() + step;
            Time.SetUtcNow(next < until ? next : until);
            await RunJobsAsync();
        }
    }

    public IServiceProvider Services => _services;

    /// <summary>A connection string for the tests' own queries: the file's unpooled, or the PostgreSQL database's.</summary>
    public string ConnectionString { get; }

    /// <param name="configure">Extra registrations, e.g. <c>s => s.AddStudyBotCards()</c> for progress cards.</param>
    /// <param name="platforms">More platforms to deliver to, each through a <see cref="RecordingNotifier"/> of its own.</param>
    /// <param name="replace">Registrations that replace the bot's own (run last), e.g. a store that fails.</param>
    /// <param name="pooling">Pool the engine's SQLite connections, as the host does: faster for tests that run many commands.</param>
    /// <param name="provider">The database: a SQLite file (the default) or a new database on the tests' PostgreSQL.</param>
    /// <param name="postgres">On PostgreSQL, an existing database to start on instead of a new one.</param>
    /// <param name="instanceId">This bot's <c>Instance:Id</c>, the owner of its claims (generated when null).</param>
    public static async Task<TestBot> StartAsync(
        DateTimeOffset? now = null,
        string? dbPath = null,
        string defaultTimeZone = "UTC",
        Action<IServiceCollection>? configure = null,
        IReadOnlyList<string>? platforms = null,
        Action<IServiceCollection>? replace = null,
        bool pooling = false,
        DatabaseProvider provider = DatabaseProvider.Sqlite,
        string? postgres = null,
        string? instanceId = null)
    {
        postgres = provider == DatabaseProvider.PostgreSQL ? postgres ?? await Postgres.CreateDatabaseAsync() : null;
        var ownsFile = dbPath is null;
        dbPath ??= Path.Combine(Path.GetTempPath(), $"studybot-test-{Guid.NewGuid():N}.db");
        var time = new TestClock(now ?? new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var notifier = new RecordingNotifier(time);
        var notifiers = new Dictionary<string, RecordingNotifier>(StringComparer.Ordinal) { [Platforms.Console] = notifier };
        foreach (var platform in platforms ?? [])
        {
            notifiers[platform] = new RecordingNotifier(time, platform);
        }

        var gateTime = new FakeTimeProvider(time.GetUtcNow());
        var collection = new ServiceCollection();
        if (instanceId is not null)
        {
            collection.AddSingleton(new StudyBotInstance(instanceId));
        }

        configure?.Invoke(collection);
        foreach (var other in notifiers.Values)
        {
            collection.AddSingleton<INotifier>(other);
        }

        // The outbox keeps each platform's real pace (the defaults of DeliveryRates); DrainAsync moves the clock.
        collection
            .AddSingleton<IChannelDirectory>(new ConsoleChannels(Options.Create(new ConsoleOptions())))
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<TimeProvider>(time)
            .AddKeyedSingleton<TimeProvider>(WriteGate.ClockKey, gateTime)
            .AddSingleton(new CoreSettings { DefaultTimeZone = defaultTimeZone })
            .AddSingleton(new RoadmapCatalog(RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), "ml-zero-to-hero"))
            .AddStudyBotCore()
            .AddStudyBotData(provider, postgres ?? $"Data Source={dbPath};Pooling={pooling}")
            .ConfigureDbContext<StudyBotDbContext>(o => o.AddInterceptors(new DatabaseActivity(time)));
        replace?.Invoke(collection);
        var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        await StudyBotDatabase.MigrateAsync(services, CancellationToken.None);
        return new TestBot(provider, postgres ?? $"Data Source={dbPath};Pooling=False", dbPath, ownsFile, time, gateTime, services, notifier, notifiers);
    }

    public static MemberRef Member(string name, CommunityRef? community = null, bool admin = true) =>
        new(community ?? Home, name.ToLowerInvariant(), name) { IsAdmin = admin };

    public Task<Reply> SayAsync(string member, string text, CommunityRef? community = null) =>
        Executor.RunTextAsync(Member(member, community), text, CancellationToken.None);

    /// <summary>Every row of every table, as text: compare before and after to prove nothing changed.</summary>
    public async Task<string> DumpAsync()
    {
        await using var connection = await OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = Provider == DatabaseProvider.PostgreSQL
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var sb = new StringBuilder();
        foreach (var table in tables)
        {
            sb.Append("## ").AppendLine(table);
            sb.Append(await RowsAsync(connection, $"SELECT * FROM \"{table}\" ORDER BY {(Provider == DatabaseProvider.PostgreSQL ? "1" : "rowid")}"));
        }

        return sb.ToString();
    }

    /// <summary>The rows a query returns, as text: one line per row, each value followed by <c>|</c>.</summary>
    public async Task<string> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync();
        return await RowsAsync(connection, sql);
    }

    /// <summary>A connection of the tests' own to the bot's database, on either provider.</summary>
    public async Task<System.Data.Common.DbConnection> OpenAsync()
    {
        System.Data.Common.DbConnection connection = Provider == DatabaseProvider.PostgreSQL
            ? new Npgsql.NpgsqlConnection(ConnectionString)
            : new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<string> RowsAsync(System.Data.Common.DbConnection connection, string sql)
    {
        var sb = new StringBuilder();
        await using var select = connection.CreateCommand();
        select.CommandText = sql;
        await using var reader = await select.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                sb.Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    public async Task<DateTime?> NextReminderUtcAsync(string userId)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"NextReminderAtUtc\" FROM \"Members\" WHERE \"UserId\" = @u";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@u";
        parameter.Value = userId;
        command.Parameters.Add(parameter);
        var value = await command.ExecuteScalarAsync();
        return value switch
        {
            string text => DateTime.SpecifyKind(DateTime.Parse(text, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc),
            DateTime at => at.ToUniversalTime(),
            _ => null,
        };
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (!_ownsFile)
        {
            return;
        }

        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            try
            {
                File.Delete(DbPath + suffix);
            }
            catch (IOException)
            {
            }
        }
    }
}

internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Roadmaps => Path.Combine(Root, "roadmap");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "StudyBot.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("StudyBot.sln not found");
    }
}

internal static class ReplyText
{
    /// <summary>Everything a member would read in a reply, follow-ups included.</summary>
    public static string All(Reply reply)
    {
        var sb = new StringBuilder();
        sb.AppendLine(reply.Title).AppendLine(reply.Text);
        foreach (var bar in reply.Bars)
        {
            sb.Append(bar.Label).Append(' ').Append(bar.Percent).AppendLine("%");
        }

        foreach (var field in reply.Fields)
        {
            sb.Append(field.Name).Append(": ").AppendLine(field.Value);
        }

        foreach (var followUp in reply.FollowUps)
        {
            sb.Append(All(followUp));
        }

        return sb.ToString();
    }
}
