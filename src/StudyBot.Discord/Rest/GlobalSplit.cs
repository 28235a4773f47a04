namespace StudyBot.Discord.Rest;

/// <summary>
/// How the bot token's global limit (<c>Discord:GlobalRateLimit</c>, G requests a second) is split when several instances
/// share it on one database. The instance that owns the Discord outbox drain sends through its own sliding-window limiter
/// at <see cref="OwnerShare"/> = G - <see cref="Reserve"/>; every other instance takes each request from a counter in the
/// database, in fixed one-second windows of <see cref="PerWindow"/> = Reserve / 2 each for all of them together. Any
/// sliding second overlaps at most two fixed windows, so the others together stay within Reserve, and the total within G.
/// The reserve is a fifth of the limit (at least 2, and even): the outbox's default pace for Discord (Delivery:PerSecond,
/// 40 a second) is four fifths of Discord's 50, so at the defaults the drain owner keeps its full pace, and what the other
/// instances send outside the outbox (role grants, role syncs, channel look-ups: a few requests now and then) gets 10 a
/// second between them. A fixed fraction rather than a setting: one less knob, and it scales with a raised limit.
/// </summary>
internal readonly record struct GlobalSplit(int Limit)
{
    public const int DefaultLimit = 50;

    /// <summary>Below this the owner's share would be too small to be useful (Discord's own floor is 50).</summary>
    public const int MinLimit = 10;

    public const int MaxLimit = 10_000;

    /// <summary>What the instances that do not own the drain may send together in one window of the database's clock.</summary>
    public int PerWindow => Math.Max(1, Limit / 10);

    /// <summary>What the instances that do not own the drain may send together in any sliding second.</summary>
    public int Reserve => 2 * PerWindow;

    /// <summary>What the drain's owner may send in any sliding second.</summary>
    public int OwnerShare => Limit - Reserve;
}
