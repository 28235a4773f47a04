using StudyBot.Core.Chat;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Notifications;

public enum BoardPeriod
{
    Week = 0,
    Month = 1,
    All = 2,
}

public enum BoardMetric
{
    Points = 0,
    Minutes = 1,
    Consistency = 2,
    Improved = 3,

    /// <summary>Minutes from focus sessions (issue 16); shown like minutes: public members only.</summary>
    Focus = 4,
}

/// <summary>
/// What to rank. The store applies the privacy rules: private members never appear; members who started
/// after <see cref="BeginnerCutoff"/> appear only if public; minute boards show public members only.
/// </summary>
public sealed record BoardQuery(BoardPeriod Period, BoardMetric Metric, DateOnly PeriodStart, DateOnly BeginnerCutoff, int Limit);

public sealed record BoardEntry(string UserId, string DisplayName, PrivacyLevel Privacy, int Points, int Minutes, int ItemsDone, int ActiveDays, int Improvement);

/// <summary>
/// Where the member asking for a board stands on it, from their own totals: the metric's value for the period, and
/// what decides whether others see them (privacy, and the first four weeks, until <see cref="ShownFrom"/>).
/// </summary>
public sealed record ViewerStanding(int Value, PrivacyLevel Privacy, bool Beginner, DateOnly? ShownFrom);

public interface ILeaderboardStore
{
    Task<IReadOnlyList<BoardEntry>> TopAsync(CommunityRef community, BoardQuery query, CancellationToken cancellationToken);
}

/// <summary>Finds a community's channels as its platform names them; one implementation per adapter.</summary>
public interface IChannelDirectory
{
    string Platform { get; }

    /// <summary>The channel the text names ("#wins", "&lt;#123&gt;", an id), or null when there is no such channel.</summary>
    Task<ChannelInfo?> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken);
}

/// <summary>A channel as the platform names it. <see cref="Refusal"/> says, in words for the admin, why StudyBot cannot use it.</summary>
public sealed record ChannelInfo(string Id, string Name)
{
    /// <summary>
    /// Why StudyBot cannot post there now (not a member, archived, it could not check), as a sentence for the admin who
    /// asked, in English; null when it can. A channel with a refusal is not saved. Set either this or <see cref="RefusalKey"/>.
    /// </summary>
    public string? Refusal
    {
        get => RefusalIn(Localization.Languages.Default);
        init => _refusal = value;
    }

    /// <summary>The refusal as a text key (Resources/Channels.resx, "Channels.Archived") with <see cref="RefusalArgs"/>, so it can be said in any language.</summary>
    public string? RefusalKey { get; init; }

    /// <summary>The placeholders of <see cref="RefusalKey"/>'s text.</summary>
    public IReadOnlyList<object> RefusalArgs { get; init; } = [];

    private readonly string? _refusal;

    /// <summary>The refusal in <paramref name="culture"/>'s language; null when StudyBot can post there.</summary>
    public string? RefusalIn(System.Globalization.CultureInfo culture) =>
        RefusalKey is { } key ? Localization.Text.Get(culture, key, [.. RefusalArgs]) : _refusal;
}

/// <summary>A lasting problem with a posting channel, recorded when the admins were told, so they are told once.</summary>
public sealed record ChannelProblemRecord(string ChannelId, ChannelProblem Problem, DateTime ReportedAtUtc);

/// <summary>Who hears of a channel problem: the admin who last chose a posting channel.</summary>
public sealed record ChannelContact(string UserId, string DisplayName)
{
    /// <summary>The admin's language for the notice ("en", "de"): their choice, their platform's locale, the community's.</summary>
    public string? Language { get; init; }
}

/// <summary>Problems with the community's posting channels, reported to its admins once each. Every call is scoped to one community.</summary>
public interface IChannelProblemStore
{
    /// <summary>The admin to tell, or null when no one is on record (channels chosen before StudyBot kept track).</summary>
    Task<ChannelContact?> ContactAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: records the problem and writes the admins' <paramref name="notice"/> the first time only
    /// (once per community, channel and problem), and writes <paramref name="replacement"/> (a celebration by DM instead)
    /// unless its key exists. Returns whether the problem is new.
    /// </summary>
    Task<bool> ReportAsync(CommunityRef community, ChannelProblemRecord problem, OutboxMessage? notice, OutboxMessage? replacement, string? replacementMemberId, CancellationToken cancellationToken);

