namespace StudyBot.Core.Commands;

/// <summary>
/// A member's line across instances: where several instances share one database, a command holds its member's place
/// there too while it runs, so two commands of one member never run side by side on two instances (each would decide
/// on what it loaded, and the later commit would undo the earlier's settings). One process on a SQLite file needs
/// none: <see cref="MemberLines"/> already keeps each member's commands one at a time in the process.
/// </summary>
public interface ISharedMemberLines
{
    /// <summary>
    /// Waits, at most <paramref name="patience"/>, until no other instance runs a command of the member, and holds their
    /// line until the result is disposed; null when the wait ran out.
    /// </summary>
    Task<IAsyncDisposable?> EnterAsync(string platform, string community, string userId, TimeSpan patience, CancellationToken cancellationToken);
}
