using CsCheck;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>The plan from one version of a roadmap to the next (issue 17), worked out without a database.</summary>
public sealed class RoadmapUpgradeTests
{
    private static readonly Roadmap V1 = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    private static readonly IReadOnlyList<string> V1Ids = V1.Items.Select(i => i.Id).ToList();

    /// <summary>numpy renamed, two milestone items merged, polars-dask retired, data-cleaning new.</summary>
    private static Roadmap V2(bool retire = true, bool rename = true) =>
        RoadmapLoader.Parse(
            File.ReadAllText(RepoPaths.MainRoadmap)
                .Replace("version: 1\n", "version: 2\n", StringComparison.Ordinal)
                .Replace("phases:\n", retire ? "retired: [polars-dask]\n\nphases:\n" : "phases:\n", StringComparison.Ordinal)
                .Replace("      - id: numpy\n        title: NumPy\n", $"      - id: numpy-arrays\n        title: NumPy arrays\n{(rename ? "        replaces: [numpy]\n" : "")}", StringComparison.Ordinal)
                .Replace("      - id: polars-dask\n        title: Polars & Dask\n        detail: Big Data\n        tools: [Polars, Dask]\n", "      - id: data-cleaning\n        title: Data Cleaning\n", StringComparison.Ordinal)
                .Replace(
                    "      - id: data-pandas-manipulation\n        title: Can manipulate data with Pandas\n      - id: data-polars-dask-judgement\n        title: Understand when to use Polars/Dask for large datasets\n",
                    "      - id: data-wrangling\n        title: Data wrangling\n        replaces: [data-pandas-manipulation, data-polars-dask-judgement]\n",
                    StringComparison.Ordinal),
            "v2.yaml");

    [Fact]
    public void A_new_version_is_planned_as_renamed_merged_retired_and_new_items()
    {
        var plan = RoadmapUpgrade.Plan(V1Ids, 1, V2());

        Assert.Equal([("numpy", "numpy-arrays")], plan.Renamed);
        var merge = Assert.Single(plan.Merged);
        Assert.Equal("data-wrangling", merge.To);
        Assert.Equal(["data-pandas-manipulation", "data-polars-dask-judgement"], merge.From);
        Assert.Equal(["polars-dask"], plan.Retired);
        Assert.Equal(["data-cleaning"], plan.Added);
        Assert.Empty(plan.Dropped);
        Assert.Equal("1 item renamed, 1 merged, 1 retired, 1 new", plan.Summary());
        Assert.Equal(3, plan.Moves.Count);
        Assert.Equal("data-wrangling", plan.Moves["data-polars-dask-judgement"]);
    }

    [Fact]
    public void Ids_gone_without_replaces_or_retired_are_dropped()
    {
        var plan = RoadmapUpgrade.Plan(V1Ids, 1, V2(retire: false, rename: false));

        Assert.Equal(["numpy", "polars-dask"], plan.Dropped);
        Assert.Equal(["numpy-arrays", "data-cleaning"], plan.Added);
    }

    [Fact]
    public void The_same_file_changes_nothing()
    {
        var plan = RoadmapUpgrade.Plan(V1Ids, 1, V1);

        Assert.True(plan.ChangesNothing);
        Assert.Equal("wording only", plan.Summary());
    }

    [Fact]
    public void An_item_that_replaces_an_id_and_was_there_before_is_a_merge_into_it()
    {
        var v2 = RoadmapLoader.Parse(
            File.ReadAllText(RepoPaths.MainRoadmap)
                .Replace("version: 1\n", "version: 2\n", StringComparison.Ordinal)
                .Replace("      - id: pandas\n        title: Pandas\n", "      - id: pandas\n        title: Pandas\n        replaces: [numpy]\n", StringComparison.Ordinal)
                .Replace("      - id: numpy\n        title: NumPy\n", "", StringComparison.Ordinal),
            "v2.yaml");

        var plan = RoadmapUpgrade.Plan(V1Ids, 1, v2);

        Assert.Empty(plan.Renamed);
        var merge = Assert.Single(plan.Merged);
        Assert.Equal(["pandas", "numpy"], merge.From);
        Assert.Equal("pandas", merge.To);
        Assert.Empty(plan.Dropped);
        Assert.Empty(plan.Added);
    }

