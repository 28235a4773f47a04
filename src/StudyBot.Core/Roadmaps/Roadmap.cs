namespace StudyBot.Core.Roadmaps;

/// <summary>A learning roadmap loaded from a file in <c>roadmap/</c>: content only, no member state.</summary>
public sealed record Roadmap
{
    public required string Id { get; init; }
    public required int Version { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public required string SourceFile { get; init; }
    public required IReadOnlyList<Phase> Phases { get; init; }
    public required IReadOnlyList<Milestone> Milestones { get; init; }
    public required TimeEstimates TimeEstimates { get; init; }
    public required IReadOnlyList<Level> Levels { get; init; }
    public required IReadOnlyList<QuickWinWeek> QuickWins { get; init; }
    public AcceleratedPath? AcceleratedPath { get; init; }
    public required IReadOnlyList<AllocationBucket> Allocation { get; init; }
    public required IReadOnlyList<LearnerProfile> Profiles { get; init; }
    public required IReadOnlyList<TitledText> Motivation { get; init; }
    public required IReadOnlyList<TitledText> LearningLoop { get; init; }
    public Certification? Certification { get; init; }
    public required IReadOnlyList<TitledText> NextSteps { get; init; }

    /// <summary>
    /// Items that took over ids of an earlier version (<c>replaces:</c> in the file): new id to the old ids it
    /// replaces. One old id is a rename, several are a merge.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Replaces { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Ids of earlier versions that are gone on purpose (<c>retired:</c>): their history stays, they leave percentages.</summary>
    public IReadOnlyList<string> Retired { get; init; } = [];

    /// <summary>The file's main language (<c>language:</c>, <c>en</c> when absent): the language of <see cref="Title"/> and every other text.</summary>
    public string Language { get; init; } = RoadmapLoader.DefaultLanguage;

    /// <summary>Every language the file has texts in, the main language first.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [RoadmapLoader.DefaultLanguage];

    /// <summary>The language of this copy's texts: <see cref="Language"/>, or the one asked of <see cref="In(string)"/>.</summary>
    public string TextLanguage
    {
        get => _textLanguage ?? Language;
        init => _textLanguage = value;
    }

    /// <summary>The file's text, to read it again in another language; null for a roadmap built in code.</summary>
    internal RoadmapTexts? Texts { get; init; }

    private readonly string? _textLanguage;

    /// <summary>
    /// This roadmap with every text (titles, descriptions, details, ...) in <paramref name="language"/> where the file
    /// gives it, and in the main language elsewhere. <c>de-AT</c> falls back to <c>de</c>; a language the file does not
    /// have gives the main language. Ids, numbers and structure are the same. Copies are made once per language.
    /// </summary>
    public Roadmap In(string language)
    {
        var code = MatchLanguage(language) ?? Language;
        return string.Equals(code, TextLanguage, StringComparison.OrdinalIgnoreCase) || Texts is null ? this : Texts.In(code, this);
    }

    /// <inheritdoc cref="In(string)"/>
    public Roadmap In(System.Globalization.CultureInfo culture) => In(culture.Name);

    private string? MatchLanguage(string language)
    {
        for (var name = language.Trim().Replace('_', '-'); name.Length > 0; name = name.LastIndexOf('-') is var dash and > 0 ? name[..dash] : "")
        {
            var hit = Languages.FirstOrDefault(l => string.Equals(l, name, StringComparison.OrdinalIgnoreCase));
            if (hit is not null)
            {
                return hit;
            }
        }

        return null;
    }

    private IReadOnlyList<RoadmapItem>? _items;
    private Dictionary<string, RoadmapItem>? _itemsById;

    /// <summary>Every trackable item (modules, milestone items, projects) in roadmap order.</summary>
    public IReadOnlyList<RoadmapItem> Items => _items ??= BuildItems();

    public RoadmapItem? FindItem(string id)
    {
        _itemsById ??= Items.ToDictionary(i => i.Id, StringComparer.Ordinal);
        return _itemsById.GetValueOrDefault(id);
    }

    public Phase? FindPhase(string idOrNumber)
    {
        var key = idOrNumber.Trim();
        if (key.StartsWith("phase", StringComparison.OrdinalIgnoreCase))
        {
            key = key[5..].Trim(' ', '-', '_');
        }

        if (Numerals.TryParseDigits(key, out var number))
        {
            return Phases.FirstOrDefault(p => p.Number == number);
        }

        return Phases.FirstOrDefault(p => string.Equals(p.Id, key, StringComparison.OrdinalIgnoreCase))
            ?? Phases.FirstOrDefault(p => string.Equals(p.Title, key, StringComparison.OrdinalIgnoreCase));
    }

    public Phase? FindPhaseById(string id) => Phases.FirstOrDefault(p => p.Id == id);

    public Milestone? MilestoneOf(string phaseId) => Milestones.FirstOrDefault(m => m.PhaseId == phaseId);

    /// <summary>Items that count toward a phase's percentage: its modules, then its milestone's items.</summary>
    public IEnumerable<RoadmapItem> PhaseItems(string phaseId) =>
        Items.Where(i => i.PhaseId == phaseId && i.Kind != ItemKind.Project);

    public TimeEstimateRow? EstimateFor(string phaseId) => TimeEstimates.Rows.FirstOrDefault(r => r.PhaseId == phaseId);

    public LearnerProfile? FindProfile(string id) => Profiles.FirstOrDefault(p => p.Id == id);

    private List<RoadmapItem> BuildItems()
    {
        var items = new List<RoadmapItem>();
        var order = 0;
        foreach (var phase in Phases)
        {
            foreach (var module in phase.Modules)
            {
                items.Add(new RoadmapItem(module.Id, module.Title, module.Detail, ItemKind.Module, phase.Id, null, null, order++, module.Tools));
            }

            var milestone = MilestoneOf(phase.Id);
            if (milestone is not null)
            {
                foreach (var item in milestone.Items)
                {
                    items.Add(new RoadmapItem(item.Id, item.Title, item.Detail, ItemKind.MilestoneItem, phase.Id, milestone.Id, null, order++, []));
                }
            }
        }

        foreach (var level in Levels)
        {
            foreach (var project in level.Projects)
            {
                items.Add(new RoadmapItem(project.Id, project.Title, null, ItemKind.Project, null, null, level.Id, order++, []));
            }
        }

        return items;
    }
}

/// <summary>A roadmap file's text and its copies per language (<see cref="Roadmap.In(string)"/>).</summary>
internal sealed class RoadmapTexts(string yaml)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Roadmap> _byLanguage = new(StringComparer.OrdinalIgnoreCase);

