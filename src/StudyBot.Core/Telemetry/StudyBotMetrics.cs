using System.Diagnostics;
using System.Diagnostics.Metrics;
using StudyBot.Core.Chat;

namespace StudyBot.Core.Telemetry;

/// <summary>
/// StudyBot's instruments, on one <see cref="Meter"/> named <see cref="MeterName"/> (made by the host's
/// <see cref="IMeterFactory"/>, so each container, and each test, has meters of its own). Every tag value is from a
/// bounded set: command paths from the catalog ("unknown" otherwise), platform names, outcomes, kinds, HTTP route
/// templates and status codes. Never a member's name or id, a community or channel id, or a member's text.
/// <para>
/// Recording costs next to nothing while nobody listens (no exporter, no <see cref="MeterListener"/>): each instrument
/// checks for subscribers first; the tag lists are built on the stack, from strings that already exist.
/// </para>
/// </summary>
public sealed class StudyBotMetrics : IDisposable
{
    public const string MeterName = "StudyBot";

    /// <summary>Latency buckets in seconds, from 5 ms to 10 s (those of ASP.NET Core's request duration).</summary>
    private static readonly IReadOnlyList<double> SecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    /// <summary>Delays in seconds, from 1 s to a day (reminder lag, 429 waits).</summary>
    private static readonly IReadOnlyList<double> DelayBuckets = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400];

    private readonly Meter _meter;
    private readonly Counter<long> _commands;
    private readonly Histogram<double> _commandDuration;
    private readonly Counter<long> _deferred;
    private readonly Counter<long> _outboxMessages;
    private readonly Histogram<double> _reminderLag;
    private readonly Counter<long> _platformRequests;
    private readonly Histogram<double> _platformRequestDuration;
    private readonly Counter<long> _rateLimited;
    private readonly Histogram<double> _rateLimitWait;
    private readonly Counter<long> _roleGrants;
    private readonly Histogram<double> _writeWait;
    private Func<IReadOnlyList<OutboxBacklog>>? _backlog;
    private Func<IReadOnlyList<Operations.ConnectionSnapshot>>? _connections;

    public StudyBotMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _commands = _meter.CreateCounter<long>("studybot.commands", "{command}", "Commands answered, by command, platform and outcome.");
        _commandDuration = _meter.CreateHistogram("studybot.command.duration", "s", "Time from a command reaching the engine to its reply, by command, platform and outcome.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _deferred = _meter.CreateCounter<long>("studybot.deferred_answers", "{answer}", "Replies deferred past the platform's 3-second window and completed later, by platform.");
        _outboxMessages = _meter.CreateCounter<long>("studybot.outbox.messages", "{message}", "Outbox messages handled, by platform, kind and result (sent, retried, failed, dropped).");
        _reminderLag = _meter.CreateHistogram("studybot.reminder.lag", "s", "Time from a reminder's due time to its delivery, by platform.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DelayBuckets });
        _platformRequests = _meter.CreateCounter<long>("studybot.platform.requests", "{request}", "Calls to a platform's HTTP API, by platform, route template and status code.");
        _platformRequestDuration = _meter.CreateHistogram("studybot.platform.request.duration", "s", "Duration of calls to a platform's HTTP API, by platform and route template.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _rateLimited = _meter.CreateCounter<long>("studybot.platform.rate_limited", "{response}", "429 answers from a platform, by platform and route template.");
        _rateLimitWait = _meter.CreateHistogram("studybot.platform.rate_limit.wait", "s", "How long a platform's 429 asked StudyBot to wait, by platform.", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DelayBuckets });
        _roleGrants = _meter.CreateCounter<long>("studybot.role_grants", "{grant}", "Discord phase-role grants, by result (granted, already_had, retried, stopped).");
        _writeWait = _meter.CreateHistogram("studybot.db.write_wait", "s", "Time a write waited for the database's single writer (SQLite).", tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _meter.CreateObservableGauge("studybot.outbox.pending", ObservePending, "{message}", "Outbox messages due and not yet delivered, by platform.");
        _meter.CreateObservableGauge("studybot.outbox.oldest_due_age", ObserveOldest, "s", "Age of the oldest due, undelivered outbox message, by platform (0 when none waits).");
        _meter.CreateObservableGauge("studybot.connections", ObserveConnectionStates, "{connection}", "Gateway and Socket Mode connections of this process, by platform and state (connecting, connected, disconnected).");
        _meter.CreateObservableCounter("studybot.connection.reconnects", () => ObserveConnectionCounts(c => c.Reconnects), "{reconnect}", "Times a gateway or Socket Mode connection connected again after it had been connected, by platform.");
        _meter.CreateObservableCounter("studybot.connection.resumes", () => ObserveConnectionCounts(c => c.Resumes), "{resume}", "Discord gateway sessions resumed rather than started afresh, by platform.");
    }

    /// <summary>The meter, for tests that listen to this container's instruments only.</summary>
    public Meter Meter => _meter;

    /// <summary>
    /// Where the outbox gauges read from: a cheap, cached count per platform (the host's <c>OutboxBacklogReader</c>).
    /// Called on the collecting thread, so it must not block on the database.
    /// </summary>
    public void ObserveOutbox(Func<IReadOnlyList<OutboxBacklog>> backlog) => _backlog = backlog;

    /// <summary>Where the connection gauges read from: the connection-state registry (<see cref="Operations.ConnectionStates"/>).</summary>
    public void ObserveConnections(Func<IReadOnlyList<Operations.ConnectionSnapshot>> snapshot) => _connections = snapshot;

    public void CommandDone(string command, string platform, string outcome, TimeSpan elapsed)
    {
        if (!_commands.Enabled && !_commandDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "command", command },
            { "platform", Platform(platform) },
            { "outcome", outcome },
        };
        _commands.Add(1, in tags);
        _commandDuration.Record(elapsed.TotalSeconds, in tags);
    }

    public void Deferred(string platform) => _deferred.Add(1, new KeyValuePair<string, object?>("platform", Platform(platform)));

    public void OutboxMessage(string platform, string kind, string result)
    {
        if (_outboxMessages.Enabled)
        {
            _outboxMessages.Add(1, new TagList { { "platform", Platform(platform) }, { "kind", kind }, { "result", result } });
        }
    }

    public void ReminderDelivered(string platform, TimeSpan lag) =>
        _reminderLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("platform", Platform(platform)));

    /// <param name="route">The route's template, as the platform documents it (<c>/channels/{channel.id}/messages</c>, <c>chat.postMessage</c>), never the URL with ids.</param>
    /// <param name="status">The HTTP status, or 0 when no answer came (a network failure, a timeout).</param>
    public void PlatformCall(string platform, string route, int status, TimeSpan elapsed)
    {
        if (!_platformRequests.Enabled && !_platformRequestDuration.Enabled)
        {
            return;
        }

        var tags = new TagList { { "platform", Platform(platform) }, { "route", route }, { "status", StatusText(status) } };
        _platformRequests.Add(1, in tags);
        _platformRequestDuration.Record(elapsed.TotalSeconds, new TagList { { "platform", Platform(platform) }, { "route", route } });
    }

    public void RateLimited(string platform, string route, TimeSpan wait)
    {
        _rateLimited.Add(1, new TagList { { "platform", Platform(platform) }, { "route", route } });
        _rateLimitWait.Record(Math.Max(0, wait.TotalSeconds), new KeyValuePair<string, object?>("platform", Platform(platform)));
    }

    public void RoleGrant(string result) => _roleGrants.Add(1, new KeyValuePair<string, object?>("result", result));

    public void WriteWaited(TimeSpan wait) => _writeWait.Record(wait.TotalSeconds);

    public void Dispose() => _meter.Dispose();

    /// <summary>A platform name from the known set, "other" for anything else (a tag never carries free text).</summary>
    public static string Platform(string platform) => platform switch
    {
        Platforms.Discord => Platforms.Discord,
        Platforms.Slack => Platforms.Slack,
        Platforms.Console => Platforms.Console,
        _ => "other",
    };

    private static readonly string[] StatusTexts = Enumerable.Range(0, 600).Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string StatusText(int status) => status is >= 0 and < 600 ? StatusTexts[status] : "other";

    /// <summary>Per platform a count for every state (0s included, so a dashboard sees a connection leave a state).</summary>
    private IEnumerable<Measurement<long>> ObserveConnectionStates()
    {
        var snapshot = _connections?.Invoke() ?? [];
        foreach (var platform in snapshot.Select(c => Platform(c.Platform)).Distinct(StringComparer.Ordinal))
        {
            foreach (var state in States)
            {
                var count = snapshot.Count(c => Platform(c.Platform) == platform && c.State == state);
                yield return new Measurement<long>(count, new KeyValuePair<string, object?>("platform", platform), new KeyValuePair<string, object?>("state", StateText(state)));
            }
        }
    }

    private static readonly Operations.ConnectionState[] States = [Operations.ConnectionState.Connecting, Operations.ConnectionState.Connected, Operations.ConnectionState.Disconnected];

    private IEnumerable<Measurement<long>> ObserveConnectionCounts(Func<Operations.ConnectionSnapshot, long> count) =>
        (_connections?.Invoke() ?? [])
            .GroupBy(c => Platform(c.Platform), StringComparer.Ordinal)
            .Select(g => new Measurement<long>(g.Sum(count), new KeyValuePair<string, object?>("platform", g.Key)));

    private static string StateText(Operations.ConnectionState state) => state switch
    {
        Operations.ConnectionState.Connecting => "connecting",
        Operations.ConnectionState.Connected => "connected",
        _ => "disconnected",
    };

    private IEnumerable<Measurement<long>> ObservePending() =>
        (_backlog?.Invoke() ?? []).Select(b => new Measurement<long>(b.Pending, new KeyValuePair<string, object?>("platform", Platform(b.Platform))));

    private IEnumerable<Measurement<double>> ObserveOldest() =>
        (_backlog?.Invoke() ?? []).Select(b => new Measurement<double>(b.OldestDueAge.TotalSeconds, new KeyValuePair<string, object?>("platform", Platform(b.Platform))));
}

