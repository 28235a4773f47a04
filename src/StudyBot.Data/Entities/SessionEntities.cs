namespace StudyBot.Data.Entities;

/// <summary>A group study session: one-off (<see cref="Weekly"/> false) or the same weekday and local time every week.</summary>
internal sealed class StudySessionEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    /// <summary>The member who planned it; null once their data is deleted (the session stays the community's).</summary>
    public long? PlannedByMemberId { get; set; }

    /// <summary>The IANA zone the local date and time are in (the community's when it was planned).</summary>
    public string TimeZoneId { get; set; } = "";

    /// <summary>The local date of the first occurrence; a weekly session repeats every 7 days from it.</summary>
    public DateOnly FirstDate { get; set; }

    public int MinutesOfDay { get; set; }

    public int Minutes { get; set; }

    public bool Weekly { get; set; }

    public string ChannelId { get; set; } = "";

    /// <summary>The channel's name when it was chosen, for texts ("#study-hall").</summary>
    public string ChannelName { get; set; } = "";

    public string? Topic { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? CancelledAtUtc { get; set; }

    /// <summary>A one-off session whose summary is written: the job no longer looks at it.</summary>
    public DateTime? DoneAtUtc { get; set; }
}

/// <summary>A member's answer (going, maybe, can't) for one occurrence of a session, keyed by its local date.</summary>
internal sealed class SessionRsvpEntity
{
    public long SessionId { get; set; }

    public DateOnly OccurrenceDate { get; set; }

    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public int Response { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>A member's check-in to one occurrence: at most one per member and occurrence (the key).</summary>
internal sealed class SessionCheckInEntity
{
    public long SessionId { get; set; }

    public DateOnly OccurrenceDate { get; set; }

    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    /// <summary>The minutes logged for it (the session's length, less what the daily cap left no room for).</summary>
    public int Minutes { get; set; }

    public DateTime AtUtc { get; set; }

    /// <summary>The commit that logged the minutes (StudyLogs.BatchId).</summary>
    public Guid BatchId { get; set; }
}

/// <summary>A community's session settings: whether members (not only admins) may plan sessions.</summary>
internal sealed class SessionSettingsEntity
{
    public long CommunityId { get; set; }

    public bool MembersMayPlan { get; set; }
}
