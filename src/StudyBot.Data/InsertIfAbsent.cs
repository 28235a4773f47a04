using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace StudyBot.Data;

/// <summary>
/// A row's first insert that another instance (or another command of this one) may be making at the same moment: an
/// <c>INSERT ... ON CONFLICT (key) DO NOTHING</c>, the same statement on SQLite and PostgreSQL. On PostgreSQL the
/// second inserter waits for the first's transaction and then inserts nothing (its next statement, under READ
/// COMMITTED, sees the row); on SQLite writers take turns. So two first commands of one new member never fail on the
/// unique key: whichever comes second uses the row the first made. The columns and values come from the entity and
/// EF's model (every column the entity sets; null ones keep their default), stored the way EF stores them
/// (<see cref="SqlBatch"/>).
/// </summary>
internal static class InsertIfAbsent
{
    public static async Task RunAsync<T>(StudyBotDbContext db, T entity, IReadOnlyList<string> conflictColumns, CancellationToken cancellationToken)
        where T : class
    {
        var type = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model");
        var table = type.GetTableName()!;
        var store = StoreObjectIdentifier.Table(table, type.GetSchema());
        var batch = new SqlBatch(db.IsPostgres);
        var columns = new List<string>();
        var values = new List<string>();
        foreach (var property in type.GetProperties())
        {
            if (property.IsPrimaryKey() && property.ValueGenerated != ValueGenerated.Never)
            {
                continue;
            }

            if (property.GetGetter().GetClrValue(entity) is not { } value)
            {
                continue;
            }

            columns.Add(Quote(property.GetColumnName(store)!));
            values.Add(batch.Bind(value));
        }

        batch.Append($"INSERT INTO {Quote(table)} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)}) "
            + $"ON CONFLICT ({string.Join(", ", conflictColumns.Select(Quote))}) DO NOTHING");
        await batch.ExecuteAsync(db, cancellationToken);
    }

    private static string Quote(string identifier) => $"\"{identifier}\"";
}
