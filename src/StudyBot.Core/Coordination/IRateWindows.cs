namespace StudyBot.Core.Coordination;

/// <summary>What <see cref="IRateWindows.TryTakeAsync"/> answered.</summary>
/// <param name="Taken">Whether one more was counted in the current window.</param>
/// <param name="UntilNextWindow">How long until the next window begins, on the shared clock.</param>
public readonly record struct RateWindowTake(bool Taken, TimeSpan UntilNextWindow);

/// <summary>
/// Counters shared by the StudyBot instances on one database, in fixed one-second windows of the database's own clock
/// (so the instances' clocks do not matter): each window of a counter lets at most a given number through, whichever
/// instances ask. Any sliding second overlaps at most two such windows, so a cap of n per window keeps everyone together
/// under 2n in any second. Registered only where instances share a database (PostgreSQL); on one SQLite file there is
/// nobody to share with.
/// </summary>
public interface IRateWindows
{
    /// <summary>
    /// Counts one more in <paramref name="counter"/>'s current window when it holds fewer than
    /// <paramref name="perWindow"/>; one atomic step, so instances asking at once never together pass the cap.
    /// </summary>
    Task<RateWindowTake> TryTakeAsync(string counter, int perWindow, CancellationToken cancellationToken);
}
