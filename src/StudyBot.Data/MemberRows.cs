using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Data;

/// <summary>
/// A member's item states, daily totals, goals and rest periods, read with one command of four SELECTs on the
/// context's open connection. Every command loads them; as four EF queries their overhead was a third of a
/// command's load time, and the rows are plain enough not to need EF's materialiser. On SQLite they run as statements
/// the connection keeps prepared (<see cref="SqliteStatements"/>).
/// </summary>
internal static class MemberRows
{
    private const string Sql = """
        SELECT "ItemId", "Status", "Reason" FROM "ItemProgress" WHERE "MemberId" = @m AND "CommunityId" = @c;
        SELECT "LocalDate", "PracticeMinutes", "LearningMinutes", "ReviewMinutes", "ItemsDone", "Points" FROM "DailyTotals"
        WHERE "MemberId" = @m AND "CommunityId" = @c
          AND ("PracticeMinutes" <> 0 OR "LearningMinutes" <> 0 OR "ReviewMinutes" <> 0 OR "ItemsDone" <> 0 OR "Points" <> 0)
        ORDER BY "LocalDate";
        SELECT "Period", "Unit", "Target", "EffectiveFrom" FROM "Goals" WHERE "MemberId" = @m AND "CommunityId" = @c ORDER BY "Id";
        SELECT "From", "Until" FROM "RestPeriods" WHERE "MemberId" = @m AND "CommunityId" = @c ORDER BY "From";
        """;

    public sealed record Rows(Dictionary<string, ItemState> Items, List<DailyTotal> Days, List<Goal> Goals, List<RestPeriod> Rest);

    /// <summary>Reads the rows; the caller has opened the context's connection.</summary>
    public static async Task<Rows> ReadAsync(StudyBotDbContext db, long communityId, long memberId, CancellationToken ct)
    {
        if (db.Database.GetDbConnection() is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            ct.ThrowIfCancellationRequested();
            var read = ReadSqlite(SqliteStatements.Of(sqlite), communityId, memberId);
            db.Answered();
            return read;
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = Sql;
        Add(command, "@m", memberId);
        Add(command, "@c", communityId);
        await using var reader = await command.ExecuteReaderAsync(ct);

        var items = new Dictionary<string, ItemState>();
        while (await reader.ReadAsync(ct))
        {
            items[reader.GetString(0)] = new ItemState((ItemStatus)reader.GetInt32(1), (SkipReason)reader.GetInt32(2));
        }

        var days = new List<DailyTotal>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            days.Add(new DailyTotal(reader.GetFieldValue<DateOnly>(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5)));
        }

        var goals = new List<Goal>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            goals.Add(new Goal((GoalPeriod)reader.GetInt32(0), (GoalUnit)reader.GetInt32(1), reader.GetInt32(2), reader.GetFieldValue<DateOnly>(3)));
        }

        var rest = new List<RestPeriod>();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rest.Add(new RestPeriod(reader.GetFieldValue<DateOnly>(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1)));
        }

        return new Rows(items, days, goals, rest);
    }

    private static Rows ReadSqlite(SqliteStatements statements, long communityId, long memberId)
    {
        using var reader = statements.Open(Sql, ("@m", memberId), ("@c", communityId));
        var items = new Dictionary<string, ItemState>();
        while (reader.Read())
        {
            items[reader.GetString(0)] = new ItemState((ItemStatus)reader.GetInt32(1), (SkipReason)reader.GetInt32(2));
        }

        var days = new List<DailyTotal>();
        reader.NextResult();
        while (reader.Read())
        {
            days.Add(new DailyTotal(reader.GetDateOnly(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5)));
        }

        var goals = new List<Goal>();
        reader.NextResult();
        while (reader.Read())
        {
            goals.Add(new Goal((GoalPeriod)reader.GetInt32(0), (GoalUnit)reader.GetInt32(1), reader.GetInt32(2), reader.GetDateOnly(3)));
        }

        var rest = new List<RestPeriod>();
        reader.NextResult();
        while (reader.Read())
        {
            rest.Add(new RestPeriod(reader.GetDateOnly(0), reader.IsDBNull(1) ? null : reader.GetDateOnly(1)));
        }

        return new Rows(items, days, goals, rest);
    }

    private static void Add(DbCommand command, string name, long value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
