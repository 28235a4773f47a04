using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands.Handlers;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;
using StudyBot.Data;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A new version of the roadmap file moves members' progress at start (issue 17). The fixtures in RoadmapVersions/ are
/// the main roadmap (v1) and a v2 that renames numpy to numpy-arrays, merges data-pandas-manipulation and
/// data-polars-dask-judgement into data-wrangling, retires polars-dask and adds data-cleaning; v2-drops loses numpy
/// and polars-dask without saying where they go.
/// </summary>
public sealed class RoadmapVersionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static string Folder(string name) => Path.IsPathRooted(name) ? name : Path.Combine(RepoPaths.Root, "tests", "StudyBot.IntegrationTests", "RoadmapVersions", name);

    private static Task<TestBot> StartAsync(string version, string file, DateTimeOffset now, DatabaseProvider provider = DatabaseProvider.Sqlite, string? postgres = null, string? instanceId = null) =>
        TestBot.StartAsync(
            now: now,
            dbPath: file,
            provider: provider,
            postgres: postgres,
            instanceId: instanceId,
            replace: s => s.AddSingleton(new RoadmapCatalog(RoadmapLoader.LoadDirectory(Folder(version)), "ml-zero-to-hero")));

    /// <summary>What the member did on v1: a renamed item, both parts of a merge (one done, one in progress), a retired item.</summary>
    private static async Task StudyOnV1Async(TestBot bot, string member, CommunityRef? community = null)
    {
        foreach (var command in new[]
        {
            "/progress done python-basics", "/progress done numpy", "/progress done pandas", "/progress done polars-dask",
            "/progress done data-pandas-manipulation", "/progress doing data-polars-dask-judgement", "/progress done data-visualizations",
            "/progress done data-first-analysis", "/progress log 45 practice",
        })
        {
            var reply = await bot.SayAsync(member, command, community);
            Assert.True(reply.Tone != ReplyTone.Error, $"{command}: {reply.Text}");
        }
    }

    private static void Delete(string file)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(file + suffix);
        }
    }

    [Fact]
    public async Task A_member_with_progress_on_v1_reads_the_right_percentages_streak_points_and_eta_after_v2_loads_and_is_told_once()
    {
        var file = Path.Combine(Path.GetTempPath(), $"studybot-versions-{Guid.NewGuid():N}.db");
        try
        {
            string streakBefore;
            string pointsBefore;
            await using (var v1 = await StartAsync("v1", file, T0))
            {
                await RoadmapVersionStartup.RunAsync(v1.Services, CancellationToken.None);
                await StudyOnV1Async(v1, "Ada");
                var overview = await v1.SayAsync("Ada", "/progress");
                Assert.Equal(75, overview.Bars.Single(b => b.Label == "1 Data Fundamentals").Percent);
                streakBefore = overview.Fields.Single(f => f.Name == "Streak").Value;
                pointsBefore = await PointsAsync(v1);
                await v1.RunJobsAsync();
                Assert.Equal(0, await v1.CountAsync("""SELECT COUNT(*) FROM "CompletionEvents" """));
            }

            await using (var v2 = await StartAsync("v2", file, T0.AddHours(1)))
            {
                await RoadmapVersionStartup.RunAsync(v2.Services, CancellationToken.None);

                // Renamed and merged ids moved (the merge took Done over In progress), the retired one kept its row.
                Assert.Equal(
                    "data-first-analysis|2|\ndata-visualizations|2|\ndata-wrangling|2|\nnumpy-arrays|2|\npandas|2|\npolars-dask|2|\npython-basics|2|\n",
                    await v2.QueryAsync("""SELECT "ItemId", "Status" FROM "ItemProgress" ORDER BY "ItemId" """));
                Assert.Equal(0, await v2.CountAsync("""SELECT COUNT(*) FROM "ItemChanges" WHERE "ItemId" IN ('numpy', 'data-pandas-manipulation', 'data-polars-dask-judgement')"""));
                Assert.Equal(3, await v2.CountAsync("""SELECT COUNT(*) FROM "ItemChanges" WHERE "ItemId" IN ('numpy-arrays', 'data-wrangling')"""));
                Assert.Equal(1, await v2.CountAsync("""SELECT COUNT(*) FROM "ItemChanges" WHERE "ItemId" = 'polars-dask'"""));

                var overview = await v2.SayAsync("Ada", "/progress");
                Assert.StartsWith("📣 Road to ML: Zero to Hero was updated to version 2: 1 item renamed, 1 merged, 1 retired, 1 new.", overview.Text, StringComparison.Ordinal);

                // Data Fundamentals on v2: numpy-arrays, pandas, visualization, data-cleaning; data-wrangling, data-visualizations,
                // data-first-analysis. Learned: 5 of 7; the retired polars-dask no longer counts.
                Assert.Equal(71, overview.Bars.Single(b => b.Label == "1 Data Fundamentals").Percent);
                Assert.Equal(streakBefore, overview.Fields.Single(f => f.Name == "Streak").Value);
                Assert.Equal(pointsBefore, await PointsAsync(v2));

                var roadmap = v2.Services.GetRequiredService<RoadmapCatalog>().Default;
                await using var scope = v2.Services.CreateAsyncScope();
                var snapshot = await scope.ServiceProvider.GetRequiredService<IProgressStore>()
                    .LoadAsync(TestBot.Member("Ada"), new NewcomerDefaults(roadmap.Id, "UTC"), CancellationToken.None);
                var phases = ProgressMath.Phases(roadmap, snapshot.StateOf);
                var today = DateOnly.FromDateTime(T0.UtcDateTime);
                Assert.Equal(ProgressMath.OverallPercent(phases), int.Parse(overview.Title!.Split(": ")[1].Split('%')[0], System.Globalization.CultureInfo.InvariantCulture));
                Assert.Equal(Views.EtaLine(Eta.Compute(roadmap, snapshot.Member, phases, snapshot.Days, today)), overview.Fields.Single(f => f.Name == "Finish").Value);

                // The milestone the merge completed is recorded, quietly: told already, no celebration goes out.
                Assert.Equal("0|data-science-milestone|1|\n", await v2.QueryAsync("""SELECT "Kind", "TargetId", CASE WHEN "NotifiedAtUtc" IS NULL THEN 0 ELSE 1 END FROM "CompletionEvents" """));
                await v2.RunJobsAsync();
                await v2.DrainAsync(TimeSpan.FromMinutes(5));
                Assert.Equal(0, await v2.CountAsync($"""SELECT COUNT(*) FROM "Outbox" WHERE "Kind" = '{OutboxKinds.Celebration}'"""));
                Assert.DoesNotContain(v2.Notifier.Deliveries, d => ReplyText.All(d.Message).Contains("Data Science Milestone", StringComparison.Ordinal));

                // Undo stops at the update: the last change (data-polars-dask-judgement in progress) is a part of the merged item now.
                Assert.StartsWith("There's nothing to undo.", (await v2.SayAsync("Ada", "/progress undo")).Text, StringComparison.Ordinal);
                Assert.Equal("2|\n", await v2.QueryAsync("""SELECT "Status" FROM "ItemProgress" WHERE "ItemId" = 'data-wrangling'"""));

                // Once per member: the next /progress has no notice, and a member who joined after the update gets none.
                Assert.DoesNotContain("📣", (await v2.SayAsync("Ada", "/progress")).Text, StringComparison.Ordinal);
                v2.Time.Advance(TimeSpan.FromMinutes(5));
                await v2.SayAsync("Bea", "/progress done python-basics");
                Assert.DoesNotContain("📣", (await v2.SayAsync("Bea", "/progress")).Text, StringComparison.Ordinal);
            }

            // A third start with the same v2 changes nothing.
            string dump;
            await using (var again = await StartAsync("v2", file, T0.AddHours(2)))
            {
                dump = await again.DumpAsync();
                await RoadmapVersionStartup.RunAsync(again.Services, CancellationToken.None);
                Assert.Equal(dump, await again.DumpAsync());
                Assert.Equal("1|2|\n2|2|\n", await again.QueryAsync("""SELECT "CommunityId", "Version" FROM "CommunityRoadmapVersions" UNION ALL SELECT 2, MAX("Version") FROM "RoadmapVersions" """));
            }
        }
        finally
        {
            Delete(file);
        }
    }

    [Fact]
    public async Task A_v2_that_drops_ids_refuses_to_start_and_changes_nothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"studybot-versions-{Guid.NewGuid():N}.db");
        try
        {
            await using (var v1 = await StartAsync("v1", file, T0))
            {
                await RoadmapVersionStartup.RunAsync(v1.Services, CancellationToken.None);
                await StudyOnV1Async(v1, "Ada");
            }

            await using var dropping = await StartAsync("v2-drops", file, T0.AddHours(1));
            var before = await dropping.DumpAsync();
            var refused = await Assert.ThrowsAsync<StartupException>(() => RoadmapVersionStartup.RunAsync(dropping.Services, CancellationToken.None));
            Assert.Contains("drops 2 ids of version 1", refused.Message, StringComparison.Ordinal);
            Assert.Contains("numpy, polars-dask", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Add them to `retired:` or to an item's `replaces:`", refused.Message, StringComparison.Ordinal);
            Assert.Equal(before, await dropping.DumpAsync());
        }
        finally
        {
            Delete(file);
        }
    }

    [Fact]
    public async Task An_older_file_or_a_version_changed_without_a_new_number_is_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"studybot-versions-{Guid.NewGuid():N}.db");
        try
        {
            await using (var v2 = await StartAsync("v2", file, T0))
            {
                await RoadmapVersionStartup.RunAsync(v2.Services, CancellationToken.None);
            }

            await using (var older = await StartAsync("v1", file, T0.AddHours(1)))
            {
                var refused = await Assert.ThrowsAsync<StartupException>(() => RoadmapVersionStartup.RunAsync(older.Services, CancellationToken.None));
                Assert.Contains("is version 1 of ml-zero-to-hero, but this database already runs version 2", refused.Message, StringComparison.Ordinal);
            }

            // Version 2 again, with an id renamed in place and no new number.
            var changedFolder = Directory.CreateTempSubdirectory("studybot-versions-").FullName;
            try
            {
                await File.WriteAllTextAsync(
                    Path.Combine(changedFolder, "ml-zero-to-hero.yaml"),
                    (await File.ReadAllTextAsync(Path.Combine(Folder("v2"), "ml-zero-to-hero.yaml"))).Replace("- id: data-cleaning\n", "- id: data-cleanup\n", StringComparison.Ordinal));
                await using var changed = await StartAsync(changedFolder, file, T0.AddHours(2));
                var same = await Assert.ThrowsAsync<StartupException>(() => RoadmapVersionStartup.RunAsync(changed.Services, CancellationToken.None));
                Assert.Equal(
                    "Roadmaps: version 2 of ml-zero-to-hero (ml-zero-to-hero.yaml) changed without a new version number; new ids: data-cleanup; ids gone: data-cleaning. "
                    + "Give the file `version: 3` (with `replaces:` and `retired:` for the ids that went), or put the ids back.",
                    same.Message);
            }
            finally
            {
                Directory.Delete(changedFolder, recursive: true);
            }
        }
        finally
        {
            Delete(file);
        }
    }

    [Fact]
    public async Task A_community_that_fails_is_rolled_back_alone_the_start_stops_and_the_next_start_moves_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"studybot-versions-{Guid.NewGuid():N}.db");
        var other = new CommunityRef(Platforms.Console, "other", "Other");
        try
        {
            await using (var v1 = await StartAsync("v1", file, T0))
            {
                await RoadmapVersionStartup.RunAsync(v1.Services, CancellationToken.None);
                await StudyOnV1Async(v1, "Ada");
                await StudyOnV1Async(v1, "Cy", other);
            }

            await using (var v2 = await StartAsync("v2", file, T0.AddHours(1)))
            {
                // The second community's history cannot be written (a stand-in for a fault half-way through it).
                await using (var connection = await v2.OpenAsync())
                {
                    await using var trigger = connection.CreateCommand();
                    trigger.CommandText = """
                        CREATE TRIGGER "fail_other" BEFORE UPDATE ON "ItemChanges"
                        WHEN (SELECT "ExternalId" FROM "Communities" WHERE "Id" = OLD."CommunityId") = 'other'
                        BEGIN SELECT RAISE(ABORT, 'disk on fire'); END
                        """;
                    await trigger.ExecuteNonQueryAsync();
                }

                var refused = await Assert.ThrowsAsync<StartupException>(() => RoadmapVersionStartup.RunAsync(v2.Services, CancellationToken.None));
                Assert.Contains("nothing of that community changed", refused.Message, StringComparison.Ordinal);
                Assert.Contains("the next start tries again", refused.Message, StringComparison.Ordinal);

                // The first community moved; the failing one is exactly as it was.
                Assert.Equal(
                    "local|numpy-arrays|\nother|numpy|\n",
                    await v2.QueryAsync("""SELECT c."ExternalId", p."ItemId" FROM "ItemProgress" p JOIN "Communities" c ON c."Id" = p."CommunityId" WHERE p."ItemId" LIKE 'numpy%' ORDER BY c."ExternalId" """));
                Assert.Equal(1, await v2.CountAsync("""SELECT COUNT(*) FROM "CommunityRoadmapVersions" """));
                Assert.Equal(1, await v2.CountAsync("""SELECT COUNT(*) FROM "RoadmapVersions" """));

                await using (var connection = await v2.OpenAsync())
                {
                    await using var drop = connection.CreateCommand();
                    drop.CommandText = """DROP TRIGGER "fail_other" """;
                    await drop.ExecuteNonQueryAsync();
                }
            }

            await using var retry = await StartAsync("v2", file, T0.AddHours(2));
            await RoadmapVersionStartup.RunAsync(retry.Services, CancellationToken.None);
            Assert.Equal(0, await retry.CountAsync("""SELECT COUNT(*) FROM "ItemProgress" WHERE "ItemId" IN ('numpy', 'data-pandas-manipulation', 'data-polars-dask-judgement')"""));
            Assert.Equal(2, await retry.CountAsync("""SELECT COUNT(*) FROM "CommunityRoadmapVersions" WHERE "Version" = 2"""));
            Assert.Equal(2, await retry.CountAsync("""SELECT COUNT(*) FROM "CompletionEvents" WHERE "TargetId" = 'data-science-milestone' AND "NotifiedAtUtc" IS NOT NULL"""));
        }
        finally
        {
            Delete(file);
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [PostgresData(DatabaseProvider.PostgreSQL)]
    public async Task Two_instances_starting_together_migrate_each_community_exactly_once(DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.PostgreSQL ? await Postgres.CreateDatabaseAsync() : null;
        var file = Path.Combine(Path.GetTempPath(), $"studybot-versions-{Guid.NewGuid():N}.db");
        var communities = Enumerable.Range(0, 4).Select(i => new CommunityRef(Platforms.Discord, $"guild-{i}", $"Guild {i}")).ToList();
        try
        {
            await using (var v1 = await StartAsync("v1", file, T0, provider, postgres))
            {
                await RoadmapVersionStartup.RunAsync(v1.Services, CancellationToken.None);
                foreach (var community in communities)
                {
                    await StudyOnV1Async(v1, "Ada", community);
                }
            }

            await using var one = await StartAsync("v2", file, T0.AddHours(1), provider, postgres, "one");
            await using var two = await StartAsync("v2", file, T0.AddHours(1), provider, postgres, "two");
            var roadmaps = one.Services.GetRequiredService<RoadmapCatalog>().All;
            var outcomes = await Task.WhenAll(
                Task.Run(() => RoadmapVersions.UpgradeAsync(one.Services, roadmaps, CancellationToken.None)),
                Task.Run(() => RoadmapVersions.UpgradeAsync(two.Services, roadmaps, CancellationToken.None)));

            Assert.Equal(communities.Count, outcomes.Sum(o => o.Single().CommunitiesMigrated));
            Assert.Equal(communities.Count, await one.CountAsync("""SELECT COUNT(*) FROM "CommunityRoadmapVersions" WHERE "Version" = 2"""));
            Assert.Equal(communities.Count, await one.CountAsync("""SELECT COUNT(*) FROM "ItemProgress" WHERE "ItemId" = 'data-wrangling' AND "Status" = 2"""));
            Assert.Equal(0, await one.CountAsync("""SELECT COUNT(*) FROM "ItemProgress" WHERE "ItemId" IN ('numpy', 'data-pandas-manipulation', 'data-polars-dask-judgement')"""));
            Assert.Equal(communities.Count, await one.CountAsync("""SELECT COUNT(*) FROM "CompletionEvents" WHERE "TargetId" = 'data-science-milestone'"""));
            Assert.Equal(1, await one.CountAsync("""SELECT COUNT(*) FROM "RoadmapVersions" WHERE "Version" = 2"""));

            // Each member is told once, whichever instance answers.
            var first = await one.SayAsync("Ada", "/progress", communities[0]);
            var second = await two.SayAsync("Ada", "/progress", communities[0]);
            Assert.Equal(1, new[] { first, second }.Count(r => r.Text.Contains("📣", StringComparison.Ordinal)));
        }
        finally
        {
            Delete(file);
        }
    }

    private static Task<string> PointsAsync(TestBot bot) =>
        bot.QueryAsync("""SELECT SUM("Points"), SUM("ItemsDone") FROM "DailyTotals" UNION ALL SELECT SUM("Points"), SUM("ItemsDone") FROM "PeriodStats" """);
}
