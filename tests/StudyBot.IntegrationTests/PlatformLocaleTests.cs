using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The locale a member's platform sends is kept on their row (Members.PlatformLocale), so that what StudyBot sends
/// without a command (reminders, celebrations, partner DMs) can be written in the member's language too.
/// </summary>
public sealed class PlatformLocaleTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task A_command_that_changes_something_keeps_the_platform_s_locale_and_one_without_a_locale_leaves_it(DatabaseProvider provider)
    {
        await using var bot = await TestBot.StartAsync(provider: provider);
        var ada = TestBot.Member("Ada") with { Locale = "de-AT" };
        var home = TestBot.Member("Ada");

        await bot.Executor.RunTextAsync(ada, "/progress start programmer part-time", CancellationToken.None);
        Assert.Equal("de-AT|\n", await bot.QueryAsync("""SELECT "PlatformLocale" FROM "Members" WHERE "UserId" = 'ada'"""));

        // The routine commit (one UPDATE of the member row) keeps a new locale, and keeps the old one when none came.
        await bot.Executor.RunTextAsync(ada with { Locale = "pt_BR" }, "/progress log 30 practice", CancellationToken.None);
        Assert.Equal("pt-BR|\n", await bot.QueryAsync("""SELECT "PlatformLocale" FROM "Members" WHERE "UserId" = 'ada'"""));
        await bot.Executor.RunTextAsync(home, "/progress log 30 practice", CancellationToken.None);
        Assert.Equal("pt-BR|\n", await bot.QueryAsync("""SELECT "PlatformLocale" FROM "Members" WHERE "UserId" = 'ada'"""));

        // Something that is not a language code is not kept.
        await bot.Executor.RunTextAsync(ada with { Locale = "<script>" }, "/progress log 30 practice", CancellationToken.None);
        Assert.Equal("pt-BR|\n", await bot.QueryAsync("""SELECT "PlatformLocale" FROM "Members" WHERE "UserId" = 'ada'"""));

        // Erasing the member forgets it with the rest.
        await bot.Executor.RunTextAsync(home, "/progress me delete confirm", CancellationToken.None);
        Assert.DoesNotContain("pt-BR", await bot.QueryAsync("""SELECT "PlatformLocale" FROM "Members" """));
    }
}
