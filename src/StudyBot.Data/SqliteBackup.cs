using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Migrations;

namespace StudyBot.Data;

/// <summary>A backup or restore that cannot be done, in one line that says why; nothing was changed.</summary>
public sealed class SqliteBackupException(string message) : Exception(message);

/// <summary>What a backup or restore wrote: the file, its size, the last migration it holds, and the database it replaced.</summary>
public sealed record SqliteBackupResult(string File, long Bytes, string? Migration, string? Replaced);

/// <summary>
/// Backups of a SQLite database, taken while StudyBot runs on it, and restores of them.
/// <para>
/// A backup is SQLite's <c>VACUUM INTO</c>: one statement that reads the database in one read transaction, so the copy
/// is a consistent snapshot of what was committed when it began, and, with the database in WAL mode (StudyBot turns
/// it on at start), the bot's writer carries on meanwhile: a reader never blocks it. The online backup API
/// (<c>BackupDatabase</c>) would copy pages just as consistently, but needs a second open database and copies free
/// pages too; <c>VACUUM INTO</c> writes a compact file that needs nothing beside it (no -wal). It writes to a private
/// temporary file beside the target (0600, like the database), checks it, then renames it into place, so a failed
/// backup leaves nothing half-written.
/// </para>
/// </summary>
public static class SqliteBackup
{
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    /// <summary>Copies the database <paramref name="connectionString"/> names to <paramref name="target"/>.</summary>
    public static async Task<SqliteBackupResult> BackupAsync(string connectionString, string target, bool force, CancellationToken cancellationToken)
    {
        var source = DatabaseFile(connectionString);
        if (!File.Exists(source))
        {
            throw new SqliteBackupException($"there is no database at {source} (Database:ConnectionString); nothing to back up");
        }

        target = TargetPath(target, source);
        if (File.Exists(target) && !force)
        {
            throw new SqliteBackupException($"{target} already exists; choose another name, or add --force to replace it");
        }

        var temp = await SnapshotAsync(source, target, cancellationToken);
        try
        {
            var migration = await CheckAsync(temp, what: "the backup", cancellationToken);
            File.Move(temp, target, overwrite: force);
            return new SqliteBackupResult(target, new FileInfo(target).Length, migration, Replaced: null);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Copies the database to <paramref name="target"/> before an upgrade; the caller holds the database (no writer).
    /// </summary>
    internal static async Task SaveCopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var temp = await SnapshotAsync(source, target, cancellationToken);
        try
        {
            File.Move(temp, target, overwrite: false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Checks that <paramref name="file"/> is a StudyBot database this version can run (SQLite, with a migration
    /// history, no migration it does not know), without changing it. Returns its last migration.
    /// </summary>
    public static async Task<string?> CheckRestorableAsync(string file, CancellationToken cancellationToken)
    {
        file = Path.GetFullPath(file);
        if (Directory.Exists(file))
        {
            throw new SqliteBackupException($"{file} is a folder, not a backup file");
        }

        if (!File.Exists(file))
        {
            throw new SqliteBackupException($"there is no file {file}; check the name");
        }

        if (!await StartsWithHeaderAsync(file, cancellationToken))
        {
            throw new SqliteBackupException($"{file} is not a SQLite database, so not a StudyBot backup; nothing was changed");
        }

        List<string>? applied;
        try
        {
            await using var connection = new SqliteConnection(ReadOnly(file));
            await connection.OpenAsync(cancellationToken);
            applied = await SqliteStartup.AppliedMigrationsAsync(connection, HistoryRepository.DefaultTableName, cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new SqliteBackupException($"{file} cannot be read as a SQLite database ({FirstLine(ex.Message)}); nothing was changed");
        }

        if (applied is not { Count: > 0 })
        {
            throw new SqliteBackupException($"{file} is a SQLite database but not a StudyBot one (it has no StudyBot migration history); nothing was changed");
        }

        var unknown = applied.Where(m => !SqliteStartup.KnownMigrations.Contains(m)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new SqliteBackupException($"{file} comes from a newer StudyBot (migration {unknown[^1]}); restore it with that version, or choose an older backup; nothing was changed");
        }

        return applied.Order(StringComparer.Ordinal).Last();
    }

    /// <summary>
    /// Puts <paramref name="file"/> in place of the database <paramref name="connectionString"/> names. The caller holds
    /// the database's lock (no StudyBot runs on it). The file is checked first; it is copied to a temporary file beside
    /// the database and checked again (<c>integrity_check</c>), then renamed over the database in one step. The database
    /// it replaces is kept beside it as <c>&lt;name&gt;.before-restore-&lt;yyyyMMddHHmmss&gt;.bak</c>.
    /// </summary>
    public static async Task<SqliteBackupResult> RestoreAsync(string file, string connectionString, TimeProvider time, CancellationToken cancellationToken)
    {
        var target = DatabaseFile(connectionString);
        file = Path.GetFullPath(file);
        if (string.Equals(file, target, StringComparison.Ordinal))
        {
            throw new SqliteBackupException($"{file} is the database itself; give a backup file");
        }

        var migration = await CheckRestorableAsync(file, cancellationToken);
        if (Path.GetDirectoryName(target) is { Length: > 0 } folder)
        {
            PrivateFiles.CreateFolder(folder);
        }

        var temp = await SnapshotAsync(file, target, cancellationToken);
        try
        {
            await CheckAsync(temp, what: $"{file}", cancellationToken);
            string? kept = null;
            if (File.Exists(target))
            {
                // Folds the replaced database's -wal into it and removes the -wal: a -wal left beside the restored file
                // would be applied to it. Then the replaced database is one file, kept as it was.
                await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString()))
                {
                    await connection.OpenAsync(cancellationToken);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA journal_mode=DELETE;";
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                kept = Unused($"{target}.before-restore-{Stamp(time)}", ".bak");
                File.Copy(target, kept);
            }

            File.Move(temp, target, overwrite: true);
            foreach (var side in new[] { target + "-wal", target + "-shm" })
            {
                File.Delete(side);
            }

            return new SqliteBackupResult(target, new FileInfo(target).Length, migration, kept);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The time stamp in the names of kept copies (UTC).</summary>
    internal static string Stamp(TimeProvider time) => time.GetUtcNow().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary><paramref name="stem"/> + <paramref name="extension"/>, or with -2, -3... when that name is taken.</summary>
    internal static string Unused(string stem, string extension)
    {
        var path = stem + extension;
        for (var n = 2; File.Exists(path); n++)
        {
            path = string.Create(CultureInfo.InvariantCulture, $"{stem}-{n}{extension}");
        }

        return path;
    }

    private static string DatabaseFile(string connectionString)
    {
        try
        {
            return SqliteFile.PathOf(connectionString)
                ?? throw new SqliteBackupException("the database is in memory (Database:ConnectionString), so there is no file to back up or restore");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new SqliteBackupException($"Database:ConnectionString cannot be read ({FirstLine(ex.Message)})");
        }
    }

    /// <summary>The backup's full path, refusing a folder, a missing folder and the database itself.</summary>
    private static string TargetPath(string target, string source)
    {
        if (string.IsNullOrWhiteSpace(target))
        {
            throw new SqliteBackupException("give the backup file's name, e.g. studybot-backup.db");
        }

        var path = Path.GetFullPath(target);
        if (Directory.Exists(path) || target.EndsWith('/') || target.EndsWith(Path.DirectorySeparatorChar))
        {
            throw new SqliteBackupException($"{path} is a folder; give a file name in it, e.g. {Path.Combine(path, "studybot-backup.db")}");
        }

        if (Path.GetDirectoryName(path) is { } folder && !Directory.Exists(folder))
        {
            throw new SqliteBackupException($"the folder {folder} does not exist; create it first or choose another place");
        }

        if (string.Equals(path, source, StringComparison.Ordinal) || path == source + "-wal" || path == source + "-shm")
        {
            throw new SqliteBackupException($"{path} is the database itself; choose another name");
        }

        return path;
    }

    /// <summary>
    /// <c>VACUUM INTO</c> a new private temporary file in <paramref name="target"/>'s folder (so the rename after is one
    /// step on one file system). The source is only read.
    /// </summary>
    private static async Task<string> SnapshotAsync(string source, string target, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(target) ?? ".";
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // An empty file made for the owner only: VACUUM INTO fills an empty file and keeps its mode.
            await using (new FileStream(temp, PrivateFiles.NewFile()))
            {
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SqliteBackupException($"cannot write in {folder} ({FirstLine(ex.Message)}); choose a folder StudyBot's user can write to");
        }

        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = source,
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $target";
            command.Parameters.AddWithValue("$target", temp);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return temp;
        }
        catch (SqliteException ex)
        {
            File.Delete(temp);
            throw new SqliteBackupException(ex.SqliteErrorCode is 13 /* SQLITE_FULL */
                ? $"the disk is full: the copy does not fit in {folder}; nothing was kept"
                : $"the copy failed ({FirstLine(ex.Message)}); nothing was kept");
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>SQLite's integrity check of a copy; returns its last migration.</summary>
    private static async Task<string?> CheckAsync(string file, string what, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ReadOnly(file));
        await connection.OpenAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "PRAGMA integrity_check;";
            var result = (string?)await command.ExecuteScalarAsync(cancellationToken);
            if (result != "ok")
            {
                throw new SqliteBackupException($"{what} fails SQLite's integrity check ({result}); nothing was changed");
            }
        }

        var applied = await SqliteStartup.AppliedMigrationsAsync(connection, HistoryRepository.DefaultTableName, cancellationToken);
        return applied?.Order(StringComparer.Ordinal).LastOrDefault();
    }

    private static string ReadOnly(string file) =>
        new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();

    private static async Task<bool> StartsWithHeaderAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buffer = new byte[Header.Length];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            return read == Header.Length && buffer.AsSpan().SequenceEqual(Header);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SqliteBackupException($"{file} cannot be read ({FirstLine(ex.Message)})");
        }
    }

    private static string FirstLine(string text) => text.Split('\n')[0].Trim().TrimEnd('.');
}
