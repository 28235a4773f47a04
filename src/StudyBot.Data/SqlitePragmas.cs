using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace StudyBot.Data;

/// <summary>
/// Per-connection SQLite settings. In WAL mode, synchronous=NORMAL cannot corrupt the database and a crash of
/// the bot loses nothing committed; only a power cut may drop the last commits. It saves an fsync per command,
/// which is most of a write's cost. busy_timeout lets a writer that finds another one mid-transaction wait in
/// SQLite's own fine-grained busy handler; without it Microsoft.Data.Sqlite retries SQLITE_BUSY after a fixed
/// 150 ms sleep, which put every overlapping write of a burst 150 ms behind. wal_autocheckpoint=0: checkpoints
/// run in the background instead of inside a command's commit (see <see cref="WriteGate"/>).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Sql = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA wal_autocheckpoint=0;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
