namespace StudyBot.Data.Entities;

/// <summary>A voice channel an admin marked as a study room (Discord).</summary>
internal sealed class StudyRoomEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string ChannelId { get; set; }

    public required string Name { get; set; }

    public DateTime AddedAtUtc { get; set; }
}

/// <summary>
/// A stretch of time a member sat, not deafened, in one study room. Open while <see cref="EndedAtUtc"/> is null;
/// <see cref="LastSeenAtUtc"/> is the last moment StudyBot saw them there (an event or the heartbeat), where an interval
/// open across an outage is closed. <see cref="CountedMinutes"/> is set once its minutes went into the study log (0: too
/// short or over the daily cap).
/// </summary>
internal sealed class VoiceIntervalEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public required string ChannelId { get; set; }

    public DateTime StartedAtUtc { get; set; }

    public DateTime LastSeenAtUtc { get; set; }

    public DateTime? EndedAtUtc { get; set; }

    public int? CountedMinutes { get; set; }
}

/// <summary>A member who chose <c>/progress me rooms ignore</c>: their voice time is not tracked.</summary>
internal sealed class VoiceOptOutEntity
{
    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public DateTime AtUtc { get; set; }
}
