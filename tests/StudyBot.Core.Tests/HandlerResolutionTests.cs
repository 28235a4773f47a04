using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Tests;

/// <summary>
/// A command builds only the handler that runs it (issue 14: every command built all fifty handlers and whatever they
/// need), and a handler registered ahead of StudyBot's own for the same command (as tests do) is still the one that runs.
/// </summary>
public sealed class HandlerResolutionTests
{
    private sealed class Created
    {
        public int Stores;
    }

    private static ServiceProvider Services(Created created, Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        before?.Invoke(services);
        services.AddStudyBotCore()
            .AddScoped<IProgressStore>(_ => Count<IProgressStore>(created))
            .AddScoped<ILeaderboardStore>(_ => Count<ILeaderboardStore>(created))
            .AddScoped<StudyBot.Core.Partners.IPartnerStore>(_ => Count<StudyBot.Core.Partners.IPartnerStore>(created))
            .AddScoped<StudyBot.Core.Sessions.ISessionStore>(_ => Count<StudyBot.Core.Sessions.ISessionStore>(created))
            .AddScoped<StudyBot.Core.Privacy.IMemberDataStore>(_ => Count<StudyBot.Core.Privacy.IMemberDataStore>(created))
            .AddScoped<StudyBot.Core.Roles.IRoleStore>(_ => Count<StudyBot.Core.Roles.IRoleStore>(created))
            .AddScoped<IChannelProblemStore>(_ => Count<IChannelProblemStore>(created))
            .AddScoped<IOutboxStore>(_ => Count<IOutboxStore>(created))
            .AddScoped<StudyBot.Core.Voice.IVoiceRoomStore>(_ => Count<StudyBot.Core.Voice.IVoiceRoomStore>(created))
            .AddScoped<StudyBot.Core.Focus.IFocusStore>(_ => Count<StudyBot.Core.Focus.IFocusStore>(created))
            .AddScoped<StudyBot.Core.Notes.IItemNoteStore>(_ => Count<StudyBot.Core.Notes.IItemNoteStore>(created))
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>))
            .AddSingleton(new StudyBot.Core.Roadmaps.RoadmapCatalog(StudyBot.Core.Roadmaps.RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), "ml-zero-to-hero"));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static T Count<T>(Created created)
        where T : class
    {
        created.Stores++;
        return null!;
    }

    private static MemberRef Ada => new(new CommunityRef("console", "home", "Home"), "ada", "Ada");

    [Fact]
    public async Task After_the_first_command_a_help_command_builds_no_store_as_only_its_own_handler_is_built()
    {
        var created = new Created();
        await using var services = Services(created);
        var executor = services.GetRequiredService<CommandExecutor>();

        // The first command lists every handler once, to learn which type runs which command.
        await executor.RunTextAsync(Ada, "/progress help", CancellationToken.None);
        created.Stores = 0;
        for (var i = 0; i < 3; i++)
        {
            var reply = await executor.RunTextAsync(Ada, "/progress help", CancellationToken.None);
            Assert.NotEqual(ReplyTone.Error, reply.Tone);
        }

        Assert.Equal(0, created.Stores);
    }

    [Fact]
    public async Task A_handler_registered_ahead_of_StudyBots_own_for_the_same_command_is_the_one_that_runs()
    {
        var created = new Created();
        await using var services = Services(created, s => s.AddScoped<ICommandHandler>(_ => new FixedHelp()));
        var executor = services.GetRequiredService<CommandExecutor>();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(FixedHelp.Text, (await executor.RunTextAsync(Ada, "/progress help", CancellationToken.None)).Text);
        }
    }

    [Fact]
    public void Every_handler_is_built_by_its_own_type_as_well()
    {
        var created = new Created();
        using var services = Services(created);
        using var scope = services.CreateScope();
        foreach (var handler in scope.ServiceProvider.GetServices<ICommandHandler>())
        {
            Assert.Same(handler, scope.ServiceProvider.GetService(handler.GetType()));
        }
    }

    private sealed class FixedHelp : ICommandHandler
    {
        public const string Text = "the test's own help";

        public string Path => "progress help";

        public bool ReadsMember => false;

        public ValueTask<CommandResult> HandleAsync(CommandContext context, CancellationToken cancellationToken) =>
            ValueTask.FromResult<CommandResult>(Reply.Info(Text));
    }
}
