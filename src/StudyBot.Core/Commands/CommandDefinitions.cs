namespace StudyBot.Core.Commands;

public enum OptionType
{
    String = 0,
    Integer = 1,
    Boolean = 2,

    /// <summary>Whole minutes; the text grammar also accepts "90m", "1h", "1h30" and "1.5h".</summary>
    Minutes = 3,

    /// <summary>A channel of the community: Discord sends its id; text takes "#name" or a platform id.</summary>
    Channel = 4,

    /// <summary>A role of the community: Discord sends its id; text takes "&lt;@&amp;id&gt;", "@name", a name or an id.</summary>
    Role = 5,
}

/// <summary>Where an adapter's autocomplete gets suggestions for an option.</summary>
public enum AutocompleteSource
{
    None = 0,
    RoadmapItems = 1,
    Phases = 2,
    TimeZones = 3,
    ItemsAndPhases = 4,
    Commands = 5,
    Roadmaps = 6,
}

/// <summary>A fixed choice. <see cref="Aliases"/> are extra spellings the text grammar accepts.</summary>
public sealed record ChoiceDefinition(string Value, string Label, params string[] Aliases)
{
    public bool Matches(string text) =>
        string.Equals(Value, text, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
}

public sealed record OptionDefinition(string Name, OptionType Type, string Description)
{
    public bool Required { get; init; }

    public long? Min { get; init; }

    public long? Max { get; init; }

    public int? MaxLength { get; init; }

    public IReadOnlyList<ChoiceDefinition> Choices { get; init; } = [];

    public AutocompleteSource Autocomplete { get; init; }

    /// <summary>In the text grammar, this option takes the rest of the line (several words without quotes).</summary>
    public bool TakesRest { get; init; }

    /// <summary>With <see cref="TakesRest"/>: the text grammar keeps the rest of the line as typed (spaces and quotes), not word by word.</summary>
    public bool Verbatim { get; init; }

    /// <summary>
    /// A local time of day: the text grammar reads "7 pm" as one value, and the value is checked and passed on as
    /// HH:mm ("19:00") for every platform. <see cref="Words"/> lists other words it takes as they are (e.g. "off").
    /// </summary>
    public bool TimeOfDay { get; init; }

    /// <summary>Words a time-of-day option also takes, passed on in lower case (e.g. "off").</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    /// <summary>
    /// In the text grammar, the option is given by its name as a word before its value (<c>/progress path roadmap
    /// data-engineering</c>) or as <c>name:value</c>, never by position; alone at the end, its value is its own name.
    /// </summary>
    public bool Keyword { get; init; }

    /// <summary>What replies call the value, e.g. "place" ("A place can be at most 60 characters"); the name by default.</summary>
    public string? Noun { get; init; }

    /// <summary>What the placeholder shows instead of the name, e.g. "HH:mm" or "IANA zone"; choices show themselves.</summary>
    public string? Hint { get; init; }

    /// <summary>How usage shows the option: &lt;required&gt; or [optional], with its choices (a|b) or hint.</summary>
    public string Placeholder
    {
        get
        {
            var inner = Hint ?? (Choices.Count > 0 ? string.Join('|', Choices.Select(c => c.Value)) : Name);
            return Required ? $"<{inner}>" : $"[{inner}]";
        }
    }
}

/// <summary>A command, a subcommand group or a subcommand. Leaves (no subcommands) have a handler.</summary>
public sealed record CommandDefinition(string Name, string Description)
{
    public IReadOnlyList<OptionDefinition> Options { get; init; } = [];

    public IReadOnlyList<CommandDefinition> Subcommands { get; init; } = [];

    /// <summary>The subcommand the text grammar runs when none is given ("/progress" runs "overview").</summary>
    public string? DefaultSubcommand { get; init; }

    /// <summary>The heading help lists this command under (a group's commands share the group's section).</summary>
    public string? Section { get; init; }

    /// <summary>Only community admins may run it (Discord: Manage Server; Slack: workspace admins).</summary>
    public bool AdminOnly { get; init; }

    /// <summary>Set by the catalog: admin-only itself or under an admin-only command.</summary>
    public bool RequiresAdmin { get; internal set; }

    /// <summary>A correct invocation, shown in help and in error replies.</summary>
    public string? Example { get; init; }

    /// <summary>Set by the catalog: the full path such as "progress goal set".</summary>
    public string Path { get; internal set; } = "";

    public bool IsLeaf => Subcommands.Count == 0;

    /// <summary>
    /// Set by the catalog: the shortest path that runs this command. A default subcommand is left out where it is
    /// the root's ("/progress" is the overview) or takes options ("/progress rest until friday").
    /// </summary>
    public string UsagePath { get; internal set; } = "";

    /// <summary>How to write the command, as help, error replies and the README show it.</summary>
    public string Usage => Options.Count == 0
        ? $"/{UsagePath}"
        : $"/{UsagePath} {string.Join(' ', Options.Select(o => o.Placeholder))}";

    public CommandDefinition? Subcommand(string name) =>
        Subcommands.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    public OptionDefinition? Option(string name) =>
        Options.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
}
