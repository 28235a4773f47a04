using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Core.Privacy;
using StudyBot.Core.Progress;

namespace StudyBot.Data;

/// <summary>The database StudyBot keeps its data in (<c>Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>One file, one process: the embedded default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server.</summary>
    PostgreSQL,
}

public static class DataServiceCollectionExtensions
{
    /// <summary>EF Core on SQLite and the stores built on it.</summary>
    public static IServiceCollection AddStudyBotData(this IServiceCollection services, string connectionString) =>
        services.AddStudyBotData(DatabaseProvider.Sqlite, connectionString);

    /// <summary>EF Core on the given provider and the stores built on it.</summary>
    public static IServiceCollection AddStudyBotData(this IServiceCollection services, DatabaseProvider provider, string connectionString)
    {
        if (provider == DatabaseProvider.PostgreSQL)
        {
            // Parsed when first used: the host validates the setting first and names it when it is wrong.
            services.AddDbContextPool<StudyBotDbContext>((sp, o) => Watched(StudyBotDbContext.UsePostgres(o, PostgresConnection.Normalise(connectionString)), sp));
            services.AddSingleton(_ => WriteGate.Open());

            // Several instances may share this database: one at a time drains each platform's outbox.
            services.AddScoped<IDrainLease, DrainLease>();

            // ... and a member's commands run one at a time across them, as they do within one process.
            services.AddSingleton<StudyBot.Core.Commands.ISharedMemberLines, SharedMemberLines>();

            // ... and they share the platforms' budgets that count them all together (Discord's global requests a second).
            services.AddSingleton<StudyBot.Core.Coordination.IRateWindows, RateWindows>();
        }
        else
        {
            services.AddDbContextPool<StudyBotDbContext>((sp, o) => Watched(StudyBotDbContext.UseSqlite(o, connectionString).AddInterceptors(new SqlitePragmas()), sp));
            services.AddSingleton(new SqliteDatabase(connectionString));

            // The idle delay is elapsed real time between writes, not the bot's clock of days and weeks (which tests move by
            // hours): it has a clock of its own, real unless one is registered under WriteGate.ClockKey.
            services.AddSingleton(sp => new WriteGate(connectionString, sp.GetService<Microsoft.Extensions.Logging.ILogger<WriteGate>>(), sp.GetKeyedService<TimeProvider>(WriteGate.ClockKey), sp.GetService<StudyBot.Core.Telemetry.StudyBotMetrics>()));
        }

        // Which errors are an outage of the database rather than a bug (Core's StoreOutage logs an outage once).
        services.AddSingleton<StudyBot.Core.Storage.IStoreFaults, StoreFaults>();
        services.TryAddSingleton<StudyBot.Core.Storage.StoreOutage>();
        services.TryAddSingleton(TimeProvider.System);

        // The owner of this process's claims; the host registers the configured one (Instance:Id) first.
        services.TryAddSingleton(_ => StudyBotInstance.Generate());
        services.AddScoped<IProgressStore, ProgressStore>();
        services.AddScoped<StudyBot.Core.Commands.ICommandReceiptStore, CommandReceiptStore>();
        services.AddScoped<NotificationStore>();
        services.AddScoped<IReminderStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ICelebrationStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ILeaderboardScheduleStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<IOutboxStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ILeaderboardStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<IPartnerStore, PartnerStore>();
        services.AddScoped<StudyBot.Core.Voice.IVoiceRoomStore, VoiceRoomStore>();
        services.AddScoped<StudyBot.Core.Focus.IFocusStore, FocusStore>();
        services.AddScoped<StudyBot.Core.Sessions.ISessionStore, SessionStore>();
        services.AddScoped<StudyBot.Core.Notes.IItemNoteStore, ItemNoteStore>();
        services.AddScoped<IMemberDataStore, MemberDataStore>();
        services.AddScoped<StudyBot.Core.Roles.IRoleStore, RoleStore>();
        services.AddScoped<IChannelProblemStore, ChannelProblemStore>();
        services.AddScoped<StudyBot.Core.Roadmaps.IRoadmapNoticeStore, RoadmapNoticeStore>();
        services.AddScoped<StudyBot.Core.Roadmaps.ICommunityRoadmapStore, CommunityRoadmapStore>();
        services.AddScoped<StudyBot.Core.Web.IWebAccessStore, WebAccessStore>();
        services.AddScoped<StudyBot.Core.Dashboard.IDashboardStore, DashboardStore>();
        services.AddSingleton<StudyBot.Core.Coordination.ILeaseStore, LeaseStore>();

        // Each user's DM channel, for the adapters' notifiers (singletons): kept across restarts and shared by instances.
        services.AddSingleton<StudyBot.Core.Chat.IDmChannelStore, DmChannelStore>();
        return services;
    }

