using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class ItemNoteConfiguration : IEntityTypeConfiguration<ItemNoteEntity>
{
    public void Configure(EntityTypeBuilder<ItemNoteEntity> b)
    {
        b.ToTable("ItemNotes");
        b.Property(x => x.RoadmapId).HasMaxLength(64);
        b.Property(x => x.ItemId).HasMaxLength(64);
        b.HasIndex(x => new { x.MemberId, x.RoadmapId, x.ItemId }).IsUnique();
        b.HasIndex(x => new { x.CommunityId, x.RoadmapId, x.ItemId });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