    public Roadmap In(string language, Roadmap asking)
    {
        _byLanguage.TryAdd(asking.TextLanguage, asking);
        return _byLanguage.GetOrAdd(language, code => RoadmapLoader.Check(yaml, asking.SourceFile, code).Roadmap is { } copy ? copy with { Texts = this } : asking);
    }
}

public sealed record Phase(string Id, int Number, string Title, string? Color, bool Ongoing, IReadOnlyList<Module> Modules);

public sealed record Module(string Id, string Title, string? Detail, IReadOnlyList<string> Tools);

public sealed record Milestone(string Id, string PhaseId, string Title, string Duration, IReadOnlyList<MilestoneItem> Items);

public sealed record MilestoneItem(string Id, string Title, string? Detail);

public enum ItemKind
{
    Module,
    MilestoneItem,
    Project,
}

/// <summary>Something a member can mark done: a module, a milestone checklist item or a project.</summary>
public sealed record RoadmapItem(
    string Id,
    string Title,
    string? Detail,
    ItemKind Kind,
    string? PhaseId,
    string? MilestoneId,
    string? LevelId,
    int Order,
    IReadOnlyList<string> Tools)
{
    public string DisplayTitle => Tools.Count > 0
        ? $"{Title} ({string.Join(", ", Tools)})"
        : Detail is null ? Title : $"{Title} ({Detail})";

    public string KindLabel => Kind switch
    {
        ItemKind.Module => "module",
        ItemKind.MilestoneItem => "milestone item",
        _ => "project",
    };
}

