using StudyBot.Core.Chat;
using StudyBot.Core.Notifications;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

public sealed class NotifierTests
{
    private static readonly CommunityRef Guild = new(Platforms.Discord, "290926798626357999", "Study Hall");

    private static MemberRef Member(ulong id) => new(Guild, id.ToString(System.Globalization.CultureInfo.InvariantCulture), "member");

    private static Task<AdapterHarness> Notifier(Action<HarnessOptions>? configure = null) =>
        AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            configure?.Invoke(o);
        });

    [Fact]
    public async Task The_notifier_is_the_Discord_INotifier_and_opens_each_DM_channel_once()
    {
        await using var harness = await Notifier();
        var notifier = harness.Get<IEnumerable<INotifier>>().Single(n => n.Platform == Platforms.Discord);

        var first = await notifier.SendDirectAsync(Member(111), new Reply { Text = "Weekly check-in" }, CancellationToken.None);
        var second = await notifier.SendDirectAsync(Member(111), new Reply { Title = "Reminder", Text = "Still on NumPy?" }, CancellationToken.None);

        Assert.Equal(DeliveryResult.Ok, first);
        Assert.Equal(DeliveryResult.Ok, second);
        Assert.Single(harness.Server.Requests, r => r.Template == "/users/@me/channels");
        var sends = harness.Server.Requests.Where(r => r.Template == "/channels/{channel_id}/messages").ToList();
        Assert.Equal(2, sends.Count);
        Assert.All(sends, s =>
        {
            Assert.Equal(25, ((string)s.Json!["nonce"]!).Length);
            Assert.True((bool)s.Json!["enforce_nonce"]!);
            Assert.Equal("""{"parse":[]}""", s.Json!["allowed_mentions"]!.ToJsonString());
            Assert.Null(s.Json!["flags"]);
        });
    }

    [Fact]
    public async Task A_DM_with_a_card_uploads_it_with_the_message_and_keeps_the_nonce()
    {
        await using var harness = await Notifier();
        var notifier = harness.Get<DiscordNotifier>();
        var card = new ReplyAttachment("progress-mason.png", ReplyAttachment.Png, [0x89, 0x50, 0x4E, 0x47], "Mason's progress card");

        var result = await notifier.SendDirectAsync(Member(333), new Reply { Title = "🎉 Phase 1 complete", Text = "On to Phase 2", Attachments = [card] }, "celebration-1", CancellationToken.None);

        Assert.Equal(DeliveryResult.Ok, result);
        var send = harness.Server.Requests.Single(r => r.Template == "/channels/{channel_id}/messages");
        Assert.Equal("progress-mason.png", Assert.Single(send.Files).FileName);
        Assert.Equal("attachment://progress-mason.png", (string?)send.Json!["embeds"]![0]!["image"]!["url"]);
        Assert.Equal(DiscordNotifier.Nonce("celebration-1", 0), (string?)send.Json!["nonce"]);
        Assert.Equal("progress-mason.png", (string?)harness.Server.Messages.Values.Single().Single()["attachments"]![0]!["filename"]);
    }

    [Fact]
    public async Task Closed_DMs_are_a_lasting_state_until_the_member_uses_a_command()
    {
        await using var harness = await Notifier(o => o.Server.ClosedDms.Add(222));
        var notifier = harness.Get<DiscordNotifier>();

        var first = await notifier.SendDirectAsync(Member(222), new Reply { Text = "hi" }, CancellationToken.None);
        var requests = harness.Server.Requests.Count;
        var second = await notifier.SendDirectAsync(Member(222), new Reply { Text = "hi again" }, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, first.Status);
        Assert.Contains("50007", first.Reason, StringComparison.Ordinal);
        Assert.Equal(DeliveryStatus.Permanent, second.Status);
        Assert.Equal(requests, harness.Server.Requests.Count);
        Assert.True(harness.Logs.Contains("does not accept DMs"));

        // A command from the member clears the mark: they may have opened their DMs.
        harness.Get<Interactions.DmReachability>().Clear(222);
        harness.Server.Options.ClosedDms.Clear();
        Assert.Equal(DeliveryResult.Ok, await notifier.SendDirectAsync(Member(222), new Reply { Text = "welcome back" }, CancellationToken.None));
    }

    [Fact]
    public async Task A_message_with_follow_ups_posts_each_part_with_its_own_stable_nonce()
    {
        await using var harness = await Notifier();
        var notifier = harness.Get<DiscordNotifier>();
        var reply = new Reply { Title = "Leaderboard", Text = "1. Mason", Visibility = Visibility.Public, FollowUps = [new Reply { Text = "Keep going!" }] };

        var result = await notifier.PostAsync(new ChannelAddress(Guild, "645027906669510668"), reply, "outbox-key-1", CancellationToken.None);
        await notifier.PostAsync(new ChannelAddress(Guild, "645027906669510668"), reply, "outbox-key-1", CancellationToken.None);

        Assert.Equal(DeliveryResult.Ok, result);
        Assert.Equal(2, harness.Server.Messages[645027906669510668].Count);
        var nonces = harness.Server.Requests.Select(r => (string)r.Json!["nonce"]!).ToList();
        Assert.Equal(4, nonces.Count);
        Assert.Equal(nonces[0], nonces[2]);
        Assert.Equal(nonces[1], nonces[3]);
        Assert.NotEqual(nonces[0], nonces[1]);
    }

    [Fact]
    public async Task Rate_limits_and_outages_are_transient_with_a_retry_time_and_bad_ids_are_permanent()
    {
        await using var harness = await Notifier(o => o.FakeTime = true);
        var notifier = harness.Get<DiscordNotifier>();
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages", Status: 429, Scope: "shared", RetryAfter: 1336.57));

        var limited = await notifier.PostAsync(new ChannelAddress(Guild, "645027906669510667"), new Reply { Text = "x" }, CancellationToken.None);
        harness.Server.AddFault(new FakeFault(r => r.Template == "/channels/{channel_id}/messages" && r.Path.Contains("645027906669510668", StringComparison.Ordinal), Status: 503, Times: 10));
        var outage = notifier.PostAsync(new ChannelAddress(Guild, "645027906669510668"), new Reply { Text = "y" }, CancellationToken.None);
        await Wait.PumpUntilAsync(harness.Time!, () => outage.IsCompleted, "the retries to give up");
        var badId = await notifier.SendDirectAsync(Member(1) with { UserId = "not-a-snowflake" }, new Reply { Text = "z" }, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Transient, limited.Status);
        Assert.True(limited.RetryAfter > TimeSpan.FromMinutes(20));
        Assert.Equal(DeliveryStatus.Transient, (await outage).Status);
        Assert.Equal(DeliveryStatus.Permanent, badId.Status);
    }

    [Theory]
    [InlineData("<#645027906669510668>", "645027906669510668", "wins")]
    [InlineData("645027906669510668", "645027906669510668", "wins")]
    [InlineData("#Study-Hall", "645027906669510667", "study-hall")]
    [InlineData("wins", "645027906669510668", "wins")]
    [InlineData("Lounge", null, null)]
    [InlineData("<#700000000000000001>", null, null)]
    [InlineData("#nowhere", null, null)]
    [InlineData("<#123>", null, null)]
    public async Task Channels_are_found_by_mention_id_or_name_in_the_same_guild_and_must_be_text(string text, string? id, string? name)
    {
        await using var harness = await Notifier();
        var directory = harness.Get<IEnumerable<IChannelDirectory>>().Single(d => d.Platform == Platforms.Discord);

        var found = await directory.FindAsync(Guild, text, CancellationToken.None);

        Assert.Equal(id, found?.Id);
        Assert.Equal(name, found?.Name);
    }
}
