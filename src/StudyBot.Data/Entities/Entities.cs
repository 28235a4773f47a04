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

    public string? CelebrationChannel { get; set; }

    public string? LeaderboardChannel { get; set; }

    public int LeaderboardDay { get; set; } = (int)DayOfWeek.Monday;

    public int LeaderboardMinutes { get; set; } = 9 * 60;

    public int RemindersMaxPerWeek { get; set; } = 2;

    /// <summary>When the next weekly leaderboard is due; null means "work it out at the next check".</summary>
    public DateTime? NextLeaderboardAtUtc { get; set; }

    /// <summary>Weekly partner matching: the local day and time, or null when admins match by hand.</summary>
    public int? PartnersDay { get; set; }

    public int? PartnersMinutes { get; set; }

    public DateTime? NextPartnerMatchAtUtc { get; set; }

    /// <summary>When the bot was removed from the community; its data is deleted after the retention period.</summary>
    public DateTime? LeftAtUtc { get; set; }

    /// <summary>The admin (platform user id) who last chose a posting channel: told when StudyBot can no longer post there.</summary>
    public string? ChannelsSetBy { get; set; }

    /// <summary>The community's default reply language ("en", "de"); null is English.</summary>
    public string? Language { get; set; }

    /// <summary>A community's first row, with the text cut to the columns.</summary>
    public static CommunityEntity Create(string platform, string externalId, string name, string roadmapId, string timeZoneId, DateTime nowUtc) => new()
    {
        Platform = platform,
        ExternalId = DataText.Clip(externalId, 64),
        Name = DataText.Clip(name, 100),
        RoadmapId = roadmapId,
        TimeZoneId = timeZoneId,
        CreatedAtUtc = nowUtc,
    };
}

internal sealed class MemberEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string UserId { get; set; }

    public required string DisplayName { get; set; }

    public required string TimeZoneId { get; set; }

    public string? LearnerProfileId { get; set; }

    /// <summary>The roadmap the member follows; null means the community's default (<see cref="CommunityEntity.RoadmapId"/>).</summary>
    public string? RoadmapId { get; set; }

    public int Path { get; set; }

    public int Pace { get; set; }

    public int? CustomHoursPerWeek { get; set; }

    public DateOnly? StartDate { get; set; }

    public bool Onboarded { get; set; }

    /// <summary>The reply language the member chose ("en", "de"); null follows the platform's locale.</summary>
    public string? Language { get; set; }

    /// <summary>
    /// The locale the member's platform last sent with a command that changed something ("de", "pt-BR"; Discord's
    /// interaction locale, Slack's user locale): what DMs and other messages sent without a command are written in
    /// when the member chose no language (<c>Languages.Resolve(Language, PlatformLocale, community's Language)</c>).
    /// </summary>
    public string? PlatformLocale { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime UpdatedAtUtc { get; set; }

    /// <summary>The last committed change by the member; reminders answered by activity reset their count.</summary>
    public DateTime? LastActivityAtUtc { get; set; }

    public int Privacy { get; set; }

    public int Celebrate { get; set; }

    public bool RemindersOn { get; set; }

    public int PlanDays { get; set; }

    public int? PlanMinutes { get; set; }

    public int PlanFrequency { get; set; }

    public string? PlanPlace { get; set; }

    public int? QuietStart { get; set; }

    public int? QuietEnd { get; set; }

    public DateTime? SnoozedUntilUtc { get; set; }

    public DateTime? NextReminderAtUtc { get; set; }

    public DateTime? LastReminderAtUtc { get; set; }

    public int UnansweredReminders { get; set; }

    public bool RemindersPaused { get; set; }

    public bool FreshStartPending { get; set; }

    public DateTime? DmClosedAtUtc { get; set; }

    public bool DmNoticePending { get; set; }

    public int LastTemplate { get; set; } = -1;

    /// <summary>When the member left the community (or the bot was removed); personal data goes after the retention period.</summary>
    public DateTime? LeftAtUtc { get; set; }

    /// <summary>Set when the member deleted their data: the row stays, anonymised, for community totals.</summary>
    public DateTime? DeletedAtUtc { get; set; }
}

/// <summary>A member waiting to be matched with a study partner.</summary>
internal sealed class PartnerPoolEntity
{
    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public DateTime JoinedAtUtc { get; set; }
}

internal sealed class PartnershipEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? EndedAtUtc { get; set; }
}

internal sealed class PartnershipMemberEntity
{
    public long PartnershipId { get; set; }

