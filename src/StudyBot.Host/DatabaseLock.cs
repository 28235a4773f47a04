using Microsoft.Data.Sqlite;
using StudyBot.Data;

namespace StudyBot.Host;

/// <summary>
/// One SQLite database serves one StudyBot at a time: two processes on one file would both run the scheduler and
/// the outbox, and members would get every reminder twice. At start, before the database is opened, StudyBot takes
/// an exclusive lock on a file beside it (<c>studybot.db.lock</c>, created 0600 like the database) and holds it
/// until the process ends. The lock is the operating system's (<see cref="FileShare.None"/>: <c>flock</c> on Linux
/// and macOS, a share mode on Windows), so it goes with the process however it ends, <c>kill -9</c> included, and
/// the file left behind never blocks the next start. An in-memory database has no file and needs no lock.
/// </summary>
public sealed class DatabaseLock : IDisposable
{
    private FileStream? _held;

    /// <summary>The lock file held, or null when none is (not taken yet, or an in-memory database).</summary>
    public string? LockFile => _held?.Name;

    /// <summary>
    /// Takes the lock for the database the connection string names (nothing for an in-memory one), creating the
    /// database's folder (0700) when it is missing. Throws <see cref="StartupException"/> when another process holds
    /// it, so the host stops before it touches the database.
    /// </summary>
    public void Acquire(string connectionString)
    {
        if (_held is not null || SqliteFile.PathOf(connectionString) is not { } database)
        {
            return;
        }

        var lockFile = database + ".lock";
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFiles.FileMode;
        }

        try
        {
            if (Path.GetDirectoryName(lockFile) is { Length: > 0 } folder)
            {
                PrivateFiles.CreateFolder(folder);
            }

            _held = new FileStream(lockFile, options);
        }
        catch (IOException ex) when (HeldElsewhere(ex))
        {
            throw new StartupException(
                $"another StudyBot is already running on the database {database} (Database:ConnectionString); "
                + "stop it first: one SQLite database serves one StudyBot at a time (several instances need PostgreSQL).");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupException($"The database's lock file {lockFile} cannot be opened (Database:ConnectionString): {ex.Message}");
        }
    }

    public void Dispose()
    {
        _held?.Dispose();
        _held = null;
    }

    /// <summary>
    /// The lock is taken: EWOULDBLOCK from <c>flock</c> (11 on Linux, 35 on macOS and the BSDs), or a sharing or lock
    /// violation on Windows (ERROR_SHARING_VIOLATION 32, ERROR_LOCK_VIOLATION 33).
    /// </summary>
    private static bool HeldElsewhere(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 32 or 33
        : OperatingSystem.IsLinux() ? ex.HResult == 11
        : ex.HResult == 35;
}
