using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace StudyBot.Data.PostgreSQL;

/// <summary>
/// Lets <c>dotnet ef migrations add Name --project src/StudyBot.Data.PostgreSQL</c> build the context on PostgreSQL
/// without a server: adding a migration only compares the model with the snapshot.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<StudyBotDbContext>
{
    public StudyBotDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<StudyBotDbContext>)StudyBotDbContext.UsePostgres(new DbContextOptionsBuilder<StudyBotDbContext>(), "Host=localhost;Database=studybot_design_time").Options);
}
