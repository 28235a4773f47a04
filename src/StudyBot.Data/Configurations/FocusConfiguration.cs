using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class FocusSessionConfiguration : IEntityTypeConfiguration<FocusSessionEntity>
{
    public void Configure(EntityTypeBuilder<FocusSessionEntity> b)
    {
        b.ToTable("FocusSessions");
        b.Property(x => x.ItemId).HasMaxLength(64);
        b.HasIndex(x => new { x.MemberId, x.State });
        b.HasIndex(x => new { x.State, x.EndsAtUtc });
        b.HasIndex(x => new { x.State, x.NotifyAtUtc });
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FocusSettingConfiguration : IEntityTypeConfiguration<FocusSettingEntity>
{
    public void Configure(EntityTypeBuilder<FocusSettingEntity> b)
    {
        b.ToTable("FocusSettings");
        b.HasKey(x => x.MemberId);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
