namespace StudyBot.Core.Roadmaps;

/// <summary>All roadmaps the host loaded at start; each community uses one of them.</summary>
public sealed class RoadmapCatalog
{
    private readonly Dictionary<string, Roadmap> _byId;

    public RoadmapCatalog(IEnumerable<Roadmap> roadmaps, string defaultId)
    {
        _byId = roadmaps.ToDictionary(r => r.Id, StringComparer.Ordinal);
        if (!_byId.TryGetValue(defaultId, out var fallback))
        {
            throw new RoadmapLoadException(defaultId, 0, $"the default roadmap '{defaultId}' is not among the loaded roadmaps ({string.Join(", ", _byId.Keys)})");
        }

        Default = fallback;
    }

    public Roadmap Default { get; }

    public IReadOnlyCollection<Roadmap> All => _byId.Values;

    /// <summary>The community's roadmap, or the default when the id is unknown (a file was removed).</summary>
    public Roadmap Get(string? id) => id is not null && _byId.TryGetValue(id, out var roadmap) ? roadmap : Default;

    public bool Contains(string id) => _byId.ContainsKey(id);
}
