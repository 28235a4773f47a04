using CsCheck;
using StudyBot.Core.Commands;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Tests;

/// <summary>Item autocomplete by words of an item's title, detail, tools and id (the words are kept per item after the first ask).</summary>
public sealed class AutocompleteTests
{
    private static readonly RoadmapCatalog Roadmaps = new(RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps), "ml-zero-to-hero");

    private static readonly CommandCatalog Catalog = StudyBotCommands.Catalog();

    private static IReadOnlyList<Suggestion> Suggest(Roadmap roadmap, string typed) =>
        Autocomplete.For(AutocompleteSource.RoadmapItems, roadmap, null, typed, Catalog);

    [Fact]
    public void A_word_from_an_items_tools_finds_that_item_and_asking_again_gives_the_same_choices()
    {
        var roadmap = Roadmaps.Default;
        var item = roadmap.Items.First(i => i.Tools.Count > 0);
        var typed = item.Tools[0];

        var first = Suggest(roadmap, typed);
        var again = Suggest(roadmap, typed);

        Assert.Contains(first, s => s.Value == item.Id);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Words_that_match_no_item_suggest_nothing() =>
        Assert.Empty(Suggest(Roadmaps.Default, "zqxjv wqpfk"));

    [Fact]
    public void Any_text_gets_the_same_choices_from_a_roadmap_asked_before_and_from_one_never_asked()
    {
        var warm = Roadmaps.Default;
        var words = warm.Items.SelectMany(i => i.Title.Split(' ')).Where(w => w.Length > 2).Distinct().ToArray();
        Gen.OneOf(Gen.Int[0, words.Length - 1].Select(i => words[i]), Gen.String[Gen.Char.AlphaNumeric, 1, 8])
            .Array[1, 3]
            .Select(parts => string.Join(' ', parts))
            .Sample(
                typed =>
                {
                    // Copies of the items are new to the kept words, so their words are made afresh.
                    var cold = RoadmapLoader.LoadDirectory(RepoPaths.Roadmaps).First(r => r.Id == warm.Id);
                    Assert.Equal(Suggest(cold, typed), Suggest(warm, typed));
                },
                iter: 40);
    }
}
