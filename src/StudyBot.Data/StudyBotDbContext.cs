using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using StudyBot.Data.Configurations;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

public sealed partial class StudyBotDbContext(DbContextOptions<StudyBotDbContext> options) : DbContext(options)
{
    /// <summary>The assembly with the PostgreSQL migrations (SQLite's are in this one, where they always were).</summary>
    public const string PostgresMigrationsAssembly = "StudyBot.Data.PostgreSQL";

    /// <summary>
    /// EF on SQLite, migrations from this assembly, on the compiled model (building the model was half a second of every
    /// start). The EF tools (<c>dotnet ef migrations add</c>, <c>dbcontext optimize</c>) build the model from the code
    /// instead: a compiled model lacks what a migration's diff needs, and regenerating it must not read itself.
    /// <para>
    /// Its connections carry none of EF's SQLite user functions (<see cref="SqliteKeptConnection"/>): defining them again at
    /// every open made SQLite compile the statements each connection keeps again at their next use.
    /// </para>
    /// </summary>
#pragma warning disable EF1001 // EF's SQLite connection is internal API: see SqliteKeptConnection.
    public static DbContextOptionsBuilder UseSqlite(DbContextOptionsBuilder options, string connectionString) =>
        EF.IsDesignTime
            ? options.UseSqlite(connectionString)
            : options.UseSqlite(connectionString).UseModel(CompiledModel.StudyBotDbContextModel.Instance)
                .ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, SqliteKeptConnection>();
#pragma warning restore EF1001

    /// <summary>EF on PostgreSQL (Npgsql), migrations from <see cref="PostgresMigrationsAssembly"/>.</summary>
    public static DbContextOptionsBuilder UsePostgres(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, o => o.MigrationsAssembly(PostgresMigrationsAssembly));

    private StoreAnsweredInterceptor? _answered;

    private bool _answeredLooked;

    /// <summary>
    /// A statement run on this context's connection outside EF was answered: as EF's own commands do, it ends a database
    /// outage (<see cref="StoreAnsweredInterceptor"/>).
    /// </summary>
    internal void Answered()
    {
        if (!_answeredLooked)
        {
            // The options are the pool's, the same for every lease of this context.
            IInfrastructure<IServiceProvider> services = this;
            _answered = services.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors?.OfType<StoreAnsweredInterceptor>().FirstOrDefault();
            _answeredLooked = true;
        }

        _answered?.Answered(Database.GetDbConnection());
    }

    /// <summary>
    /// Whether this context talks to PostgreSQL (else SQLite): where their SQL differs, each store asks. Asked of EF once per
    /// context: EF's answer reads the provider assembly's name every time, and the stores ask several times a command.
    /// </summary>
    internal bool IsPostgres => _isPostgres ??= Database.IsNpgsql();

    private bool? _isPostgres;

    internal DbSet<CommunityEntity> Communities => Set<CommunityEntity>();

    internal DbSet<MemberEntity> Members => Set<MemberEntity>();

    internal DbSet<ItemProgressEntity> ItemProgress => Set<ItemProgressEntity>();

    internal DbSet<ItemChangeEntity> ItemChanges => Set<ItemChangeEntity>();

    internal DbSet<StudyLogEntity> StudyLogs => Set<StudyLogEntity>();

    internal DbSet<GoalEntity> Goals => Set<GoalEntity>();

    internal DbSet<CompletionEventEntity> CompletionEvents => Set<CompletionEventEntity>();

    internal DbSet<RestPeriodEntity> RestPeriods => Set<RestPeriodEntity>();

    internal DbSet<ItemNoteEntity> ItemNotes => Set<ItemNoteEntity>();

    internal DbSet<OutboxEntity> Outbox => Set<OutboxEntity>();

    internal DbSet<OutboxMentionEntity> OutboxMentions => Set<OutboxMentionEntity>();

    internal DbSet<PeriodStatsEntity> PeriodStats => Set<PeriodStatsEntity>();

    internal DbSet<DailyTotalEntity> DailyTotals => Set<DailyTotalEntity>();

    internal DbSet<PartnerPoolEntity> PartnerPool => Set<PartnerPoolEntity>();

    internal DbSet<PartnershipEntity> Partnerships => Set<PartnershipEntity>();

    internal DbSet<PartnershipMemberEntity> PartnershipMembers => Set<PartnershipMemberEntity>();

    internal DbSet<PhaseRoleEntity> PhaseRoles => Set<PhaseRoleEntity>();

    internal DbSet<RoleGrantEntity> RoleGrants => Set<RoleGrantEntity>();

    internal DbSet<RoleProblemEntity> RoleProblems => Set<RoleProblemEntity>();

    internal DbSet<ChannelProblemEntity> ChannelProblems => Set<ChannelProblemEntity>();

    internal DbSet<CommandReceiptEntity> CommandReceipts => Set<CommandReceiptEntity>();

    internal DbSet<LeaseEntity> Leases => Set<LeaseEntity>();

    internal DbSet<SeenKeyEntity> SeenKeys => Set<SeenKeyEntity>();

    internal DbSet<DmChannelEntity> DmChannels => Set<DmChannelEntity>();

    internal DbSet<StudyRoomEntity> StudyRooms => Set<StudyRoomEntity>();

    internal DbSet<VoiceIntervalEntity> VoiceIntervals => Set<VoiceIntervalEntity>();

    internal DbSet<VoiceOptOutEntity> VoiceOptOuts => Set<VoiceOptOutEntity>();