/// <summary>A platform's due, undelivered outbox messages: how many, and how long the oldest has waited.</summary>
public readonly record struct OutboxBacklog(string Platform, long Pending, TimeSpan OldestDueAge);

/// <summary>Outcomes of a command, the <c>outcome</c> tag of <c>studybot.commands</c>.</summary>
public static class CommandOutcomes
{
    /// <summary>Answered (whatever the answer said).</summary>
    public const string Ok = "ok";

    /// <summary>Bad input: the reply says what was wrong (an unknown command, a bad option, an item not found).</summary>
    public const string Invalid = "invalid";

    /// <summary>An admin command from someone who is not an admin.</summary>
    public const string Denied = "denied";

    /// <summary>Waited too long behind the member's previous command; not run.</summary>
    public const string Busy = "busy";

    /// <summary>A delivery seen before, answered from its receipt (or refused); nothing ran.</summary>
    public const string Repeat = "repeat";

    /// <summary>Another process changed the member meanwhile; nothing saved.</summary>
    public const string Conflict = "conflict";

    /// <summary>The database was away.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>A bug: logged and answered with an apology.</summary>
    public const string Failed = "failed";

    /// <summary>The host stopped while it ran.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>StudyBot's <see cref="ActivitySource"/>: spans for a command (engine, store) and for a delivery (outbox).</summary>
public static class StudyBotTrace
{
    public const string SourceName = "StudyBot";

    /// <summary>
    /// The one source. <see cref="ActivitySource.StartActivity(string, ActivityKind)"/> returns null while nothing listens
    /// (no OTLP exporter, no test listener), so an unobserved span costs one check.
    /// </summary>
    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Length of a W3C <c>traceparent</c> (version 00): the longest value stored beside queued work.</summary>
    public const int MaxParentLength = 55;

    /// <summary>
    /// The current span as a W3C <c>traceparent</c>, to store beside work another job picks up later (a completion event,
    /// an outbox row) so that job's span continues the trace; null when nothing is traced.
    /// </summary>
    public static string? CurrentParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { Length: <= MaxParentLength } id } ? id : null;

    /// <summary>
    /// Starts a span under the stored <paramref name="traceParent"/> (a command's, a celebration's): the delivery of a
    /// message continues the trace of what caused it. A missing or damaged value starts a trace of its own.
    /// </summary>
    public static Activity? StartContinuing(string name, string? traceParent, ActivityKind kind = ActivityKind.Internal)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        return traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent)
            ? Source.StartActivity(name, kind, parent)
            : Source.StartActivity(name, kind);
    }
}
