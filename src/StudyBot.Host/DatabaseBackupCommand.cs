using System.Globalization;
using Npgsql;
using StudyBot.Data;

namespace StudyBot.Host;

/// <summary>
/// <c>studybot db backup &lt;file&gt; [--force] [--database &lt;connection&gt;]</c> copies the SQLite database, also while
/// StudyBot runs on it (<see cref="SqliteBackup"/>); <c>studybot db restore &lt;file&gt; [--database &lt;connection&gt;]</c>
/// puts a backup back, refusing while a StudyBot runs on the database and keeping the database it replaces. The
/// database is the one StudyBot would use (<c>Database:ConnectionString</c> from appsettings.json beside the binary and
/// in the working directory, then the environment), unless <c>--database</c> names another. For PostgreSQL they print
/// the <c>pg_dump</c>/<c>pg_restore</c> lines to use instead. Exit codes as <c>db copy</c>: 0 done, 1 failed (one line
/// on stderr; nothing changed), 2 usage.
/// </summary>
public static class DatabaseBackupCommand
{
    public const string BackupUsage = "usage: studybot db backup <file> [--force] [--database <sqlite connection>]";

    public const string RestoreUsage = "usage: studybot db restore <file> [--database <sqlite connection>]";

    /// <summary>The settings the bot itself would read for its database (no user secrets: the command line and environment win).</summary>
    public static IConfiguration Settings() => new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true, reloadOnChange: false)
        .AddJsonFile(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: true, reloadOnChange: false)
        .AddEnvironmentVariables()
        .Build();

    /// <param name="args">The arguments after <c>db</c>: <c>backup ...</c> or <c>restore ...</c>.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration settings, TimeProvider time, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var verb = args.Count > 0 ? args[0] : "backup";
        var prefix = $"studybot db {verb}: ";
        if (Parse(args) is not { } options)
        {
            await error.WriteLineAsync($"{prefix}{UsageProblem(args)}.");
            await error.WriteLineAsync(verb == "restore" ? RestoreUsage : BackupUsage);
            return 2;
        }

        var connection = options.Database ?? settings["Database:ConnectionString"] ?? new Options.DatabaseOptions().ConnectionString;
        if (options.Database is null && string.Equals(settings["Database:Provider"]?.Trim(), "PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            await error.WriteLineAsync($"{prefix}the database is PostgreSQL (Database:Provider); use PostgreSQL's own tools instead:");
            await error.WriteLineAsync("  " + PostgresLine(verb, options.File, connection));
            return 1;
        }

        try
        {
            if (verb == "backup")
            {
                var result = await SqliteBackup.BackupAsync(connection, options.File, options.Force, cancellationToken);
                await output.WriteLineAsync($"Backed up the database to {result.File} ({Size(result.Bytes)}, at migration {result.Migration ?? "none"}; integrity checked).");
                await output.WriteLineAsync($"To restore it: stop StudyBot, then run: studybot db restore {Quote(result.File)}");
                return 0;
            }

            // Checked before the lock is taken, so a wrong file is named even while StudyBot runs.
            await SqliteBackup.CheckRestorableAsync(options.File, cancellationToken);
            using var held = new DatabaseLock();
            try
            {
                held.Acquire(connection);
            }
            catch (StartupException)
            {
                await error.WriteLineAsync($"{prefix}a StudyBot is running on this database; stop it first, then restore. Nothing was changed.");
                return 1;
            }

            var restored = await SqliteBackup.RestoreAsync(options.File, connection, time, cancellationToken);
            await output.WriteLineAsync($"Restored {Path.GetFullPath(options.File)} as the database {restored.File} (at migration {restored.Migration}; integrity checked).");
            await output.WriteLineAsync(restored.Replaced is { } kept
                ? $"The database it replaced is kept as {kept}."
                : "There was no database there before.");
            await output.WriteLineAsync("Start StudyBot to use it; a StudyBot newer than this backup upgrades it at start (and saves a copy first).");
            return 0;
        }
        catch (SqliteBackupException ex)
        {
            await error.WriteLineAsync($"{prefix}{ex.Message}.");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{prefix}stopped; nothing was changed.");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await error.WriteLineAsync($"{prefix}failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()}); nothing was changed.");
            return 1;
        }
    }

    private sealed record Parsed(string File, bool Force, string? Database);

    private static Parsed? Parse(IReadOnlyList<string> args)
    {
        if (args is not [("backup" or "restore") and var verb, ..])
        {
            return null;
        }

        string? file = null, database = null;
        var force = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--force" when verb == "backup":
                    force = true;
                    break;
                case "--database" when i + 1 < args.Count && database is null:
                    database = args[++i];
                    break;
                case var a when !a.StartsWith("--", StringComparison.Ordinal) && file is null && a.Length > 0:
                    file = a;
                    break;
                default:
                    return null;
            }
        }

        return file is null ? null : new Parsed(file, force, database);
    }

    private static string UsageProblem(IReadOnlyList<string> args)
    {
        var rest = args.Skip(1).ToList();
        if (rest.FirstOrDefault(a => a.StartsWith("--", StringComparison.Ordinal) && a is not ("--force" or "--database")) is { } unknown)
        {
            return $"'{unknown}' is not an option";
        }

        if (args[0] == "restore" && rest.Contains("--force"))
        {
            return "'--force' is not an option of restore (the database it replaces is always kept)";
        }

        if (rest.Count > 0 && rest[^1] == "--database")
        {
            return "give --database a connection string";
        }

        return rest.Count(a => !a.StartsWith("--", StringComparison.Ordinal)) > (rest.Contains("--database") ? 2 : 1) ? "give one file" : "give the file's name";
    }

    /// <summary>The <c>pg_dump</c> or <c>pg_restore</c> line for this database, without its password.</summary>
    private static string PostgresLine(string verb, string file, string connection)
    {
        string target;
        try
        {
            var b = new NpgsqlConnectionStringBuilder(connection);
            target = string.Create(CultureInfo.InvariantCulture, $"--host={b.Host} --port={b.Port} --username={b.Username} --dbname={b.Database}");
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException)
        {
            target = "--host=<host> --port=5432 --username=<user> --dbname=<database>";
        }

        return verb == "backup"
            ? $"pg_dump --format=custom --file={Quote(file)} {target}"
            : $"pg_restore --clean --if-exists --no-owner {target} {Quote(file)}   (stop every StudyBot first)";
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"'{path}'" : path;

    private static string Size(long bytes) => bytes switch
    {
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.#} MiB"),
    };
}
