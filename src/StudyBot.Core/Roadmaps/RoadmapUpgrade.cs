using StudyBot.Core.Progress;

namespace StudyBot.Core.Roadmaps;

/// <summary>
/// What moving members' progress from one version of a roadmap to the next does, worked out from the earlier
/// version's item ids and the new <see cref="Roadmap"/> alone (no database): renamed ids (one old id to one new),
/// merged ids (several old ids to one new), retired ids (kept with their history, out of percentages), new items
/// (open for everybody) and dropped ids (gone without <c>replaces:</c> or <c>retired:</c>: a new version that has any
/// is refused, because the progress on them would be lost without a word).
/// </summary>
public sealed record RoadmapUpgrade
{
    public required string RoadmapId { get; init; }

    public required int FromVersion { get; init; }

    public required int ToVersion { get; init; }

    /// <summary>Old id to new id, one old id per new id.</summary>
    public required IReadOnlyList<(string From, string To)> Renamed { get; init; }

    /// <summary>New id and the ids folded into it (the new id itself first when it was already an item before).</summary>
    public required IReadOnlyList<(IReadOnlyList<string> From, string To)> Merged { get; init; }

    public required IReadOnlyList<string> Retired { get; init; }

    public required IReadOnlyList<string> Added { get; init; }

    /// <summary>Ids of the earlier version that the new one neither keeps, replaces nor retires.</summary>
    public required IReadOnlyList<string> Dropped { get; init; }

    /// <summary>Every stored id that moves to another id (renames and merges), old id to new id.</summary>
    public IReadOnlyDictionary<string, string> Moves =>
        Renamed.Select(r => (r.From, r.To))
            .Concat(Merged.SelectMany(m => m.From.Where(f => f != m.To).Select(f => (From: f, m.To))))
            .ToDictionary(x => x.From, x => x.To, StringComparer.Ordinal);

    public bool ChangesNothing => Renamed.Count == 0 && Merged.Count == 0 && Retired.Count == 0 && Added.Count == 0 && Dropped.Count == 0;

    /// <summary>The plan from the ids the earlier version had (its items) to the new version of the roadmap.</summary>
    public static RoadmapUpgrade Plan(IReadOnlyCollection<string> oldItemIds, int fromVersion, Roadmap next)
    {
        var old = oldItemIds.ToHashSet(StringComparer.Ordinal);
        var current = next.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        var renamed = new List<(string, string)>();
        var merged = new List<(IReadOnlyList<string>, string)>();
        var replaced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in next.Items)
        {
            if (!next.Replaces.TryGetValue(item.Id, out var olds))
            {
                continue;
            }

            // Only ids the earlier version had move: an id still an item of the new version stays where it is, and an id
            // from some version before the earlier one is not there to move.
            var sources = olds.Where(o => o != item.Id && old.Contains(o) && !current.Contains(o) && !replaced.Contains(o)).Distinct(StringComparer.Ordinal).ToList();
            replaced.UnionWith(sources);
            if (old.Contains(item.Id) && sources.Count > 0)
            {
                merged.Add(([item.Id, .. sources], item.Id));
            }
            else if (sources.Count > 1)
            {
                merged.Add((sources, item.Id));
            }
            else if (sources.Count == 1)
            {
                renamed.Add((sources[0], item.Id));
            }
        }

