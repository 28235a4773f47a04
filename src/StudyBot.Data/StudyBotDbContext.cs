using Microsoft.EntityFrameworkCore;
using StudyBot.Data.Configurations;
using StudyBot.Data.Entities;

namespace StudyBot.Data;

public sealed class StudyBotDbContext(DbContextOptions<StudyBotDbContext> options) : DbContext(options)
{
    internal DbSet<CommunityEntity> Communities => Set<CommunityEntity>();

    internal DbSet<MemberEntity> Members => Set<MemberEntity>();

    internal DbSet<ItemProgressEntity> ItemProgress => Set<ItemProgressEntity>();

    internal DbSet<ItemChangeEntity> ItemChanges => Set<ItemChangeEntity>();

    internal DbSet<StudyLogEntity> StudyLogs => Set<StudyLogEntity>();

    internal DbSet<GoalEntity> Goals => Set<GoalEntity>();

    internal DbSet<CompletionEventEntity> CompletionEvents => Set<CompletionEventEntity>();

    internal DbSet<RestPeriodEntity> RestPeriods => Set<RestPeriodEntity>();

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
    }
}