    /// <summary>
    /// Platform deliveries seen recently, shared in the database (<see cref="StudyBot.Core.Chat.ISeenDeliveries"/>, the
    /// <c>SeenKeys</c> table): for several instances on one PostgreSQL database. One process on a SQLite file needs none.
    /// </summary>
    public static IServiceCollection AddSharedSeenDeliveries(this IServiceCollection services) =>
        services.AddSingleton<StudyBot.Core.Chat.ISeenDeliveries, SeenDeliveryStore>();

    /// <summary>
    /// Every statement the database answers ends an outage. EF's own error lines for a connection, a command or a
    /// transaction that failed go to Debug: they carry no exception to tell an outage from a bug by, and whatever ran
    /// the statement reports the failure itself, once (a start-up line naming the setting, the outage's one line, or a
    /// command's or job's error with the exception's types and stack trace).
    /// </summary>
    private static DbContextOptionsBuilder Watched(DbContextOptionsBuilder options, IServiceProvider services) =>
        options
            .AddInterceptors(new StoreAnsweredInterceptor(services.GetRequiredService<StudyBot.Core.Storage.StoreOutage>()))
            .ConfigureWarnings(w => w.Log(
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.ConnectionError, Microsoft.Extensions.Logging.LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, Microsoft.Extensions.Logging.LogLevel.Debug),
                (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.TransactionError, Microsoft.Extensions.Logging.LogLevel.Debug)));
}

public static class StudyBotDatabase
{
    /// <summary>
    /// Rebuilds every member's daily totals from the study log and item history: live logs by kind, live item
    /// changes (not undo rows, not undone) as done +1 / left done -1, and both kinds' points. The migration that
    /// introduced the table runs it; it gives the same days the commit path keeps up to date.
    /// </summary>
    public const string RebuildDailyTotalsSql = """
        DELETE FROM DailyTotals;
        INSERT INTO DailyTotals (MemberId, LocalDate, CommunityId, PracticeMinutes, LearningMinutes, ReviewMinutes, ItemsDone, Points)
        SELECT MemberId, LocalDate, MIN(CommunityId), SUM(Practice), SUM(Learning), SUM(Review), SUM(Done), SUM(Points)
        FROM (
            SELECT MemberId, LocalDate, CommunityId,
                   CASE WHEN Kind = 0 THEN Minutes ELSE 0 END AS Practice,
                   CASE WHEN Kind = 1 THEN Minutes ELSE 0 END AS Learning,
                   CASE WHEN Kind NOT IN (0, 1) THEN Minutes ELSE 0 END AS Review,
                   0 AS Done, Points
            FROM StudyLogs WHERE RetractedAtUtc IS NULL
            UNION ALL
            SELECT MemberId, LocalDate, CommunityId, 0, 0, 0,
                   CASE WHEN ToStatus = 2 THEN 1 WHEN FromStatus = 2 THEN -1 ELSE 0 END, Points
            FROM ItemChanges WHERE IsUndo = 0 AND UndoneAtUtc IS NULL
        )
        GROUP BY MemberId, LocalDate;
        """;

    /// <summary>
    /// Recomputes the active days of every week, month and all-time total (of members whose data is not deleted)
    /// from their daily totals, the way the commit path keeps them: a day is active while it has logged minutes or
    /// a finished item. Before, an undone log or item left its day counted; the migration that fixed that runs it.
    /// </summary>
    public const string RebuildActiveDaysSql = """
        UPDATE PeriodStats SET
            ActiveDays = COALESCE((
                SELECT SUM(CASE PeriodStats.Kind
                               WHEN 0 THEN 1 << CAST(julianday(d.LocalDate) - julianday(PeriodStats.PeriodStart) AS INTEGER)
                               WHEN 1 THEN 1 << (CAST(strftime('%d', d.LocalDate) AS INTEGER) - 1)
                               ELSE 0 END)
                FROM DailyTotals d
                WHERE d.MemberId = PeriodStats.MemberId
                  AND (d.PracticeMinutes + d.LearningMinutes + d.ReviewMinutes > 0 OR d.ItemsDone > 0)
                  AND (PeriodStats.Kind = 2
                       OR (PeriodStats.Kind = 0 AND d.LocalDate >= PeriodStats.PeriodStart AND d.LocalDate < date(PeriodStats.PeriodStart, '+7 days'))
                       OR (PeriodStats.Kind = 1 AND d.LocalDate >= PeriodStats.PeriodStart AND d.LocalDate < date(PeriodStats.PeriodStart, '+1 month')))), 0),
            ActiveDayCount = (
                SELECT COUNT(*)
                FROM DailyTotals d
                WHERE d.MemberId = PeriodStats.MemberId
                  AND (d.PracticeMinutes + d.LearningMinutes + d.ReviewMinutes > 0 OR d.ItemsDone > 0)
                  AND (PeriodStats.Kind = 2
                       OR (PeriodStats.Kind = 0 AND d.LocalDate >= PeriodStats.PeriodStart AND d.LocalDate < date(PeriodStats.PeriodStart, '+7 days'))
                       OR (PeriodStats.Kind = 1 AND d.LocalDate >= PeriodStats.PeriodStart AND d.LocalDate < date(PeriodStats.PeriodStart, '+1 month'))))
        WHERE MemberId IN (SELECT Id FROM Members WHERE DeletedAtUtc IS NULL);
        """;

