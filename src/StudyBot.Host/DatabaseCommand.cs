using System.Globalization;
using StudyBot.Data;

namespace StudyBot.Host;

/// <summary>
/// <c>studybot db copy --from &lt;sqlite connection&gt; --to &lt;postgres connection&gt; [--replace]</c>: moves a community's
/// data from its SQLite file to PostgreSQL (<see cref="DatabaseCopy"/>), printing each table as it goes and the checked
/// counts at the end. Exit codes: 0 copied (or the target already held this data), 1 failed (one line on stderr naming
/// the option; nothing kept on the target), 2 usage error (the usage line). Passwords are never printed.
/// </summary>
public static class DatabaseCommand
{
    public const string Usage = "usage: studybot db copy --from <sqlite connection> --to <postgres connection> [--replace]";

    private const string Prefix = "studybot db copy: ";

    /// <param name="args">The arguments after <c>db</c>.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is ["backup" or "restore", ..])
        {
            return await DatabaseBackupCommand.RunAsync(args, DatabaseBackupCommand.Settings(), TimeProvider.System, output, error, cancellationToken);
        }

        if (Parse(args) is not { } options)
        {
            return await UsageAsync(error, args);
        }

        var (from, to, replace) = options;
        using var sourceLock = new DatabaseLock();
        try
        {
            var inUse = false;
            if (SqliteFile.PathOf(Safe(from)) is { } file && File.Exists(file))
            {
                // Held while copying, so StudyBot cannot start on the file meanwhile; a StudyBot already running keeps
                // its lock, and then the copy is of a snapshot.
                try
                {
                    sourceLock.Acquire(from);
                }
                catch (StartupException)
                {
                    inUse = true;
                }
            }

            await output.WriteLineAsync($"Copying the SQLite database {SourceName(from)} to PostgreSQL {SafeTarget(to)}.");
            if (inUse)
            {
                await output.WriteLineAsync("Note: a StudyBot is running on this database. The copy is a consistent snapshot of it as it is now; "
                    + "what StudyBot changes after that is not copied. Stop StudyBot before you switch it to PostgreSQL, then copy again with --replace.");
            }

            var result = await DatabaseCopy.RunAsync(from, to, replace, line => output.WriteLine("  " + line), cancellationToken);
            await WriteReportAsync(output, result);
            return 0;
        }
        catch (DatabaseCopyException ex)
        {
            await error.WriteLineAsync($"{Prefix}{ex.Option}: {ex.Message}.");
            return 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"{Prefix}stopped; the target's transaction was rolled back and nothing was kept.");
            return 1;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"{Prefix}failed ({ex.GetType().Name}: {ex.Message.Split('\n')[0].Trim()}); the target's transaction was rolled back and nothing was kept.");
            return 1;
        }
    }

    private static (string From, string To, bool Replace)? Parse(IReadOnlyList<string> args)
    {
        if (args is not ["copy", ..])
        {
            return null;
        }

        string? from = null, to = null;
        var replace = false;
        for (var i = 1; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--from" when i + 1 < args.Count && from is null:
                    from = args[++i];
                    break;
                case "--to" when i + 1 < args.Count && to is null:
                    to = args[++i];
                    break;
                case "--replace":
                    replace = true;
                    break;
                default:
                    return null;
            }
        }

        return from is null || to is null ? null : (from, to, replace);
    }

    private static async Task<int> UsageAsync(TextWriter error, IReadOnlyList<string> args)
    {
        var what = args switch
        {
            [] => "say what to do",
            [not "copy", ..] => $"'{args[0]}' is not a db command (use copy, backup or restore)",
            _ when args.Skip(1).FirstOrDefault(a => a is not ("--from" or "--to" or "--replace") && a.StartsWith("--", StringComparison.Ordinal)) is { } unknown => $"'{unknown}' is not an option",
            _ => "give both --from and --to, each with a connection string",
        };
        await error.WriteLineAsync($"{Prefix}{what}.");
        await error.WriteLineAsync(Usage);
        if (args is [] or [not "copy", ..])
        {
            await error.WriteLineAsync(DatabaseBackupCommand.BackupUsage);
            await error.WriteLineAsync(DatabaseBackupCommand.RestoreUsage);
        }

        return 2;
    }

    private static async Task WriteReportAsync(TextWriter output, CopyResult result)
    {
        var width = Math.Max("Total".Length, result.Tables.Max(t => t.Table.Length));
        string Line(string table, string source, string target, string compared) =>
            string.Create(CultureInfo.InvariantCulture, $"  {table.PadRight(width)}  {source,10}  {target,10}  {compared,10}");
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        await output.WriteLineAsync("Checked:");
        await output.WriteLineAsync(Line("Table", "SQLite", "PostgreSQL", "Compared"));
        foreach (var t in result.Tables)
        {
            await output.WriteLineAsync(Line(t.Table, N(t.SourceRows), N(t.TargetRows), N(t.ComparedRows)));
        }

        var rows = result.Tables.Sum(t => t.SourceRows);
        await output.WriteLineAsync(Line("Total", N(rows), N(result.Tables.Sum(t => t.TargetRows)), N(result.Tables.Sum(t => t.ComparedRows))));
        var seconds = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        await output.WriteLineAsync(result.AlreadyThere
            ? $"The target already holds exactly this data ({N(rows)} rows in {result.Tables.Count} tables, every row compared): nothing was copied, nothing changed ({seconds} s)."
            : $"Copied {N(rows)} rows in {result.Tables.Count} tables in {seconds} s: the counts match and every row was compared, nothing lost.");
    }

    /// <summary>The source file for output (a SQLite string has no secret, but only the file is worth showing).</summary>
    private static string SourceName(string from)
    {
        try
        {
            return SqliteFile.PathOf(from) ?? "(in memory)";
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return "(connection string not readable)";
        }
    }

    /// <summary>The connection string, or an in-memory one when it cannot be read (the copy then says what is wrong with it).</summary>
    private static string Safe(string from)
    {
        try
        {
            _ = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(from);
            return from;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            return "Data Source=:memory:";
        }
    }

    private static string SafeTarget(string to)
    {
        try
        {
            return DatabaseCopy.Describe(to);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            return "(connection string not readable)";
        }
    }
}
