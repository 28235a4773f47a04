using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;

namespace StudyBot.Host;

/// <summary>
/// <c>studybot roadmap diff &lt;old.yaml&gt; &lt;new.yaml&gt;</c>: what moving from one version of a roadmap file to the next
/// does (<see cref="RoadmapUpgrade"/>), and how many members of the configured database it touches, read-only. Nothing
/// is applied. Exit codes like <c>db</c>: 0 the new version can be applied, 1 it cannot (a file does not load, they are
/// different roadmaps, the new one is not newer, or it drops ids), 2 usage.
/// </summary>
public static class RoadmapDiffCommand
{
    public const string Usage = "usage: studybot roadmap diff <old.yaml> <new.yaml>";

    private const string Prefix = "studybot roadmap diff: ";

    /// <param name="args">The arguments after <c>roadmap diff</c>.</param>
    /// <param name="settings">Where the database is (<c>Database:Provider</c>, <c>Database:ConnectionString</c>), as the <c>db</c> commands read it.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IConfiguration settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not [var oldFile, var newFile] || oldFile.StartsWith("--", StringComparison.Ordinal) || newFile.StartsWith("--", StringComparison.Ordinal))
        {
            await error.WriteLineAsync($"{Prefix}{(args.Count < 2 ? "give the old and the new roadmap file" : "give exactly two files, the old and the new")}.");
            await error.WriteLineAsync(Usage);
            return 2;
        }

        Roadmap before, after;
        try
        {
            before = RoadmapLoader.LoadFile(oldFile);
            after = RoadmapLoader.LoadFile(newFile);
        }
        catch (RoadmapLoadException ex)
        {
            await error.WriteLineAsync($"{Prefix}{(ex.Line > 0 ? ex.Message : $"{ex.File}: {ex.Problem}")}");
            return 1;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{Prefix}cannot read the file ({ex.Message})");
            return 1;
        }

        if (before.Id != after.Id)
        {
            await error.WriteLineAsync($"{Prefix}the files are two different roadmaps ({before.Id} and {after.Id}); compare two versions of one roadmap.");
            return 1;
        }

        var plan = RoadmapUpgrade.Plan(before.Items.Select(i => i.Id).ToList(), before.Version, after);
        await output.WriteLineAsync($"Roadmap {after.Id}: version {before.Version} -> {after.Version}");
        await output.WriteLineAsync($"  {plan.Summary()}{(plan.Dropped.Count > 0 ? $", {plan.Dropped.Count} dropped" : "")}");
        await ListAsync(output, "Renamed", plan.Renamed.Select(r => $"{r.From} -> {r.To}"));
        await ListAsync(output, "Merged (the most advanced status wins)", plan.Merged.Select(m => $"{string.Join(", ", m.From)} -> {m.To}"));
        await ListAsync(output, "Retired (history and points kept, out of percentages)", plan.Retired);
        await ListAsync(output, "New", plan.Added);
        await ListAsync(output, "Dropped (an error: neither replaced nor retired)", plan.Dropped);
        await output.WriteLineAsync(await MembersLineAsync(settings, plan, cancellationToken));
        await output.WriteLineAsync("Nothing was applied: StudyBot moves the progress when it starts with the new file.");

        var failed = false;
        if (after.Version <= before.Version)
        {
            await error.WriteLineAsync($"{Prefix}the new file's version ({after.Version}) is not newer than the old one's ({before.Version}); give it `version: {before.Version + 1}`.");
            failed = true;
        }

        if (plan.Dropped.Count > 0)
        {
            await error.WriteLineAsync($"{Prefix}error: version {after.Version} drops {string.Join(", ", plan.Dropped)} without saying where their progress goes; "
                + "add them to `retired:` or to an item's `replaces:`. StudyBot refuses to start with this file.");
            failed = true;
        }

        return failed ? 1 : 0;
    }

    private static async Task ListAsync(TextWriter output, string title, IEnumerable<string> lines)
    {
        var list = lines.ToList();
        if (list.Count == 0)
        {
            return;
        }

        await output.WriteLineAsync($"{title}:");
        foreach (var line in list)
        {
            await output.WriteLineAsync($"  {line}");
        }
    }

    /// <summary>How many members of the configured database the change touches, or why that was skipped.</summary>
    private static async Task<string> MembersLineAsync(IConfiguration settings, RoadmapUpgrade plan, CancellationToken ct)
    {
        var connection = settings["Database:ConnectionString"] ?? new Options.DatabaseOptions().ConnectionString;
        var postgres = string.Equals(settings["Database:Provider"]?.Trim(), "PostgreSQL", StringComparison.OrdinalIgnoreCase);
        try
        {
            DbConnection db;
            string where;
            if (postgres)
            {
                db = new Npgsql.NpgsqlConnection(connection);
                where = $"PostgreSQL {DatabaseCopy.Describe(connection)}";
            }
            else
            {
                var file = SqliteFile.PathOf(connection);
                if (file is null || !File.Exists(file))
                {
                    return $"Members: no database found at {file ?? "(in memory)"}; counts skipped.";
                }

                db = new SqliteConnection(new SqliteConnectionStringBuilder(connection) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
                where = file;
            }

            await using (db)
            {
                await db.OpenAsync(ct);
                var retired = await CountAsync(db, plan.Retired, ct);
                var moved = await CountAsync(db, plan.Moves.Keys.ToList(), ct);
                var dropped = plan.Dropped.Count == 0 ? "" : $"; {await CountAsync(db, plan.Dropped, ct)} on dropped ids";
                return string.Create(CultureInfo.InvariantCulture, $"Members (database {where}): {retired} {(retired == 1 ? "member has" : "members have")} progress on retired items; {moved} on renamed or merged items{dropped}.");
            }
        }
        catch (Exception ex) when (ex is DbException or ArgumentException or InvalidOperationException or FormatException)
        {
            return $"Members: the database could not be read ({ex.Message.Split('\n')[0].Trim()}); counts skipped.";
        }
    }

    private static async Task<long> CountAsync(DbConnection db, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        await using var command = db.CreateCommand();
        var names = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = ids[i];
            command.Parameters.Add(parameter);
            names.Add(parameter.ParameterName);
        }

        // Anyone with a row that says something (not "not started") about one of the ids; erased members are left out.
        command.CommandText = $"""
            SELECT COUNT(DISTINCT p."MemberId") FROM "ItemProgress" p JOIN "Members" m ON m."Id" = p."MemberId"
            WHERE m."DeletedAtUtc" IS NULL AND p."Status" <> 0 AND p."ItemId" IN ({string.Join(", ", names)})
            """;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }
}
