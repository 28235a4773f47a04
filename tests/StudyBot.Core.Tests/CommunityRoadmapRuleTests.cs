using CsCheck;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>Several roadmaps per community (issue 17): the grammar, the rules, where a member's roadmap comes from, the handlers.</summary>
public sealed class CommunityRoadmapRuleTests
{
    private const string Ml = "ml-zero-to-hero";

    private const string De = "data-engineering";

    private static readonly CommandCatalog Commands = StudyBotCommands.Catalog();

    private static readonly CommandParser Parser = new(Commands);

    private static readonly RoadmapCatalog Catalog = new(
        [RoadmapLoader.LoadFile(RepoPaths.MainRoadmap), RoadmapLoader.LoadFile(Path.Combine(RepoPaths.Root, "tests", "StudyBot.IntegrationTests", "Roadmaps", "data-engineering.yaml"))],
        Ml);

    [Theory]
    [InlineData("/progress path roadmap data-engineering", null, "data-engineering")]
    [InlineData("/progress path Roadmap data-engineering", null, "data-engineering")]
    [InlineData("/progress path roadmap:data-engineering", null, "data-engineering")]
    [InlineData("/progress path accelerated roadmap data-engineering", "accelerated", "data-engineering")]
    [InlineData("/progress path roadmap data-engineering accelerated", "accelerated", "data-engineering")]
    [InlineData("/progress path roadmap", null, "roadmap")]
    [InlineData("/progress path standard", "standard", null)]
    public void The_roadmap_of_path_is_given_as_a_keyword_and_never_by_position(string text, string? path, string? roadmap)
    {
        var result = Parser.Parse(text);

        Assert.True(result.Ok, result.Error?.Message);
        Assert.Equal("progress path", result.Request!.Path);
        Assert.Equal(path, result.Request.String("path"));
        Assert.Equal(roadmap, result.Request.String("roadmap"));
    }

    [Fact]
    public void Start_keeps_its_positional_grammar_and_takes_a_roadmap_by_keyword()
    {
        var custom = Parser.Parse("/progress start programmer custom 8");
        Assert.True(custom.Ok, custom.Error?.Message);
        Assert.Equal(8L, custom.Request!.Integer("hours"));
        Assert.Null(custom.Request.String("roadmap"));

        var chosen = Parser.Parse("/progress start programmer part-time roadmap data-engineering");
        Assert.True(chosen.Ok, chosen.Error?.Message);
        Assert.Equal("programmer", chosen.Request!.String("profile"));
        Assert.Equal("part-time", chosen.Request.String("pace"));
        Assert.Equal(De, chosen.Request.String("roadmap"));
    }

    [Fact]
    public void Progress_stays_within_Discords_subcommand_limit_and_the_roadmap_commands_are_for_admins()
    {
        Assert.Equal(25, Commands.Root("progress")!.Subcommands.Count);
        var leaves = Commands.Leaves.Where(l => l.Path.StartsWith("studybot roadmap ", StringComparison.Ordinal)).Select(l => l.Path).ToList();
        Assert.Equal(["studybot roadmap list", "studybot roadmap enable", "studybot roadmap disable", "studybot roadmap default"], leaves);
        Assert.All(leaves, p => Assert.True(Commands.Find(p)!.RequiresAdmin));
        Assert.Equal("studybot roadmap list", Parser.Parse("/studybot roadmap").Request!.Path);
    }

    [Theory]
    [InlineData(De, Ml, De)]
    [InlineData(null, De, De)]
    [InlineData(null, Ml, Ml)]
    [InlineData("gone-roadmap", De, De)]
    [InlineData("gone-roadmap", "gone-default", Ml)]
    public void A_members_roadmap_is_their_choice_else_the_community_default_else_the_hosts(string? choice, string communityDefault, string expected) =>
        Assert.Equal(expected, Catalog.ForMember(choice, communityDefault).Id);

    [Fact]
    public void A_celebration_finds_the_roadmap_its_phase_is_in()
    {
        var ml = Catalog.Get(Ml);
        Assert.Equal(De, Catalog.Holding("de-sql-milestone", ml).Id);
        Assert.Equal(De, Catalog.Holding("de-pipelines", ml).Id);
        Assert.Equal(Ml, Catalog.Holding("foundation", Catalog.Get(De)).Id);
        Assert.Equal(Ml, Catalog.Holding("no-such-id", ml).Id);
        Assert.Equal("de-sql", RoleViews.FindPhaseById(Catalog, "de-sql")?.Id);
        Assert.Null(RoleViews.FindPhaseById(null, "de-sql"));
    }

