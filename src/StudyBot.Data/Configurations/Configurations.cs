using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
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
        b.HasIndex(x => new { x.Platform, x.ExternalId }).IsUnique();
    }
}

internal sealed class MemberConfiguration : IEntityTypeConfiguration<MemberEntity>
{
    public void Configure(EntityTypeBuilder<MemberEntity> b)
    {
        b.ToTable("Members");
        b.Property(x => x.UserId).HasMaxLength(64);
        b.Property(x => x.DisplayName).HasMaxLength(100);
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.Property(x => x.LearnerProfileId).HasMaxLength(64);
        b.HasIndex(x => new { x.CommunityId, x.UserId }).IsUnique();
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
        b.HasIndex(x => new { x.CommunityId, x.LocalDate });
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
        b.HasIndex(x => new { x.CommunityId, x.LocalDate });
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
        b.HasIndex(x => new { x.MemberId, x.Kind, x.TargetId }).IsUnique();
        b.HasIndex(x => new { x.NotifiedAtUtc, x.AtUtc });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
