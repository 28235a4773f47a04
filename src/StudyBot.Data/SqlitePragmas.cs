using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StudyBot.Data;

/// <summary>
/// Per-connection SQLite settings. In WAL mode, synchronous=NORMAL cannot corrupt the database and a crash of
/// the bot loses nothing committed; only a power cut may drop the last commits. It saves an fsync per command,
/// which is most of a write's cost. busy_timeout lets a writer that finds another one mid-transaction wait in
/// SQLite's own fine-grained busy handler; without it Microsoft.Data.Sqlite retries SQLITE_BUSY after a fixed
/// 150 ms sleep, which put every overlapping write of a burst 150 ms behind. wal_autocheckpoint=0: checkpoints
/// run in the background instead of inside a command's commit (see <see cref="WriteGate"/>).
/// <para>
/// All four are settings of the physical connection and stay set while it lives, so they run once per physical
/// connection (marked in its <see cref="SqliteStatements"/>), not at every logical open of a pooled one: that was four
/// statements compiled and run for every open, several times a command.
/// </para>
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    internal const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (connection is not SqliteConnection sqlite || SqliteStatements.Of(sqlite) is not { PragmasApplied: false } statements)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
        statements.PragmasApplied = true;
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (connection is not SqliteConnection sqlite || SqliteStatements.Of(sqlite) is not { PragmasApplied: false } statements)
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
        statements.PragmasApplied = true;
    }
}
