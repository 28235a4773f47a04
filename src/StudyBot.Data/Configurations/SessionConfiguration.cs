using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class StudySessionConfiguration : IEntityTypeConfiguration<StudySessionEntity>
{
    public void Configure(EntityTypeBuilder<StudySessionEntity> b)
    {
        b.ToTable("StudySessions");
        b.Property(x => x.TimeZoneId).HasMaxLength(64);
        b.Property(x => x.ChannelId).HasMaxLength(100);
        b.Property(x => x.ChannelName).HasMaxLength(100);
        b.Property(x => x.Topic).HasMaxLength(100);
        b.HasIndex(x => new { x.CommunityId, x.CancelledAtUtc });
        b.HasIndex(x => x.PlannedByMemberId);
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.PlannedByMemberId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SessionRsvpConfiguration : IEntityTypeConfiguration<SessionRsvpEntity>
{
    public void Configure(EntityTypeBuilder<SessionRsvpEntity> b)
    {
        b.ToTable("SessionRsvps");
        b.HasKey(x => new { x.SessionId, x.OccurrenceDate, x.MemberId });
        b.HasIndex(x => x.MemberId);
        b.HasOne<StudySessionEntity>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SessionCheckInConfiguration : IEntityTypeConfiguration<SessionCheckInEntity>
{
    public void Configure(EntityTypeBuilder<SessionCheckInEntity> b)
    {
        b.ToTable("SessionCheckIns");
        b.HasKey(x => new { x.SessionId, x.OccurrenceDate, x.MemberId });
        b.HasIndex(x => x.MemberId);
        b.HasOne<StudySessionEntity>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SessionSettingsConfiguration : IEntityTypeConfiguration<SessionSettingsEntity>
{
    public void Configure(EntityTypeBuilder<SessionSettingsEntity> b)
    {
        b.ToTable("SessionSettings");
        b.HasKey(x => x.CommunityId);
        b.Property(x => x.CommunityId).ValueGeneratedNever();
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}
