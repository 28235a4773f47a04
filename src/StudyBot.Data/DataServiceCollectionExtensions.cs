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
        services.AddSingleton(sp => new WriteGate(connectionString, sp.GetService<Microsoft.Extensions.Logging.ILogger<WriteGate>>()));
        services.AddScoped<IProgressStore, ProgressStore>();
        services.AddScoped<NotificationStore>();
        services.AddScoped<IReminderStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ICelebrationStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ILeaderboardScheduleStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<IOutboxStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<ILeaderboardStore>(sp => sp.GetRequiredService<NotificationStore>());
        services.AddScoped<IPartnerStore, PartnerStore>();
        services.AddScoped<IMemberDataStore, MemberDataStore>();
        services.AddScoped<StudyBot.Core.Roles.IRoleStore, RoleStore>();
        return services;
    }
}

public static class StudyBotDatabase
{
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
