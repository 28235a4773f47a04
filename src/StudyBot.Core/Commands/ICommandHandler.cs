using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;

namespace StudyBot.Core.Commands;

/// <summary>What a handler knows when it runs: who asked, what, about which state, and when.</summary>
public sealed class CommandContext
{
    public required MemberRef Who { get; init; }

    public required CommandRequest Request { get; init; }

    public required CommandDefinition Command { get; init; }

    public required CommandCatalog Catalog { get; init; }

    public required Roadmap Roadmap { get; init; }

    public required MemberSnapshot Snapshot { get; init; }

    /// <summary>The instant the command arrived.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>
    /// Writes a name a member chose (theirs or another's) as the platform must show it to read as typed, e.g. escaped for
    /// Discord markdown. Use it for every member name put into a reply or a message for others.
    /// </summary>
    public Func<string, string> MemberText { get; init; } = static text => text;

    public MemberProfile Member => Snapshot.Member;

    /// <summary>The member's language ("en" or "de"), as <see cref="Localization.Languages.Resolve"/> chose it.</summary>
    public string Language { get; init; } = Localization.Languages.English;

    /// <summary>The culture replies are written in: texts, dates, numbers and durations.</summary>
    public System.Globalization.CultureInfo Culture => Localization.Languages.Culture(Language);

    /// <summary>A reply text in the member's language (see <see cref="Localization.Text"/>).</summary>
    public string T(string key, params object?[] args) => Localization.Text.Get(Culture, key, args);

    /// <summary>Today in the member's time zone.</summary>
    public DateOnly Today => TimeZones.LocalDate(Now, Member.TimeZoneId);

    public ItemState State(string itemId) => Snapshot.StateOf(itemId);

    /// <summary>A new, empty change set stamped with this command's time and actor.</summary>
    public ChangeSet NewChanges() => new(Guid.NewGuid(), Now.UtcDateTime, Today, Who.UserId);
}

/// <summary>A handler's answer and, when the command changes something, the writes to commit first.</summary>
public sealed record CommandResult(Reply Reply, ChangeSet? Changes = null)
{
    public static implicit operator CommandResult(Reply reply) => new(reply);
}

/// <summary>Runs one leaf command of the catalog. Handlers validate, decide and describe; the executor commits.</summary>
public interface ICommandHandler
{
    /// <summary>The catalog path this handler runs, e.g. "progress goal set".</summary>
    string Path { get; }

    /// <summary>
    /// True for handlers that save through a store of their own (partners, roles) instead of returning a
    /// <see cref="ChangeSet"/>: their receipt is then written right after them, not in their transaction.
    /// </summary>
    bool SavesOwnChanges => false;

    /// <summary>
    /// False for handlers whose answer depends on nothing of the member or the community (help, from the catalog, the
    /// request and <see cref="CommandContext.Who"/> alone): they run without loading the member, looking up a receipt or
    /// holding the member's line across instances, and change nothing. Their context's <see cref="CommandContext.Snapshot"/>
    /// and <see cref="CommandContext.Roadmap"/> are placeholders (a newcomer on the default roadmap), not to be read.
    /// </summary>
    bool ReadsMember => true;

    ValueTask<CommandResult> HandleAsync(CommandContext context, CancellationToken cancellationToken);
}
