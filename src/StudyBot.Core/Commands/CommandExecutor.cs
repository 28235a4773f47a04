using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;
using StudyBot.Core.Roadmaps;
using StudyBot.Core.Telemetry;

namespace StudyBot.Core.Commands;

/// <summary>Settings Core needs for communities and members it has not seen before.</summary>
public sealed class CoreSettings
{
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>
    /// How long a command waits for the member's earlier commands before it is answered "still working on your
    /// previous command" and not run. Longer than the slowest command (a role sync hands out roles for a minute).
    /// </summary>
    public TimeSpan MemberQueuePatience { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// The one entry point adapters call: parse (for text), check, load the member, run the handler in its own
/// DI scope, commit its changes with any completion events, and return the reply. Bad input comes back as
/// a reply that says what was wrong; an exception is a bug, logged and answered politely.
/// <para>
/// Each member's commands run one at a time in the order they arrived (<see cref="MemberLines"/>), and, where
/// several instances share a database, one at a time across them too (<see cref="ISharedMemberLines"/>); other
/// members' run alongside. A command that arrives with a platform delivery id (<see cref="Arrive"/>) gets a
/// receipt, written in the same transaction as its changes; the same delivery again is answered from the
/// receipt and changes nothing (see <see cref="CommandReceipts"/>).
/// </para>
/// </summary>
public sealed partial class CommandExecutor(
    IServiceScopeFactory scopes,
    CommandCatalog catalog,
    RoadmapCatalog roadmaps,
    TimeProvider time,
    CoreSettings settings,
    ILogger<CommandExecutor> logger,
    MemberText? memberText = null,
    Storage.StoreOutage? outage = null,
    ISharedMemberLines? sharedLines = null,
    StudyBotMetrics? metrics = null,
    Operations.CommandStats? stats = null)
{
    private readonly CommandParser _parser = new(catalog);
    private readonly MemberLines _lines = new();

    /// <summary>
    /// The commands whose handlers read nothing of the member (<see cref="ICommandHandler.ReadsMember"/> false, such as
    /// <c>/progress help</c>): they touch no database, and their reply is the same for everyone who gets it.
    /// </summary>
    private FrozenSet<string>? _answeredFromCatalog;

    /// <summary>Each command path's handler type (<see cref="FindHandler"/>), mapped at the first command.</summary>
    private FrozenDictionary<string, Type?>? _handlerTypes;

    public CommandCatalog Catalog => catalog;

    public CommandParser Parser => _parser;

    /// <summary>The configured default zone in the database's spelling ("us/pacific" is kept as "US/Pacific").</summary>
    private string DefaultZone => TimeZones.TryNormalize(settings.DefaultTimeZone, out var zone) ? zone : settings.DefaultTimeZone;

    /// <summary>Members with a command waiting or running (idle members take no memory).</summary>
    public int BusyMembers => _lines.Count;

    /// <summary>
    /// Takes a command's place in its member's line where it arrives, before anything slow, and names the
    /// delivery (a Discord interaction id, a Slack trigger_id) so a repeat of it is answered from its receipt.
    /// Pass the result to a Run method, which disposes it; dispose it yourself if the command never gets there.
    /// </summary>
    /// <param name="community">The guild or workspace id as the delivery names it ("dm" for a Discord direct message).</param>
    public CommandArrival Arrive(string platform, string community, string userId, string? deliveryId) =>
        _lines.Join(platform, community, userId, deliveryId);

    public Task<Reply> RunTextAsync(MemberRef who, string text, CancellationToken cancellationToken) =>
        RunTextAsync(who, text, null, cancellationToken);

    /// <summary>Runs a command typed as text, in its place in the member's line (<paramref name="arrival"/>, or a new place now).</summary>
    public Task<Reply> RunTextAsync(MemberRef who, string text, CommandArrival? arrival, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        ParseResult parsed;
        try
        {
            parsed = _parser.Parse(text);
        }
        catch (Exception ex)
        {
            // Parsing never throws by design; if it ever does, the member hears so and nothing runs.
            arrival?.Dispose();
            Measure(who, CommandTag(null), CommandOutcomes.Failed, started);
            return Task.FromResult(Failed(ex, SafePath(text), who, "reading"));
        }

        if (parsed.Ok)
        {
            return RunAsync(who, parsed.Request!, arrival, cancellationToken);
        }

        arrival?.Dispose();
        Measure(who, CommandTag(parsed.Error!.Command), CommandOutcomes.Invalid, started);
        return InReadersLanguageAsync(who, parsed.Error!, culture => _parser.Parse(text, culture).Error, cancellationToken);
    }

    /// <summary>How long a reply about a command that could not be read waits to learn the member's language.</summary>
    private static readonly TimeSpan LanguageLookupPatience = TimeSpan.FromMilliseconds(500);

    /// <summary>The reply to a command that could not be read, in the member's language (<see cref="ReaderLanguageAsync"/>).</summary>
    private async Task<Reply> InReadersLanguageAsync(MemberRef who, CommandError english, Func<System.Globalization.CultureInfo, CommandError?> again, CancellationToken cancellationToken)
    {
        var culture = Localization.Languages.Culture(await ReaderLanguageAsync(who, cancellationToken));
        return ErrorReply(culture.TwoLetterISOLanguageName == Localization.Languages.English ? english : again(culture) ?? english, culture);
    }

    /// <summary>
    /// The member's language without loading their progress: their choice, else their platform's, else their community's
    /// (one small read). When the database does not answer at once, their platform's: such a reply must not wait on an outage.
    /// </summary>
    private async Task<string> ReaderLanguageAsync(MemberRef who, CancellationToken cancellationToken)
    {
        string? member = null, community = null;
        try
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(LanguageLookupPatience);
            await using var scope = scopes.CreateAsyncScope();
            (member, community) = await scope.ServiceProvider.GetRequiredService<IProgressStore>().LanguagesAsync(who, patience.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogLanguageUnknown(ex.GetType().Name);
        }

        return Localization.Languages.Resolve(member, who.Locale, community);
    }

    /// <summary>Runs a request whose options came typed from the platform (Discord); they are validated here too.</summary>
    public Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CancellationToken cancellationToken) =>
        RunTypedAsync(who, path, options, null, cancellationToken);

    /// <summary>Runs a typed request in its place in the member's line (<paramref name="arrival"/>, or a new place now).</summary>
    public Task<Reply> RunTypedAsync(MemberRef who, string path, IReadOnlyDictionary<string, object> options, CommandArrival? arrival, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var command = catalog.Find(path);
        if (command is null || !command.IsLeaf)
        {
            arrival?.Dispose();
            Measure(who, CommandTag(null), CommandOutcomes.Invalid, started);
            return Task.FromResult(Reply.Error(Localization.Text.Get(PlatformCulture(who), "Executor.UnknownCommand", TextInput.Quote(path))));
        }

        ParseResult validated;
        try
        {
            validated = CommandValidator.Validate(command, options);
        }
        catch (Exception ex)
        {
            arrival?.Dispose();
            Measure(who, command.Path, CommandOutcomes.Failed, started);
            return Task.FromResult(Failed(ex, command.Path, who, "checking"));
        }

        if (validated.Ok)
        {
            return RunAsync(who, validated.Request!, arrival, cancellationToken);
        }

        arrival?.Dispose();
        Measure(who, command.Path, CommandOutcomes.Invalid, started);
        return InReadersLanguageAsync(who, validated.Error!, culture => CommandValidator.Validate(command, options, checkRequired: true, culture).Error, cancellationToken);
    }

    public Task<Reply> RunAsync(MemberRef who, CommandRequest request, CancellationToken cancellationToken) =>
        RunAsync(who, request, null, cancellationToken);

    /// <summary>
    /// Runs a request once the member's earlier commands are done. With a delivery id, a delivery seen before is
    /// answered from its receipt (or refused, when the id came with another command) and nothing runs.
    /// </summary>
    public async Task<Reply> RunAsync(MemberRef who, CommandRequest request, CommandArrival? arrival, CancellationToken cancellationToken)
    {
        // Measured from here to the reply: a timestamp pair and tags built on the stack (StudyBotMetrics.CommandDone).
        var started = time.GetTimestamp();
        var outcome = CommandOutcomes.Failed;
        var tag = CommandTag(null);
        var rehearsal = arrival?.Rehearsal == true;
        using var span = rehearsal ? null : StudyBotTrace.Source.StartActivity("command");
        try
        {
            using var place = arrival ?? Arrive(who.Community.Platform, who.Community.ExternalId, who.UserId, null);
            who = WithCleanName(who);
            var command = catalog.Find(request.Path);
            if (command is null || !command.IsLeaf)
            {
                outcome = CommandOutcomes.Invalid;
                return Reply.Error(Localization.Text.Get(PlatformCulture(who), "Executor.UnknownCommand", TextInput.Quote(request.Path)));
            }

            tag = command.Path;
            if (command.RequiresAdmin && !who.IsAdmin)
            {
                outcome = CommandOutcomes.Denied;
                return new Reply
                {
                    Tone = ReplyTone.Warning,
                    Text = Localization.Text.Get(PlatformCulture(who), "Executor.AdminsOnly", command.Path),
                };
            }

            var waitStarted = time.GetTimestamp();
            if (!await place.WaitTurnAsync(settings.MemberQueuePatience, time, cancellationToken))
            {
                outcome = CommandOutcomes.Busy;
                return StillBusy(command.Path, who);
            }

            IAsyncDisposable? shared = null;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var handler = FindHandler(scope.ServiceProvider, command.Path);
                if (handler is null)
                {
                    LogNoHandler(command.Path);
                    outcome = CommandOutcomes.Failed;
                    return Reply.Error(Localization.Text.Get(PlatformCulture(who), "Executor.NotAvailable"));
                }

                if (!handler.ReadsMember)
                {
                    var answer = (await handler.HandleAsync(WithoutMember(who, request, command), cancellationToken)).Reply;
                    outcome = answer.Tone == ReplyTone.Error ? CommandOutcomes.Invalid : CommandOutcomes.Ok;
                    return answer;
                }

                if (sharedLines is not null)
                {
                    // Other instances on the same database may be running a command of this member: wait for the rest of the patience.
                    var left = settings.MemberQueuePatience - time.GetElapsedTime(waitStarted);
                    shared = await sharedLines.EnterAsync(who.Community.Platform, who.Community.ExternalId, who.UserId, left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
                    if (shared is null)
                    {
                        outcome = CommandOutcomes.Busy;
                        return StillBusy(command.Path, who);
                    }
                }

                var receipt = place.DeliveryId is { } deliveryId
                    ? new Delivery(scope.ServiceProvider.GetRequiredService<ICommandReceiptStore>(), CommandReceipts.StoredId(deliveryId), CommandReceipts.Fingerprint(who.UserId, request))
                    : null;
                if (receipt is not null && await receipt.Store.FindAsync(who.Community, receipt.Id, time.GetUtcNow().UtcDateTime - CommandReceipts.Retention, cancellationToken) is { } seen)
                {
                    outcome = CommandOutcomes.Repeat;
                    return Answer(seen, receipt, command.Path, who);
                }

                var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
                var defaults = new NewcomerDefaults(roadmaps.Default.Id, TimeZones.TryNormalize(who.TimeZoneHint, out var hinted) ? hinted : DefaultZone);

                // A commit that finds the member changed since the load (another process wrote for them meanwhile) writes
                // nothing; the command then runs once more, holding the writes from load to commit, so it cannot be stale again.
                IAsyncDisposable? held = null;
                try
                {
                    while (true)
                    {
                        var (reply, commit) = await RunOnceAsync(store, handler, receipt, place.Rehearsal, who, request, command, defaults, cancellationToken);
                        if (commit is { Outcome: CommitOutcome.Stale } && held is null && !handler.SavesOwnChanges)
                        {
                            LogStale(command.Path, who.Community.Platform);
                            held = await store.HoldWritesAsync(cancellationToken);
                            continue;
                        }

                        if (commit is null || commit.Outcome == CommitOutcome.Committed)
                        {
                            outcome = reply.Tone == ReplyTone.Error ? CommandOutcomes.Invalid : CommandOutcomes.Ok;
                            return reply;
                        }

                        if (commit.Outcome == CommitOutcome.Duplicate && receipt is not null
                            && await receipt.Store.FindAsync(who.Community, receipt.Id, DateTime.MinValue, cancellationToken) is { } first)
                        {
                            // The same delivery got here first by another way (another process on the same database).
                            outcome = CommandOutcomes.Repeat;
                            return Answer(first, receipt, command.Path, who);
                        }

                        outcome = CommandOutcomes.Conflict;
                        return new Reply
                        {
                            Tone = ReplyTone.Warning,
                            Text = Localization.Text.Get(PlatformCulture(who), "Executor.Conflict"),
                        };
                    }
                }
                finally
                {
                    if (held is not null)
                    {
                        await held.DisposeAsync();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcome = CommandOutcomes.Cancelled;
                throw;
            }
            catch (Exception ex) when (outage is not null && (outage.Report(ex) || outage.IsDown))
            {
                outcome = CommandOutcomes.Unavailable;
                // The database is away (logged once for the whole outage): nothing was written, and trying again will work.
                // While it is known to be away, any failure is put down to it: a connection that broke mid-transaction fails
                // the statements after it with errors of its own.
                return Reply.Error(Localization.Text.Get(PlatformCulture(who), "Executor.Unavailable"));
            }
            catch (Exception ex)
            {
                return Failed(ex, command.Path, who, "running");
            }
            finally
            {
                if (shared is not null)
                {
                    await shared.DisposeAsync();
                }
            }
        }
        finally
        {
            if (!rehearsal)
            {
                var elapsed = time.GetElapsedTime(started);
                metrics?.CommandDone(tag, who.Community.Platform, outcome, elapsed);
                stats?.Record(who.Community, elapsed, time.GetUtcNow().UtcDateTime);
                if (span is not null)
                {
                    span.DisplayName = tag;
                    span.SetTag("studybot.command", tag);
                    span.SetTag("studybot.platform", StudyBotMetrics.Platform(who.Community.Platform));
                    span.SetTag("studybot.outcome", outcome);
                }
            }
        }
    }

    /// <summary>
    /// Whether the command at <paramref name="path"/> is answered from the catalog alone (its handler reads nothing of the
    /// member): it touches no database, so an adapter may run it on the request's thread, and its reply is the same for
    /// everyone who gets it, so an adapter may keep its rendering. False for every command when the handlers cannot be
    /// listed (the engine reports its own trouble when a command runs).
    /// </summary>
    public bool AnswersFromCatalog(string path)
    {
        var paths = _answeredFromCatalog;
        if (paths is null)
        {
            try
            {
                using var scope = scopes.CreateScope();
                paths = scope.ServiceProvider.GetServices<ICommandHandler>().Where(h => !h.ReadsMember).Select(h => h.Path).ToFrozenSet(StringComparer.Ordinal);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                paths = FrozenSet<string>.Empty;
            }

            _answeredFromCatalog = paths;
        }

        return paths.Contains(path);
    }

    /// <summary>
    /// The handler of a command path: the first registered for it, as listing them all gives it, but built alone where it can
    /// be resolved by its own type to the very instance the list holds (StudyBot's handlers, see
    /// <c>CoreServiceCollectionExtensions.AddHandler</c>); building all fifty handlers and their stores was a cost of every command.
    /// </summary>
    private ICommandHandler? FindHandler(IServiceProvider services, string path)
    {
        var byPath = _handlerTypes ??= MapHandlers(services);
        return byPath.TryGetValue(path, out var type) && type is not null
            ? (ICommandHandler)services.GetRequiredService(type)
            : services.GetServices<ICommandHandler>().FirstOrDefault(h => h.Path == path);
    }

    /// <summary>
    /// Each path's handler type, when resolving that type gives the handler the list has first for the path; null when it does
    /// not (a handler made by a factory of its own, as tests register ahead of StudyBot's), which is then found in the list.
    /// </summary>
    private static FrozenDictionary<string, Type?> MapHandlers(IServiceProvider services)
    {
        var map = new Dictionary<string, Type?>(StringComparer.Ordinal);
        foreach (var handler in services.GetServices<ICommandHandler>())
        {
            if (!map.ContainsKey(handler.Path))
            {
                var type = handler.GetType();
                map[handler.Path] = ReferenceEquals(services.GetService(type), handler) ? type : null;
            }
        }

        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The context of a handler that reads nothing of the member (<see cref="ICommandHandler.ReadsMember"/>): placeholders, no database.</summary>
    private CommandContext WithoutMember(MemberRef who, CommandRequest request, CommandDefinition command) => new()
    {
        Who = who,
        Request = request,
        Command = command,
        Catalog = catalog,
        Roadmap = roadmaps.Default.In(Localization.Languages.Resolve(null, who.Locale, null)),
        Snapshot = new MemberSnapshot
        {
            Community = new Community { Platform = who.Community.Platform, ExternalId = who.Community.ExternalId, Name = who.Community.Name, RoadmapId = roadmaps.Default.Id, TimeZoneId = DefaultZone },
            Member = new MemberProfile { UserId = who.UserId, DisplayName = who.DisplayName, TimeZoneId = DefaultZone },
            Items = new Dictionary<string, ItemState>(),
            Days = [],
            Goals = [],
        },
        Now = time.GetUtcNow(),
        MemberText = (memberText ?? MemberText.None).For(who.Community.Platform),

        // Without the member's row only the platform's locale is known (help builds no store, on purpose: it is the
        // cheapest command there is): such replies are the same for everyone with that locale.
        Language = Localization.Languages.Resolve(null, who.Locale, null),
    };

    /// <summary>
    /// The culture of replies given before the member's row is read (refusals, outages, failures): their platform's
    /// language, else English.
    /// </summary>
    private static System.Globalization.CultureInfo PlatformCulture(MemberRef who) =>
        Localization.Languages.Culture(Localization.Languages.Resolve(null, who.Locale, null));

    /// <summary>A command's <c>command</c> tag: its catalog path (a bounded set), or "unknown"; never what the member typed.</summary>
    private static string CommandTag(CommandDefinition? command) => command?.Path ?? "unknown";

    /// <summary>Records a command answered before it reached <see cref="RunAsync(MemberRef, CommandRequest, CommandArrival?, CancellationToken)"/> (bad input).</summary>
    private void Measure(MemberRef who, string command, string outcome, long started) =>
        metrics?.CommandDone(command, who.Community.Platform, outcome, time.GetElapsedTime(started));

    private Reply StillBusy(string path, MemberRef who)
    {
        LogStillBusy(path, who.Community.Platform);
        return new Reply
        {
            Tone = ReplyTone.Warning,
            Text = Localization.Text.Get(PlatformCulture(who), "Executor.StillBusy"),
        };
    }

    /// <summary>What the member hears when the database cannot be reached: nothing was changed, and it is worth trying again (English; Executor.Unavailable).</summary>
    public const string UnavailableText = "I can't reach my database right now, so nothing was changed. Please try again in a minute.";

    /// <summary>What the member hears when a command fails on StudyBot's side: nothing was changed (English; Executor.Failed).</summary>
    public const string FailedText = "Sorry, something went wrong on my side and nothing was changed.";

    /// <summary>
    /// Logs a failure with the command's path, the platform and where it failed, and the exception's type chain and
    /// stack trace, never its message: messages such as FormatException's quote the member's words.
    /// </summary>
    private Reply Failed(Exception ex, string path, MemberRef who, string stage)
    {
        LogCommandFailed(path, who.Community.Platform, stage, Describe(ex));
        return Reply.Error(Localization.Text.Get(PlatformCulture(who), "Executor.Failed"));
    }

    /// <summary>An exception without its messages: "FormatException at ... (inner: ...)", safe to log.</summary>
    public static string Describe(Exception ex)
    {
        var sb = new System.Text.StringBuilder();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            sb.Append(e == ex ? "" : "\n --- inner: ").Append(e.GetType().FullName).Append('\n').Append(e.StackTrace);
        }

        return sb.ToString();
    }

    /// <summary>The command a line is about, from catalog names only, for a log line; never throws.</summary>
    private string SafePath(string text)
    {
        try
        {
            return _parser.PathOf(text);
        }
        catch (Exception)
        {
            return "(unknown)";
        }
    }

    /// <summary>
    /// The member's name as the platform sent it, made safe to show anywhere (no control, direction or invisible
    /// formatting characters); a name with nothing visible left counts as unknown, so the stored one is used.
    /// </summary>
    private static MemberRef WithCleanName(MemberRef who)
    {
        var clean = TextInput.CleanName(who.DisplayName);
        if (clean == who.DisplayName)
        {
            return who;
        }

        return clean.Length > 0
            ? who with { DisplayName = clean }
            : who with { DisplayName = TextInput.CleanName(who.UserId) is { Length: > 0 } id ? id : "member", DisplayNameUnknown = true };
    }

    /// <summary>
    /// Loads the member, runs the handler and commits its changes with the receipt: the reply, and the commit's result
    /// (null when there was nothing to commit).
    /// </summary>
    private async Task<(Reply Reply, CommitResult? Commit)> RunOnceAsync(
        IProgressStore store,
        ICommandHandler handler,
        Delivery? receipt,
        bool rehearsal,
        MemberRef who,
        CommandRequest request,
        CommandDefinition command,
        NewcomerDefaults defaults,
        CancellationToken cancellationToken)
    {
        var snapshot = await store.LoadAsync(who, defaults, cancellationToken);

        // The store gives a member it has not met the community's zone, which is only the fallback: the zone their
        // platform reports for them (Slack's users.info) is their own.
        if (snapshot.Member.IsNew && TimeZones.TryNormalize(who.TimeZoneHint, out var hint) && snapshot.Member.TimeZoneId != hint)
        {
            snapshot = snapshot with { Member = snapshot.Member with { TimeZoneId = hint } };
        }

        who = WithStoredName(who, snapshot);
        var language = Localization.Languages.Resolve(snapshot.Member.Language, who.Locale, snapshot.Community.Language);
        var context = new CommandContext
        {
            Who = who,
            Request = request,
            Command = command,
            Catalog = catalog,

            // The roadmap's titles in the member's language where its file gives them (Roadmap.In), else its main language.
            Roadmap = roadmaps.ForMember(snapshot).In(language),
            Snapshot = snapshot,
            Now = time.GetUtcNow(),
            MemberText = (memberText ?? MemberText.None).For(who.Community.Platform),
            Language = language,
        };

        var result = await handler.HandleAsync(context, cancellationToken);
        var reply = result.Reply;
        var changes = result.Changes;
        var reminders = snapshot.Member.Reminders;

        // The bot could not DM this member: say so once, privately, with their next successful command.
        if (reminders.DmNoticePending && reply.Tone is not (ReplyTone.Error or ReplyTone.Warning))
        {
            changes ??= context.NewChanges();
            changes.ClearDmNotice = true;
            reply = reply with { FollowUps = [.. reply.FollowUps, DmClosedNotice(who.Community.Platform)] };
        }

        if (changes is null || changes.IsEmpty)
        {
            // Read-only commands keep no receipt: a repeat simply answers again. Handlers that saved through
            // their own store get theirs now, in a transaction of its own.
            if (receipt is not null && handler.SavesOwnChanges && reply.Tone is not ReplyTone.Error)
            {
                await receipt.Store.AddAsync(receipt.For(who, reply, context.Now.UtcDateTime), cancellationToken);
            }

            return (reply, null);
        }

        // Coming back after a quiet spell lifts the fresh-start pause.
        if (changes.IsActivity && changes.Reminders is null && (reminders.Paused || reminders.FreshStartPending))
        {
            var prefs = changes.Profile?.Preferences ?? snapshot.Member.Preferences;
            changes.Reminders = new ReminderReset(ReminderPlanner.Resume(prefs, (changes.Profile ?? snapshot.Member).TimeZoneId, context.Now));
        }

        var celebrations = await AddCompletionsAsync(context, store, changes, cancellationToken);
        if (celebrations.Count > 0)
        {
            reply = reply with { FollowUps = [.. reply.FollowUps, .. celebrations] };
        }

        changes.Receipt = receipt?.For(who, reply, context.Now.UtcDateTime);
        changes.Rehearsal = rehearsal;
        var commit = await store.CommitAsync(who, snapshot, changes, cancellationToken);
        return (reply, commit);
    }

    /// <summary>
    /// Autocomplete for an option of a command: the member's own in-progress and next items come first.
    /// Never throws; on any problem it returns no suggestions.
    /// </summary>
    public async Task<IReadOnlyList<Suggestion>> SuggestAsync(MemberRef who, string path, string optionName, string typed, CancellationToken cancellationToken)
    {
        var option = catalog.Find(path)?.Option(optionName);
        if (option is null || option.Autocomplete == AutocompleteSource.None)
        {
            return [];
        }

        try
        {
            MemberSnapshot? snapshot = null;
            if (option.Autocomplete is AutocompleteSource.RoadmapItems or AutocompleteSource.ItemsAndPhases or AutocompleteSource.Roadmaps)
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
                snapshot = await store.LoadAsync(who, new NewcomerDefaults(roadmaps.Default.Id, DefaultZone), cancellationToken);
                if (option.Autocomplete == AutocompleteSource.Roadmaps)
                {
                    return await Handlers.RoadmapChoice.SuggestAsync(roadmaps, scope.ServiceProvider.GetService<ICommunityRoadmapStore>(), who, snapshot, path, typed.Length > 100 ? typed[..100] : typed, cancellationToken);
                }
            }

            var roadmap = snapshot is null ? roadmaps.Default : roadmaps.ForMember(snapshot);
            return Autocomplete.For(option.Autocomplete, roadmap, snapshot, typed.Length > 100 ? typed[..100] : typed, catalog);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (outage?.Report(ex) == true)
        {
            return [];
        }
        catch (Exception ex)
        {
            LogSuggestFailed(path, who.Community.Platform, Describe(ex));
            return [];
        }
    }

    /// <summary>Deletes receipts older than <see cref="CommandReceipts.Retention"/> (the retention job runs it hourly).</summary>
    public async Task<int> PruneReceiptsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var pruned = await scope.ServiceProvider.GetRequiredService<ICommandReceiptStore>()
            .PruneAsync(time.GetUtcNow().UtcDateTime - CommandReceipts.Retention, cancellationToken);
        if (pruned > 0)
        {
            LogPruned(pruned);
        }

        return pruned;
    }

    /// <summary>
    /// The community a direct message to the bot belongs to: where the user was last active on that platform,
    /// or a personal one ("dm:&lt;userId&gt;") when they have never used the bot in a community.
    /// </summary>
    public async Task<CommunityRef> DirectMessageCommunityAsync(string platform, string userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
        return await store.FindHomeCommunityAsync(platform, userId, cancellationToken)
            ?? new CommunityRef(platform, $"dm:{userId}", "Direct messages");
    }

    /// <summary>
    /// Warms up what the first command after a start would otherwise pay for (330 to 1,180 ms measured): it runs a
    /// few representative commands start to finish for a member who does not exist, as a rehearsal that keeps
    /// nothing. Parsing and validation (and the minutes regex), the receipt lookup, the member's load query, the
    /// handlers and their reply text, the commit's statements and the receipt's JSON all run for real, so the JIT,
    /// EF Core's model and compiled queries and SQLite's write path are warm; the commit is then rolled back.
    /// Failures are logged, never thrown: a warm-up that fails only leaves the first command slower. A stop ends it
    /// between commands. Returns how many of the rehearsed commands were answered without an error.
    /// </summary>
    public async Task<int> WarmUpAsync(CancellationToken cancellationToken)
    {
        var roadmap = roadmaps.Default;
        var item = roadmap.Items.Count > 0 ? roadmap.Items[0].Id : "warm-up";
        var community = new CommunityRef("warm-up", "warm-up", "Warm-up");
        var who = new MemberRef(community, "warm-up", "Warm-up");
        string[] commands = ["/progress", $"/progress done {item}", "/progress log 1h30 practice", "/progress next", "/progress streak"];
        var answered = 0;
        for (var i = 0; i < commands.Length && !cancellationToken.IsCancellationRequested; i++)
        {
            var parsed = _parser.Parse(commands[i]);
            if (!parsed.Ok)
            {
                continue;
            }

            var arrival = Arrive(community.Platform, community.ExternalId, who.UserId, $"warm-up-{i}");
            arrival.Rehearsal = true;

            // A stop is honoured between commands, never inside one: a rehearsal cut off mid-transaction would leave
            // an error from the database layer in the log of a host that merely stopped at once.
            var reply = await RunAsync(who, parsed.Request!, arrival, CancellationToken.None);
            answered += reply.Tone == ReplyTone.Error ? 0 : 1;
        }

        return answered;
    }

    /// <summary>A delivery seen before: its first answer when it asked for the same, else a refusal; nothing runs.</summary>
    private Reply Answer(CommandReceipt seen, Delivery delivery, string path, MemberRef who)
    {
        if (seen.Fingerprint == delivery.Fingerprint)
        {
            LogRepeat(path, who.Community.Platform);
            return CommandReceipts.Repeat(seen);
        }

        LogIdReused(path, who.Community.Platform);
        return CommandReceipts.Refused();
    }

    /// <summary>
    /// An adapter could not deliver a notice this executor marked as shown (<see cref="Reply.Notice"/>), for example a
    /// follow-up Discord refused: the member is told again with their next command. Store problems are logged, not thrown.
    /// </summary>
    public async Task NoticeUndeliveredAsync(MemberRef who, ReplyNotice notice, CancellationToken cancellationToken)
    {
        if (notice != ReplyNotice.DmClosed)
        {
            return;
        }

        try
        {
            who = WithCleanName(who);
            await using var scope = scopes.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<IProgressStore>();
            var snapshot = await store.LoadAsync(who, new NewcomerDefaults(roadmaps.Default.Id, DefaultZone), cancellationToken);
            if (snapshot.Member.IsNew || snapshot.Member.Reminders.DmNoticePending)
            {
                return;
            }

            var now = time.GetUtcNow();
            var changes = new ChangeSet(Guid.NewGuid(), now.UtcDateTime, TimeZones.LocalDate(now, snapshot.Member.TimeZoneId), who.UserId) { RestoreDmNotice = true };
            await store.CommitAsync(WithStoredName(who, snapshot), snapshot, changes, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            LogNoticeRestoreFailed(ex, who.Community.Platform);
        }
    }

    /// <summary>A member the platform sent without a name keeps the name stored for them, rather than showing their id.</summary>
    private static MemberRef WithStoredName(MemberRef who, MemberSnapshot snapshot) =>
        who.DisplayNameUnknown && !snapshot.Member.IsNew && !string.IsNullOrWhiteSpace(snapshot.Member.DisplayName)
            ? who with { DisplayName = snapshot.Member.DisplayName, DisplayNameUnknown = false }
            : who;

    private static Reply DmClosedNotice(string platform) => new()
    {
        Notice = ReplyNotice.DmClosed,
        Tone = ReplyTone.Warning,
        Text = platform == Platforms.Discord
            ? "📭 I couldn't deliver your study reminder: your DMs are closed to me. To get reminders, allow direct messages from server members (Privacy Settings), then run `/progress remind on`."
            : "📭 I couldn't deliver your study reminder by direct message. When you can receive DMs from me again, run `/progress remind on`.",
        Buttons = [new ReplyButton("Reminders on", "progress remind on")],
    };

    public static Reply ErrorReply(CommandError error) => ErrorReply(error, Localization.Languages.Default);

    /// <summary>The reply to a command that could not be read, with its usage and example, in <paramref name="culture"/>'s language.</summary>
    public static Reply ErrorReply(CommandError error, System.Globalization.CultureInfo culture)
    {
        var text = error.Message;
        if (error.Command is { IsLeaf: true } command)
        {
            text += "\n" + Localization.Text.Get(culture, "Parse.Usage", command.Usage);
            if (command.Example is not null)
            {
                text += "\n" + Localization.Text.Get(culture, "Parse.ExampleLine", command.Example);
            }
        }
        else if (error.Command is null && !text.Contains("/progress help", StringComparison.Ordinal))
        {
            text += "\n" + Localization.Text.Get(culture, "Parse.TryHelp");
        }

        return new Reply
        {
            Tone = ReplyTone.Error,
            Text = text,
            Buttons = error.Suggestion is { } s ? [new ReplyButton($"/{s}", s, ButtonStyle.Primary)] : [],
        };
    }

    /// <summary>Adds a completion record for each milestone or phase this change completes for the first time.</summary>
    private static async Task<List<Reply>> AddCompletionsAsync(CommandContext context, IProgressStore store, ChangeSet changes, CancellationToken cancellationToken)
    {
        if (changes.ItemChanges.Count == 0 || changes.Reverts is not null)
        {
            return [];
        }

        var after = new Dictionary<string, ItemState>(context.Snapshot.Items);
        foreach (var change in changes.ItemChanges)
        {
            after[change.ItemId] = change.To;
        }

        var roadmap = context.Roadmap;
        var before = ProgressMath.Completions(roadmap, context.State).Select(c => c.Key).ToHashSet();
        var replies = new List<Reply>();
        var fresh = ProgressMath.Completions(roadmap, id => after.TryGetValue(id, out var s) ? s : ItemState.NotStarted)
            .Where(c => !before.Contains(c.Key))
            .ToList();
        if (fresh.Count == 0)
        {
            return replies;
        }

        var recorded = context.Member.IsNew ? new HashSet<string>() : await store.LoadRecordedCompletionsAsync(context.Who, cancellationToken);
        foreach (var completion in fresh)
        {
            if (recorded.Contains(completion.Key))
            {
                continue;
            }

            changes.Completions.Add(completion);
            replies.Add(Celebrations.ForCompletion(roadmap, completion, id => after.TryGetValue(id, out var s) ? s : ItemState.NotStarted, context.Culture));
        }

        return replies;
    }

    /// <summary>A delivery's receipt store, its stored id and what it asks for.</summary>
    private sealed record Delivery(ICommandReceiptStore Store, string Id, string Fingerprint)
    {
        public CommandReceipt For(MemberRef who, Reply reply, DateTime atUtc) =>
            new(who.Community.Platform, who.Community.ExternalId, Id, who.UserId, Fingerprint, CommandReceipts.Store(reply), atUtc);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command '{Path}' from {Platform} arrived again; answered from its receipt, not run again")]
    private partial void LogRepeat(string path, string platform);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command '{Path}' from {Platform} reused the delivery id of a different command; refused")]
    private partial void LogIdReused(string path, string platform);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The language of a reply to an unreadable command could not be read ({Error}); the platform's is used")]
    private partial void LogLanguageUnknown(string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Deleted {Count} command receipts older than a day")]
    private partial void LogPruned(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command '{Path}' from {Platform} found the member changed since it loaded them (another process); running it again")]
    private partial void LogStale(string path, string platform);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command '{Path}' from {Platform} waited too long behind the member's previous command; not run")]
    private partial void LogStillBusy(string path, string platform);

    [LoggerMessage(Level = LogLevel.Error, Message = "No handler is registered for command '{Path}'")]
    private partial void LogNoHandler(string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "A {Platform} member's undelivered DM notice could not be kept pending; they will not be told again")]
    private partial void LogNoticeRestoreFailed(Exception ex, string platform);

    [LoggerMessage(Level = LogLevel.Error, Message = "Command '{Path}' from {Platform} failed while {Stage}: {Exception}")]
    private partial void LogCommandFailed(string path, string platform, string stage, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Autocomplete for '{Path}' from {Platform} failed: {Exception}")]
    private partial void LogSuggestFailed(string path, string platform, string exception);
}
