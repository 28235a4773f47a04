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

public sealed record ChannelInfo(string Id, string Name);

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
}

/// <summary>A message to deliver, keyed so that it is written and sent at most once.</summary>
public sealed record OutboxMessage(string Key, string Kind, OutboxTarget Target, string Platform, string CommunityExternalId, string CommunityName, string RecipientId, string RecipientName, Reply Message, DateTime DueAtUtc);

/// <summary>An outbox row claimed for delivery.</summary>
public sealed record OutboxEnvelope(long Id, OutboxMessage Message, int Attempts);

public sealed record DueReminder(MemberRef Member, DateTime DueAtUtc);

public sealed record PendingCelebration(long EventId, MemberRef Member, CompletionRecord Completion, DateTime AtUtc);

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

public interface IOutboxStore
{
    /// <summary>Claims up to <paramref name="limit"/> due messages for <paramref name="lease"/>, oldest first.</summary>
    Task<IReadOnlyList<OutboxEnvelope>> ClaimAsync(DateTime nowUtc, int limit, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Frees every claim: at start-up, claims can only be left over from a process that died.</summary>
    Task ReleaseClaimsAsync(CancellationToken cancellationToken);

    Task MarkSentAsync(long id, DateTime nowUtc, CancellationToken cancellationToken);

    Task MarkRetryAsync(long id, DateTime retryAtUtc, string reason, CancellationToken cancellationToken);

    Task MarkFailedAsync(long id, DateTime nowUtc, string reason, CancellationToken cancellationToken);

    /// <summary>The member's DMs are closed: stop reminders and tell them once, next time they use a command.</summary>
    Task MarkDmClosedAsync(string platform, string communityExternalId, string userId, DateTime nowUtc, CancellationToken cancellationToken);
}
