using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands;

/// <summary>One autocomplete choice: what the member sees and the value the option receives.</summary>
public sealed record Suggestion(string Label, string Value);

/// <summary>Autocomplete suggestions for an option, from its <see cref="AutocompleteSource"/>.</summary>
public static class Autocomplete
{
    /// <summary>Discord shows at most 25 choices.</summary>
    public const int MaxSuggestions = 25;

    public const int MaxLabelLength = 100;

    private static readonly string[] CommonZones =
    [
        "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver",
        "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Asia/Shanghai",
        "Australia/Sydney", "Africa/Lagos", "Africa/Nairobi", "Pacific/Auckland",
    ];

    public static IReadOnlyList<Suggestion> For(AutocompleteSource source, Roadmap roadmap, MemberSnapshot? member, string typed, CommandCatalog catalog)
    {
        var text = (typed ?? "").Trim();
        IEnumerable<Suggestion> results = source switch
        {
            AutocompleteSource.RoadmapItems => Items(roadmap, member, text),
            AutocompleteSource.ItemsAndPhases => Phases(roadmap, text).Concat(Items(roadmap, member, text)),
            AutocompleteSource.Phases => Phases(roadmap, text),
            AutocompleteSource.TimeZones => Zones(text),
            AutocompleteSource.Commands => catalog.Leaves
                .Select(c => c.Path[(c.Path.IndexOf(' ', StringComparison.Ordinal) + 1)..])
                .Where(p => text.Length == 0 || p.Contains(text, StringComparison.OrdinalIgnoreCase))
                .Select(p => new Suggestion(p, p)),
            _ => [],
        };
        return results
            .DistinctBy(s => s.Value)
            .Take(MaxSuggestions)
            .Select(s => s with { Label = Clip(s.Label), Value = Clip(s.Value) })
            .ToList();
    }

    private static IEnumerable<Suggestion> Items(Roadmap roadmap, MemberSnapshot? member, string text)
    {
        Func<string, ItemState> state = member is null ? _ => ItemState.NotStarted : member.StateOf;
        var mine = ProgressMath.NextItems(roadmap, state, 10);
        if (text.Length == 0)
        {
            return mine.Concat(roadmap.Items.Where(i => state(i.Id).IsOpen)).Select(ToSuggestion);
        }

        var words = Fuzzy.Words(text);
        var matches = roadmap.Items
            .Select(i => (Item: i, Score: Score(i, text, words)))
            .Where(x => x.Score > 0)
            .OrderByDescending(x => x.Score + (mine.Contains(x.Item) ? 5 : 0))
            .ThenBy(x => x.Item.Order)
            .Select(x => x.Item);
        return matches.Select(ToSuggestion);

        Suggestion ToSuggestion(RoadmapItem item)
        {
            var s = state(item.Id);
            var prefix = s.Status == ItemStatus.InProgress ? "🔄 " : s.Status == ItemStatus.Done ? "✅ " : "";
            return new Suggestion($"{prefix}{item.DisplayTitle} ({item.Id})", item.Id);
        }
    }

    private static int Score(RoadmapItem item, string text, string[] words)
    {
        if (item.Id.StartsWith(text, StringComparison.OrdinalIgnoreCase))
        {
            return 10;
        }

        if (item.Title.StartsWith(text, StringComparison.OrdinalIgnoreCase))
        {
            return 9;
        }

        var itemWords = ItemWords.GetValue(item, static i => Fuzzy.Words($"{i.Title} {i.Detail} {string.Join(' ', i.Tools)} {i.Id.Replace('-', ' ')}"));
        var hits = 0;
        foreach (var word in words)
        {
            foreach (var itemWord in itemWords)
            {
                if (Fuzzy.WordMatches(word, itemWord))
                {
                    hits++;
                    break;
                }
            }
        }

        return hits == words.Length ? 4 + hits : hits > 0 ? 1 : 0;
    }

    /// <summary>
    /// Each roadmap item's words (title, detail, tools, id), made once per item rather than for every item at every
    /// keystroke of every member's autocomplete. Keyed by the item itself, so a roadmap loaded again gets its own.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RoadmapItem, string[]> ItemWords = [];

    private static IEnumerable<Suggestion> Phases(Roadmap roadmap, string text) =>
        roadmap.Phases
            .Where(p => text.Length == 0 || p.Id.Contains(text, StringComparison.OrdinalIgnoreCase) || p.Title.Contains(text, StringComparison.OrdinalIgnoreCase) || p.Number.ToString(System.Globalization.CultureInfo.InvariantCulture) == text)
            .Select(p => new Suggestion($"Phase {p.Number}: {p.Title}", p.Id));

    private static IEnumerable<Suggestion> Zones(string text)
    {
        if (text.Length == 0)
        {
            return CommonZones.Select(z => new Suggestion(z, z));
        }

        var needle = text.Replace(' ', '_');
        var all = TimeZones.AllIds.ToList();
        return all.Where(z => z.StartsWith(needle, StringComparison.OrdinalIgnoreCase))
            .Concat(all.Where(z => z.Contains("/" + needle, StringComparison.OrdinalIgnoreCase)))
            .Concat(all.Where(z => z.Contains(needle, StringComparison.OrdinalIgnoreCase)))
            .Select(z => new Suggestion(z, z));
    }

    private static string Clip(string text) => text.Length <= MaxLabelLength ? text : text[..(MaxLabelLength - 1)] + "…";
}
