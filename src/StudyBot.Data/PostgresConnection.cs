using Npgsql;

namespace StudyBot.Data;

/// <summary>The PostgreSQL connection string as StudyBot uses it.</summary>
public static class PostgresConnection
{
    /// <summary>
    /// Parses the connection string (throwing <see cref="ArgumentException"/> for one Npgsql cannot read) and pins the
    /// session's time zone to UTC, so a time written without a zone is read as UTC whatever the server's default is.
    /// </summary>
    public static string Normalise(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Timezone))
        {
            builder.Timezone = "UTC";
        }

        return builder.ConnectionString;
    }
}
