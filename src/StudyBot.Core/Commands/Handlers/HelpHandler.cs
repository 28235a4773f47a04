using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using StudyBot.Core.Chat;
using StudyBot.Core.Localization;

namespace StudyBot.Core.Commands.Handlers;

/// <summary>Help generated from the catalog, so it always matches what the parser accepts.</summary>
internal sealed class HelpHandler : ICommandHandler
{
    public string Path => "progress help";

    public bool ReadsMember => false;

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CommandResult>(HelpViews.Answer(ctx, StudyBotCommands.Root));
}

/// <summary><c>/studybot help</c>: every admin command, or one of them explained.</summary>
internal sealed class AdminHelpHandler : ICommandHandler
{
    public string Path => "studybot help";

    public bool ReadsMember => false;

    public ValueTask<CommandResult> HandleAsync(CommandContext ctx, CancellationToken cancellationToken) =>
        ValueTask.FromResult<CommandResult>(HelpViews.Answer(ctx, StudyBotCommands.AdminRoot));
}

/// <summary>
/// Help replies, all from the catalog. A root (<c>/progress help</c>, <c>/studybot help</c>) lists every command one
/// line each under its section; a group or a command is explained with its options and an example. Every answer fits
/// one Discord embed (fields of at most 1024 characters, 25 fields, 6000 in all); a test checks each of them.
/// </summary>
internal static class HelpViews
{
    /// <summary>Discord's limit for one embed field's value, the smallest of the platforms.</summary>
    public const int MaxFieldValue = 1024;

    /// <summary>
    /// The answers that depend on nothing but the catalog and the language (and, for a root's overview, whether the
    /// member is an admin): built once per command and language and kept, so every member who asks in that language
    /// gets the very same <see cref="Reply"/>. A reply is immutable, and adapters may keep what they render from one
    /// (their bytes depend only on it, so their caches, keyed by the reply, are per language too).
    /// </summary>
    private static readonly ConditionalWeakTable<CommandDefinition, ConcurrentDictionary<(string Language, bool Admin), Reply>> Overviews = new();
    private static readonly ConditionalWeakTable<CommandDefinition, ConcurrentDictionary<string, Reply>> Details = new();

    /// <summary>The help asked for, in the language of the platform's locale (help reads nothing of the member).</summary>
    public static Reply Answer(CommandContext ctx, string rootName) =>
        Answer(ctx.Catalog, rootName, ctx.Request.String("command"), ctx.Who.IsAdmin, ctx.Language);

    /// <summary>The help for <paramref name="query"/> (null: the root's overview), as a member (or an admin) sees it, in English.</summary>
    internal static Reply Answer(CommandCatalog catalog, string rootName, string? query, bool isAdmin) =>
        Answer(catalog, rootName, query, isAdmin, Languages.English);

    /// <summary>The help for <paramref name="query"/> in <paramref name="language"/> ("en" or "de").</summary>
    internal static Reply Answer(CommandCatalog catalog, string rootName, string? query, bool isAdmin, string language)
    {
        language = Languages.SupportedOrNull(language) ?? Languages.English;
        var culture = Languages.Culture(language);
        if (query is null)
        {
            return Overview(catalog.Root(rootName)!, isAdmin, language);
        }

        var words = query.Trim().TrimStart('/').Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 0 && catalog.Root(words[0]) is null)
        {
            words.Insert(0, rootName);
        }

        var command = catalog.Find(string.Join(' ', words));
        if (command is null)
        {
            // Quotes the member's words: built for each.
            var guess = CommandParser.Closest(words.LastOrDefault() ?? "", catalog.Leaves.Where(l => l.Path.StartsWith(rootName + " ", StringComparison.Ordinal)).Select(l => l.Name));
            return new Reply
            {
                Tone = ReplyTone.Error,
                Text = Text.Get(culture, "Help.NoCommand", TextInput.Quote(query), guess is null ? "" : Text.Get(culture, "Help.DidYouMean", guess), rootName)
                    + "\n" + Text.Get(culture, "Help.Example", $"/{rootName} help {(rootName == StudyBotCommands.Root ? "log" : "roles map")}"),
            };
        }