        var retired = next.Retired.Where(r => old.Contains(r) && !current.Contains(r) && !replaced.Contains(r)).Distinct(StringComparer.Ordinal).ToList();
        var targets = renamed.Select(r => r.Item2).Concat(merged.Select(m => m.Item2)).ToHashSet(StringComparer.Ordinal);
        var added = next.Items.Select(i => i.Id).Where(id => !old.Contains(id) && !targets.Contains(id)).ToList();
        var dropped = oldItemIds.Where(id => !current.Contains(id) && !replaced.Contains(id) && !retired.Contains(id)).Distinct(StringComparer.Ordinal).ToList();
        return new RoadmapUpgrade
        {
            RoadmapId = next.Id,
            FromVersion = fromVersion,
            ToVersion = next.Version,
            Renamed = renamed,
            Merged = merged,
            Retired = retired,
            Added = added,
            Dropped = dropped,
        };
    }

    /// <summary>
    /// How far along a state is, for a merge: the merged item takes the state of highest rank among its parts.
    /// Done first (the work is done); skipped as already known next (learned as well, but nothing was done here);
    /// in progress (being worked on: the merged item is still being worked on); skipped for later (open, and the
    /// member said they mean to do it); skipped as not relevant (the member's explicit choice, kept over no answer, but
    /// any part they work on or plan outranks it, so a merged item stays in their percentages when part of it
    /// counted); not started last (no row at all).
    /// </summary>
    public static int Rank(ItemState state) => state switch
    {
        { Status: ItemStatus.Done } => 6,
        { Status: ItemStatus.Skipped, Reason: SkipReason.AlreadyKnown } => 5,
        { Status: ItemStatus.InProgress } => 4,
        { Status: ItemStatus.Skipped, Reason: SkipReason.Later } => 3,
        { Status: ItemStatus.Skipped } => 2,
        _ => 1,
    };

    /// <summary>The most advanced of the states (<see cref="Rank"/>); the first of equals.</summary>
    public static ItemState MostAdvanced(IEnumerable<ItemState> states)
    {
        var best = ItemState.NotStarted;
        foreach (var s in states)
        {
            if (Rank(s) > Rank(best))
            {
                best = s;
            }
        }

        return best;
    }

    /// <summary>
    /// A member's item states under the new version: moved ids take their new id (a merge the most advanced state
    /// of its parts, the new id's own row included), retired and unknown ids keep their rows as they are.
    /// </summary>
    public IReadOnlyDictionary<string, ItemState> Apply(IReadOnlyDictionary<string, ItemState> states)
    {
        var moves = Moves;
        var result = new Dictionary<string, ItemState>(StringComparer.Ordinal);
        foreach (var group in states.GroupBy(kv => moves.GetValueOrDefault(kv.Key, kv.Key), StringComparer.Ordinal))
        {
            result[group.Key] = MostAdvanced(group.Select(kv => kv.Value));
        }

        return result;
    }

    /// <summary>What an update changes, e.g. "2 items renamed, 1 merged, 1 retired, 3 new" (English; <c>roadmap diff</c> prints it).</summary>
    public static string Summary(int renamed, int merged, int retired, int added) =>
        Summary(renamed, merged, retired, added, Localization.Languages.Culture(Localization.Languages.English));

    /// <summary>The same in <paramref name="culture"/>'s language (Resources/Roadmaps.resx).</summary>
    public static string Summary(int renamed, int merged, int retired, int added, System.Globalization.CultureInfo culture)
    {
        var parts = new List<string>();
        if (renamed > 0)
        {
            parts.Add(Localization.Text.Get(culture, renamed == 1 ? "Roadmaps.Renamed.One" : "Roadmaps.Renamed.Many", renamed));
        }

        foreach (var (count, key) in new[] { (merged, "Roadmaps.Merged"), (retired, "Roadmaps.Retired"), (added, "Roadmaps.New") })
        {
            if (count > 0)
            {
                parts.Add(Localization.Text.Get(culture, key, count));
            }
        }

        return parts.Count == 0 ? Localization.Text.Get(culture, "Roadmaps.WordingOnly") : string.Join(Localization.Text.Get(culture, "Roadmaps.And"), parts);
    }

    public string Summary() => Summary(Renamed.Count, Merged.Count, Retired.Count, Added.Count);
}

/// <summary>An update of the member's roadmap they have not been told about yet.</summary>
public sealed record RoadmapUpdateNotice(string RoadmapTitle, int Version, int Renamed, int Merged, int Retired, int Added)
{
    /// <summary>The notice in English.</summary>
    public string Line => LineIn(Localization.Languages.Culture(Localization.Languages.English));

    /// <summary>The notice in the member's language (Resources/Roadmaps.resx).</summary>
    public string LineIn(System.Globalization.CultureInfo culture) =>
        Localization.Text.Get(culture, "Roadmaps.Updated", RoadmapTitle, Version, RoadmapUpgrade.Summary(Renamed, Merged, Retired, Added, culture));
}

/// <summary>Roadmap updates applied to a member's community, told once per member and version.</summary>
public interface IRoadmapNoticeStore
{
    /// <summary>
    /// The latest update of the roadmap applied to the member's community that the member has not been told about,
    /// marked told; null when there is none, or when the member joined after it.
    /// </summary>
    Task<RoadmapUpdateNotice?> TakeAsync(Chat.MemberRef member, Roadmap roadmap, CancellationToken cancellationToken);
}

/// <summary>The update notice in front of a reply's text.</summary>
public static class RoadmapNotices
{
    public static async Task<string> PrependAsync(IRoadmapNoticeStore? store, Commands.CommandContext ctx, string text, CancellationToken cancellationToken)
    {
        if (store is null || ctx.Member.Id == 0)
        {
            return text;
        }

        var notice = await store.TakeAsync(ctx.Who, ctx.Roadmap, cancellationToken);
        var line = notice?.LineIn(ctx.Culture);
        return line is null ? text : string.IsNullOrEmpty(text) ? line : $"{line}\n{text}";
    }
}
