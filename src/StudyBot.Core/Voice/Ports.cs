using StudyBot.Core.Chat;

namespace StudyBot.Core.Voice;

/// <summary>One member's voice state as the platform reports it: the channel they are in (null: in none) and whether they hear anything.</summary>
public sealed record VoiceState(string UserId, string? ChannelId, bool Deafened);

/// <summary>A channel marked as a study room.</summary>
public sealed record StudyRoom(string ChannelId, string Name, DateTime AddedAtUtc);

/// <summary>What StudyBot knows of a member for voice tracking: whether they started and whether they chose to be ignored.</summary>
public sealed record VoiceMember(long MemberId, string UserId, bool Started, bool Ignored, string TimeZoneId);

/// <summary>A stretch of time a member sat (not deafened) in one study room. Open while <see cref="EndedAtUtc"/> is null.</summary>
public sealed record VoiceInterval(long Id, string UserId, string ChannelId, DateTime StartedAtUtc, DateTime LastSeenAtUtc, DateTime? EndedAtUtc, int? CountedMinutes);

/// <summary>A closed interval not yet counted, with what crediting it needs.</summary>
public sealed record PendingInterval(long Id, CommunityRef Community, string UserId, DateTime StartedAtUtc, DateTime EndedAtUtc);

/// <summary>The outcome of looking a channel up as a study room.</summary>
public enum VoiceChannelOutcome
{
    Found = 0,
    NotFound = 1,
    NotVoice = 2,
    Unavailable = 3,
}

/// <summary>A channel as the platform names it, and whether it is a voice (or stage) channel.</summary>
public sealed record VoiceChannelLookup(VoiceChannelOutcome Outcome, string? Id = null, string? Name = null);

/// <summary>The platform's channels, checked for being voice channels (Discord: types 2 and 13).</summary>
public interface IVoiceChannelDirectory
{
    string Platform { get; }

    /// <summary>The channel the text names ("&lt;#123&gt;", an id, a name).</summary>
    Task<VoiceChannelLookup> FindAsync(CommunityRef community, string text, CancellationToken cancellationToken);
}

/// <summary>Study rooms and voice intervals. Every call is scoped to one community.</summary>
public interface IVoiceRoomStore
{
    Task<IReadOnlyList<StudyRoom>> RoomsAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>Marks a channel as a study room (the community row is created when missing). False when it already was one.</summary>
    Task<bool> AddRoomAsync(CommunityRef community, StudyRoom room, Progress.NewcomerDefaults defaults, CancellationToken cancellationToken);

    /// <summary>Unmarks a room. False when it was not one.</summary>
    Task<bool> RemoveRoomAsync(CommunityRef community, string channelId, CancellationToken cancellationToken);

    /// <summary>The member as voice tracking sees them, or null when StudyBot has no row for them.</summary>
    Task<VoiceMember?> MemberAsync(CommunityRef community, string userId, CancellationToken cancellationToken);

    Task SetIgnoredAsync(long memberId, bool ignored, DateTime nowUtc, CancellationToken cancellationToken);

    /// <summary>Open intervals of the community (of one member when <paramref name="userId"/> is given).</summary>
    Task<IReadOnlyList<VoiceInterval>> OpenAsync(CommunityRef community, string? userId, CancellationToken cancellationToken);

    Task<long> OpenIntervalAsync(CommunityRef community, long memberId, string channelId, DateTime atUtc, CancellationToken cancellationToken);

    /// <summary>Closes an open interval at <paramref name="endedAtUtc"/>; false when it was closed already.</summary>
    Task<bool> CloseIntervalAsync(long intervalId, DateTime endedAtUtc, CancellationToken cancellationToken);

    /// <summary>Moves the last-seen time of these open intervals forward to <paramref name="seenAtUtc"/> (never back).</summary>
    Task TouchAsync(IReadOnlyCollection<long> intervalIds, DateTime seenAtUtc, CancellationToken cancellationToken);

    /// <summary>Closed intervals whose minutes are not counted yet, oldest first.</summary>
    Task<IReadOnlyList<PendingInterval>> PendingAsync(int max, CancellationToken cancellationToken);

    Task MarkCountedAsync(long intervalId, int minutes, CancellationToken cancellationToken);

    /// <summary>Communities that have open intervals.</summary>
    Task<IReadOnlyList<CommunityRef>> CommunitiesWithOpenAsync(CancellationToken cancellationToken);

    /// <summary>All of a member's intervals, oldest first (for tests and views).</summary>
    Task<IReadOnlyList<VoiceInterval>> IntervalsAsync(CommunityRef community, string userId, CancellationToken cancellationToken);
}

/// <summary>
/// Told of every voice state of a member StudyBot knows (joined, moved, left, deafened), whether or not the channel is a
/// study room, in the order the platform sent them. The hook for features that follow voice presence (e.g. checking
/// members into a group session held in voice channel C); register any number as singletons. A listener that throws is
/// logged and the others still run.
/// </summary>
public interface IVoicePresenceListener
{
    Task OnVoiceStateAsync(CommunityRef community, VoiceState state, DateTime atUtc, CancellationToken cancellationToken);
}