    /// <summary>
    /// Gives each waiting or sent direct message without a member the member it went to (its recipient in its
    /// community), so deleting that member's data finds it by id. Messages to channels are left as they are.
    /// </summary>
    public const string OutboxRecipientsSql = """
        UPDATE Outbox SET MemberId = (SELECT m.Id FROM Members m WHERE m.CommunityId = Outbox.CommunityId AND m.UserId = Outbox.RecipientId)
        WHERE MemberId IS NULL AND Target = 0;
        """;

    /// <summary>The PostgreSQL advisory lock key instances hold while they migrate ("StudyBot" in ASCII).</summary>
    public const long MigrationLockKey = 0x5374756479426F74;

    /// <summary>
    /// Applies pending migrations (each provider's own). On SQLite it first creates the database file's folder (0700)
    /// and the file (0600) when they are missing, and turns on WAL after, so readers never wait for the writer. Safe
    /// to run at every start.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        // An up-to-date SQLite file (the usual start) is checked on a plain connection: EF Core is not started for it.
        if (services.GetService<SqliteDatabase>() is { InFile: true } sqlite)
        {
            EnsureFile(sqlite.ConnectionString);
            if (await SqliteStartup.TryStartUpToDateAsync(sqlite.ConnectionString, cancellationToken))
            {
                return;
            }
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        if (db.IsPostgres)
        {
            // PostgreSQL's migrations live in an assembly of their own; without it EF would find none and create nothing.
            if (!db.Database.GetMigrations().Any())
            {
                throw new InvalidOperationException($"the PostgreSQL migrations ({StudyBotDbContext.PostgresMigrationsAssembly}.dll) are missing next to the program");
            }

            // Instances that start at once migrate one after another: each holds this session lock (on the connection EF
            // then migrates on) while it migrates, and the later ones find nothing left to do. It goes with the session.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);

                // Made first, so EF's first read of it does not log an error for a table that is not there yet.
                await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
                await RefuseNewerAsync(db, cancellationToken);
                await db.Database.MigrateAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }

            return;
        }

        EnsureFile(db.Database.GetConnectionString());
        await SqliteStartup.MigrateAsync(
            db,
            services.GetService<ILoggerFactory>()?.CreateLogger("StudyBot.Data.Upgrade") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);

        // Gives the query planner fresh statistics where they matter; cheap, and recommended at start-up.
        await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
    }

    /// <summary>
    /// Frees the leases other instances hold. Only for SQLite, where one process runs per file and holds its lock: any
    /// other holder has ended without releasing (a crash), so the shards and roles it held need not wait out its leases.
    /// </summary>
    public static async Task<int> ReleaseOthersLeasesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<SqliteDatabase>() is { InFile: true } sqlite)
        {
            using var entered = await services.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);
            return await SqliteStartup.ReleaseOthersLeasesAsync(sqlite.ConnectionString, services.GetRequiredService<StudyBotInstance>().Id, cancellationToken);
        }

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        var me = scope.ServiceProvider.GetRequiredService<StudyBotInstance>().Id;
        using var writing = await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(cancellationToken);
        return await SqliteStartup.ReleaseOthersLeasesAsync(db, me, cancellationToken);
    }

    /// <summary>
    /// A database with a migration this version does not know was upgraded by a newer StudyBot: its tables may have
    /// changed in ways this version would misread or undo, so it is refused before anything is written (an older
    /// database, by contrast, is simply migrated).
    /// </summary>
    private static async Task RefuseNewerAsync(StudyBotDbContext db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        SqliteStartup.RefuseNewer(known, await db.Database.GetAppliedMigrationsAsync(cancellationToken));
    }

    /// <summary>
    /// The database file, created before SQLite would create it with the default mode: members' data is for the
    /// bot's user only (<see cref="PrivateFiles"/>). Existing files and folders keep the mode they have.
    /// </summary>
    private static void EnsureFile(string? connectionString)
    {
        if (connectionString is null)
        {
            return;
        }

        // A URI filename is left to SQLite, as is a database opened read-only.
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || builder.Mode == SqliteOpenMode.ReadOnly
            || SqliteFile.PathOf(connectionString) is not { } path)
        {
            return;
        }

        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            PrivateFiles.CreateFolder(folder);
        }

        PrivateFiles.CreateEmptyIfMissing(path);
    }
}
