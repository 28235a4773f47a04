using StudyBot.Core.Chat;
using StudyBot.Core.Commands;

namespace StudyBot.IntegrationTests;

/// <summary>Help is generated from the catalog, lists every command, and always fits in one Discord message.</summary>
public sealed class HelpTests
{
    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    // Discord's documented embed limits (the strictest of the platforms).
    private const int MaxTitle = 256;
    private const int MaxDescription = 4096;
    private const int MaxFields = 25;
    private const int MaxFieldName = 256;
    private const int MaxFieldValue = 1024;
    private const int MaxEmbedTotal = 6000;

    private static IEnumerable<CommandDefinition> LeavesUnder(string root) => Catalog.Leaves.Where(l => l.Path.Split(' ')[0] == root);

    [Theory]
    [InlineData("/progress help progress")]
    [InlineData("/progress help")]
    public async Task Help_for_progress_lists_every_progress_command(string command)
    {
        await using var bot = await TestBot.StartAsync();

        var text = ReplyText.All(await bot.SayAsync("Ada", command, admin: false));

        Assert.All(LeavesUnder(StudyBotCommands.Root), leaf => Assert.Contains(leaf.Usage, text, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/studybot help")]
    [InlineData("/progress help studybot")]
    public async Task Studybot_help_lists_every_admin_command(string command)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", command);

        Assert.NotEqual(ReplyTone.Error, reply.Tone);
        var text = ReplyText.All(reply);
        Assert.All(LeavesUnder(StudyBotCommands.AdminRoot), leaf => Assert.Contains(leaf.Usage, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_help_points_admins_to_studybot_help()
    {
        await using var bot = await TestBot.StartAsync();

        Assert.Contains("/studybot help", ReplyText.All(await bot.SayAsync("Ada", "/progress help")), StringComparison.Ordinal);
        Assert.DoesNotContain("/studybot", ReplyText.All(await bot.SayAsync("Bob", "/progress help", admin: false)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/progress help", "progress goal set", "Log time and set goals")]
    [InlineData("/progress help", "progress remind quiet", "Plan, reminders and rest")]
    [InlineData("/progress help", "progress me delete", "Your settings, data and help")]
    [InlineData("/studybot help", "studybot roles sync", "Phase roles (Discord)")]
    [InlineData("/studybot help", "studybot leaderboard schedule", "Channels and schedules")]
    public async Task A_command_in_a_group_is_listed_under_its_groups_section(string command, string path, string section)
    {
        await using var bot = await TestBot.StartAsync();

        var reply = await bot.SayAsync("Ada", command);

        var usage = Catalog.Find(path)!.Usage;
        var field = Assert.Single(reply.Fields, f => f.Value.Contains($"`{usage}`", StringComparison.Ordinal));
        Assert.StartsWith(section, field.Name, StringComparison.Ordinal);
        Assert.All(reply.Fields, f => Assert.NotEqual("Commands", f.Name));
    }

    [Fact]
    public async Task A_group_lists_its_commands_with_their_options()
    {
        await using var bot = await TestBot.StartAsync();

        var text = ReplyText.All(await bot.SayAsync("Ada", "/progress help remind"));

        Assert.All(Catalog.Find("progress remind")!.Subcommands, leaf => Assert.Contains($"/{leaf.Path}", text, StringComparison.Ordinal));
        Assert.Contains("frequency", text, StringComparison.Ordinal);
    }

    private static List<string> EveryHelpQuery()
    {
        var queries = new List<string> { "/progress help", "/studybot help" };
        foreach (var root in Catalog.Roots)
        {
            queries.Add($"/progress help {root.Name}");
            foreach (var sub in root.Subcommands)
            {
                queries.Add($"/progress help {root.Name} {sub.Name}");
                queries.AddRange(sub.Subcommands.Select(s => $"/progress help {root.Name} {sub.Name} {s.Name}"));
            }
        }

        return queries;
    }

    [Fact]
    public async Task Every_help_answer_fits_in_one_Discord_message()
    {
        await using var bot = await TestBot.StartAsync();
        foreach (var command in EveryHelpQuery())
        {
            foreach (var admin in new[] { true, false })
            {
                var reply = await bot.SayAsync("Ada", command, admin: admin);
                var what = $"{command} (admin: {admin})";

                Assert.True((reply.Title?.Length ?? 0) <= MaxTitle, $"{what}: title of {reply.Title?.Length}");
                Assert.True(reply.Text.Length <= MaxDescription, $"{what}: text of {reply.Text.Length}");
                Assert.True(reply.Fields.Count <= MaxFields, $"{what}: {reply.Fields.Count} fields");
                Assert.All(reply.Fields, f => Assert.True(f.Name.Length <= MaxFieldName && f.Value.Length <= MaxFieldValue, $"{what}: field '{f.Name}' {f.Name.Length}/{f.Value.Length}"));
                var total = (reply.Title?.Length ?? 0) + reply.Text.Length + reply.Fields.Sum(f => f.Name.Length + f.Value.Length);
                Assert.True(total <= MaxEmbedTotal, $"{what}: {total} characters in all");
            }
        }
    }
}

internal static class AdminOrNot
{
    public static Task<Reply> SayAsync(this TestBot bot, string member, string text, bool admin) =>
        bot.Executor.RunTextAsync(TestBot.Member(member, admin: admin), text, CancellationToken.None);
}