    public long MemberId { get; set; }

    public long CommunityId { get; set; }

    public DateTime? LastNudgeAtUtc { get; set; }

    /// <summary>When this member was offered a rematch because a partner went quiet; offered once.</summary>
    public DateTime? RematchOfferedAtUtc { get; set; }

    public DateTime? LeftAtUtc { get; set; }
}

internal sealed class RestPeriodEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public DateOnly From { get; set; }

    public DateOnly? Until { get; set; }
}

/// <summary>
/// A message to deliver. Written in the same transaction as its cause; the unique key makes a second write of
/// the same message impossible, and the dispatcher marks each row sent, retried or failed.
/// </summary>
internal sealed class OutboxEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    /// <summary>
    /// The member the message is to (a DM) or about (a celebration, also in a channel); null for community posts.
    /// Other members it names are in <see cref="OutboxMentionEntity"/>.
    /// </summary>
    public long? MemberId { get; set; }

    public required string Key { get; set; }

    public required string Kind { get; set; }

    public int Target { get; set; }

    public required string Platform { get; set; }

    public required string CommunityExternalId { get; set; }

    public required string CommunityName { get; set; }

    public required string RecipientId { get; set; }

    public required string RecipientName { get; set; }

    public required string PayloadJson { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime DueAtUtc { get; set; }

    public DateTime NextAttemptAtUtc { get; set; }

    public DateTime? ClaimedUntilUtc { get; set; }

    /// <summary>The instance (<c>Instance:Id</c>) whose claim <see cref="ClaimedUntilUtc"/> is; null when unclaimed.</summary>
    public string? ClaimedBy { get; set; }

    public int Attempts { get; set; }

    public DateTime? SentAtUtc { get; set; }

    public DateTime? FailedAtUtc { get; set; }

    /// <summary>Why a failed row was not delivered (<c>UndeliveredReason</c>); null while pending or sent.</summary>
    public int? DropReason { get; set; }

    public string? LastError { get; set; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the span that wrote the row (a command, a celebration), so its delivery continues
    /// that trace; null when nothing was traced.
    /// </summary>
    public string? TraceParent { get; set; }
}

/// <summary>
/// A member an outbox row names besides its own member (<see cref="OutboxEntity.MemberId"/>): the partner in an
/// introduction or a nudge, a member on a leaderboard post. Deleting a member's data deletes the messages that name
/// them by this id, never by searching the text for their name.
/// </summary>
internal sealed class OutboxMentionEntity
{
    public long OutboxId { get; set; }

    public long MemberId { get; set; }
}

/// <summary>
/// Running totals per member and period (week, month, all time), kept in step with every change so leaderboards
/// are an indexed top-N read, not a scan of every log.
/// </summary>
internal sealed class PeriodStatsEntity
{
    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    /// <summary>0 = week (starting Monday), 1 = month, 2 = all time.</summary>
    public int Kind { get; set; }

    public DateOnly PeriodStart { get; set; }

    public int Points { get; set; }

    public int Minutes { get; set; }

    public int ItemsDone { get; set; }

    /// <summary>Bit per local day of the period (weeks: Monday = bit 0; months: day 1 = bit 0).</summary>
    public long ActiveDays { get; set; }

    public int ActiveDayCount { get; set; }

    /// <summary>Points of the period before, copied when this period's row is created.</summary>
    public int PrevPoints { get; set; }

    public int Improvement { get; set; }
}

/// <summary>
/// A member's totals for one local day, kept in step with every change like <see cref="PeriodStatsEntity"/>.
/// Loading a member reads one row per day studied instead of summing every log and item change ever recorded,
/// so a command's cost does not grow with the member's history.
/// </summary>
internal sealed class DailyTotalEntity
{
    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public DateOnly LocalDate { get; set; }

    public int PracticeMinutes { get; set; }

    public int LearningMinutes { get; set; }

    public int ReviewMinutes { get; set; }

    /// <summary>Items marked done that day, less those moved away from done that day.</summary>
    public int ItemsDone { get; set; }

    public int Points { get; set; }
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

    /// <summary>Where the minutes came from (<c>StudySource</c>): typed in, focus, a group session or a voice room.</summary>
    public int Source { get; set; }
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

    /// <summary>The W3C <c>traceparent</c> of the command that reached it, so its celebration continues that trace; null when nothing was traced.</summary>
    public string? TraceParent { get; set; }
}

/// <summary>Completing the phase grants the role (a platform role id). One mapping per phase and community.</summary>
internal sealed class PhaseRoleEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string PhaseId { get; set; }

    public required string RoleId { get; set; }

    public required string RoleName { get; set; }

    /// <summary>Where the mapping was made: lasting problems with the role are reported there.</summary>
    public string? ReportChannelId { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>
/// One role for one member for one completed phase: queued, then granted (or found already there), or stopped by a
/// lasting problem. The row is what makes grants idempotent across restarts. Personal data: exported and erased with
/// the member.
/// </summary>
internal sealed class RoleGrantEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public long MemberId { get; set; }

    public required string PhaseId { get; set; }

    public required string RoleId { get; set; }

    /// <summary><see cref="StudyBot.Core.Roles.RoleGrantState"/>.</summary>
    public int State { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAtUtc { get; set; }

    public DateTime? ClaimedUntilUtc { get; set; }

    /// <summary>The instance (<c>Instance:Id</c>) whose claim <see cref="ClaimedUntilUtc"/> is; null when unclaimed.</summary>
    public string? ClaimedBy { get; set; }

    public string? LastProblem { get; set; }

    public DateTime CreatedAtUtc { get; set; }

    public DateTime? DoneAtUtc { get; set; }
}

/// <summary>A lasting problem with a mapped role, recorded when admins were told, so they are told once.</summary>
internal sealed class RoleProblemEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string RoleId { get; set; }

    public required string RoleName { get; set; }

    /// <summary><see cref="StudyBot.Core.Roles.RoleGrantOutcome"/>.</summary>
    public int Problem { get; set; }

    public DateTime ReportedAtUtc { get; set; }
}

/// <summary>A lasting problem with a posting channel, recorded when the admins were told, so they are told once.</summary>
internal sealed class ChannelProblemEntity
{
    public long Id { get; set; }

    public long CommunityId { get; set; }

    public required string ChannelId { get; set; }

    /// <summary><see cref="StudyBot.Core.Chat.ChannelProblem"/>.</summary>
    public int Problem { get; set; }

    public DateTime ReportedAtUtc { get; set; }
}

/// <summary>
/// The receipt of one delivery of a command (<see cref="StudyBot.Core.Commands.CommandReceipt"/>): written in the
/// same transaction as the command's changes, read when the same delivery comes again, deleted after a day.
/// </summary>
internal sealed class CommandReceiptEntity
{
    public long Id { get; set; }

    public required string Platform { get; set; }

    public required string CommunityExternalId { get; set; }

    /// <summary>The platform's id for the delivery: a Discord interaction id, a Slack trigger_id.</summary>
    public required string DeliveryId { get; set; }

    public required string UserId { get; set; }

    public required string Fingerprint { get; set; }

    /// <summary>The answer the command got, as <see cref="StudyBot.Core.Notifications.ReplyJson"/>, without files.</summary>
    public required string ReplyJson { get; set; }

    public DateTime CreatedAtUtc { get; set; }
}

/// <summary>
/// A named lease shared by the instances on one database (<c>Coordination</c> migration): a Discord shard, the command
/// registrar, ... Held by <see cref="Holder"/> until <see cref="ExpiresAtUtc"/>; a holder renews it well before then,
/// and once it runs out any instance may take it. <see cref="Value"/> is a small piece of state that goes with the
/// name (the registered commands' hash, say), kept when the holder changes.
/// </summary>
internal sealed class LeaseEntity
{
    public required string Name { get; set; }

    public string? Holder { get; set; }

    public DateTime ExpiresAtUtc { get; set; }

    public string? Value { get; set; }
}

/// <summary>
/// A platform delivery seen recently (a Slack envelope or event id, ...), shared by the instances on one database so
/// a redelivery that reaches another instance is recognised. Rows past <see cref="ExpiresAtUtc"/> are dead and swept.
/// </summary>
internal sealed class SeenKeyEntity
{
    public required string Key { get; set; }

    public DateTime ExpiresAtUtc { get; set; }
}

/// <summary>
/// The direct-message channel between the bot and a platform user (<see cref="StudyBot.Core.Chat.IDmChannelStore"/>),
/// learned when it was first opened: it belongs to the user and the bot, not to a community, so it is not a member's
/// column. Deleted with the user's data when they have no other membership on the platform.
/// </summary>
internal sealed class DmChannelEntity
{
    public required string Platform { get; set; }

    public required string UserId { get; set; }

    public required string ChannelId { get; set; }

    public DateTime LearnedAtUtc { get; set; }
}
