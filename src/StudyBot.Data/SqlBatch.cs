using System.Globalization;
using System.Text;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using Microsoft.EntityFrameworkCore;

namespace StudyBot.Data;

/// <summary>
/// Write statements collected for one command and sent to the database as a single command text. A progress commit
/// used to cost a round of EF change tracking and one command per statement; most of that time was EF, not
/// the database. Values always travel as parameters, stored the way EF stores them (so EF reads them back). On
/// SQLite: GUIDs as upper-case text, <see cref="DateTime"/> as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, dates as
/// <c>yyyy-MM-dd</c>, booleans as 0/1. On PostgreSQL: uuid, timestamp with time zone (UTC), date and boolean.
/// Identifiers are quoted ("Outbox"), as EF created them on both.
/// </summary>
internal sealed class SqlBatch(bool postgres = false)
{
    private readonly StringBuilder _sql = new();
    private readonly List<DbParameter> _parameters = [];

    public bool IsEmpty => _sql.Length == 0;

    /// <summary>Adds a statement whose <c>{0}</c>, <c>{1}</c>... placeholders are bound to <paramref name="values"/>.</summary>
    public void Add(string statement, params object?[] values) =>
        Append(string.Format(CultureInfo.InvariantCulture, statement, values.Select(Bind).ToArray<object>()));

    /// <summary>Binds a value to a new parameter and returns its name, for SQL built with <see cref="Append"/>.</summary>
    public string Bind(object? value)
    {
        var name = $"@b{_parameters.Count}";
        _parameters.Add(postgres ? new NpgsqlParameter(name, ToPostgres(value)) : new SqliteParameter(name, ToDb(value)));
        return name;
    }

    /// <summary>Adds one statement; its values go in through <see cref="Bind"/>, never into the text.</summary>
    public void Append(string statement) => _sql.Append(statement.TrimEnd().TrimEnd(';')).AppendLine(";");

    /// <summary>Runs the statements; returns the rows they changed, as the database counts them.</summary>
    public async Task<int> ExecuteAsync(StudyBotDbContext db, CancellationToken ct)
    {
        if (IsEmpty)
        {
            return 0;
        }

        // On SQLite a batch's text repeats from command to command (its values are parameters), so the connection keeps it prepared.
        var changed = db.Database.GetDbConnection() is SqliteConnection sqlite
            ? await SqliteStatements.RunAsync(db, sqlite, s => s.Execute(_sql.ToString(), [.. _parameters.Select(p => (p.ParameterName, p.Value))]), ct)
            : await db.Database.ExecuteSqlRawAsync(_sql.ToString(), _parameters, ct);
        _sql.Clear();
        _parameters.Clear();
        return changed;
    }

    /// <summary>A value as Npgsql sends it for EF's PostgreSQL columns: times as UTC.</summary>
    internal static object ToPostgres(object? value) => value switch
    {
        null => DBNull.Value,
        DateTime d => d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : DateTime.SpecifyKind(d, DateTimeKind.Utc),
        Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture),
        _ => value,
    };

    /// <summary>A value as SQLite stores it for EF.</summary>
    internal static object ToDb(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString("D").ToUpperInvariant(),
        DateTime d => d.ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture),
        bool b => b ? 1 : 0,
        Enum e => Convert.ToInt32(e, CultureInfo.InvariantCulture),
        _ => value,
    };
}
