using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Coordination;
using StudyBot.Data;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The shared window counter (<see cref="IRateWindows"/> on PostgreSQL's <c>Leases</c> table): instances asking at once
/// never pass a window's cap together, and the count kept is exactly what was let through. On SQLite there is none.
/// </summary>
public sealed class RateWindowsTests
{
    [PostgresFact]
    public async Task Two_instances_asking_at_once_never_pass_a_windows_cap_together()
    {
        await using var a = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, instanceId: "window-a");
        await using var b = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, postgres: a.ConnectionString, instanceId: "window-b");
        var first = a.Services.GetRequiredService<IRateWindows>();
        var second = b.Services.GetRequiredService<IRateWindows>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => (i % 2 == 0 ? first : second).TryTakeAsync("test:cap", 5, CancellationToken.None)));

        var rows = (await a.QueryAsync("""SELECT "Name", "Value", "Holder" FROM "Leases" WHERE "Name" LIKE 'test:cap:%'"""))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.Split('|'))
            .ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.InRange(int.Parse(r[1], CultureInfo.InvariantCulture), 1, 5));
        Assert.All(rows, r => Assert.Equal("NULL", r[2]));
        Assert.Equal(answers.Count(x => x.Taken), rows.Sum(r => int.Parse(r[1], CultureInfo.InvariantCulture)));
        Assert.All(answers, x => Assert.InRange(x.UntilNextWindow, TimeSpan.Zero, TimeSpan.FromSeconds(1)));

        // A window's rows are no live lease of anyone's.
        Assert.Empty(await a.Services.GetRequiredService<ILeaseStore>().ListLiveAsync("test:cap", CancellationToken.None));
    }

    [PostgresFact]
    public async Task Windows_that_ended_are_deleted_now_and_then_and_leases_are_left_alone()
    {
        await using var bot = await TestBot.StartAsync(provider: DatabaseProvider.PostgreSQL, instanceId: "window-a");
        var windows = bot.Services.GetRequiredService<IRateWindows>();
        await windows.TryTakeAsync("test:sweep", 5, CancellationToken.None);
        await bot.QueryAsync("""
            INSERT INTO "Leases" ("Name", "Holder", "ExpiresAtUtc", "Value") VALUES
                ('test:sweep:1000', NULL, now() - interval '1 minute', '5'),
                ('test:sweep:held', 'window-b', now() - interval '1 minute', NULL),
                ('other:1000', NULL, now() - interval '1 minute', '5')
            """);

        // Half a minute later (on the process's own clock) the next ask also deletes the windows that ended.
        bot.Time.Advance(TimeSpan.FromSeconds(31));
        await windows.TryTakeAsync("test:sweep", 5, CancellationToken.None);

        var names = (await bot.QueryAsync("""SELECT "Name" FROM "Leases" ORDER BY "Name" """)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.DoesNotContain("test:sweep:1000|", names);
        Assert.Contains("test:sweep:held|", names);
        Assert.Contains("other:1000|", names);
        Assert.Contains(names, n => n.StartsWith("test:sweep:1", StringComparison.Ordinal) && n != "test:sweep:1000|");
    }

    [Fact]
    public async Task One_process_on_a_SQLite_file_has_no_shared_counter()
    {
        await using var bot = await TestBot.StartAsync();

        Assert.Null(bot.Services.GetService<IRateWindows>());
    }
}
