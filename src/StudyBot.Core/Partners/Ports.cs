using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Core.Progress;

namespace StudyBot.Core.Partners;

public sealed record PoolEntry(long MemberId, MemberRef Member, DateTime JoinedAtUtc);

/// <summary>A member's current partnership and the partners in it.</summary>
public sealed record Partnership(long Id, DateTime CreatedAtUtc, IReadOnlyList<MemberRef> Partners, DateTime? MyLastNudgeAtUtc)
{
    /// <summary>Each partner's language by user id ("en", "de"), as <see cref="Localization.Languages.Resolve"/> chose it: DMs to them are written in it.</summary>
    public IReadOnlyDictionary<string, string> PartnerLanguages { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The language DMs to <paramref name="partner"/> are written in (English when the store gave none).</summary>
    public string LanguageOf(MemberRef partner) => PartnerLanguages.GetValueOrDefault(partner.UserId) ?? Localization.Languages.English;
}

/// <summary>A group to create, with the introduction DMs written in the same transaction.</summary>
public sealed record NewPartnership(IReadOnlyList<long> MemberIds, IReadOnlyList<OutboxMessage> Introductions);

/// <summary>A partner who has been quiet, and the member to offer a rematch to.</summary>
/// <param name="Language">The language of <paramref name="OfferTo"/> ("en", "de"): the offer is written in it.</param>
public sealed record QuietPartner(long PartnershipId, MemberRef OfferTo, MemberRef Quiet, string Language = Localization.Languages.English);

public sealed record DueMatching(CommunityRef Community, Community Settings, bool Due);

public interface IPartnerStore
{
    /// <summary>Adds the member to the matching pool; false when they were already in it.</summary>
    Task<bool> JoinPoolAsync(MemberRef member, DateTime nowUtc, CancellationToken cancellationToken);

    Task<bool> InPoolAsync(MemberRef member, CancellationToken cancellationToken);

    /// <summary>Takes the member out of the matching pool; false when they were not in it.</summary>
    Task<bool> LeavePoolAsync(MemberRef member, CancellationToken cancellationToken);

    Task<IReadOnlyList<PoolEntry>> PoolAsync(CommunityRef community, CancellationToken cancellationToken);

    /// <summary>Pairs (by member id, smaller first) partnered since the instant given.</summary>
    Task<IReadOnlySet<(long, long)>> RecentPairsAsync(CommunityRef community, DateTime sinceUtc, CancellationToken cancellationToken);

    /// <summary>Creates the partnerships, takes their members out of the pool and writes the introductions, in one transaction.</summary>
    Task CreateAsync(CommunityRef community, IReadOnlyList<NewPartnership> groups, DateTime nowUtc, CancellationToken cancellationToken);

    Task<Partnership?> CurrentAsync(MemberRef member, CancellationToken cancellationToken);

    /// <summary>Records a nudge and writes its DMs, unless the member nudged since <paramref name="notBeforeUtc"/>.</summary>
    Task<bool> NudgeAsync(MemberRef member, DateTime nowUtc, DateTime notBeforeUtc, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    /// <summary>Takes the member out of their partnership (ending it when one member is left) and writes the goodbye DMs.</summary>
    Task<bool> LeaveAsync(MemberRef member, DateTime nowUtc, IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);

    Task<IReadOnlyList<QuietPartner>> QuietPartnersAsync(DateTime inactiveSinceUtc, int limit, CancellationToken cancellationToken);

    Task OfferRematchAsync(QuietPartner quiet, OutboxMessage message, DateTime nowUtc, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueMatching>> DueMatchingAsync(DateTime nowUtc, CancellationToken cancellationToken);

    Task SetNextMatchAsync(CommunityRef community, DateTime? nextUtc, CancellationToken cancellationToken);

    /// <summary>Active partnerships of a community with their members, most recent first.</summary>
    Task<IReadOnlyList<IReadOnlyList<MemberRef>>> ActiveAsync(CommunityRef community, int limit, CancellationToken cancellationToken);
}
