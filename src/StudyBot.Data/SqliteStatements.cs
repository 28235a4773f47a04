using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;
using static SQLitePCL.raw;

namespace StudyBot.Data;

/// <summary>
/// The prepared statements of one physical SQLite connection, kept for as long as that connection lives. Microsoft.Data.Sqlite
/// prepares a command's SQL again for every <see cref="SqliteCommand"/> (and a connection's logical close disposes them all),
/// so the statements every command runs were compiled by SQLite again for every command: most of a command's CPU. These are
/// prepared once per physical connection, by SQL text, and reset after each use.
/// <para>
/// The cache belongs to the connection's native handle (a weak table keyed by it): a pooled connection handed to another
/// context brings its statements with it, and they never serve another connection. When the pool closes the handle, SQLite
/// keeps the closed connection's memory until its last statement is finalized, which the statements' own finalizers do once
/// the handle and its cache are garbage. A physical connection serves one logical connection at a time, so no locking is
/// needed. The statements run on the handle itself, so they belong to whatever transaction the connection has open.
/// </para>
/// </summary>
internal sealed class SqliteStatements
{
    private static readonly ConditionalWeakTable<sqlite3, SqliteStatements> ByHandle = [];

    /// <summary>Distinct SQL texts kept per connection; past that the cache starts again (the hot texts are a few dozen).</summary>
    public const int Capacity = 128;

    private static readonly TimeSpan BusyPatience = TimeSpan.FromSeconds(30);

    /// <summary>Microsoft.Data.Sqlite's pause between tries of a busy statement.</summary>
    private static readonly TimeSpan BusyPause = TimeSpan.FromMilliseconds(150);

    private readonly sqlite3 _db;
    private readonly Dictionary<string, Prepared> _cache = new(StringComparer.Ordinal);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Pooled = new(StringComparer.Ordinal);

    private readonly bool _keep;

    private SqliteStatements(sqlite3 db, bool keep)
    {
        _db = db;
        _keep = keep;
    }

    /// <summary>Whether <see cref="SqlitePragmas"/> has set this physical connection up.</summary>
    public bool PragmasApplied { get; set; }

    /// <summary>How many SQL texts this connection has compiled (for tests).</summary>
    public int Compiled { get; private set; }

    /// <summary>
    /// How many times SQLite compiled the kept statements again by itself (SQLITE_STMTSTATUS_REPREPARE), as it does after
    /// the connection's schema or user functions changed (for tests).
    /// </summary>
    internal int Reprepared
    {
        get
        {
            var count = 0;
            foreach (var prepared in _cache.Values)
            {
                foreach (var statement in prepared.Statements)
                {
                    count += sqlite3_stmt_status(statement.Handle, StatusReprepare, 0);
                }
            }

            return count;
        }
    }

    /// <summary>SQLITE_STMTSTATUS_REPREPARE, which SQLitePCL.raw does not name.</summary>
    private const int StatusReprepare = 5;

    /// <summary>The statements of the physical connection behind <paramref name="connection"/>, which must be open.</summary>
    public static SqliteStatements Of(SqliteConnection connection)
    {
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");

        // Unpooled, a physical connection lasts one logical open: nothing to keep, and each statement is finalized after its use.
        return IsPooled(connection.ConnectionString)
            ? ByHandle.GetValue(handle, h => new SqliteStatements(h, keep: true))
            : new SqliteStatements(handle, keep: false);
    }

    private static bool IsPooled(string connectionString) =>
        Pooled.GetOrAdd(connectionString, cs => new SqliteConnectionStringBuilder(cs).Pooling);

    /// <summary>
    /// Runs <paramref name="work"/> on the statements of the context's connection, opened for it as EF opens it for a query
    /// (a connection the context already holds open, with its transaction, stays open).
    /// </summary>
    public static async Task<T> RunAsync<T>(StudyBotDbContext db, SqliteConnection connection, Func<SqliteStatements, T> work, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var result = work(Of(connection));
            db.Answered();
            return result;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>A time as EF's UTC conversion hands it to SQLite (a local time made UTC; any other kind taken as UTC).</summary>
    public static DateTime Utc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);

