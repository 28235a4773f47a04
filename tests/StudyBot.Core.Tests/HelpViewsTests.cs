using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;

namespace StudyBot.Core.Tests;

/// <summary>
/// Help depends on nothing but the catalog and whether the member is an admin, so it is built once and every member
/// who asks gets the same answer (adapters keep what they render from it); answers that quote the member are built
/// for each.
/// </summary>
public sealed class HelpViewsTests
{
    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    [Theory]
    [InlineData(StudyBotCommands.Root, null)]
    [InlineData(StudyBotCommands.AdminRoot, null)]
    [InlineData(StudyBotCommands.Root, "log")]
    [InlineData(StudyBotCommands.Root, "/progress remind")]
    [InlineData(StudyBotCommands.AdminRoot, "roles map")]
    public void Every_member_who_asks_for_the_same_help_gets_the_very_same_answer_built_once(string root, string? query)
    {
        var first = HelpViews.Answer(Catalog, root, query, isAdmin: false);
        var again = HelpViews.Answer(Catalog, root, query, isAdmin: false);
        var admin = HelpViews.Answer(Catalog, root, query, isAdmin: true);
        var adminAgain = HelpViews.Answer(Catalog, root, query, isAdmin: true);

        Assert.Same(first, again);
        Assert.Same(admin, adminAgain);
        Assert.NotEmpty(first.Fields);
    }

    [Fact]
    public void An_admin_sees_the_admin_line_in_the_overview_whoever_asked_first_and_a_member_never_does()
    {
        var catalog = StudyBotCommands.Catalog();
        var adminFirst = HelpViews.Answer(catalog, StudyBotCommands.Root, null, isAdmin: true);
        var member = HelpViews.Answer(catalog, StudyBotCommands.Root, null, isAdmin: false);
        var otherCatalog = StudyBotCommands.Catalog();
        var memberFirst = HelpViews.Answer(otherCatalog, StudyBotCommands.Root, null, isAdmin: false);
        var admin = HelpViews.Answer(otherCatalog, StudyBotCommands.Root, null, isAdmin: true);

        const string adminLine = "Admins: `/studybot help` lists the admin commands.";
        Assert.Contains(adminLine, adminFirst.Text, StringComparison.Ordinal);
        Assert.Contains(adminLine, admin.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(adminLine, member.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(adminLine, memberFirst.Text, StringComparison.Ordinal);
        Assert.Equal(member.Text, memberFirst.Text);
        Assert.Equal(member.Fields, memberFirst.Fields);
        Assert.Equal(adminFirst.Fields, admin.Fields);
    }

    [Fact]
    public void A_kept_help_answer_cannot_be_changed_by_whoever_reads_it()
    {
        var overview = HelpViews.Answer(Catalog, StudyBotCommands.Root, null, isAdmin: false);
        var detail = HelpViews.Answer(Catalog, StudyBotCommands.Root, "log", isAdmin: false);

        Assert.False(overview.Fields is List<ReplyField>);
        Assert.False(detail.Fields is List<ReplyField>);
        Assert.True(overview.Fields is ICollection<ReplyField> { IsReadOnly: true });
        Assert.True(detail.Fields is ICollection<ReplyField> { IsReadOnly: true });
    }

    [Fact]
    public void A_help_for_an_unknown_command_quotes_the_member_and_suggests_the_nearest()
    {
        var answer = HelpViews.Answer(Catalog, StudyBotCommands.Root, "lgo", isAdmin: false);
        var other = HelpViews.Answer(Catalog, StudyBotCommands.Root, "nxet", isAdmin: false);

        Assert.Equal(ReplyTone.Error, answer.Tone);
        Assert.Contains("There's no command `lgo`. Did you mean `log`?", answer.Text, StringComparison.Ordinal);
        Assert.Contains("There's no command `nxet`. Did you mean `next`?", other.Text, StringComparison.Ordinal);
    }
}