    /// <summary>The channel works (a post went through, or an admin chose it again after a check): forget its problems.</summary>
    Task ClearAsync(CommunityRef community, string channelId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ChannelProblemRecord>> ProblemsAsync(CommunityRef community, CancellationToken cancellationToken);
}

public enum OutboxTarget
{
    DirectMessage = 0,
    Channel = 1,
}

public static class OutboxKinds
{
    public const string Reminder = "reminder";
    public const string FreshStart = "fresh-start";
    public const string Celebration = "celebration";
    public const string Leaderboard = "leaderboard";
    public const string ChannelProblem = "channel-problem";
}

/// <summary>A message to deliver, keyed so that it is written and sent at most once.</summary>
public sealed record OutboxMessage(string Key, string Kind, OutboxTarget Target, string Platform, string CommunityExternalId, string CommunityName, string RecipientId, string RecipientName, Reply Message, DateTime DueAtUtc)
{
    /// <summary>
    /// Platform user ids of the other members the message names (the partner in an introduction or a nudge, the
    /// members on a leaderboard post), stored as their member ids: deleting one of them deletes the message.
    /// </summary>
    public IReadOnlyList<string> Mentions { get; init; } = [];

    /// <summary>A DM to a member, under <paramref name="key"/> (the message's idempotency key), due at <paramref name="dueAtUtc"/>.</summary>
    public static OutboxMessage DirectTo(string key, string kind, MemberRef to, Reply reply, DateTime dueAtUtc) =>
        new(key, kind, OutboxTarget.DirectMessage, to.Community.Platform, to.Community.ExternalId, to.Community.Name, to.UserId, to.DisplayName, reply, dueAtUtc);
}

/// <summary>An outbox row claimed for delivery. <paramref name="Failures"/> counts the transient failures so far (429s aside).</summary>
public sealed record OutboxEnvelope(long Id, OutboxMessage Message, int Failures)
{
    /// <summary>The member the message is about (a celebration's member, also when it goes to a channel), when there is one.</summary>
    public ChannelContact? Member { get; init; }

    /// <summary>The member's time zone, when the row has a member: a reminder's week ends at their Monday.</summary>
    public string? MemberTimeZone { get; init; }

    /// <summary>A reminder (or fresh start) for the same member was written after this one.</summary>
    public bool Superseded { get; init; }

    /// <summary>The stored message could not be read back (the row is damaged); <see cref="Message"/> has no words then.</summary>
    public bool Unreadable { get; init; }

    /// <summary>The trace of what wrote the row (a command, a celebration), continued by its delivery; null when untraced.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// Set when an earlier claim of this row ended with no result (its instance died or restarted mid-send): the
    /// message may already be out, sent at or after this time, so a notifier that can look checks before sending.
    /// </summary>
    public DateTime? MayHaveLandedSinceUtc { get; init; }
}

/// <summary>Why a message was not delivered, stored with its row and counted in <c>/studybot show</c>.</summary>
public enum UndeliveredReason
{
    /// <summary>The platform refused it for good (DMs closed, no access).</summary>
    Refused = 1,

    /// <summary>Every try failed for <see cref="OutboxRetry.MaxAge"/>.</summary>
    TooOld = 2,

    /// <summary>A reminder whose week had passed before it could go.</summary>
    WeekPassed = 3,

    /// <summary>A reminder replaced by a later one for the same member.</summary>
    Superseded = 4,

    /// <summary>The stored row could not be read back.</summary>
    Unreadable = 5,

    /// <summary>A channel post whose channel cannot be used; the admins are told, a celebration goes by DM instead.</summary>
    ChannelProblem = 6,
}

/// <summary>How many messages of a kind were not delivered for a reason.</summary>
public sealed record UndeliveredCount(string Kind, UndeliveredReason Reason, int Count);

/// <summary>A community's deliveries as admins see them: what was not delivered since a moment, and what is still waiting.</summary>
public sealed record DeliveryReport(IReadOnlyList<UndeliveredCount> Undelivered, int Waiting, DateTime? OldestWaitingDueUtc);

public sealed record DueReminder(MemberRef Member, DateTime DueAtUtc);

public sealed record PendingCelebration(long EventId, MemberRef Member, CompletionRecord Completion, DateTime AtUtc)
{
    /// <summary>The trace of the command that reached the completion, continued by its celebration; null when untraced.</summary>
    public string? TraceParent { get; init; }
}

public sealed record DueLeaderboard(CommunityRef Community, Community Settings, DateTime DueAtUtc);

/// <summary>Reminder bookkeeping. Each Apply is one transaction: the outbox row and the member's new state together.</summary>
public interface IReminderStore
{
    Task<IReadOnlyList<DueReminder>> DueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken);

