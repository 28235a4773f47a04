using Microsoft.Data.Sqlite;

namespace StudyBot.Data;

/// <summary>Where a SQLite connection string's database lives: one answer for the lock, the copy and the file's creation.</summary>
public static class SqliteFile
{
    /// <summary>
    /// The database file a SQLite connection string names, as a full path resolved against the working directory
    /// (as SQLite resolves it), or null for an in-memory database.
    /// </summary>
    public static string? PathOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory)
        {
            return null;
        }

        if (source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // A URI filename (file:data/studybot.db?cache=shared, file:///srv/studybot.db, file::memory:).
            var query = source.IndexOfAny(['?', '#']);
            var parameters = query < 0 ? "" : source[(query + 1)..];
            if (parameters.Split('&').Any(p => p.Equals("mode=memory", StringComparison.OrdinalIgnoreCase)))
            {
                return null;
            }

            source = Uri.UnescapeDataString(query < 0 ? source[5..] : source[5..query]);
            if (source.StartsWith("//localhost/", StringComparison.OrdinalIgnoreCase))
            {
                source = source["//localhost".Length..];
            }
            else if (source.StartsWith("///", StringComparison.Ordinal))
            {
                source = source[2..];
            }
        }

        return string.IsNullOrWhiteSpace(source) || source == ":memory:" ? null : Path.GetFullPath(source);
    }
}
