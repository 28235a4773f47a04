using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;

namespace StudyBot.IntegrationTests;

/// <summary>
/// A reminder fan-out to a few hundred members on Discord and Slack while Discord is down for two hours (every send
/// fails or throws) and Slack answers with a storm of 429s, all on fake time with the jobs run as Quartz runs them.
/// </summary>
public sealed class DeliveryChaosTests
{
    private const int PerPlatform = 150;
    private const int Celebrating = 20;

    private static readonly CommunityRef Guild = new(Platforms.Discord, "guild-1", "Study guild");
    private static readonly CommunityRef Workspace = new(Platforms.Slack, "T0001", "Study workspace");

    private static DateTimeOffset Utc(int h, int mi) => new(2026, 11, 23, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public async Task After_a_two_hour_Discord_outage_and_a_Slack_429_storm_every_member_has_one_reminder_and_every_celebration_went_once()
    {
        await using var bot = await TestBot.StartAsync(now: Utc(18, 0), platforms: [Platforms.Discord, Platforms.Slack]);
        var discord = bot.Notifiers[Platforms.Discord];
        var slack = bot.Notifiers[Platforms.Slack];
        var members = new List<(CommunityRef Community, string Name)>();
        for (var i = 0; i < PerPlatform; i++)
        {
            members.Add((Guild, $"D{i:000}"));
            members.Add((Workspace, $"S{i:000}"));
        }

        foreach (var (community, name) in members)
        {
            await bot.SayAsync(name, "/progress remind plan monday 19:00", community);
        }

        // Discord is down from 19:00 to 21:00: half the sends fail, half throw. Slack rate-limits everything for the
        // first 40 minutes and, all along, answers a 429 to anything faster than its one message a second.
        var discordBack = Utc(21, 0);
        var stormEnds = Utc(19, 40);
        discord.Trouble = (_, key) => bot.Time.GetUtcNow() < discordBack
            ? (key.GetHashCode(StringComparison.Ordinal) & 1) == 0 ? SendTrouble.Transient : SendTrouble.Throws
            : SendTrouble.None;
        discord.MaxPerSecond = new DeliveryRates().For(Platforms.Discord);
        slack.Trouble = (_, _) => bot.Time.GetUtcNow() < stormEnds ? SendTrouble.RateLimited : SendTrouble.None;
        slack.RetryAfter = TimeSpan.FromSeconds(30);
        slack.MaxPerSecond = new DeliveryRates().For(Platforms.Slack);

        await bot.RunUntilAsync(Utc(18, 59), TimeSpan.FromMinutes(1));
        foreach (var (community, name) in members.Where(m => int.Parse(m.Name[1..], System.Globalization.CultureInfo.InvariantCulture) < Celebrating))
        {
            await bot.SayAsync(name, "/progress skip foundation known", community);
        }

        await bot.RunUntilAsync(Utc(23, 30), TimeSpan.FromSeconds(30));

        // Every member: exactly one reminder, or a recorded reason why not.
        var reasons = await bot.QueryAsync("SELECT RecipientId, LastError FROM Outbox WHERE Kind = 'reminder' AND FailedAtUtc IS NOT NULL");
        foreach (var (community, name) in members)
        {
            var notifier = bot.Notifiers[community.Platform];
            var reminders = notifier.Deliveries.Count(d => d.To == name.ToLowerInvariant() && d.Message.Title == "📅 Study time");
            Assert.True(reminders == 1 || (reminders == 0 && reasons.Contains(name.ToLowerInvariant() + "|", StringComparison.Ordinal)), $"{name} on {community.Platform} got {reminders} reminders.");
        }

        // Every celebration: written, and sent exactly once.
        var celebrations = await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'celebration'");
        Assert.True(celebrations >= 2 * Celebrating, $"only {celebrations} celebrations were written");
        Assert.Equal(celebrations, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE Kind = 'celebration' AND SentAtUtc IS NOT NULL"));
        var celebrated = discord.Deliveries.Concat(slack.Deliveries).Where(d => d.Key.StartsWith(OutboxKinds.Celebration, StringComparison.Ordinal)).ToList();
        Assert.Equal(celebrations, celebrated.Count);
        Assert.Equal(celebrations, celebrated.Select(d => d.Key).Distinct().Count());

        // Nothing went to Discord while it was down, nothing was sent twice, and both paces were kept.
        Assert.All(discord.Deliveries, d => Assert.True(d.At >= discordBack, $"{d.Key} was delivered at {d.At:HH:mm:ss}, during the outage"));
        Assert.Equal(discord.Deliveries.Count, discord.Deliveries.Select(d => d.Key).Distinct().Count());
        Assert.Equal(slack.Deliveries.Count, slack.Deliveries.Select(d => d.Key).Distinct().Count());
        Assert.Equal(0, discord.TooFast);
        Assert.Equal(0, slack.TooFast);
        Assert.Equal(0, await bot.CountAsync("SELECT COUNT(*) FROM Outbox WHERE SentAtUtc IS NULL AND FailedAtUtc IS NULL"));
    }
}
