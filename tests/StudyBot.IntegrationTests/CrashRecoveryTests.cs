using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace StudyBot.IntegrationTests;

/// <summary>Kills the real host process in the middle of a reminder fan-out and restarts it.</summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int Members = 1000;

    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-crash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "studybot.db");

    private string Mailbox => Path.Combine(_dir, "mailbox.jsonl");

    private Process StartHost()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StudyBot.Host.dll"));
        start.Environment["Database__ConnectionString"] = $"Data Source={Db}";
        start.Environment["Roadmaps__Directory"] = RepoPaths.Roadmaps;
        // The web pages' own listener (http://127.0.0.1:5080 in a run of the bot) would collide between tests running side by side.
        start.Environment["Web__Enabled"] = "false";
        start.Environment["Console__Mailbox"] = Mailbox;
        start.Environment["Delivery__PerSecond__console"] = "150";
        start.Environment["Scheduling__ReminderInterval"] = "00:00:01";
        start.Environment["Scheduling__OutboxInterval"] = "00:00:01";
        var process = Process.Start(start)!;

        // Keep reading so the host never blocks on a full pipe; stdin stays open so the console does not exit.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private int MailboxLines() => File.Exists(Mailbox) ? File.ReadLines(Mailbox).Count() : 0;

    private long UnsentOutboxRows()
    {
        using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Outbox WHERE SentAtUtc IS NULL";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private async Task SeedAsync()
    {
        await using (await TestBot.StartAsync(dbPath: Db))
        {
        }

        var now = DateTime.UtcNow;
        await using var connection = new SqliteConnection($"Data Source={Db};Pooling=False");
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var community = connection.CreateCommand())
        {
            community.CommandText = "INSERT INTO Communities (Platform, ExternalId, Name, RoadmapId, TimeZoneId, CreatedAtUtc, RemindersMaxPerWeek, LeaderboardDay, LeaderboardMinutes) VALUES ('console', 'local', 'Local study group', 'ml-zero-to-hero', 'UTC', $now, 2, 1, 540)";
            community.Parameters.AddWithValue("$now", now);
            await community.ExecuteNonQueryAsync();
        }

        await using var member = connection.CreateCommand();
        member.CommandText = """
            INSERT INTO Members (CommunityId, UserId, DisplayName, TimeZoneId, Path, Pace, Onboarded, CreatedAtUtc, UpdatedAtUtc,
                                 Privacy, Celebrate, RemindersOn, PlanDays, PlanMinutes, PlanFrequency, NextReminderAtUtc,
                                 UnansweredReminders, RemindersPaused, FreshStartPending, DmNoticePending, LastTemplate)
            VALUES (1, $u, $n, 'UTC', 0, 0, 1, $now, $now, 0, 0, 1, 127, $minutes, 1, $due, 0, 0, 0, 0, -1)
            """;
        var u = member.Parameters.Add("$u", SqliteType.Text);
        var n = member.Parameters.Add("$n", SqliteType.Text);
        member.Parameters.AddWithValue("$now", now);
        member.Parameters.AddWithValue("$minutes", (now.Hour * 60) + now.Minute);
        member.Parameters.AddWithValue("$due", now.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        for (var i = 0; i < Members; i++)
        {
            u.Value = $"member-{i:0000}";
            n.Value = $"Member {i}";
            await member.ExecuteNonQueryAsync();
        }

        await tx.CommitAsync();
    }

    [Fact]
    public async Task Killing_the_host_mid_fan_out_and_restarting_it_delivers_every_reminder_exactly_once()
    {
        await SeedAsync();

        using (var first = StartHost())
        {
            await Bounded.UntilAsync(() => MailboxLines() >= 200 || first.HasExited, "200 reminders in the mailbox before the kill", TimeSpan.FromSeconds(120));
            first.Kill(entireProcessTree: true);
            await Bounded.WaitAsync(first.WaitForExitAsync(), "the killed host to exit");
        }

        var beforeRestart = MailboxLines();
        Assert.InRange(beforeRestart, 1, Members - 1);

        using (var second = StartHost())
        {
            await Bounded.UntilAsync(() => MailboxLines() >= Members || second.HasExited, $"{Members} reminders in the mailbox after the restart", TimeSpan.FromSeconds(180));

            // A duplicate could only come from an outbox row still unsent: once the host has marked every row sent,
            // it has nothing more to deliver, so the mailbox is final (an explicit signal instead of a grace sleep).
            await Bounded.UntilAsync(() => second.HasExited || UnsentOutboxRows() == 0, "the restarted host to mark every outbox row sent", TimeSpan.FromSeconds(60));
            second.Kill(entireProcessTree: true);
            await Bounded.WaitAsync(second.WaitForExitAsync(), "the restarted host to exit");
        }

        var lines = File.ReadLines(Mailbox).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Members, lines.Count);
        Assert.Equal(Members, lines.Select(l => l.GetProperty("Key").GetString()).Distinct().Count());
        Assert.Equal(Members, lines.Select(l => l.GetProperty("To").GetString()).Distinct().Count());
        Assert.All(lines, l => Assert.Equal("📅 Study time", l.GetProperty("Title").GetString()));
    }
}
