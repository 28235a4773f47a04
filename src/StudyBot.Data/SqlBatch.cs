using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace StudyBot.Data;

/// <summary>
/// Write statements collected for one command and sent to SQLite as a single command text. A progress commit
/// used to cost a round of EF change tracking and one command per statement; most of that time was EF, not
/// SQLite. Values always travel as parameters, stored the way EF stores them (so EF reads them back):
/// GUIDs as upper-case text, <see cref="DateTime"/> as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>, dates as
/// <c>yyyy-MM-dd</c>, booleans as 0/1.
/// </summary>
internal sealed class SqlBatch
{
    private readonly StringBuilder _sql = new();
    private readonly List<SqliteParameter> _parameters = [];

    public bool IsEmpty => _sql.Length == 0;

    /// <summary>Adds a statement whose <c>{0}</c>, <c>{1}</c>... placeholders are bound to <paramref name="values"/>.</summary>
    public void Add(string statement, params object?[] values) =>
        Append(string.Format(CultureInfo.InvariantCulture, statement, values.Select(Bind).ToArray<object>()));

    /// <summary>Binds a value to a new parameter and returns its name, for SQL built with <see cref="Append"/>.</summary>
    public string Bind(object? value)
    {
        var name = $"$b{_parameters.Count}";
        _parameters.Add(new SqliteParameter(name, ToDb(value)));
        return name;
    }

    /// <summary>Adds one statement; its values go in through <see cref="Bind"/>, never into the text.</summary>
    public void Append(string statement) => _sql.Append(statement.TrimEnd().TrimEnd(';')).AppendLine(";");

    public async Task ExecuteAsync(StudyBotDbContext db, CancellationToken ct)
    {
        if (IsEmpty)
        {
            return;
        }

        await db.Database.ExecuteSqlRawAsync(_sql.ToString(), _parameters, ct);
        _sql.Clear();
        _parameters.Clear();
    }

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
