using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;

namespace StudyBot.Discord.Interactions;

/// <summary>What the adapter needs from the engine; a seam so protocol tests can use a scripted engine.</summary>
internal interface ICommandRunner
{
    Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CancellationToken cancellationToken);

    Task<Reply> RunTextAsync(MemberRef who, string text, CancellationToken cancellationToken);

    Task<IReadOnlyList<Suggestion>> SuggestAsync(MemberRef who, string path, string optionName, string typed, CancellationToken cancellationToken);

    Task<CommunityRef> DirectMessageCommunityAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the interaction's place in its member's line as it arrives, named by its interaction id (so the same
    /// interaction again is answered from its receipt). Null when the engine keeps no lines (scripted engines).
    /// </summary>
    CommandArrival? Arrive(string community, string userId, string interactionId) => null;

    Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CommandArrival? arrival, CancellationToken cancellationToken) =>
        RunTypedAsync(who, path, options, cancellationToken);

    Task<Reply> RunTextAsync(MemberRef who, string text, CommandArrival? arrival, CancellationToken cancellationToken) =>
        RunTextAsync(who, text, cancellationToken);

    /// <summary>A notice the engine sent with a reply (<see cref="Reply.Notice"/>) never reached the member.</summary>
    Task NoticeUndeliveredAsync(MemberRef who, ReplyNotice notice, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the command is answered from the catalog alone (<see cref="ICommandHandler.ReadsMember"/> false, such as
    /// help), so its reply is the same for everyone who gets it and its rendering may be kept. False for scripted engines.
    /// </summary>
    bool AnswersFromCatalog(string path) => false;
}

internal sealed class ExecutorCommandRunner(CommandExecutor executor) : ICommandRunner
{
    public bool AnswersFromCatalog(string path) => executor.AnswersFromCatalog(path);

    public Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CancellationToken cancellationToken) =>
        executor.RunTypedAsync(who, path, options, cancellationToken);

    public Task<Reply> RunTextAsync(MemberRef who, string text, CancellationToken cancellationToken) =>
        executor.RunTextAsync(who, text, cancellationToken);

    public Task<IReadOnlyList<Suggestion>> SuggestAsync(MemberRef who, string path, string optionName, string typed, CancellationToken cancellationToken) =>
        executor.SuggestAsync(who, path, optionName, typed, cancellationToken);

    public Task<CommunityRef> DirectMessageCommunityAsync(string userId, CancellationToken cancellationToken) =>
        executor.DirectMessageCommunityAsync(Platforms.Discord, userId, cancellationToken);

    public CommandArrival? Arrive(string community, string userId, string interactionId) =>
        executor.Arrive(Platforms.Discord, community, userId, interactionId);

    public Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CommandArrival? arrival, CancellationToken cancellationToken) =>
        executor.RunTypedAsync(who, path, options, arrival, cancellationToken);

    public Task<Reply> RunTextAsync(MemberRef who, string text, CommandArrival? arrival, CancellationToken cancellationToken) =>
        executor.RunTextAsync(who, text, arrival, cancellationToken);

    public Task NoticeUndeliveredAsync(MemberRef who, ReplyNotice notice, CancellationToken cancellationToken) =>
        executor.NoticeUndeliveredAsync(who, notice, cancellationToken);
}