    /// <summary>Any sequence of enable, disable and default keeps the default enabled and never changes whom a member follows.</summary>
    [Fact]
    public void Any_sequence_of_settings_keeps_the_default_enabled_and_never_moves_a_member()
    {
        string[] ids = [Ml, De, "cooking"];
        string?[] choices = [Ml, De, "gone", null];
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[0, ids.Length - 1], (kind, i) => (Kind: kind, Id: ids[i]));
        Gen.Select(op.Array[0, 30], Gen.Int[0, choices.Length - 1].Select(i => choices[i]))
            .Sample(t =>
            {
                var (ops, choice) = t;
                var settings = CommunityRoadmapSettings.From(Catalog, Ml, []);
                var followed = choice is Ml or De ? choice : null;
                foreach (var (kind, id) in ops)
                {
                    var (next, refusal) = kind switch
                    {
                        0 => settings.Enable(Catalog, id),
                        1 => settings.Disable(Catalog, id),
                        _ => settings.WithDefault(Catalog, id),
                    };
                    Assert.True(refusal == RoadmapRefusal.None || next == settings, "a refused setting changes nothing");
                    Assert.True(id != "cooking" || refusal == RoadmapRefusal.Unknown);
                    settings = next;
                    Assert.Contains(settings.Default, settings.Enabled);
                    if (followed is not null)
                    {
                        Assert.Equal(followed, Catalog.ForMember(choice, settings.Default).Id);
                    }
                }
            });
    }

    [Fact]
    public async Task Switching_saves_the_choice_and_says_where_the_member_stands_on_the_new_roadmap()
    {
        var ctx = Context("/progress path roadmap data-engineering", Ml, new Dictionary<string, ItemState> { ["de-select"] = new(ItemStatus.Done), ["numpy"] = new(ItemStatus.Done) });
        var handler = new PathHandler(Catalog, new Rows([De]));

        var result = await handler.HandleAsync(ctx, CancellationToken.None);

        Assert.Equal(ReplyTone.Success, result.Reply.Tone);
        Assert.Contains("You now follow **Data Engineering**: 1 of 6 items done (16%). Your progress on **Road to ML: Zero to Hero** is kept.", result.Reply.Text, StringComparison.Ordinal);
        Assert.Equal(De, result.Changes!.Profile!.RoadmapId);
        Assert.Empty(result.Changes.ItemChanges);
    }

    [Fact]
    public async Task A_roadmap_that_is_not_enabled_is_refused_with_who_can_enable_it_and_nothing_is_saved()
    {
        var result = await new PathHandler(Catalog, new Rows([])).HandleAsync(Context("/progress path roadmap data-engineering", Ml), CancellationToken.None);

        Assert.Equal(ReplyTone.Error, result.Reply.Tone);
        Assert.Contains("isn't enabled in this community. An admin can enable it with `/studybot roadmap enable data-engineering`", result.Reply.Text, StringComparison.Ordinal);
        Assert.Null(result.Changes);
    }

    [Fact]
    public async Task Disabling_the_default_is_refused_and_a_new_default_keeps_the_old_one_enabled()
    {
        var refused = await new AdminRoadmapDisableHandler(Catalog, new Rows([De])).HandleAsync(Context("/studybot roadmap disable ml-zero-to-hero", Ml), CancellationToken.None);
        Assert.Contains("Choose another default first: `/studybot roadmap default data-engineering`.", refused.Reply.Text, StringComparison.Ordinal);
        Assert.Null(refused.Changes);

        var moved = await new AdminRoadmapDefaultHandler(Catalog, new Rows([De])).HandleAsync(Context("/studybot roadmap default data-engineering", Ml), CancellationToken.None);
        Assert.Equal(De, moved.Changes!.Community!.RoadmapId);
        Assert.Equal([new CommunityRoadmapChange(Ml, true), new CommunityRoadmapChange(De, true)], moved.Changes.RoadmapSettings);
    }

    private static CommandContext Context(string text, string communityDefault, Dictionary<string, ItemState>? items = null)
    {
        var request = Parser.Parse(text).Request!;
        var community = new CommunityRef("console", "local", "Local");
        var snapshot = new MemberSnapshot
        {
            Community = new Community { Id = 1, Platform = "console", ExternalId = "local", Name = "Local", RoadmapId = communityDefault, TimeZoneId = "UTC" },
            Member = new MemberProfile { Id = 1, UserId = "ana", DisplayName = "Ana", TimeZoneId = "UTC", Onboarded = true },
            Items = items ?? [],
            Days = [],
            Goals = [],
        };
        return new CommandContext
        {
            Who = new MemberRef(community, "ana", "Ana") { IsAdmin = true },
            Request = request,
            Command = Commands.Find(request.Path)!,
            Catalog = Commands,
            Roadmap = Catalog.ForMember(snapshot),
            Snapshot = snapshot,
            Now = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero),
        };
    }

    private sealed class Rows(IReadOnlyList<string> enabled) : ICommunityRoadmapStore
    {
        public Task<CommunityRoadmapRows> LoadAsync(CommunityRef community, CancellationToken cancellationToken) =>
            Task.FromResult(new CommunityRoadmapRows(enabled, [new RoadmapFollowers(null, 1)]));
    }
}