    /// <summary>Reminders (and fresh starts) written for the member since the instant given.</summary>
    Task<int> SentSinceAsync(MemberRef member, DateTime sinceUtc, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the decision for the reminder due at <paramref name="dueAtUtc"/>. Returns false, writing nothing, if the
    /// member's schedule changed meanwhile (they snoozed or replanned) or the message key already exists.
    /// </summary>
    Task<bool> ApplyAsync(MemberRef member, DateTime dueAtUtc, ReminderState state, OutboxMessage? message, CancellationToken cancellationToken);
}

public interface ICelebrationStore
{
    Task<IReadOnlyList<PendingCelebration>> PendingAsync(DateTime recordedBeforeUtc, int limit, CancellationToken cancellationToken);

    /// <summary>Marks the event handled and writes its message (if any) in one transaction.</summary>
    Task ApplyAsync(long eventId, OutboxMessage? message, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>When the member first touched an item of the phase: the start of the time a completion took.</summary>
    Task<DateTime?> FirstActivityAsync(MemberRef member, IReadOnlyCollection<string> itemIds, CancellationToken cancellationToken);
}

public interface ILeaderboardScheduleStore
{
    Task<IReadOnlyList<DueLeaderboard>> DueAsync(DateTime nowUtc, int limit, CancellationToken cancellationToken);

    /// <summary>Schedules the next post and writes this one's message (if any) in one transaction.</summary>
    Task ApplyAsync(CommunityRef community, DateTime? nextAtUtc, OutboxMessage? message, CancellationToken cancellationToken);
}

/// <summary>
/// The messages waiting to be delivered. Claims belong to this instance (several may share the database): a claim is
/// the instance's for its lease, and marking or releasing a row touches it only while this instance still holds it.
/// </summary>
public interface IOutboxStore
{
    /// <summary>
    /// Claims for this instance up to <paramref name="limit"/> of <paramref name="platform"/>'s due messages (unclaimed, or
    /// whose claim ran out) for <paramref name="lease"/>, the longest waiting first; no other instance gets the same ones.
    /// A row whose stored message cannot be read comes back marked <see cref="OutboxEnvelope.Unreadable"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxEnvelope>> ClaimAsync(string platform, DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// At start-up: frees this instance's own claims left by an earlier run under the same instance id (a process that
    /// died). Other instances' claims are left alone: they may be alive; theirs run out with their lease.
    /// </summary>
    Task ReleaseClaimsAsync(CancellationToken cancellationToken);

    /// <summary>Frees this instance's claims on rows a run did not get to (its time was up); they are due as before.</summary>
    Task ReleaseAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    Task MarkSentAsync(long id, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Tries again at <paramref name="retryAtUtc"/>; a failure (not a rate limit) counts towards the backoff.</summary>
    Task MarkRetryAsync(long id, DateTime retryAtUtc, string reason, bool countsAsFailure, CancellationToken cancellationToken);

    /// <summary>Gives the message up, for <paramref name="reason"/>; <paramref name="detail"/> is for the log and the row.</summary>
    Task MarkFailedAsync(long id, DateTime nowUtc, UndeliveredReason reason, string detail, CancellationToken cancellationToken);

    /// <summary>The member's DMs are closed: stop reminders and tell them once, next time they use a command.</summary>
    Task MarkDmClosedAsync(string platform, string communityExternalId, string userId, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>What was not delivered in the community since <paramref name="sinceUtc"/>, and what is waiting (due before <paramref name="nowUtc"/>).</summary>
    Task<DeliveryReport> ReportAsync(CommunityRef community, DateTime sinceUtc, DateTime nowUtc, CancellationToken cancellationToken);
}
