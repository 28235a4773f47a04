using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using StudyBot.Core.Storage;

namespace StudyBot.Data;

/// <summary>
/// Which database errors mean "cannot be reached right now" rather than a bug, on both providers. PostgreSQL: nothing
/// listening, a broken or timed-out connection, a server that is shutting down, starting up or out of connections
/// (SQLSTATE classes 08 and 53, 57P01 to 57P03). SQLite: the file busy or locked beyond the busy timeout, unreadable or
/// not openable. Serialization failures and deadlocks are not outages: the commit path deals with those itself.
/// </summary>
internal sealed class StoreFaults : IStoreFaults
{
    public bool IsUnavailable(Exception exception) => Unavailable(exception) is not null;

    public string Describe(Exception exception) => Unavailable(exception) switch
    {
        PostgresException pg => $"{pg.SqlState}: {OneLine(pg.MessageText)}",
        NpgsqlException npg => npg.InnerException is SocketException or IOException or TimeoutException
            ? $"{OneLine(npg.Message)}: {OneLine(npg.InnerException.Message)}"
            : OneLine(npg.Message),
        SqliteException sqlite => string.Create(CultureInfo.InvariantCulture, $"SQLite error {sqlite.SqliteErrorCode}: {OneLine(sqlite.Message)}"),
        _ => exception.GetType().Name,
    };

    public void DropIdleConnections()
    {
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>The exception inside <paramref name="exception"/> that says the database cannot be reached, or null.</summary>
    internal static DbException? Unavailable(Exception exception)
    {
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case PostgresException pg when IsOutage(pg.SqlState):
                    return pg;
                case PostgresException:
                    return null;
                case NpgsqlException npg when npg.IsTransient || npg.InnerException is SocketException or IOException or TimeoutException:
                    return npg;
                case SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6 or 10 or 14:
                    return sqlite;
                case InvalidOperationException { Source: "Npgsql" } broken when e.InnerException is null:
                    // A connection that broke mid-transaction fails the statements after it this way ("the transaction has
                    // completed", "the connection is not open") rather than with the broken connection's own error.
                    return new NpgsqlException(broken.Message, broken);
            }
        }

        return null;
    }

    /// <summary>Connection exceptions, insufficient resources, and the server shutting down or starting.</summary>
    internal static bool IsOutage(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState is "57P01" or "57P02" or "57P03";

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        var seen = 0;
        while (pending.Count > 0 && seen++ < 32)
        {
            var e = pending.Pop();
            yield return e;
            if (e is AggregateException many)
            {
                foreach (var inner in many.InnerExceptions.Reverse())
                {
                    pending.Push(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Push(inner);
            }
        }
    }

    private static string OneLine(string text) => text.Split('\n')[0].Trim().TrimEnd('.');
}

/// <summary>
/// A statement the database answered ends an outage (<see cref="StoreOutage.Answered"/>), when it ran on a connection
/// opened after the outage's kept connections were dropped (<see cref="StoreOutage.CanEnd"/>): while a server shuts down,
/// a statement under way on a connection from before may still be answered, and that must not end the outage only for
/// the next one to start it again.
/// </summary>
internal sealed class StoreAnsweredInterceptor(StoreOutage outage) : DbCommandInterceptor, IDbConnectionInterceptor
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbConnection, StrongBox> _openedIn = [];

    public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        _openedIn.AddOrUpdate(connection, new StrongBox(outage.ConnectionMark));

    public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        _openedIn.AddOrUpdate(connection, new StrongBox(outage.ConnectionMark));
        return Task.CompletedTask;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Answered(command);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Answered(command);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Answered(command);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Answered(command);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Answered(command);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Answered(command);
        return ValueTask.FromResult(result);
    }

    private void Answered(DbCommand command)
    {
        if (command.Connection is { } connection)
        {
            Answered(connection);
        }
    }

    /// <summary>A statement run on <paramref name="connection"/> outside EF (<see cref="SqliteStatements"/>) was answered.</summary>
    public void Answered(DbConnection connection)
    {
        if (outage.IsDown && _openedIn.TryGetValue(connection, out var opened) && outage.CanEnd(opened.Mark))
        {
            outage.Answered();
        }
    }

    private sealed class StrongBox(long mark)
    {
        public long Mark => mark;
    }
}

/// <summary>Why StudyBot cannot use a PostgreSQL server, in words that say what to do; <see cref="Waitable"/> when it may come up by itself.</summary>
public sealed record PostgresFault(string Server, string Reason, string Message, bool Waitable)
{
    /// <summary>
    /// The fault inside <paramref name="exception"/> when it is one of connecting to PostgreSQL (nothing listening, a
    /// refused login, a database that does not exist, a server starting up); null when it is something else. Never shows
    /// the password: only the host, port, user and database are named.
    /// </summary>
    public static PostgresFault? Of(Exception exception, string connectionString)
    {
        var npg = Chain(exception).OfType<NpgsqlException>().FirstOrDefault();
        if (npg is null)
        {
            return null;
        }

        NpgsqlConnectionStringBuilder b;
        try
        {
            b = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException)
        {
            return null;
        }

        var server = string.Create(CultureInfo.InvariantCulture, $"{b.Host}:{b.Port}");
        return npg switch
        {
            PostgresException { SqlState: "3D000" } => new(server, "no such database", $"the database \"{b.Database}\" does not exist on {server}; create it first (CREATE DATABASE \"{b.Database}\")", false),
            PostgresException { SqlState: "28P01" or "28000" } pg => new(server, $"{pg.SqlState}: {OneLine(pg.MessageText)}", $"PostgreSQL at {server} refused the login of \"{b.Username}\" ({pg.SqlState}: {OneLine(pg.MessageText)}); check Username and Password", false),
            PostgresException pg when StoreFaults.IsOutage(pg.SqlState) => new(server, $"{pg.SqlState}: {OneLine(pg.MessageText)}", $"PostgreSQL at {server} is not ready ({pg.SqlState}: {OneLine(pg.MessageText)})", true),
            PostgresException pg => new(server, $"{pg.SqlState}: {OneLine(pg.MessageText)}", $"PostgreSQL at {server} answered: {pg.SqlState}: {OneLine(pg.MessageText)}", false),
            _ => new(server, ReasonOf(npg), $"cannot connect to PostgreSQL at {server} ({ReasonOf(npg)}); is it running?", npg.IsTransient),
        };
    }

    private static string ReasonOf(NpgsqlException ex) =>
        OneLine((ex.InnerException as SocketException)?.Message ?? ex.InnerException?.Message ?? ex.Message);

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static string OneLine(string text) => text.Split('\n')[0].Trim().TrimEnd('.');
}

/// <summary>The database holds a migration this StudyBot does not know: a newer version upgraded it.</summary>
public sealed class NewerDatabaseException(string migration)
    : Exception($"the database has a migration this StudyBot does not know ({migration}), so a newer StudyBot has upgraded it; run that version or a newer one, or restore a backup taken before that upgrade (StudyBot never downgrades a database). Nothing was changed")
{
    public string Migration => migration;
}
