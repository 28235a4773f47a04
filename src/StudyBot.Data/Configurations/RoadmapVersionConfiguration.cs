using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class RoadmapVersionConfiguration : IEntityTypeConfiguration<RoadmapVersionEntity>
{
    public void Configure(EntityTypeBuilder<RoadmapVersionEntity> b)
    {
        b.ToTable("RoadmapVersions");
        b.Property(x => x.RoadmapId).HasMaxLength(64);
        b.HasIndex(x => new { x.RoadmapId, x.Version }).IsUnique();
    }
}

internal sealed class CommunityRoadmapVersionConfiguration : IEntityTypeConfiguration<CommunityRoadmapVersionEntity>
{
    public void Configure(EntityTypeBuilder<CommunityRoadmapVersionEntity> b)
    {
        b.ToTable("CommunityRoadmapVersions");
        b.HasKey(x => new { x.CommunityId, x.RoadmapId });
        b.Property(x => x.RoadmapId).HasMaxLength(64);
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class RoadmapNoticeSeenConfiguration : IEntityTypeConfiguration<RoadmapNoticeSeenEntity>
{
    public void Configure(EntityTypeBuilder<RoadmapNoticeSeenEntity> b)
    {
        b.ToTable("RoadmapNoticesSeen");
        b.HasKey(x => new { x.MemberId, x.RoadmapId, x.Version });
        b.Property(x => x.RoadmapId).HasMaxLength(64);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
