using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

public sealed class CatalogTests
{
    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    [Fact]
    public void The_catalog_is_within_Discords_limits() => Assert.Empty(Catalog.Validate());

    [Fact]
    public void Every_command_has_exactly_one_handler_and_every_handler_a_command()
    {
        var services = new ServiceCollection().AddStudyBotCore().AddScoped<IProgressStore, UnusedStore>().AddScoped<ILeaderboardStore, UnusedStore>().AddScoped<StudyBot.Core.Partners.IPartnerStore>(_ => null!).AddScoped<StudyBot.Core.Privacy.IMemberDataStore>(_ => null!).AddScoped<StudyBot.Core.Roles.IRoleStore>(_ => null!).AddScoped<StudyBot.Core.Notifications.IChannelProblemStore>(_ => null!).AddScoped<StudyBot.Core.Notifications.IOutboxStore>(_ => null!).AddScoped<StudyBot.Core.Voice.IVoiceRoomStore>(_ => null!).AddScoped<StudyBot.Core.Focus.IFocusStore>(_ => null!).AddScoped<StudyBot.Core.Notes.IItemNoteStore>(_ => null!).AddScoped<StudyBot.Core.Sessions.ISessionStore>(_ => null!).AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)).AddSingleton(new StudyBot.Core.Roadmaps.RoadmapCatalog(StudyBot.Core.Roadmaps.RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), "ml-zero-to-hero")).BuildServiceProvider();
        using var scope = services.CreateScope();
        var handlers = scope.ServiceProvider.GetServices<ICommandHandler>().Select(h => h.Path).ToList();

        Assert.Equal(handlers.Count, handlers.Distinct().Count());
        Assert.Equal(Catalog.Leaves.Select(l => l.Path).Order(), handlers.Order());
    }

    [Fact]
    public void Every_command_has_a_help_section_of_its_own_or_its_groups()
    {
        foreach (var root in Catalog.Roots)
        {
            foreach (var sub in root.Subcommands)
            {
                Assert.False(string.IsNullOrWhiteSpace(sub.Section), $"'{sub.Path}' has no Section, so help cannot place it");
            }
        }
    }

    [Fact]
    public void Every_example_parses_to_its_own_command()
    {
        var parser = new CommandParser(Catalog);
        foreach (var leaf in Catalog.Leaves)
        {
            var result = parser.Parse(leaf.Example!);
            Assert.True(result.Ok, $"{leaf.Path}: {result.Error?.Message}");
            Assert.Equal(leaf.Path, result.Request!.Path);
        }
    }

    [Fact]
    public void The_foundation_commands_are_all_there()
    {
        string[] expected =
        [
            "progress overview", "progress start", "progress path", "progress done", "progress doing", "progress skip", "progress undo",
            "progress next", "progress roadmap", "progress log", "progress goal set", "progress goal show", "progress goal suggest",
            "progress streak", "progress timezone", "progress help",
        ];

        Assert.Subset(Catalog.Leaves.Select(l => l.Path).ToHashSet(), expected.ToHashSet());
    }

    [Fact]
    public void Validation_reports_names_and_descriptions_outside_the_limits()
    {
        var bad = new CommandCatalog([new CommandDefinition("Bad Name", new string('x', 101)) { Example = "/x" }]);

        var problems = bad.Validate();

        Assert.Contains(problems, p => p.Contains("must match", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("description must be 1-100", StringComparison.Ordinal));
    }
}

/// <summary>Lets handlers that need a store be constructed; these tests never call it.</summary>
internal sealed class UnusedStore : IProgressStore, ILeaderboardStore
{
    private static InvalidOperationException Unused() => new("The store is not used by catalog tests.");

    public Task<MemberSnapshot> LoadAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken) => throw Unused();

    public Task<UndoCandidate?> LoadUndoAsync(MemberRef member, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlySet<string>> LoadRecordedCompletionsAsync(MemberRef member, CancellationToken cancellationToken) => throw Unused();

    public Task<CommunityRef?> FindHomeCommunityAsync(string platform, string userId, CancellationToken cancellationToken) => throw Unused();

    public Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken cancellationToken) => throw Unused();

    public Task<IReadOnlyList<BoardEntry>> TopAsync(CommunityRef community, BoardQuery query, CancellationToken cancellationToken) => throw Unused();
}
