namespace StudyBot.Core.Roadmaps;

public enum FindOutcome
{
    Found = 0,
    Ambiguous = 1,
    NotFound = 2,
}

public sealed record ItemMatch(FindOutcome Outcome, RoadmapItem? Item, IReadOnlyList<RoadmapItem> Candidates)
{
    public static ItemMatch None(IReadOnlyList<RoadmapItem> suggestions) => new(FindOutcome.NotFound, null, suggestions);
}

/// <summary>
/// Finds roadmap items the way members type them: by id ("numpy"), id prefix ("vector"), or words of the
/// title, with typos forgiven ("numpi", "bias audit"). When several items fit equally, it says so rather
/// than guess, because marking the wrong item done is worse than asking.
/// </summary>
public static class ItemFinder
{
    public const int MaxCandidates = 5;

    public static ItemMatch Find(Roadmap roadmap, string query, Func<RoadmapItem, bool>? filter = null)
    {
        var items = filter is null ? roadmap.Items : roadmap.Items.Where(filter).ToList();
        var q = query.Trim().Trim('`', '\'', '"').Trim();
        if (q.Length == 0)
        {
            return ItemMatch.None([]);
        }

        var asId = string.Join('-', Fuzzy.Words(q));
        var exact = items.FirstOrDefault(i => i.Id.Equals(q, StringComparison.OrdinalIgnoreCase) || (asId.Length > 0 && i.Id == asId));
        if (exact is not null)
        {
            return new ItemMatch(FindOutcome.Found, exact, [exact]);
        }

        var byTitle = items.Where(i => i.Title.Equals(q, StringComparison.OrdinalIgnoreCase) || i.DisplayTitle.Equals(q, StringComparison.OrdinalIgnoreCase)).ToList();
        if (byTitle.Count == 1)
        {
            return new ItemMatch(FindOutcome.Found, byTitle[0], byTitle);
        }

        // An id typed with one slip (two letters swapped, one wrong, missing or extra; two in a long id) is
        // that id, ahead of title words, which such a slip often fits more than one of ("pyhton-basics").
        if (NearId(items, asId) is { } near)
        {
            return new ItemMatch(FindOutcome.Found, near, [near]);
        }

        if (asId.Length > 0)
        {
            var byPrefix = items.Where(i => i.Id.StartsWith(asId, StringComparison.Ordinal)).ToList();
            if (byPrefix.Count == 1)
            {
                return new ItemMatch(FindOutcome.Found, byPrefix[0], byPrefix);
            }

            if (byPrefix.Count > 1)
            {
                return new ItemMatch(FindOutcome.Ambiguous, null, byPrefix.Take(MaxCandidates).ToList());
            }
        }

        var queryWords = Fuzzy.Words(q);
        if (queryWords.Length == 0)
        {
            return ItemMatch.None([]);
        }

        var scored = items
            .Select(i => (Item: i, Score: Score(queryWords, i)))
            .Where(x => x.Score.All)
            .OrderByDescending(x => x.Score.Exactness)
            .ThenBy(x => x.Item.Order)
            .ToList();
        if (scored.Count == 1)
        {
            return new ItemMatch(FindOutcome.Found, scored[0].Item, [scored[0].Item]);
        }

        if (scored.Count > 1)
        {
            // One clearly better fit (every word exact where the others needed typo forgiveness) wins.
            if (scored[0].Score.Exactness > scored[1].Score.Exactness)
            {
                return new ItemMatch(FindOutcome.Found, scored[0].Item, [scored[0].Item]);
            }

            return new ItemMatch(FindOutcome.Ambiguous, null, scored.Take(MaxCandidates).Select(x => x.Item).ToList());
        }

        var partial = items
            .Select(i => (Item: i, Hits: Fuzzy.Words(SearchText(i)).Count(w => queryWords.Any(qw => Fuzzy.WordMatches(qw, w)))))
            .Where(x => x.Hits > 0)
            .OrderByDescending(x => x.Hits)
            .ThenBy(x => x.Item.Order)
            .Take(3)
            .Select(x => x.Item)
            .ToList();
        return ItemMatch.None(partial);
    }

    /// <summary>The one id closest to the text, when it is within a typo of it and no other id is as close.</summary>
    private static RoadmapItem? NearId(IReadOnlyList<RoadmapItem> items, string asId)
    {
        if (asId.Length < 3)
        {
            return null;
        }

        RoadmapItem? best = null;
        var bestDistance = int.MaxValue;
        var tied = false;
        foreach (var item in items)
        {
            var allowed = item.Id.Length >= 10 ? 2 : 1;
            if (Math.Abs(item.Id.Length - asId.Length) > allowed)
            {
                continue;
            }

            var distance = Fuzzy.Distance(asId, item.Id);
            if (distance > allowed || distance > bestDistance)
            {
                continue;
            }

            tied = distance == bestDistance;
            if (distance < bestDistance)
            {
                best = item;
                bestDistance = distance;
            }
        }

        return tied ? null : best;
    }

    private static string SearchText(RoadmapItem item) =>
        $"{item.Title} {item.Detail} {string.Join(' ', item.Tools)} {item.Id.Replace('-', ' ')}";

    private static (bool All, int Exactness) Score(string[] queryWords, RoadmapItem item)
    {
        var words = Fuzzy.Words(SearchText(item));
        var exactness = 0;
        foreach (var qw in queryWords)
        {
            if (words.Any(w => w == qw))
            {
                exactness += 2;
            }
            else if (words.Any(w => w.StartsWith(qw, StringComparison.Ordinal)))
            {
                exactness += 1;
            }
            else if (!words.Any(w => Fuzzy.WordMatches(qw, w)))
            {
                return (false, 0);
            }
        }

        return (true, exactness);
    }
}
