namespace StudyBot.Data;

/// <summary>
/// Files that hold members' data (the database with its -wal and -shm, data exports) are created readable and
/// writable by the bot's own user only (0600), in folders only that user can open (0700). On Windows, which has no
/// such modes, the folder's and file's inherited access applies.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates the folder, and any missing parent, for the owner only; a folder that exists keeps its mode.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // Directory.CreateDirectory gives the mode to the last folder only; missing parents get it here too.
            var missing = new Stack<string>();
            for (var folder = Path.GetFullPath(path); !string.IsNullOrEmpty(folder) && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
            {
                missing.Push(folder);
            }

            while (missing.TryPop(out var folder))
            {
                Directory.CreateDirectory(folder, FolderMode);
            }
        }
    }

    /// <summary>Options that create a new file (never overwriting one) for the owner only.</summary>
    public static FileStreamOptions NewFile()
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        return options;
    }

    /// <summary>
    /// Creates an empty file for the owner only when there is none yet. SQLite takes an empty file as a new database
    /// and gives its -wal and -shm the database file's mode, so creating it first is what keeps those private too.
    /// </summary>
    public static void CreateEmptyIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using var _ = new FileStream(path, NewFile());
        }
        catch (IOException) when (File.Exists(path))
        {
            // Created meanwhile by someone else (another process starting on the same file): theirs stands.
        }
    }
}
