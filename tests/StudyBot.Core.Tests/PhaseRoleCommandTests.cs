using StudyBot.Core.Commands;
using StudyBot.Core.Roles;

namespace StudyBot.Core.Tests;

/// <summary>The text grammar and the words of <c>/studybot roles</c>; the Discord side is in StudyBot.Discord.Tests.</summary>
public sealed class PhaseRoleCommandTests
{
    private static readonly CommandParser Parser = new(StudyBotCommands.Catalog());

    [Theory]
    [InlineData("/studybot roles map ml-basics @ML Basics graduate", "ml-basics", "@ML Basics graduate")]
    [InlineData("/studybot roles map 2 <@&800000000000000001>", "2", "<@&800000000000000001>")]
    [InlineData("/studybot roles map \"ML Basics\" graduates", "ML Basics", "graduates")]
    [InlineData("/studybot roles map role:graduates phase:foundation", "foundation", "graduates")]
    public void A_mapping_takes_a_phase_and_a_role_by_mention_or_name(string text, string phase, string role)
    {
        var result = Parser.Parse(text);

        Assert.True(result.Ok, result.Error?.Message);
        Assert.Equal("studybot roles map", result.Request!.Path);
        Assert.Equal(phase, result.Request.String("phase"));
        Assert.Equal(role, result.Request.String("role"));
    }

    [Fact]
    public void A_mapping_without_a_role_says_what_is_missing_with_an_example()
    {
        var result = Parser.Parse("/studybot roles map ml-basics");

        Assert.False(result.Ok);
        Assert.Contains("`role`", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Example: `/studybot roles map", CommandExecutor.ErrorReply(result.Error).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Roles_commands_are_for_admins_only() =>
        Assert.All(StudyBotCommands.Catalog().Leaves.Where(l => l.Path.StartsWith("studybot roles", StringComparison.Ordinal)), l => Assert.True(l.RequiresAdmin));

    [Theory]
    [InlineData(RoleGrantOutcome.MissingPermission, "Manage Roles")]
    [InlineData(RoleGrantOutcome.RoleAboveBot, "above my highest role")]
    [InlineData(RoleGrantOutcome.RoleNotFound, "no longer exists")]
    [InlineData(RoleGrantOutcome.RoleNotAssignable, "managed")]
    public void Each_lasting_problem_is_named_with_what_to_do_and_promises_to_say_it_once(RoleGrantOutcome problem, string words)
    {
        var notice = RoleTexts.ProblemNotice("ML Basics graduate", problem);

        Assert.Contains(words, notice.Text, StringComparison.Ordinal);
        Assert.Contains("@ML Basics graduate", notice.Text, StringComparison.Ordinal);
        Assert.Contains(RoleTexts.Sync, notice.Text, StringComparison.Ordinal);
        Assert.Contains("once", notice.Text, StringComparison.Ordinal);
        Assert.True(new RoleGrantResult(problem).IsRoleProblem);
    }

    [Theory]
    [InlineData(RoleGrantOutcome.Granted)]
    [InlineData(RoleGrantOutcome.AlreadyHad)]
    [InlineData(RoleGrantOutcome.MemberGone)]
    [InlineData(RoleGrantOutcome.Transient)]
    public void Outcomes_that_are_not_about_the_role_are_not_reported_to_admins(RoleGrantOutcome outcome) =>
        Assert.False(new RoleGrantResult(outcome).IsRoleProblem);
}
