namespace StudyBot.Data.Entities;

internal sealed class CommunityEntity
{
    public long Id { get; set; }

    public required string Platform { get; set; }

    public required string ExternalId { get; set; }

    public required string Name { get; set; }

    public required string RoadmapId { get; set; }

    public required string TimeZoneId { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

internal sealed class MemberEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string UserId { get; set; }

    public required string DisplayName { get; set; }

    public required string TimeZoneId { get; set; }

    public string? LearnerProfileId { get; set; }

    public int Path { get; set; }

    public int Pace { get; set; }

    public int? CustomHoursPerWeek { get; set; }

    public DateOnly? StartDate { get; set; }

    public bool Onboarded { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>A member's current state on one item; the history is in <see cref="ItemChangeEntity"/>.</summary>
internal sealed class ItemProgressEntity
{
    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public required string ItemId { get; set; }

    public int Status { get; set; }

    public int Reason { get; set; }

    public DateTime UpdatedAtUtc { get; set; }
}

/// <summary>Every status change, who made it and when. Undo marks the originals and records its own rows.</summary>
internal sealed class ItemChangeEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public Guid BatchId { get; set; }

    public required string ItemId { get; set; }

    public int FromStatus { get; set; }

    public int FromReason { get; set; }

    public int ToStatus { get; set; }

    public int ToReason { get; set; }

    public int Points { get; set; }

    public DateTime AtUtc { get; set; }

    public DateOnly LocalDate { get; set; }

    public required string ActorId { get; set; }

    public bool IsUndo { get; set; }

    public DateTime? UndoneAtUtc { get; set; }
}

internal sealed class StudyLogEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public Guid BatchId { get; set; }

    public int Minutes { get; set; }

    public int Kind { get; set; }

    public string? ItemId { get; set; }

    public string? Note { get; set; }

    public int Points { get; set; }

    public DateTime AtUtc { get; set; }

    public DateOnly LocalDate { get; set; }

    public required string ActorId { get; set; }

    public DateTime? RetractedAtUtc { get; set; }
}

internal sealed class GoalEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public int Period { get; set; }

    public int Unit { get; set; }

    public int Target { get; set; }

    public DateOnly EffectiveFrom { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>A milestone or phase a member completed, written with the change that completed it.</summary>
internal sealed class CompletionEventEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public int Kind { get; set; }

    public required string TargetId { get; set; }

    public Guid BatchId { get; set; }

    public DateTime AtUtc { get; set; }

    /// <summary>When the celebration went out; null until then.</summary>
    public DateTime? NotifiedAtUtc { get; set; }
}
