using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StudyBot.Data.Entities;

namespace StudyBot.Data.Configurations;

internal sealed class WebLinkConfiguration : IEntityTypeConfiguration<WebLinkEntity>
{
    public void Configure(EntityTypeBuilder<WebLinkEntity> b)
    {
        b.ToTable("WebLinks");
        b.Property(x => x.TokenHash).HasMaxLength(32);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => new { x.MemberId, x.CreatedAtUtc });
        b.HasIndex(x => x.CreatedAtUtc);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebSessionConfiguration : IEntityTypeConfiguration<WebSessionEntity>
{
    public void Configure(EntityTypeBuilder<WebSessionEntity> b)
    {
        b.ToTable("WebSessions");
        b.Property(x => x.TokenHash).HasMaxLength(32);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasIndex(x => x.MemberId);
        b.HasIndex(x => x.ExpiresAtUtc);
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebShareConfiguration : IEntityTypeConfiguration<WebShareEntity>
{
    public void Configure(EntityTypeBuilder<WebShareEntity> b)
    {
        b.ToTable("WebShares");
        b.HasKey(x => x.MemberId);
        b.Property(x => x.TokenHash).HasMaxLength(32);
        b.HasIndex(x => x.TokenHash).IsUnique();
        b.HasOne<MemberEntity>().WithMany().HasForeignKey(x => x.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
