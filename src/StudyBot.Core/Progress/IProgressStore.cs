using StudyBot.Core.Chat;

namespace StudyBot.Core.Progress;

/// <summary>Defaults for a community or member the store has not seen before.</summary>
public sealed record NewcomerDefaults(string RoadmapId, string TimeZoneId);

/// <summary>
/// Member progress persistence. Every call is scoped to the community named in the <see cref="MemberRef"/>:
/// nothing here reads or writes another community's rows.
/// </summary>
public interface IProgressStore
{
    /// <summary>
    /// Loads a member's state. Unknown communities and members come back unsaved (Id 0) and are only
    /// created when a change is committed, so a rejected command writes nothing.
    /// </summary>
    Task<MemberSnapshot> LoadAsync(MemberRef member, NewcomerDefaults defaults, CancellationToken cancellationToken);

    /// <summary>
    /// The reply languages the member and their community chose (null where none), without loading anything else:
    /// what a command that could not be read is answered in. Null for both when neither is known.
    /// </summary>
    Task<(string? Member, string? Community)> LanguagesAsync(MemberRef member, CancellationToken cancellationToken) =>
        Task.FromResult<(string?, string?)>((null, null));

    /// <summary>The member's most recent change that can be undone, or null. Loaded only when undo runs.</summary>
    Task<UndoCandidate?> LoadUndoAsync(MemberRef member, CancellationToken cancellationToken);

    /// <summary>Completions already recorded for the member, as keys like "milestone:foundation-milestone".</summary>
    Task<IReadOnlySet<string>> LoadRecordedCompletionsAsync(MemberRef member, CancellationToken cancellationToken);

    /// <summary>
    /// The community where this platform user most recently did something, for commands sent in a direct
    /// message to the bot (which belong to no community of their own); null when they have none yet.
    /// </summary>
    Task<CommunityRef?> FindHomeCommunityAsync(string platform, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Applies one command's changes in a single transaction, completion events included. Item changes and study
    /// logs were decided on <paramref name="snapshot"/> (an item's state before, the day's minutes behind the points
    /// and the daily cap): if the stored ones differ by the time the transaction holds the write lock, nothing is
    /// written and the outcome is <see cref="CommitOutcome.Stale"/>.
    /// </summary>
    Task<CommitResult> CommitAsync(MemberRef member, MemberSnapshot snapshot, ChangeSet changes, CancellationToken cancellationToken);

    /// <summary>
    /// Holds the database's write lock for this store until disposed: loads and a commit made meanwhile run in one
    /// transaction, so nothing can change in between. For running a command again after <see cref="CommitOutcome.Stale"/>;
    /// it keeps other writers waiting, so hold it for one command only. A store that cannot hold returns a hold that does nothing.
    /// </summary>
    Task<IAsyncDisposable> HoldWritesAsync(CancellationToken cancellationToken) => Task.FromResult<IAsyncDisposable>(NoHold.Instance);
}

/// <summary>The hold of a store that cannot hold its writes.</summary>
internal sealed class NoHold : IAsyncDisposable
{
    public static readonly NoHold Instance = new();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public enum CommitOutcome
{
    Committed = 0,

    /// <summary>Another command changed the same thing first (e.g. two undos at once); nothing was written.</summary>
    Conflict = 1,

    /// <summary>The change set's delivery already has a receipt (it was applied before); nothing was written.</summary>
    Duplicate = 2,

    /// <summary>
    /// The member's items or day changed since the snapshot the changes were decided on (another process wrote for
    /// them in between); nothing was written. Running the command again on a fresh load decides it right.
    /// </summary>
    Stale = 3,
}

public sealed record CommitResult(CommitOutcome Outcome, long MemberId);