/// <summary>A range in months, as the guide states it ("2-3 months").</summary>
public sealed record MonthRange(double Min, double Max)
{
    public double Mid => (Min + Max) / 2;

    public override string ToString() => Min.Equals(Max) ? $"{Min:0.#} months" : $"{Min:0.#}-{Max:0.#} months";
}

public sealed record PaceDefinition(string Id, string Title, int MinHoursPerWeek, int MaxHoursPerWeek)
{
    public double MidHoursPerWeek => (MinHoursPerWeek + MaxHoursPerWeek) / 2.0;
}

public sealed record TimeEstimateRow(string PhaseId, string Label, MonthRange FullTime, MonthRange PartTime);

public sealed record TimeEstimates(
    string? Note,
    IReadOnlyList<PaceDefinition> Paces,
    IReadOnlyList<TimeEstimateRow> Rows,
    MonthRange StatedTotalFullTime,
    MonthRange StatedTotalPartTime)
{
    public PaceDefinition FullTime => Paces.First(p => p.Id == "full-time");

    public PaceDefinition PartTime => Paces.First(p => p.Id == "part-time");

    public MonthRange SumOfRowsFullTime => new(Rows.Sum(r => r.FullTime.Min), Rows.Sum(r => r.FullTime.Max));

    public MonthRange SumOfRowsPartTime => new(Rows.Sum(r => r.PartTime.Min), Rows.Sum(r => r.PartTime.Max));

    /// <summary>Weeks in an average month (52.14 / 12), to turn the rows' months into hours.</summary>
    public const double WeeksPerMonth = 4.345;

    /// <summary>
    /// The whole roadmap's study hours at a pace: the rows' months at that pace (fullTime for <c>full-time</c>,
    /// partTime for <c>part-time</c>) × <see cref="WeeksPerMonth"/> × the pace's hours per week, from the minimums to
    /// the maximums. Null for another pace (rows give months only for those two).
    /// </summary>
    public (double Min, double Max)? HoursFor(string paceId)
    {
        var pace = Paces.FirstOrDefault(p => p.Id == paceId);
        MonthRange? months = paceId switch
        {
            "full-time" => SumOfRowsFullTime,
            "part-time" => SumOfRowsPartTime,
            _ => null,
        };
        return pace is null || months is null
            ? null
            : (months.Min * WeeksPerMonth * pace.MinHoursPerWeek, months.Max * WeeksPerMonth * pace.MaxHoursPerWeek);
    }
}

public sealed record Project(string Id, string Title);

public sealed record Level(string Id, string Title, int FromWeek, int? ToWeek, IReadOnlyList<string> Skills, IReadOnlyList<Project> Projects)
{
    public string WeeksLabel => ToWeek is null ? $"weeks {FromWeek}+" : $"weeks {FromWeek}-{ToWeek}";
}

public sealed record QuickWin(string Id, string Title);

public sealed record QuickWinWeek(int Week, IReadOnlyList<QuickWin> Wins);

public sealed record AcceleratedStep(string Id, int FromWeek, int ToWeek, string Title, IReadOnlyList<string> PhaseIds)
{
    public int Weeks => ToWeek - FromWeek + 1;
}

public sealed record AcceleratedPath(string Audience, int TotalWeeks, string Summary, IReadOnlyList<AcceleratedStep> Steps);

public sealed record AllocationBucket(string Id, string Title, int Percent, IReadOnlyList<string> Activities);

public sealed record Advice(string Title, string Text);

public sealed record LearnerProfile(string Id, string Title, string Path, IReadOnlyList<Advice> Advice);

public sealed record TitledText(string Id, string Title, string Text);

public sealed record Certification(string? Note, IReadOnlyList<TitledText> Steps);
