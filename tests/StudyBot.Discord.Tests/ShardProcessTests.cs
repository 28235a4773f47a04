using System.Diagnostics;
using System.Globalization;
using System.Text;
using StudyBot.Discord.Tests.Fakes;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Real host processes on one PostgreSQL database against the fake Discord: the gateway's shards are spread over the
/// instances through leases, each shard on one connection at a time, and a killed instance's shards come back on the
/// other. The lease is shortened to 6 s so the test takes seconds; the default's takeover time is shown on fake time
/// (<see cref="ShardManagerTests"/>).
/// </summary>
public sealed class ShardProcessTests
{
    private const int Shards = 4;

    /// <summary>Generous: with the test's 6-second lease a takeover takes about 10 s, and the requirement is a minute.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private sealed class Host(Process process, string id) : IDisposable
    {
        private readonly StringBuilder _log = new();

        public string Id => id;

        public Process Process => process;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public void Collect()
        {
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_log)
                {
                    _log.AppendLine(line);
                }
            }
        }

        private bool _disposed;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }
    }

    private static Host Start(string workDir, string database, FakeDiscordServer discord, string id)
    {
        var start = HostProcess.StartInfo(workDir,
        [
            ("Database__Provider", "PostgreSQL"),
            ("Database__ConnectionString", database),
            ("Instance__Id", id),
            ("Discord__Token", FakeDiscordOptions.Token),
            ("Discord__ApiBaseUrl", discord.ApiBaseUrl),
            ("Discord__ApplicationId", FakeDiscordOptions.ApplicationId.ToString(CultureInfo.InvariantCulture)),
            ("Discord__ShardCount", Shards.ToString(CultureInfo.InvariantCulture)),
            ("Discord__ShardLease", "00:00:06"),
            ("Scheduling__Enabled", "false"),
            ("Diagnostics__WarmUp", "false"),
            ("Logging__LogLevel__Default", "Information"),
            ("Logging__LogLevel__Microsoft", "Warning"),
        ]);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the host process did not start");
        process.StandardInput.Close();
        var host = new Host(process, id);
        host.Collect();
        return host;
    }

    /// <summary>Which instance holds each shard's live lease, from the database.</summary>
    private static async Task<Dictionary<int, string>> HoldersAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            """SELECT "Name", "Holder" FROM "Leases" WHERE "Name" LIKE 'discord:shard:%' AND "Holder" IS NOT NULL AND "ExpiresAtUtc" > now()""",
            connection);
        var holders = new Dictionary<int, string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                holders[int.Parse(reader.GetString(0)["discord:shard:".Length..], CultureInfo.InvariantCulture)] = reader.GetString(1);
            }
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == "42P01")
        {
            // Not migrated yet.
        }

        return holders;
    }

    /// <summary>Every shard on exactly one open connection.</summary>
    private static bool EachShardOnce(FakeDiscordServer discord)
    {
        var live = discord.LiveShards();
        return Enumerable.Range(0, Shards).All(s => live.TryGetValue(s, out var connections) && connections.Count == 1);
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string> state)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Limit)
            {
                throw new TimeoutException($"Timed out after {Limit.TotalSeconds:0} s waiting for {what}. {state()}");
            }

            await Task.Delay(100);
        }
    }

    [PostgresFact]
    public async Task Two_instances_share_four_shards_each_connected_once_and_a_killed_instances_shards_come_back_on_the_other()
    {
        var database = await Postgres.CreateDatabaseAsync();
        await using var discord = await FakeDiscordServer.StartAsync(new FakeDiscordOptions { RecommendedShards = Shards });
        var work = Directory.CreateTempSubdirectory("studybot-shards-").FullName;
        using var a = Start(work, database, discord, "shards-a");
        using var b = Start(work, database, discord, "shards-b");
        var holders = new Dictionary<int, string>();
        string State() =>
            $"Holders: {string.Join(", ", holders.OrderBy(h => h.Key).Select(h => $"{h.Key}={h.Value}"))}. Live shards: "
            + string.Join(", ", discord.LiveShards().OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value.Count}"))
            + $". Overlaps: {string.Join("; ", discord.ShardOverlaps)}.\n--- {a.Id} ---\n{a.Log}\n--- {b.Id} ---\n{b.Log}";
        try
        {
            // Both settle on a fair share: two shards each, every shard on one connection.
            await UntilAsync(
                async () =>
                {
                    holders = await HoldersAsync(database);
                    return holders.Count == Shards && holders.Values.Count(h => h == a.Id) == 2 && holders.Values.Count(h => h == b.Id) == 2 && EachShardOnce(discord);
                },
                "two shards on each instance, each shard connected once",
                State);
            Assert.True(discord.ShardOverlaps.IsEmpty, State());
            Assert.All(discord.ShardSessions, s => Assert.Equal(Shards, s.ShardCount));

            // Only the instance holding the registration lease registered the commands; the other found them done.
            await UntilAsync(() => Task.FromResult(discord.RegisteredCommands.ContainsKey("global")), "the commands to be registered", State);
            Assert.Single(discord.Requests, r => r.Method == "PUT" && r.Template == "/applications/{application_id}/commands");

            // SIGKILL: no goodbye, its leases simply stop being renewed.
            var killed = holders.Where(h => h.Value == a.Id).Select(h => h.Key).ToList();
            var sessionsBefore = discord.ShardSessions.Count;
            a.Process.Kill(entireProcessTree: true);
            await Bounded.WaitAsync(a.Process.WaitForExitAsync(), "the killed host process to exit", TimeSpan.FromSeconds(10));

            await UntilAsync(
                async () =>
                {
                    holders = await HoldersAsync(database);
                    return holders.Count == Shards && holders.Values.All(h => h == b.Id) && EachShardOnce(discord);
                },
                $"shards {string.Join(", ", killed)} of the killed instance to be identified again by the other",
                State);

            var retaken = discord.ShardSessions.Skip(sessionsBefore).Select(s => s.ShardId).ToList();
            Assert.Equal(killed.Order(), retaken.Distinct().Order());
            Assert.True(discord.ShardOverlaps.IsEmpty, State());
            Assert.False(b.Process.HasExited, State());
        }
        finally
        {
            a.Dispose();
            b.Dispose();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
