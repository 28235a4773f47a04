using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class CommunityRoadmapConfiguration : IEntityTypeConfiguration<CommunityRoadmapEntity>
{
    public void Configure(EntityTypeBuilder<CommunityRoadmapEntity> b)
    {
        b.ToTable("CommunityRoadmaps");
        b.HasKey(x => x.Id);
        b.Property(x => x.RoadmapId).HasMaxLength(64);
        b.HasIndex(x => new { x.CommunityId, x.RoadmapId }).IsUnique();
        b.HasOne<CommunityEntity>().WithMany().HasForeignKey(x => x.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>The roadmap a member follows (<see cref="MemberEntity.RoadmapId"/>), configured here with the feature.</summary>
internal sealed class MemberRoadmapConfiguration : IEntityTypeConfiguration<MemberEntity>
{
    public void Configure(EntityTypeBuilder<MemberEntity> b) => b.Property(x => x.RoadmapId).HasMaxLength(64);
}