        return command.Path.Contains(' ', StringComparison.Ordinal)
            ? Details.GetValue(command, static _ => new(StringComparer.Ordinal)).GetOrAdd(language, static (l, c) => Detail(c, Languages.Culture(l)), command)
            : Overview(command, isAdmin, language);
    }

    /// <summary>A root's overview for members (or admins) in a language, built on first use.</summary>
    private static Reply Overview(CommandDefinition root, bool isAdmin, string language) =>
        Overviews.GetValue(root, static _ => new()).GetOrAdd((language, isAdmin), static (key, r) => BuildOverview(r, key.Admin, Languages.Culture(key.Language)), root);

    /// <summary>Every command under a root, one line each ("`usage`: what it does"), grouped by section.</summary>
    private static Reply BuildOverview(CommandDefinition root, bool isAdmin, CultureInfo culture)
    {
        var fields = Sectioned(root, null)
            .GroupBy(x => x.Section)
            .SelectMany(section => Pack(SectionName(section.Key, culture), section.Select(x => $"`{x.Leaf.Usage}`: {Description(x.Leaf, culture)}"), culture))
            .ToList()
            .AsReadOnly();
        if (root.Name == StudyBotCommands.AdminRoot)
        {
            return new Reply
            {
                Title = Text.Get(culture, "Help.AdminTitle"),
                Text = Text.Get(culture, "Help.AdminText", root.Name),
                Fields = fields,
            };
        }

        var admin = isAdmin ? "\n" + Text.Get(culture, "Help.AdminHint", StudyBotCommands.AdminRoot) : "";
        return new Reply
        {
            Title = Text.Get(culture, "Help.Title"),
            Text = Text.Get(culture, "Help.Text", root.Name) + admin,
            Fields = fields,
        };
    }

    /// <summary>A group or a command explained: each command with its options, choices and an example.</summary>
    private static Reply Detail(CommandDefinition command, CultureInfo culture)
    {
        var fields = Leaves(command).Select(c => new ReplyField(
            $"/{c.Path}",
            Cut(Description(c, culture) + "\n"
                + Text.Get(culture, "Help.Usage", c.Usage) + "\n"
                + (c.Options.Count == 0 ? "" : string.Join('\n', c.Options.Select(o => $"• `{o.Name}`{(o.Required ? "" : Text.Get(culture, "Help.Optional"))}: {Description(c, o, culture)}{Choices(o)}")) + "\n")
                + (c.Example is null ? "" : Text.Get(culture, "Help.Example", c.Example))))).ToList().AsReadOnly();
        return new Reply { Title = Text.Get(culture, "Help.DetailTitle", command.Path), Fields = fields };
    }

    private static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName == Languages.English;

    /// <summary>The command's description in the language (Resources/Commands.de.resx), else the catalog's English.</summary>
    private static string Description(CommandDefinition command, CultureInfo culture) =>
        IsEnglish(culture) ? command.Description : CommandTexts.Translated(CommandTexts.DescriptionKey(command), culture) ?? command.Description;

    private static string Description(CommandDefinition command, OptionDefinition option, CultureInfo culture) =>
        IsEnglish(culture) ? option.Description : CommandTexts.Translated(CommandTexts.DescriptionKey(command, option), culture) ?? option.Description;

    /// <summary>The resource key of a section's name: "Help.Section.StartAndSeeWhereYouStand".</summary>
    internal static string SectionKey(string section) =>
        "Help.Section." + string.Concat(section.Split(' ', ',', '(', ')').Where(w => w.Length > 0).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    /// <summary>A section's name in the language; the catalog's English when it has none (a test keeps them complete).</summary>
    private static string SectionName(string section, CultureInfo culture)
    {
        if (IsEnglish(culture))
        {
            return section;
        }

        try
        {
            return Text.Get(culture, SectionKey(section));
        }
        catch (InvalidOperationException)
        {
            return section;
        }
    }

    /// <summary>Every section name of the catalog's roots, as help shows them.</summary>
    internal static IEnumerable<string> Sections(CommandCatalog catalog) =>
        catalog.Roots.SelectMany(r => Sectioned(r, null)).Select(x => x.Section).Distinct(StringComparer.Ordinal);

    /// <summary>Every command under this one with its section: its own, or the nearest group's above it.</summary>
    private static IEnumerable<(CommandDefinition Leaf, string Section)> Sectioned(CommandDefinition command, string? inherited)
    {
        var section = command.Section ?? inherited;
        return command.IsLeaf
            ? [(command, section ?? "Commands")]
            : command.Subcommands.SelectMany(s => Sectioned(s, section));
    }

    private static IEnumerable<CommandDefinition> Leaves(CommandDefinition command) =>
        command.IsLeaf ? [command] : command.Subcommands.SelectMany(Leaves);

    /// <summary>A section's lines as fields of at most <see cref="MaxFieldValue"/> characters; lines are never split.</summary>
    private static IEnumerable<ReplyField> Pack(string section, IEnumerable<string> lines, CultureInfo culture)
    {
        var current = new List<string>();
        var length = 0;
        var first = true;
        foreach (var line in lines.Select(Cut))
        {
            if (current.Count > 0 && length + 1 + line.Length > MaxFieldValue)
            {
                yield return new ReplyField(first ? section : Text.Get(culture, "Help.More", section), string.Join('\n', current));
                first = false;
                current.Clear();
                length = 0;
            }

            length += (current.Count > 0 ? 1 : 0) + line.Length;
            current.Add(line);
        }

        if (current.Count > 0)
        {
            yield return new ReplyField(first ? section : Text.Get(culture, "Help.More", section), string.Join('\n', current));
        }
    }

    private static string Cut(string text) => text.Length <= MaxFieldValue ? text : text[..(MaxFieldValue - 1)] + "…";

    private static string Choices(OptionDefinition option) =>
        option.Choices.Count == 0 ? "" : $" ({string.Join(", ", option.Choices.Select(c => c.Value))})";
}