    internal DbSet<FocusSessionEntity> FocusSessions => Set<FocusSessionEntity>();

    internal DbSet<FocusSettingEntity> FocusSettings => Set<FocusSettingEntity>();

    internal DbSet<StudySessionEntity> StudySessions => Set<StudySessionEntity>();

    internal DbSet<SessionRsvpEntity> SessionRsvps => Set<SessionRsvpEntity>();

    internal DbSet<SessionCheckInEntity> SessionCheckIns => Set<SessionCheckInEntity>();

    internal DbSet<SessionSettingsEntity> SessionSettings => Set<SessionSettingsEntity>();

    internal DbSet<RoadmapVersionEntity> RoadmapVersions => Set<RoadmapVersionEntity>();

    internal DbSet<CommunityRoadmapVersionEntity> CommunityRoadmapVersions => Set<CommunityRoadmapVersionEntity>();

    internal DbSet<RoadmapNoticeSeenEntity> RoadmapNoticesSeen => Set<RoadmapNoticeSeenEntity>();

    internal DbSet<CommunityRoadmapEntity> CommunityRoadmaps => Set<CommunityRoadmapEntity>();

    internal DbSet<WebLinkEntity> WebLinks => Set<WebLinkEntity>();

    internal DbSet<WebSessionEntity> WebSessions => Set<WebSessionEntity>();

    internal DbSet<WebShareEntity> WebShares => Set<WebShareEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new CommunityConfiguration());
        modelBuilder.ApplyConfiguration(new MemberConfiguration());
        modelBuilder.ApplyConfiguration(new ItemProgressConfiguration());
        modelBuilder.ApplyConfiguration(new ItemChangeConfiguration());
        modelBuilder.ApplyConfiguration(new StudyLogConfiguration());
        modelBuilder.ApplyConfiguration(new GoalConfiguration());
        modelBuilder.ApplyConfiguration(new CompletionEventConfiguration());
        modelBuilder.ApplyConfiguration(new RestPeriodConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxMentionConfiguration());
        modelBuilder.ApplyConfiguration(new PeriodStatsConfiguration());
        modelBuilder.ApplyConfiguration(new DailyTotalConfiguration());
        modelBuilder.ApplyConfiguration(new PartnerPoolConfiguration());
        modelBuilder.ApplyConfiguration(new PartnershipConfiguration());
        modelBuilder.ApplyConfiguration(new PartnershipMemberConfiguration());
        modelBuilder.ApplyConfiguration(new PhaseRoleConfiguration());
        modelBuilder.ApplyConfiguration(new RoleGrantConfiguration());
        modelBuilder.ApplyConfiguration(new RoleProblemConfiguration());
        modelBuilder.ApplyConfiguration(new ChannelProblemConfiguration());
        modelBuilder.ApplyConfiguration(new CommandReceiptConfiguration());
        modelBuilder.ApplyConfiguration(new LeaseConfiguration());
        modelBuilder.ApplyConfiguration(new SeenKeyConfiguration());
        modelBuilder.ApplyConfiguration(new DmChannelConfiguration());
        modelBuilder.ApplyConfiguration(new StudyRoomConfiguration());
        modelBuilder.ApplyConfiguration(new VoiceIntervalConfiguration());
        modelBuilder.ApplyConfiguration(new VoiceOptOutConfiguration());
        modelBuilder.ApplyConfiguration(new FocusSessionConfiguration());
        modelBuilder.ApplyConfiguration(new FocusSettingConfiguration());
        modelBuilder.ApplyConfiguration(new StudySessionConfiguration());
        modelBuilder.ApplyConfiguration(new SessionRsvpConfiguration());
        modelBuilder.ApplyConfiguration(new SessionCheckInConfiguration());
        modelBuilder.ApplyConfiguration(new SessionSettingsConfiguration());
        modelBuilder.ApplyConfiguration(new RoadmapVersionConfiguration());
        modelBuilder.ApplyConfiguration(new CommunityRoadmapVersionConfiguration());
        modelBuilder.ApplyConfiguration(new RoadmapNoticeSeenConfiguration());
        modelBuilder.ApplyConfiguration(new CommunityRoadmapConfiguration());
        modelBuilder.ApplyConfiguration(new MemberRoadmapConfiguration());
        modelBuilder.ApplyConfiguration(new WebLinkConfiguration());
        modelBuilder.ApplyConfiguration(new WebSessionConfiguration());
        modelBuilder.ApplyConfiguration(new WebShareConfiguration());
        modelBuilder.ApplyConfiguration(new ItemNoteConfiguration());

        if (IsPostgres)
        {
            // Index filters are SQL: PostgreSQL folds unquoted names to lower case, and EF's tables keep their PascalCase.
            foreach (var index in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetIndexes()))
            {
                if (index.GetFilter() is { } filter)
                {
                    index.SetFilter(PascalCaseName().Replace(filter, "\"$1\""));
                }
            }
        }
    }

    /// <summary>
    /// Every time is UTC, stored and read back as <see cref="DateTimeKind.Utc"/> on both providers: PostgreSQL keeps it
    /// as <c>timestamp with time zone</c> (Npgsql's mapping, which takes only UTC values), SQLite as text, as before.
    /// </summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();

    [GeneratedRegex(@"(?<![""\w])([A-Z][a-z]\w*)\b")]
    private static partial Regex PascalCaseName();

    internal sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}
