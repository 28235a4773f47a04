namespace StudyBot.Data.Entities;

/// <summary>One focus session or break of a member (issue 16). States are <c>Core.Focus.FocusState</c>.</summary>
internal sealed class FocusSessionEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public DateTime StartedAtUtc { get; set; }

    /// <summary>The planned end (moved by each +5 minutes).</summary>
    public DateTime EndsAtUtc { get; set; }

    /// <summary>Planned minutes; for a session stopped early, the minutes it ran.</summary>
    public int Minutes { get; set; }

    public string? ItemId { get; set; }

    public int Kind { get; set; }

    public int State { get; set; }

    public bool IsBreak { get; set; }

    /// <summary>The member's local date at the start: counts the day's sessions for the long break.</summary>
    public DateOnly LocalDate { get; set; }

    /// <summary>How often +5 minutes was pressed: part of the end message's key, so each end is told once.</summary>
    public int Extensions { get; set; }

    public DateTime? EndedAtUtc { get; set; }

    /// <summary>When the end message is due (past quiet hours), or the stop: an hour after it, autolog.</summary>
    public DateTime? NotifyAtUtc { get; set; }
}

/// <summary>A member's focus settings; no row means the defaults (autolog on).</summary>
internal sealed class FocusSettingEntity
{
    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public bool AutoLog { get; set; } = true;
}