    [Theory]
    [InlineData(ItemStatus.Done, SkipReason.None, ItemStatus.Skipped, SkipReason.AlreadyKnown)]
    [InlineData(ItemStatus.Skipped, SkipReason.AlreadyKnown, ItemStatus.InProgress, SkipReason.None)]
    [InlineData(ItemStatus.InProgress, SkipReason.None, ItemStatus.Skipped, SkipReason.Later)]
    [InlineData(ItemStatus.Skipped, SkipReason.Later, ItemStatus.Skipped, SkipReason.NotRelevant)]
    [InlineData(ItemStatus.Skipped, SkipReason.NotRelevant, ItemStatus.NotStarted, SkipReason.None)]
    public void A_merge_keeps_the_most_advanced_status(ItemStatus winner, SkipReason winnerReason, ItemStatus loser, SkipReason loserReason)
    {
        var best = new ItemState(winner, winnerReason);
        var other = new ItemState(loser, loserReason);

        Assert.Equal(best, RoadmapUpgrade.MostAdvanced([other, best]));
        Assert.Equal(best, RoadmapUpgrade.MostAdvanced([best, other]));
    }

    [Fact]
    public void Applying_a_plan_never_loses_an_id_and_a_merge_takes_the_most_advanced_status()
    {
        var plan = RoadmapUpgrade.Plan(V1Ids, 1, V2());
        var v2Ids = V2().Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        ItemState[] all =
        [
            ItemState.NotStarted,
            new(ItemStatus.InProgress),
            new(ItemStatus.Done),
            new(ItemStatus.Skipped, SkipReason.AlreadyKnown),
            new(ItemStatus.Skipped, SkipReason.NotRelevant),
            new(ItemStatus.Skipped, SkipReason.Later),
        ];
        var genState = Gen.Int[0, all.Length - 1].Select(i => all[i]);
        var genId = Gen.Int[0, V1Ids.Count - 1].Select(i => V1Ids[i]);
        var genStates = Gen.Select(genId, genState).Array[0, 40]
            .Select(pairs => (IReadOnlyDictionary<string, ItemState>)pairs.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.Last().Item2, StringComparer.Ordinal));

        genStates.Sample(states =>
        {
            var after = plan.Apply(states);
            foreach (var (id, state) in states)
            {
                if (plan.Moves.TryGetValue(id, out var to))
                {
                    // Moved: its new id holds a state at least as advanced.
                    Assert.True(after.ContainsKey(to), $"{id} moved to {to}, which has no state");
                    Assert.True(RoadmapUpgrade.Rank(after[to]) >= RoadmapUpgrade.Rank(state), $"{to} lost {id}'s {state}");
                }
                else
                {
                    // Kept as it was: an item of the new version, or a retired id (its history stays).
                    Assert.Equal(state, after[id]);
                    Assert.True(v2Ids.Contains(id) || plan.Retired.Contains(id), $"{id} is neither an item nor retired");
                }
            }

            foreach (var (to, state) in after)
            {
                // Every state after comes from one before: the most advanced of the ids that went into it.
                var parts = states.Where(kv => plan.Moves.GetValueOrDefault(kv.Key, kv.Key) == to).Select(kv => kv.Value).ToList();
                Assert.NotEmpty(parts);
                Assert.Equal(parts.Max(RoadmapUpgrade.Rank), RoadmapUpgrade.Rank(state));
            }

            Assert.True(states.Values.Count(s => s.IsLearned) >= after.Values.Count(s => s.IsLearned), "a merge made more items learned");
        });
    }

    [Fact]
    public void The_notice_is_one_line()
    {
        var notice = new RoadmapUpdateNotice("Road to ML", 2, 2, 1, 1, 3);

        Assert.Equal("📣 Road to ML was updated to version 2: 2 items renamed, 1 merged, 1 retired, 3 new.", notice.Line);
        Assert.DoesNotContain('\n', notice.Line);
    }

    [Fact]
    public void The_notice_reads_in_the_members_language()
    {
        var german = System.Globalization.CultureInfo.GetCultureInfo("de");

        Assert.Equal("📣 Road to ML wurde auf Version 2 aktualisiert: 1 Eintrag umbenannt, 1 zusammengeführt, 1 entfernt, 3 neu.", new RoadmapUpdateNotice("Road to ML", 2, 1, 1, 1, 3).LineIn(german));
        Assert.Equal("📣 Road to ML was updated to version 3: 1 item renamed.", new RoadmapUpdateNotice("Road to ML", 3, 1, 0, 0, 0).Line);
        Assert.Equal("📣 Road to ML wurde auf Version 3 aktualisiert: nur Formulierungen.", new RoadmapUpdateNotice("Road to ML", 3, 0, 0, 0, 0).LineIn(german));
    }
}
