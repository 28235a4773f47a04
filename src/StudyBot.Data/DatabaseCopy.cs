using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace StudyBot.Data;

/// <summary>Bad input for the copy: the message is for the operator, <see cref="Option"/> the option it is about.</summary>
public sealed class DatabaseCopyException(string option, string message) : Exception(message)
{
    public string Option => option;
}

/// <summary>One table after the copy: its rows in the source's snapshot and in the target, and how many were compared.</summary>
public sealed record CopiedTable(string Table, long SourceRows, long TargetRows, long ComparedRows);

/// <summary>What the copy did: copied (or found the target already holding the same data), table by table.</summary>
public sealed record CopyResult(bool AlreadyThere, IReadOnlyList<CopiedTable> Tables, TimeSpan Elapsed);

/// <summary>
/// Copies a StudyBot SQLite database into PostgreSQL, generically over the EF model (every entity type's table, parents
/// before children, every column, primary keys kept), so a table added to the model is copied too.
/// <list type="number">
/// <item>The source is read inside one read transaction: in WAL mode that is a consistent snapshot, taken while a
/// running StudyBot may go on writing (its writes after the snapshot are not copied). It must carry every SQLite
/// migration of this build.</item>
/// <item>The target is migrated with the PostgreSQL migrations, then everything happens in one transaction: a target
/// that is empty is filled (binary COPY, table by table); one that already holds exactly the source's rows is left
/// as it is; any other content is refused unless <c>replace</c> (then it is truncated first). Identity sequences are
/// moved past the copied ids.</item>
/// <item>Before the commit every table's rows are counted on both sides and every row is compared, column by column
/// (times to PostgreSQL's microsecond); on any difference the transaction is rolled back and nothing is kept.</item>
/// </list>
/// </summary>
public static class DatabaseCopy
{
    private static readonly Lazy<IModel> SqliteModel = new(() =>
    {
        using var db = new StudyBotDbContext(new DbContextOptionsBuilder<StudyBotDbContext>().UseSqlite("Data Source=:memory:").Options);
        return db.Model;
    });

    /// <summary>The tables copied, in copy order (a table after the tables it refers to).</summary>
    public static IReadOnlyList<string> Tables => [.. Ordered(SqliteModel.Value).Select(t => t.GetTableName()!)];

    /// <summary>Copies <paramref name="from"/> (SQLite) into <paramref name="to"/> (PostgreSQL); <paramref name="progress"/> gets one line per table.</summary>
    public static async Task<CopyResult> RunAsync(string from, string to, bool replace, Action<string> progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var sourceString = SourceConnection(from);
        var targetString = TargetConnection(to);

        await using var source = new SqliteConnection(sourceString);
        try
        {
            await source.OpenAsync(cancellationToken);
        }
        catch (SqliteException ex)
        {
            throw new DatabaseCopyException("--from", $"the database cannot be opened ({ex.Message})");
        }

        // The snapshot: every read below sees the database as it was at the first one.
        await using var snapshot = source.BeginTransaction(deferred: true);
        await CheckSourceMigrationsAsync(source, snapshot, cancellationToken);

        var pgOptions = new DbContextOptionsBuilder<StudyBotDbContext>();
        StudyBotDbContext.UsePostgres(pgOptions, targetString);
        using var pgContext = new StudyBotDbContext(pgOptions.Options);
        var targetModel = pgContext.Model;
        var tables = Ordered(SqliteModel.Value).Select(t => Table.Of(t, targetModel)).ToList();

        await MigrateTargetAsync(targetString, cancellationToken);
        await using var target = new NpgsqlConnection(targetString);
        await Connect(() => target.OpenAsync(cancellationToken), target);
        await using var transaction = await target.BeginTransactionAsync(cancellationToken);

        var held = new List<(string Table, long Rows)>();
        foreach (var table in tables)
        {
            held.Add((table.Name, await CountAsync(target, transaction, table.Name, cancellationToken)));
        }

        if (held.Any(h => h.Rows > 0))
        {
            if (!replace)
            {
                var same = await VerifyAsync(tables, source, snapshot, target, transaction, cancellationToken);
                if (same.All(t => t.SourceRows == t.TargetRows && t.ComparedRows == t.SourceRows) && await DifferenceAsync(tables, source, snapshot, target, transaction, cancellationToken) is null)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    return new CopyResult(AlreadyThere: true, same, clock.Elapsed);
                }

                throw new DatabaseCopyException("--to", "the target database is not empty ("
                    + string.Join(", ", held.Where(h => h.Rows > 0).Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Table} {h.Rows}")))
                    + ") and does not hold this copy; nothing was copied. Give --replace to empty it and copy again, or choose an empty database");
            }

            await ExecuteAsync(target, transaction, "TRUNCATE " + string.Join(", ", tables.Select(t => Quote(t.Name))) + " RESTART IDENTITY CASCADE", cancellationToken);
        }

