using CsCheck;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>The README promises typos are forgiven: an id typed with one slip still finds its item.</summary>
public sealed class ItemTypoTests
{
    private static readonly Roadmap Roadmap = RoadmapLoader.LoadFile(RepoPaths.MainRoadmap);

    private static readonly string[] Ids = Roadmap.Items.Select(i => i.Id).ToArray();

    [Theory]
    [InlineData("pyhton-basics", "python-basics")]
    [InlineData("pyhton basics", "python-basics")]
    [InlineData("python-basisc", "python-basics")]
    [InlineData("mathematics-basic", "mathematics-basics")]
    [InlineData("regresion", "regression")]
    [InlineData("clasification", "classification")]
    [InlineData("Numyp", "numpy")]
    public void An_id_with_one_slip_finds_its_item_even_when_its_words_fit_others(string query, string id)
    {
        var match = ItemFinder.Find(Roadmap, query);

        Assert.Equal(FindOutcome.Found, match.Outcome);
        Assert.Equal(id, match.Item!.Id);
    }

    [Theory]
    [InlineData("model")]
    [InlineData("project")]
    [InlineData("built first")]
    public void Genuinely_ambiguous_input_still_lists_the_candidates(string query) =>
        Assert.Equal(FindOutcome.Ambiguous, ItemFinder.Find(Roadmap, query).Outcome);

    private enum Slip
    {
        Swap = 0,
        Substitute = 1,
        Delete = 2,
    }

    private static string Apply(string id, Slip slip, int position, char letter) => slip switch
    {
        Slip.Swap when id.Length >= 2 => SwapAt(id, position % (id.Length - 1)),
        Slip.Substitute => id[..(position % id.Length)] + letter + id[(position % id.Length + 1)..],
        _ => id.Remove(position % id.Length, 1),
    };

    private static string SwapAt(string id, int i) => id[..i] + id[i + 1] + id[i] + id[(i + 2)..];

    [Fact]
    public void Any_id_with_one_swap_substitution_or_deletion_resolves_to_it_when_no_other_id_is_as_close()
    {
        var gen = Gen.Select(Gen.Int[0, Ids.Length - 1], Gen.Int[0, 2], Gen.Int[0, 100], Gen.Char['a', 'z']);
        gen.Sample((index, slip, position, letter) =>
        {
            var id = Ids[index];
            var typed = Apply(id, (Slip)slip, position, letter);
            var distance = Fuzzy.Distance(typed, id);
            if (distance == 0 || typed.Length < 3)
            {
                return;
            }

            var rivals = Ids.Where(other => other != id && Fuzzy.Distance(typed, other) <= distance).ToList();
            if (rivals.Count > 0 || Ids.Contains(typed))
            {
                return;
            }

            var match = ItemFinder.Find(Roadmap, typed);
            Assert.True(
                match.Outcome == FindOutcome.Found && match.Item!.Id == id,
                $"'{typed}' ({(Slip)slip} of '{id}') gave {match.Outcome}: {string.Join(", ", match.Candidates.Select(c => c.Id))}");
        }, iter: 5000);
    }

    [Fact]
    public void Every_id_and_every_title_still_finds_its_own_item()
    {
        foreach (var item in Roadmap.Items)
        {
            Assert.Equal(item.Id, ItemFinder.Find(Roadmap, item.Id).Item?.Id);
            var byTitle = ItemFinder.Find(Roadmap, item.Title);
            if (Roadmap.Items.Count(i => string.Equals(i.Title, item.Title, StringComparison.OrdinalIgnoreCase)) == 1)
            {
                Assert.True(byTitle.Item?.Id == item.Id, $"title '{item.Title}' gave {byTitle.Outcome} {byTitle.Item?.Id}");
            }
        }
    }
}
