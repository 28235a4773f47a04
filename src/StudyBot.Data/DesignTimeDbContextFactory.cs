using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace StudyBot.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the host.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<StudyBotDbContext>
{
    public StudyBotDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<StudyBotDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
