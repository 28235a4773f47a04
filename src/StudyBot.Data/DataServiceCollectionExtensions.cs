using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Notifications;
using StudyBot.Core.Partners;
using StudyBot.Core.Privacy;
using StudyBot.Core.Progress;

namespace StudyBot.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>EF Core on SQLite and the stores built on it.</summary>
    public static IServiceCollection AddStudyBotData(this IServiceCollection services, string connectionString)
    {
        services.AddDbContextPool<StudyBotDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(new SqlitePragmas()));
        services.AddSingleton(sp => new WriteGate(connectionString, sp.GetService<Microsoft.Extensions.Logging.ILogger<WriteGate>>(), sp.GetService<TimeProvider>()));
        services.AddScoped<IProgressStore, ProgressStore>();
        services.AddScoped<StudyBot.Core.Commands.ICommandReceiptStore, CommandReceiptStore>();
        services.AddScoped<NotificationStore>();
        services.AddScoped<IReminderStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ICelebrationStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ILeaderboardScheduleStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<IOutboxStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ILeaderboardStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<IPartnerStore, PartnerStore>();
        services.AddScoped<IMemberDataStore, MemberDataStore>();
        services.AddScoped<StudyBot.Core.Roles.IRoleStore, RoleStore>();
        services.AddScoped<IChannelProblemStore, ChannelProblemStore>();
        return services;
    }
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
    /// Creates the database file's folder, applies pending migrations and turns on WAL, so readers never
    /// wait for the writer. Safe to run at every start.
    /// </summary>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StudyBotDbContext>();
        EnsureFolder(db.Database.GetConnectionString());
        await db.Database.MigrateAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);

        // Gives the query planner fresh statistics where they matter; cheap, and recommended at start-up.
        await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", cancellationToken);
    }

    private static void EnsureFolder(string? connectionString)
    {
        if (connectionString is null)
        {
            return;
        }

        var source = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (string.IsNullOrEmpty(source) || source == ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(source));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
