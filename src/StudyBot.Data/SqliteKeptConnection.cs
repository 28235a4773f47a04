using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace StudyBot.Data;

#pragma warning disable EF1001 // EF's SQLite connection is internal API: this changes only how it creates its SqliteConnection.

/// <summary>
/// EF's SQLite connection, minus the user functions EF defines on every <see cref="SqliteConnection"/> it creates
/// (<c>regexp</c> and the <c>ef_*</c> decimal functions, aggregates and collation). Microsoft.Data.Sqlite defines those again
/// on the native connection at every logical open and removes them at every close, and SQLite takes any such change as a
/// reason to compile all of the connection's prepared statements again: the statements <see cref="SqliteStatements"/> keeps
/// were parsed and planned again at their next use after every open, several times a command. StudyBot's model has no
/// decimal column and no query uses <c>Regex</c>, so EF never writes SQL that calls them (<c>CompiledModelTests</c> checks
/// the model has no decimal property).
/// </summary>
internal sealed class SqliteKeptConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    private readonly int? _commandTimeout = RelationalOptionsExtension.Extract(dependencies.ContextOptions).CommandTimeout;

    protected override DbConnection CreateDbConnection()
    {
        var connection = new SqliteConnection(GetValidatedConnectionString());
        if (_commandTimeout is { } timeout)
        {
            connection.DefaultTimeout = timeout;
        }

        return connection;
    }
}
