using System.Globalization;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Localization;

namespace StudyBot.Core.Tests;

/// <summary>
/// Help in the platform's language: kept once per command and language (so the adapters, which keep what they render
/// per reply, keep one rendering per language too), with every section of the catalog named in every language.
/// </summary>
public sealed class HelpLanguageTests
{
    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    [Fact]
    public void Every_help_section_of_the_catalog_has_a_name_in_every_language()
    {
        foreach (var section in HelpViews.Sections(Catalog))
        {
            var english = Text.Get(Languages.Culture(Languages.English), HelpViews.SectionKey(section));
            Assert.Equal(section, english);
            foreach (var language in Languages.Supported)
            {
                Assert.False(string.IsNullOrWhiteSpace(Text.Get(Languages.Culture(language), HelpViews.SectionKey(section))), $"{language}: {section}");
            }
        }
    }

    [Theory]
    [InlineData(StudyBotCommands.Root, null)]
    [InlineData(StudyBotCommands.AdminRoot, null)]
    [InlineData(StudyBotCommands.Root, "log")]
    [InlineData(StudyBotCommands.AdminRoot, "roles map")]
    public void Help_is_kept_once_per_language_and_each_language_gets_its_own(string root, string? query)
    {
        var english = HelpViews.Answer(Catalog, root, query, isAdmin: false, Languages.English);
        var german = HelpViews.Answer(Catalog, root, query, isAdmin: false, Languages.German);

        Assert.Same(english, HelpViews.Answer(Catalog, root, query, isAdmin: false));
        Assert.Same(german, HelpViews.Answer(Catalog, root, query, isAdmin: false, "de-AT"));
        Assert.NotSame(english, german);
        Assert.NotEqual(english.Title, german.Title);
        Assert.Equal(english.Fields.Count, german.Fields.Count);
    }

    [Fact]
    public void German_help_uses_the_german_command_descriptions()
    {
        var log = Catalog.Find("progress log")!;
        var german = CommandTexts.Translated(CommandTexts.DescriptionKey(log), CultureInfo.GetCultureInfo("de"));
        Assert.NotNull(german);

        var answer = HelpViews.Answer(Catalog, StudyBotCommands.Root, "log", isAdmin: false, Languages.German);

        Assert.Contains(german, answer.Fields[0].Value, StringComparison.Ordinal);
        Assert.Contains("Aufruf: `", answer.Fields[0].Value, StringComparison.Ordinal);
    }
}
