using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Core.Telemetry;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class CommunityConfiguration : IEntityTypeConfiguration<CommunityEntity>
{
    public void Configure(EntityTypeBuilder<CommunityEntity> b)
    {
        b.ToTable("Communities");
        b.Property(x => x.Platform).HasMaxLength(16);
        b.Property(x => x.ExternalId).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.RoadmapId).HasMaxLength(64);
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.Property(x => x.CelebrationChannel).HasMaxLength(100);
        b.Property(x => x.LeaderboardChannel).HasMaxLength(100);
        b.Property(x => x.ChannelsSetBy).HasMaxLength(64);
        b.Property(x => x.LeaderboardDay).HasDefaultValue((int)DayOfWeek.Monday);
        b.Property(x => x.LeaderboardMinutes).HasDefaultValue(9 * 60);
        b.Property(x => x.RemindersMaxPerWeek).HasDefaultValue(2);
        b.HasIndex(x => new { x.Platform, x.ExternalId }).IsUnique();
        b.HasIndex(x => x.NextLeaderboardAtUtc);
        b.HasIndex(x => x.NextPartnerMatchAtUtc);
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<MemberEntity>
{
    public void Configure(EntityTypeBuilder<MemberEntity> b)
    {
        b.ToTable("Members");
        b.Property(x => x.UserId).HasMaxLength(64);
        b.Property(x => x.DisplayName).HasMaxLength(100);
        b.Property(x => x.PlatformLocale).HasMaxLength(35);
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.Property(x => x.LearnerProfileId).HasMaxLength(64);
        b.Property(x => x.PlanPlace).HasMaxLength(60);
        b.Property(x => x.LastTemplate).HasDefaultValue(-1);
        b.HasIndex(x => new { x.CommunityId, x.UserId }).IsUnique();
        b.HasIndex(x => x.NextReminderAtUtc).HasFilter("NextReminderAtUtc IS NOT NULL");
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ItemProgressConfiguration : IEntityTypeConfiguration<ItemProgressEntity>
{
    public void Configure(EntityTypeBuilder<ItemProgressEntity> b)
    {
        b.ToTable("ItemProgress");
        b.HasKey(x => new { x.MemberId, x.ItemId });
        b.Property(x => x.ItemId).HasMaxLength(64);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ItemChangeConfiguration : IEntityTypeConfiguration<ItemChangeEntity>
{
    public void Configure(EntityTypeBuilder<ItemChangeEntity> b)
    {
        b.ToTable("ItemChanges");
        b.Property(x => x.ItemId).HasMaxLength(64);
        b.Property(x => x.ActorId).HasMaxLength(64);
        b.HasIndex(x => new { x.MemberId, x.LocalDate });
        b.HasIndex(x => x.BatchId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class StudyLogConfiguration : IEntityTypeConfiguration<StudyLogEntity>
{
    public void Configure(EntityTypeBuilder<StudyLogEntity> b)
    {
        b.ToTable("StudyLogs");
        b.Property(x => x.ItemId).HasMaxLength(64);
        b.Property(x => x.Note).HasMaxLength(200);
        b.Property(x => x.ActorId).HasMaxLength(64);
        b.HasIndex(x => new { x.MemberId, x.LocalDate });
        b.HasIndex(x => x.BatchId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class GoalConfiguration : IEntityTypeConfiguration<GoalEntity>
{
    public void Configure(EntityTypeBuilder<GoalEntity> b)
    {
        b.ToTable("Goals");
        b.HasIndex(x => x.MemberId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CompletionEventConfiguration : IEntityTypeConfiguration<CompletionEventEntity>
{
    public void Configure(EntityTypeBuilder<CompletionEventEntity> b)
    {
        b.ToTable("CompletionEvents");
        b.Property(x => x.TargetId).HasMaxLength(64);
        b.Property(x => x.TraceParent).HasMaxLength(StudyBotTrace.MaxParentLength);
        b.HasIndex(x => new { x.MemberId, x.Kind, x.TargetId }).IsUnique();
        b.HasIndex(x => new { x.NotifiedAtUtc, x.AtUtc });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RestPeriodConfiguration : IEntityTypeConfiguration<RestPeriodEntity>
{
    public void Configure(EntityTypeBuilder<RestPeriodEntity> b)
    {
        b.ToTable("RestPeriods");
        b.HasIndex(x => x.MemberId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxEntity>
{
    public void Configure(EntityTypeBuilder<OutboxEntity> b)
    {
        b.ToTable("Outbox");
        b.Property(x => x.Key).HasMaxLength(200);
        b.Property(x => x.Kind).HasMaxLength(32);
        b.Property(x => x.Platform).HasMaxLength(16);
        b.Property(x => x.CommunityExternalId).HasMaxLength(64);
        b.Property(x => x.CommunityName).HasMaxLength(100);
        b.Property(x => x.RecipientId).HasMaxLength(100);
        b.Property(x => x.RecipientName).HasMaxLength(100);
        b.Property(x => x.LastError).HasMaxLength(500);
        b.Property(x => x.ClaimedBy).HasMaxLength(ClaimLimits.MaxOwnerLength);
        b.Property(x => x.TraceParent).HasMaxLength(StudyBotTrace.MaxParentLength);
        b.HasIndex(x => x.Key).IsUnique();
        // Each platform drains on its own: its due rows, oldest first.
        b.HasIndex(x => new { x.Platform, x.NextAttemptAtUtc }).HasFilter("SentAtUtc IS NULL AND FailedAtUtc IS NULL");
        b.HasIndex(x => new { x.MemberId, x.Kind, x.CreatedAtUtc });

        // What was not delivered this week, for /studybot show.
        b.HasIndex(x => new { x.CommunityId, x.FailedAtUtc }).HasFilter("FailedAtUtc IS NOT NULL");

        // The organisers' dashboard (issue 20): a community's channel posts, newest first, and its recent reminders.
        b.HasIndex(x => new { x.CommunityId, x.Target, x.CreatedAtUtc });
    }
}

internal sealed class OutboxMentionConfiguration : IEntityTypeConfiguration<OutboxMentionEntity>
{
    public void Configure(EntityTypeBuilder<OutboxMentionEntity> b)
    {
        b.ToTable("OutboxMentions");
        b.HasKey(x => new { x.OutboxId, x.MemberId });
        b.HasIndex(x => x.MemberId);
        b.HasOne<OutboxEntity>().WithMany().HasForeignKey(x => x.OutboxId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PeriodStatsConfiguration : IEntityTypeConfiguration<PeriodStatsEntity>
{
    public void Configure(EntityTypeBuilder<PeriodStatsEntity> b)
    {
        b.ToTable("PeriodStats");
        b.HasKey(x => new { x.MemberId, x.Kind, x.PeriodStart });
        b.HasIndex(x => new { x.CommunityId, x.Kind, x.PeriodStart, x.Points });
        b.HasIndex(x => new { x.CommunityId, x.Kind, x.PeriodStart, x.Minutes });
        // Active days take a handful of values (0-7 in a week), so the consistency ranking's tie-break on points is in
        // the index too: its top few are read in order instead of sorting every member tied on the most days.
        b.HasIndex(x => new { x.CommunityId, x.Kind, x.PeriodStart, x.ActiveDayCount, x.Points });
        b.HasIndex(x => new { x.CommunityId, x.Kind, x.PeriodStart, x.Improvement });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class DailyTotalConfiguration : IEntityTypeConfiguration<DailyTotalEntity>
{
    public void Configure(EntityTypeBuilder<DailyTotalEntity> b)
    {
        b.ToTable("DailyTotals");
        b.HasKey(x => new { x.MemberId, x.LocalDate });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PartnerPoolConfiguration : IEntityTypeConfiguration<PartnerPoolEntity>
{
    public void Configure(EntityTypeBuilder<PartnerPoolEntity> b)
    {
        b.ToTable("PartnerPool");
        b.HasKey(x => x.MemberId);
        b.HasIndex(x => x.CommunityId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PartnershipConfiguration : IEntityTypeConfiguration<PartnershipEntity>
{
    public void Configure(EntityTypeBuilder<PartnershipEntity> b)
    {
        b.ToTable("Partnerships");
        b.HasIndex(x => new { x.CommunityId, x.CreatedAtUtc });
    }
}

internal sealed class PartnershipMemberConfiguration : IEntityTypeConfiguration<PartnershipMemberEntity>
{
    public void Configure(EntityTypeBuilder<PartnershipMemberEntity> b)
    {
        b.ToTable("PartnershipMembers");
        b.HasKey(x => new { x.PartnershipId, x.MemberId });
        b.HasIndex(x => x.MemberId);
        b.HasOne<PartnershipEntity>().WithMany().HasForeignKey(x => x.PartnershipId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PhaseRoleConfiguration : IEntityTypeConfiguration<PhaseRoleEntity>
{
    public void Configure(EntityTypeBuilder<PhaseRoleEntity> b)
    {
        b.ToTable("PhaseRoles");
        b.Property(x => x.PhaseId).HasMaxLength(64);
        b.Property(x => x.RoleId).HasMaxLength(64);
        b.Property(x => x.RoleName).HasMaxLength(100);
        b.Property(x => x.ReportChannelId).HasMaxLength(100);
        b.HasIndex(x => new { x.CommunityId, x.PhaseId }).IsUnique();
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleGrantConfiguration : IEntityTypeConfiguration<RoleGrantEntity>
{
    public void Configure(EntityTypeBuilder<RoleGrantEntity> b)
    {
        b.ToTable("RoleGrants");
        b.Property(x => x.PhaseId).HasMaxLength(64);
        b.Property(x => x.RoleId).HasMaxLength(64);
        b.Property(x => x.LastProblem).HasMaxLength(200);
        b.Property(x => x.ClaimedBy).HasMaxLength(ClaimLimits.MaxOwnerLength);
        b.HasIndex(x => new { x.MemberId, x.PhaseId, x.RoleId }).IsUnique();
        b.HasIndex(x => x.NextAttemptAtUtc).HasFilter("State = 0");
        b.HasIndex(x => new { x.CommunityId, x.State });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoleProblemConfiguration : IEntityTypeConfiguration<RoleProblemEntity>
{
    public void Configure(EntityTypeBuilder<RoleProblemEntity> b)
    {
        b.ToTable("RoleProblems");
        b.Property(x => x.RoleId).HasMaxLength(64);
        b.Property(x => x.RoleName).HasMaxLength(100);
        b.HasIndex(x => new { x.CommunityId, x.RoleId, x.Problem }).IsUnique();
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChannelProblemConfiguration : IEntityTypeConfiguration<ChannelProblemEntity>
{
    public void Configure(EntityTypeBuilder<ChannelProblemEntity> b)
    {
        b.ToTable("ChannelProblems");
        b.Property(x => x.ChannelId).HasMaxLength(100);
        b.HasIndex(x => new { x.CommunityId, x.ChannelId, x.Problem }).IsUnique();
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommandReceiptConfiguration : IEntityTypeConfiguration<CommandReceiptEntity>
{
    public void Configure(EntityTypeBuilder<CommandReceiptEntity> b)
    {
        b.ToTable("CommandReceipts");
        b.Property(x => x.Platform).HasMaxLength(16);
        b.Property(x => x.CommunityExternalId).HasMaxLength(64);
        b.Property(x => x.DeliveryId).HasMaxLength(StudyBot.Core.Commands.CommandReceipts.MaxDeliveryIdLength);
        b.Property(x => x.UserId).HasMaxLength(64);
        b.Property(x => x.Fingerprint).HasMaxLength(64);
        b.HasIndex(x => new { x.Platform, x.CommunityExternalId, x.DeliveryId }).IsUnique();
        b.HasIndex(x => new { x.Platform, x.CommunityExternalId, x.UserId });
        b.HasIndex(x => x.CreatedAtUtc);
    }
}

internal sealed class LeaseConfiguration : IEntityTypeConfiguration<LeaseEntity>
{
    public void Configure(EntityTypeBuilder<LeaseEntity> b)
    {
        b.ToTable("Leases");
        b.HasKey(x => x.Name);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Holder).HasMaxLength(ClaimLimits.MaxOwnerLength);
        b.Property(x => x.Value).HasMaxLength(4000);
    }
}

internal sealed class SeenKeyConfiguration : IEntityTypeConfiguration<SeenKeyEntity>
{
    public void Configure(EntityTypeBuilder<SeenKeyEntity> b)
    {
        b.ToTable("SeenKeys");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(300);
        b.HasIndex(x => x.ExpiresAtUtc);
    }
}

internal sealed class DmChannelConfiguration : IEntityTypeConfiguration<DmChannelEntity>
{
    public void Configure(EntityTypeBuilder<DmChannelEntity> b)
    {
        b.ToTable("DmChannels");
        b.HasKey(x => new { x.Platform, x.UserId });
        b.Property(x => x.Platform).HasMaxLength(DmChannelStore.MaxPlatformLength);
        b.Property(x => x.UserId).HasMaxLength(DmChannelStore.MaxIdLength);
        b.Property(x => x.ChannelId).HasMaxLength(DmChannelStore.MaxIdLength);
    }
}