    /// <summary>
    /// Binds <paramref name="args"/> (name, value; values as <see cref="SqlBatch.ToDb"/> stores them) to the statements of
    /// <paramref name="sql"/> and positions on the first. Dispose the reader to reset them.
    /// </summary>
    public Reader Open(string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        if (!_cache.TryGetValue(sql, out var prepared) || prepared.InUse)
        {
            var fresh = Prepare(sql);
            if (!_keep)
            {
                fresh.OneOff = true;
            }
            else if (prepared is null)
            {
                if (_cache.Count >= Capacity)
                {
                    foreach (var old in _cache.Values)
                    {
                        // One still running goes when it is done.
                        if (old.InUse)
                        {
                            old.OneOff = true;
                        }
                        else
                        {
                            old.Dispose();
                        }
                    }

                    _cache.Clear();
                }

                _cache[sql] = fresh;
            }
            else
            {
                // The same text already running on this connection (a nested use): a one-off that goes when it is done.
                fresh.OneOff = true;
            }

            prepared = fresh;
        }

        prepared.InUse = true;
        try
        {
            foreach (var statement in prepared.Statements)
            {
                statement.Bind(args);
            }
        }
        catch
        {
            prepared.Release();
            throw;
        }

        return new Reader(this, prepared);
    }

    /// <summary>Runs every statement of <paramref name="sql"/> to its end; the rows they changed, as Microsoft.Data.Sqlite counts them.</summary>
    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> args)
    {
        using var reader = Open(sql, args);
        do
        {
            while (reader.Read())
            {
            }
        }
        while (reader.NextResult());

        return reader.RecordsAffected;
    }

    private static bool IsBusy(int rc) => rc is SQLITE_BUSY or SQLITE_LOCKED or SQLITE_LOCKED_SHAREDCACHE;

    private Prepared Prepare(string sql)
    {
        var statements = new List<Statement>();
        var rest = sql;
        try
        {
            while (!string.IsNullOrWhiteSpace(rest))
            {
                // Compiling reads the schema, which another connection's write may hold up: retried as Microsoft.Data.Sqlite does.
                var started = Stopwatch.GetTimestamp();
                int rc;
                sqlite3_stmt stmt;
                string tail;
                while (IsBusy(rc = sqlite3_prepare_v2(_db, rest, out stmt, out tail)) && Stopwatch.GetElapsedTime(started) < BusyPatience)
                {
                    stmt?.Dispose();
                    Thread.Sleep(BusyPause);
                }

                SqliteException.ThrowExceptionForRC(rc, _db);
                rest = tail;
                if (stmt is null || stmt.IsInvalid)
                {
                    // Only a comment or a lone semicolon was left.
                    stmt?.Dispose();
                    continue;
                }

                statements.Add(new Statement(stmt));
            }
        }
        catch
        {
            foreach (var statement in statements)
            {
                statement.Dispose();
            }

            throw;
        }

        Compiled++;
        return new Prepared(statements);
    }

    internal sealed class Prepared(List<Statement> statements) : IDisposable
    {
        public List<Statement> Statements => statements;

        public bool InUse { get; set; }

        public bool OneOff { get; set; }

        public void Release()
        {
            foreach (var statement in statements)
            {
                statement.Reset();
            }

            InUse = false;
            if (OneOff)
            {
                Dispose();
            }
        }

        public void Dispose()
        {
            foreach (var statement in statements)
            {
                statement.Dispose();
            }
        }
    }

    internal sealed class Statement : IDisposable
    {
        private readonly string?[] _names;

        public Statement(sqlite3_stmt stmt)
        {
            Handle = stmt;
            _names = new string?[sqlite3_bind_parameter_count(stmt)];
            for (var i = 0; i < _names.Length; i++)
            {
                _names[i] = sqlite3_bind_parameter_name(stmt, i + 1).utf8_to_string();
            }

            ReadOnly = sqlite3_stmt_readonly(stmt) != 0;
        }

        public sqlite3_stmt Handle { get; }

        public bool ReadOnly { get; }

        public void Bind(ReadOnlySpan<(string Name, object? Value)> args)
        {
            for (var i = 0; i < _names.Length; i++)
            {
                var name = _names[i];
                var found = false;
                foreach (var (argName, value) in args)
                {
                    if (string.Equals(argName, name, StringComparison.Ordinal))
                    {
                        BindValue(i + 1, value);
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    throw new InvalidOperationException($"Must add values for the following parameters: {name}");
                }
            }
        }

        public void Reset()
        {
            sqlite3_reset(Handle);
            sqlite3_clear_bindings(Handle);
        }

        public void Dispose() => Handle.Dispose();

        private void BindValue(int index, object? value)
        {
            var rc = SqlBatch.ToDb(value) switch
            {
                DBNull => sqlite3_bind_null(Handle, index),
                long l => sqlite3_bind_int64(Handle, index, l),
                int n => sqlite3_bind_int64(Handle, index, n),
                short s => sqlite3_bind_int64(Handle, index, s),
                byte b => sqlite3_bind_int64(Handle, index, b),
                double d => sqlite3_bind_double(Handle, index, d),
                string s => sqlite3_bind_text(Handle, index, s),
                byte[] bytes => sqlite3_bind_blob(Handle, index, bytes),
                var other => throw new InvalidOperationException($"No SQLite binding for a {other.GetType().Name}."),
            };
            if (rc != SQLITE_OK)
            {
                throw new InvalidOperationException($"SQLite refused a parameter ({rc}).");
            }
        }
    }

    /// <summary>Steps through the statements of one SQL text, like a data reader; disposing it resets them for the next use.</summary>
    public sealed class Reader : IDisposable
    {
        private readonly SqliteStatements _owner;
        private readonly Prepared _prepared;
        private int _index;
        private bool _done;
        private bool _stepped;

        internal Reader(SqliteStatements owner, Prepared prepared)
        {
            _owner = owner;
            _prepared = prepared;
        }

        /// <summary>Rows changed by the statements that ran to their end (not counting read-only ones).</summary>
        public int RecordsAffected { get; private set; }

        private sqlite3_stmt Current => _prepared.Statements[_index].Handle;

        /// <summary>Moves to the current statement's next row; false at its end.</summary>
        public bool Read()
        {
            if (_done || _index >= _prepared.Statements.Count)
            {
                return false;
            }

            var started = _stepped ? 0 : Stopwatch.GetTimestamp();
            while (true)
            {
                var rc = sqlite3_step(Current);
                if (rc == SQLITE_ROW)
                {
                    _stepped = true;
                    return true;
                }

                if (rc == SQLITE_DONE)
                {
                    _done = true;
                    if (!_prepared.Statements[_index].ReadOnly)
                    {
                        RecordsAffected += sqlite3_changes(_owner._db);
                    }

                    return false;
                }

                // A busy database (beyond busy_timeout) is tried again before the first row, as Microsoft.Data.Sqlite does.
                if (IsBusy(rc) && !_stepped && Stopwatch.GetElapsedTime(started) < BusyPatience)
                {
                    sqlite3_reset(Current);
                    Thread.Sleep(BusyPause);
                    continue;
                }

                var error = new SqliteException(sqlite3_errmsg(_owner._db).utf8_to_string(), rc, sqlite3_extended_errcode(_owner._db));
                sqlite3_reset(Current);
                throw error;
            }
        }

        /// <summary>Runs what is left of the current statement and moves to the next; false when there is none.</summary>
        public bool NextResult()
        {
            while (Read())
            {
            }

            if (_index + 1 >= _prepared.Statements.Count)
            {
                return false;
            }

            _index++;
            _done = false;
            _stepped = false;
            return true;
        }

        public bool IsDBNull(int ordinal) => sqlite3_column_type(Current, ordinal) == SQLITE_NULL;

        public long GetInt64(int ordinal) => sqlite3_column_int64(Current, ordinal);

        public int GetInt32(int ordinal) => checked((int)sqlite3_column_int64(Current, ordinal));

        public string GetString(int ordinal) => sqlite3_column_text(Current, ordinal).utf8_to_string();

        public DateOnly GetDateOnly(int ordinal) => DateOnly.Parse(GetString(ordinal), CultureInfo.InvariantCulture);

        /// <summary>A time stored by EF (UTC, as text), read back as UTC.</summary>
        public DateTime GetUtc(int ordinal) =>
            DateTime.SpecifyKind(DateTime.Parse(GetString(ordinal), CultureInfo.InvariantCulture), DateTimeKind.Utc);

        public void Dispose() => _prepared.Release();
    }
}