        foreach (var table in tables)
        {
            var rows = await CopyTableAsync(table, source, snapshot, target, cancellationToken);
            progress(string.Create(CultureInfo.InvariantCulture, $"{table.Name}: {rows:N0} {(rows == 1 ? "row" : "rows")}"));
        }

        foreach (var table in tables.Where(t => t.Key.Count == 1 && !t.Key[0].IsText))
        {
            // An identity (or serial) key goes on after the highest copied id; tables without one (or keyed by a name) are
            // left alone.
            var key = table.Key[0].Column;
            await ExecuteAsync(target, transaction,
                $"SELECT setval(s, COALESCE((SELECT MAX({Quote(key)}) FROM {Quote(table.Name)}), 0) + 1, false) FROM pg_get_serial_sequence('{Quote(table.Name)}', '{key}') AS s WHERE s IS NOT NULL",
                cancellationToken);
        }

        var report = await VerifyAsync(tables, source, snapshot, target, transaction, cancellationToken);
        var difference = report.FirstOrDefault(t => t.SourceRows != t.TargetRows) is { } count
            ? string.Create(CultureInfo.InvariantCulture, $"{count.Table} has {count.SourceRows} rows in SQLite and {count.TargetRows} in PostgreSQL")
            : await DifferenceAsync(tables, source, snapshot, target, transaction, cancellationToken);
        if (difference is not null)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new DatabaseCopyException("--to", $"the copy did not check out ({difference}); it was rolled back and nothing was kept");
        }

        await transaction.CommitAsync(cancellationToken);
        return new CopyResult(AlreadyThere: false, report, clock.Elapsed);
    }

    /// <summary>A readable description of the target for output: server, database and user, never the password.</summary>
    public static string Describe(string postgresConnection)
    {
        var b = new NpgsqlConnectionStringBuilder(postgresConnection);
        return string.Create(CultureInfo.InvariantCulture, $"{b.Host}:{b.Port}/{b.Database ?? b.Username}{(b.Username is { Length: > 0 } user ? $" (user {user})" : "")}");
    }

    private static string SourceConnection(string from)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(from);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new DatabaseCopyException("--from", $"not a SQLite connection string ({FirstLine(ex.Message)}); use e.g. \"Data Source=data/studybot.db\"");
        }

        if (SqliteFile.PathOf(from) is not { } file)
        {
            throw new DatabaseCopyException("--from", "name the SQLite database file, e.g. \"Data Source=data/studybot.db\"");
        }

        if (!File.Exists(file))
        {
            throw new DatabaseCopyException("--from", $"there is no database file at {file}");
        }

        // Never creates a database; reads only (a read transaction), but opens read-write so WAL's shared memory works.
        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = false;
        return builder.ConnectionString;
    }

    private static string TargetConnection(string to)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(PostgresConnection.Normalise(to));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException or KeyNotFoundException)
        {
            throw new DatabaseCopyException("--to", $"not a PostgreSQL connection string ({FirstLine(ex.Message)}); use e.g. \"Host=localhost;Database=studybot;Username=studybot;Password=...\"");
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new DatabaseCopyException("--to", "the connection string has no Host; use e.g. \"Host=localhost;Database=studybot;Username=studybot;Password=...\"");
        }

        return builder.ConnectionString;
    }

    private static async Task CheckSourceMigrationsAsync(SqliteConnection source, SqliteTransaction snapshot, CancellationToken cancellationToken)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var command = source.CreateCommand();
            command.Transaction = snapshot;
            command.CommandText = "SELECT MigrationId FROM __EFMigrationsHistory";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 1)
        {
            // No history table: not a StudyBot database (or one never started).
        }
        catch (SqliteException ex)
        {
            throw new DatabaseCopyException("--from", $"the database cannot be read ({FirstLine(ex.Message)})");
        }

        using var db = new StudyBotDbContext(new DbContextOptionsBuilder<StudyBotDbContext>().UseSqlite("Data Source=:memory:").Options);
        var known = db.Database.GetMigrations().ToList();
        var missing = known.Where(m => !applied.Contains(m)).ToList();
        if (missing.Count == known.Count)
        {
            throw new DatabaseCopyException("--from", "the database has none of StudyBot's migrations: it is not a StudyBot database (or StudyBot never started on it)");
        }

        if (missing.Count > 0)
        {
            throw new DatabaseCopyException("--from", $"the database lacks {missing.Count} of StudyBot's migrations (from {missing[0]}): start this version of StudyBot on it once to upgrade it, stop it, then copy");
        }

        if (applied.FirstOrDefault(a => !known.Contains(a, StringComparer.Ordinal)) is { } newer)
        {
            throw new DatabaseCopyException("--from", $"the database has a migration this StudyBot does not know ({newer}): copy with the StudyBot version that made it");
        }
    }

    private static async Task MigrateTargetAsync(string targetString, CancellationToken cancellationToken)
    {
        await using var services = new ServiceCollection().AddStudyBotData(DatabaseProvider.PostgreSQL, targetString).BuildServiceProvider();
        try
        {
            await StudyBotDatabase.MigrateAsync(services, cancellationToken);
        }
        catch (InvalidOperationException ex) when (ex.InnerException is NpgsqlException inner)
        {
            throw Unreachable(inner, new NpgsqlConnectionStringBuilder(targetString));
        }
        catch (NpgsqlException ex)
        {
            throw Unreachable(ex, new NpgsqlConnectionStringBuilder(targetString));
        }
        catch (InvalidOperationException ex)
        {
            throw new DatabaseCopyException("--to", $"the target cannot be migrated: {FirstLine(ex.Message)}");
        }
    }

    private static async Task Connect(Func<Task> open, NpgsqlConnection connection)
    {
        try
        {
            await open();
        }
        catch (NpgsqlException ex)
        {
            throw Unreachable(ex, new NpgsqlConnectionStringBuilder(connection.ConnectionString));
        }
    }

    private static DatabaseCopyException Unreachable(NpgsqlException ex, NpgsqlConnectionStringBuilder b) =>
        new("--to", PostgresFault.Of(ex, b.ConnectionString)?.Message
            ?? string.Create(CultureInfo.InvariantCulture, $"cannot connect to PostgreSQL at {b.Host}:{b.Port} ({FirstLine(ex.Message)}); is it running?"));

    private static async Task<long> CopyTableAsync(Table table, SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, CancellationToken cancellationToken)
    {
        await using var select = source.CreateCommand();
        select.Transaction = snapshot;
        select.CommandText = table.SqliteSelect;
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        await using var writer = await target.BeginBinaryImportAsync(
            $"COPY {Quote(table.Name)} ({string.Join(", ", table.Columns.Select(c => Quote(c.Column)))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await writer.StartRowAsync(cancellationToken);
            for (var i = 0; i < table.Columns.Count; i++)
            {
                var column = table.Columns[i];
                if (column.ReadSqlite(reader, i) is { } value)
                {
                    await writer.WriteAsync(column.ToPostgres(value), column.PostgresType, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
            }

            rows++;
        }

        await writer.CompleteAsync(cancellationToken);
        return rows;
    }

    private static async Task<List<CopiedTable>> VerifyAsync(List<Table> tables, SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var report = new List<CopiedTable>();
        foreach (var table in tables)
        {
            await using var count = source.CreateCommand();
            count.Transaction = snapshot;
            count.CommandText = $"SELECT COUNT(*) FROM {Quote(table.Name)}";
            var sourceRows = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            var targetRows = await CountAsync(target, transaction, table.Name, cancellationToken);
            report.Add(new CopiedTable(table.Name, sourceRows, targetRows, Math.Min(sourceRows, targetRows)));
        }

        return report;
    }

    /// <summary>The first row that differs between the two sides (all rows, every column, in key order), or null when none does.</summary>
    private static async Task<string?> DifferenceAsync(List<Table> tables, SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            await using var left = source.CreateCommand();
            left.Transaction = snapshot;
            left.CommandText = table.SqliteSelect;
            await using var right = new NpgsqlCommand(table.PostgresSelect, target, transaction);
            await using var a = await left.ExecuteReaderAsync(cancellationToken);
            await using var b = await right.ExecuteReaderAsync(cancellationToken);
            long row = 0;
            while (true)
            {
                var hasA = await a.ReadAsync(cancellationToken);
                var hasB = await b.ReadAsync(cancellationToken);
                if (!hasA || !hasB)
                {
                    if (hasA != hasB)
                    {
                        return string.Create(CultureInfo.InvariantCulture, $"{table.Name} has a different number of rows (from row {row + 1})");
                    }

                    break;
                }

                row++;
                for (var i = 0; i < table.Columns.Count; i++)
                {
                    var column = table.Columns[i];
                    if (!Same(column.ReadSqlite(a, i), column.ReadPostgres(b, i)))
                    {
                        return string.Create(CultureInfo.InvariantCulture, $"{table.Name} row {row} differs in {column.Column}");
                    }
                }
            }
        }

        return null;
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (null, null) => true,
        (DateTime x, DateTime y) => Math.Abs(x.Ticks - y.Ticks) < TimeSpan.TicksPerMicrosecond,
        (byte[] x, byte[] y) => x.AsSpan().SequenceEqual(y),
        _ => Equals(a, b),
    };

    private static async Task<long> CountAsync(NpgsqlConnection target, NpgsqlTransaction transaction, string table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT COUNT(*) FROM {Quote(table)}", target, transaction);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection target, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, target, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The model's tables, each after the tables its foreign keys point to.</summary>
    private static List<IEntityType> Ordered(IModel model)
    {
        var ordered = new List<IEntityType>();
        var placed = new HashSet<IEntityType>();
        void Place(IEntityType type, HashSet<IEntityType> visiting)
        {
            if (placed.Contains(type) || !visiting.Add(type))
            {
                return;
            }

            foreach (var principal in type.GetForeignKeys().Select(f => f.PrincipalEntityType).Where(p => p != type).OrderBy(p => p.GetTableName(), StringComparer.Ordinal))
            {
                Place(principal, visiting);
            }

            placed.Add(type);
            ordered.Add(type);
        }

        foreach (var type in model.GetEntityTypes().Where(t => t.GetTableName() is not null).OrderBy(t => t.GetTableName(), StringComparer.Ordinal))
        {
            Place(type, []);
        }

        return ordered;
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string FirstLine(string message) => message.Split('\n')[0].Trim().TrimEnd('.');

    /// <summary>One table of the model as both providers store it.</summary>
    private sealed class Table
    {
        public required string Name { get; init; }

        public required IReadOnlyList<TableColumn> Columns { get; init; }

        public required IReadOnlyList<TableColumn> Key { get; init; }

        public required string SqliteSelect { get; init; }

        public required string PostgresSelect { get; init; }

        public static Table Of(IEntityType sqliteType, IModel postgresModel)
        {
            var name = sqliteType.GetTableName()!;
            var postgresType = postgresModel.FindEntityType(sqliteType.Name)!;
            var store = StoreObjectIdentifier.Table(name);
            var columns = sqliteType.GetProperties()
                .Select(p => new TableColumn(p.GetColumnName(store)!, p, postgresType.FindProperty(p.Name)!))
                .ToList();
            var key = sqliteType.FindPrimaryKey()!.Properties.Select(p => columns.Single(c => c.Column == p.GetColumnName(store))).ToList();
            var list = string.Join(", ", columns.Select(c => Quote(c.Column)));
            return new Table
            {
                Name = name,
                Columns = columns,
                Key = key,

                // The same order on both sides: keys are numbers, dates or text compared byte by byte (C collation).
                SqliteSelect = $"SELECT {list} FROM {Quote(name)} ORDER BY {string.Join(", ", key.Select(k => Quote(k.Column) + (k.IsText ? " COLLATE BINARY" : "")))}",
                PostgresSelect = $"SELECT {list} FROM {Quote(name)} ORDER BY {string.Join(", ", key.Select(k => Quote(k.Column) + (k.IsText ? " COLLATE \"C\"" : "")))}",
            };
        }
    }

    /// <summary>One column: read from either side as the model's value, written to PostgreSQL as its store type.</summary>
    private sealed class TableColumn
    {
        private readonly RelationalTypeMapping _sqlite;
        private readonly RelationalTypeMapping _postgres;
        private readonly Func<DbDataReader, int, object> _readSqlite;
        private readonly Func<DbDataReader, int, object> _readPostgres;

        public TableColumn(string column, IProperty sqlite, IProperty postgres)
        {
            Column = column;
            _sqlite = sqlite.GetRelationalTypeMapping();
            _postgres = postgres.GetRelationalTypeMapping();
            var storeType = _postgres.StoreType;
            PostgresType = storeType.IndexOf('(', StringComparison.Ordinal) is var open and > 0 ? storeType[..open].Trim() : storeType;
            IsText = sqlite.ClrType == typeof(string);
            _readSqlite = Reader(_sqlite.Converter?.ProviderClrType ?? _sqlite.ClrType);
            _readPostgres = Reader(_postgres.Converter?.ProviderClrType ?? _postgres.ClrType);
        }

        public string Column { get; }

        public string PostgresType { get; }

        public bool IsText { get; }

        /// <summary>The model's value of the column in a SQLite row, or null.</summary>
        public object? ReadSqlite(DbDataReader reader, int ordinal) =>
            reader.IsDBNull(ordinal) ? null : _sqlite.Converter is { } c ? c.ConvertFromProvider(_readSqlite(reader, ordinal)) : _readSqlite(reader, ordinal);

        /// <summary>The model's value of the column in a PostgreSQL row, or null.</summary>
        public object? ReadPostgres(DbDataReader reader, int ordinal) =>
            reader.IsDBNull(ordinal) ? null : _postgres.Converter is { } c ? c.ConvertFromProvider(_readPostgres(reader, ordinal)) : _readPostgres(reader, ordinal);

        /// <summary>A model value as PostgreSQL stores it.</summary>
        public object ToPostgres(object value) => _postgres.Converter is { } c ? c.ConvertToProvider(value)! : value;

        private static Func<DbDataReader, int, object> Reader(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            var reader = Expression.Parameter(typeof(DbDataReader));
            var ordinal = Expression.Parameter(typeof(int));
            var get = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!.MakeGenericMethod(type);
            return Expression.Lambda<Func<DbDataReader, int, object>>(Expression.Convert(Expression.Call(reader, get, ordinal), typeof(object)), reader, ordinal).Compile();
        }
    }
}
