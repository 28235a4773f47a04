using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class StudyRoomConfiguration : IEntityTypeConfiguration<StudyRoomEntity>
{
    public void Configure(EntityTypeBuilder<StudyRoomEntity> b)
    {
        b.ToTable("StudyRooms");
        b.Property(x => x.ChannelId).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(100);
        b.HasIndex(x => new { x.CommunityId, x.ChannelId }).IsUnique();
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VoiceIntervalConfiguration : IEntityTypeConfiguration<VoiceIntervalEntity>
{
    public void Configure(EntityTypeBuilder<VoiceIntervalEntity> b)
    {
        b.ToTable("VoiceIntervals");
        b.Property(x => x.ChannelId).HasMaxLength(64);
        b.HasIndex(x => new { x.CommunityId, x.EndedAtUtc });
        b.HasIndex(x => new { x.MemberId, x.StartedAtUtc });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VoiceOptOutConfiguration : IEntityTypeConfiguration<VoiceOptOutEntity>
{
    public void Configure(EntityTypeBuilder<VoiceOptOutEntity> b)
    {
        b.ToTable("VoiceOptOuts");
        b.HasKey(x => x.MemberId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
