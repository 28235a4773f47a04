using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Slack.Api;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Rendering;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class WebApiTests
{
    private static readonly CommunityRef Workspace = new(Platforms.Slack, FakeSlack.TeamId, FakeSlack.TeamDomain);
    private static readonly MemberRef Ada = new(Workspace, Envelopes.Ada, "ada");

    [Fact]
    public async Task Write_methods_send_JSON_with_charset_utf8_and_read_methods_send_forms_with_the_bot_token()
    {
        await using var h = await Http();

        await h.Get<INotifier>().SendDirectAsync(Ada, Reply.Info("Hi"), CancellationToken.None);
        await h.Get<SlackUserDirectory>().GetAsync(Envelopes.Ada, CancellationToken.None);

        var post = Assert.Single(h.Slack.Calls, c => c.Method == "chat.postMessage");
        Assert.Equal("application/json; charset=utf-8", post.ContentType);
        Assert.Equal($"Bearer {FakeSlack.BotToken}", post.Authorization);
        Assert.Equal(Envelopes.Ada, post.Json!["channel"]!.GetValue<string>());
        var lookup = Assert.Single(h.Slack.Calls, c => c.Method == "users.info");
        Assert.Equal("application/x-www-form-urlencoded", lookup.ContentType);
        Assert.Equal(Envelopes.Ada, lookup.Form["user"]);
        Assert.DoesNotContain(h.Logs.Entries, e => e.Message.Contains("missing_charset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_DM_goes_to_the_member_s_user_id_and_a_channel_post_to_the_channel()
    {
        await using var h = await Http();
        var notifier = h.Get<INotifier>();

        var dm = await notifier.SendDirectAsync(Ada, Reply.Info("Your weekly reminder", "Reminder"), CancellationToken.None);
        var post = await notifier.PostAsync(new ChannelAddress(Workspace, "C0123ABCDEF"), new Reply { Title = "Leaderboard", Text = "1. ada", Visibility = Visibility.Public }, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Sent, dm.Status);
        Assert.Equal(DeliveryStatus.Sent, post.Status);
        Assert.Equal("slack", notifier.Platform);
        var inDm = Assert.Single(h.Slack.MessagesIn(FakeSlack.DmChannelFor(Envelopes.Ada)));
        Assert.Equal("Reminder\nYour weekly reminder", inDm.Text);
        Assert.Single(h.Slack.MessagesIn("C0123ABCDEF"));
        Assert.Equal(0, h.Slack.CallCount("conversations.open"));
    }

    [Fact]
    public async Task A_member_of_another_platform_is_refused_without_calling_Slack()
    {
        await using var h = await Http();

        var result = await h.Get<INotifier>().SendDirectAsync(Ada with { Community = Workspace with { Platform = Platforms.Discord } }, Reply.Info("x"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result.Status);
        Assert.Equal(0, h.Slack.CallCount("chat.postMessage"));
    }

    [Fact]
    public async Task After_an_ambiguous_failure_the_outbox_key_finds_the_message_that_landed()
    {
        await using var h = await Http();
        h.Slack.Inject("chat.postMessage", new ApiFault { Error = "internal_error", CommitFirst = true });

        var result = await h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, "C0123ABCDEF"), Reply.Info("Leaderboard"), "board:2026-W02", CancellationToken.None);
        var again = await h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, "C0123ABCDEF"), Reply.Info("Leaderboard"), "board:2026-W02", CancellationToken.None);

        Assert.Equal(DeliveryStatus.Sent, result.Status);
        Assert.Equal(DeliveryStatus.Sent, again.Status);
        Assert.Single(h.Slack.MessagesIn("C0123ABCDEF"));
        Assert.Equal(1, h.Slack.CallCount("chat.postMessage"));
    }

    [Fact]
    public async Task A_message_an_earlier_instance_posted_before_it_died_is_not_posted_again_by_the_one_that_takes_it_over()
    {
        await using var h = await Http();
        var notifier = h.Get<INotifier>();
        var claimed = h.Time.GetUtcNow().UtcDateTime;

        // An earlier instance posted the message and was killed before it could record that: its memory of what it
        // delivered died with it (here: a messenger of its own, beside the harness's).
        var earlier = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<SlackMessenger>(h.Services);
        var posting = earlier.PostMessageAsync(Envelopes.Ada, BlockKit.Render(Reply.Info("Week 3 reminder")), "reminder:ada:2026-W02", CancellationToken.None);
        await h.AdvanceUntilAsync(() => posting.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the earlier instance's post");
        Assert.Equal(DeliveryStatus.Sent, (await posting).Result.Status);
        h.Time.Advance(TimeSpan.FromMinutes(2));

        // Another instance (here: the outbox's next claim) is told the message may be out since the earlier claim.
        var taking = notifier.SendDirectAsync(Ada, Reply.Info("Week 3 reminder"), "reminder:ada:2026-W02", claimed, CancellationToken.None);
        await h.AdvanceUntilAsync(() => taking.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the taken-over reminder");
        var taken = await taking;
        var sending = notifier.SendDirectAsync(Ada, Reply.Info("Week 3 nudge"), "nudge:ada:2026-W02", claimed, CancellationToken.None);
        await h.AdvanceUntilAsync(() => sending.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the nudge");
        var unmarked = await sending;

        Assert.Equal(DeliveryStatus.Sent, taken.Status);
        Assert.Equal(DeliveryStatus.Sent, unmarked.Status);
        Assert.Equal(["Week 3 reminder", "Week 3 nudge"], h.Slack.MessagesIn(FakeSlack.DmChannelFor(Envelopes.Ada)).Select(m => m.Text));
        Assert.Equal(2, h.Slack.CallCount("chat.postMessage"));
        Assert.Equal(2, h.Slack.CallCount("conversations.history"));
    }

    [Fact]
    public async Task A_message_that_may_have_gone_out_but_did_not_is_posted_after_one_look_at_the_history()
    {
        await using var h = await Http();

        var posting = h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, "C0123ABCDEF"), Reply.Info("Leaderboard"), "board:2026-W02", h.Time.GetUtcNow().UtcDateTime, CancellationToken.None);
        await h.AdvanceUntilAsync(() => posting.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the leaderboard");
        var result = await posting;

        Assert.Equal(DeliveryStatus.Sent, result.Status);
        Assert.Single(h.Slack.MessagesIn("C0123ABCDEF"));
        Assert.Equal(1, h.Slack.CallCount("conversations.history"));
    }

    [Fact]
    public async Task The_same_outbox_key_handed_over_twice_is_posted_once()
    {
        await using var h = await Http();
        var notifier = h.Get<INotifier>();

        var first = await notifier.SendDirectAsync(Ada, Reply.Info("Week 3 reminder"), "reminder:ada:2026-W02", CancellationToken.None);
        var again = await notifier.SendDirectAsync(Ada, Reply.Info("Week 3 reminder"), "reminder:ada:2026-W02", CancellationToken.None);

        // The next post to the same DM waits for its turn: one a second per channel.
        var sending = notifier.SendDirectAsync(Ada, Reply.Info("Week 4 reminder"), "reminder:ada:2026-W03", CancellationToken.None);
        await h.AdvanceUntilAsync(() => sending.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the next week's reminder");
        var other = await sending;

        Assert.All([first, again, other], r => Assert.Equal(DeliveryStatus.Sent, r.Status));
        Assert.Equal(["Week 3 reminder", "Week 4 reminder"], h.Slack.MessagesIn(FakeSlack.DmChannelFor(Envelopes.Ada)).Select(m => m.Text));
        Assert.Equal(2, h.Slack.CallCount("chat.postMessage"));
    }

    [Theory]
    [InlineData("not_in_channel")]
    [InlineData("channel_not_found")]
    [InlineData("cannot_dm_bot")]
    [InlineData("user_not_found")]
    public async Task Errors_that_last_for_a_target_come_back_permanent_and_are_not_retried(string error)
    {
        await using var h = await Http();
        string target;
        switch (error)
        {
            case "not_in_channel":
                h.Slack.Channels.Add("C0NOTJOIN");
                h.Slack.ChannelsWithoutBot.Add("C0NOTJOIN");
                target = "C0NOTJOIN";
                break;
            case "channel_not_found":
                target = "C0GONE000";
                break;
            case "cannot_dm_bot":
                h.Slack.AddUser(new FakeUser("U0OTHERBOT", "otherbot", null, IsBot: true));
                target = "U0OTHERBOT";
                break;
            default:
                h.Slack.Inject("chat.postMessage", ApiFault.Fails("user_not_found"));
                target = Envelopes.Ada;
                break;
        }

        var result = await h.Get<INotifier>().PostAsync(new ChannelAddress(Workspace, target), Reply.Info("Hello"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Permanent, result.Status);
        Assert.Equal(error, result.Reason);
        Assert.Equal(1, h.Slack.CallCount("chat.postMessage"));
        Assert.Empty(h.Slack.Messages);
    }

    public static TheoryData<string, int, bool> AmbiguousFailures() => new()
    {
        { "internal_error", 200, true },
        { "internal_error", 200, false },
        { "fatal_error", 200, true },
        { "fatal_error", 200, false },
        { "service_unavailable", 503, true },
        { "service_unavailable", 503, false },
    };

    [Theory]
    [MemberData(nameof(AmbiguousFailures))]
    public async Task A_post_that_fails_ambiguously_is_retried_only_if_it_did_not_land_so_it_arrives_exactly_once(string error, int status, bool landed)
    {
        await using var h = await Http();
        h.Slack.Inject("chat.postMessage", new ApiFault { Error = error, Status = status, CommitFirst = landed });

        var send = h.Get<INotifier>().SendDirectAsync(Ada, Reply.Info("Milestone reached!", "🎉"), CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), "the delivery");

        Assert.Equal(DeliveryStatus.Sent, (await send).Status);
        var message = Assert.Single(h.Slack.MessagesIn(FakeSlack.DmChannelFor(Envelopes.Ada)));
        Assert.Equal("🎉\nMilestone reached!", message.Text);
        Assert.Equal(landed ? 1 : 2, h.Slack.CallCount("chat.postMessage"));
        Assert.Equal(1, h.Slack.CallCount("conversations.history"));
        Assert.Equal(FakeSlack.DmChannelFor(Envelopes.Ada), h.Slack.Calls.Single(c => c.Method == "conversations.history").Form["channel"]);
    }

    [Fact]
    public async Task Invalid_blocks_is_logged_as_a_bug_with_the_payload_id_and_the_member_still_gets_the_text()
    {
        await using var h = await Http();
        h.Slack.Inject("chat.postMessage", ApiFault.Fails("invalid_blocks"));

        // The plain-text retry waits for its turn: one post a second per channel.
        var send = h.Get<INotifier>().SendDirectAsync(Ada, Reply.Info("Streak: 3 weeks", "Weekly summary"), CancellationToken.None);
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the plain-text retry");
        var result = await send;

        Assert.Equal(DeliveryStatus.Sent, result.Status);
        var bug = Assert.Single(h.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("invalid_blocks", StringComparison.Ordinal));
        var calls = h.Slack.Calls.Where(c => c.Method == "chat.postMessage").ToList();
        var payloadId = calls[0].Json!["blocks"]![0]!["block_id"]!.GetValue<string>()["studybot-".Length..];
        Assert.Contains($"payload id {payloadId}", bug.Message, StringComparison.Ordinal);
        Assert.Contains("json-pointer:/blocks/0/text/text", bug.Message, StringComparison.Ordinal);
        var delivered = Assert.Single(h.Slack.Messages);
        Assert.Equal("Weekly summary\nStreak: 3 weeks", delivered.Text);
        Assert.Single(delivered.Blocks!);
    }

    [Fact]
    public async Task A_429_is_waited_out_for_Retry_After_while_other_methods_carry_on()
    {
        await using var h = await Http();
        h.Slack.Inject("chat.postMessage", ApiFault.RateLimited(5));

        var send = h.Get<INotifier>().SendDirectAsync(Ada, Reply.Info("x"), CancellationToken.None);
        await FakeSlack.WaitUntilAsync(() => h.Slack.CallCount("chat.postMessage") == 1);
        var lookup = await h.Get<SlackUserDirectory>().GetAsync(Envelopes.Ada, CancellationToken.None);
        Assert.NotNull(lookup);

        // The client records Slack's Retry-After before it waits it out on fake time.
        await FakeSlack.WaitUntilAsync(() => h.Get<SlackRateLimiter>().PausedFor("chat.postMessage") is not null, what: "the client to take in the 429");
        h.Time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(send.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));

        Assert.Equal(DeliveryStatus.Sent, (await Bounded.WaitAsync(send, "the DM sent after Retry-After", TimeSpan.FromSeconds(20))).Status);
        var posts = h.Slack.Calls.Where(c => c.Method == "chat.postMessage").ToList();
        Assert.Equal([429, 200], posts.Select(c => c.Status));
        Assert.Equal(TimeSpan.FromSeconds(5), posts[1].At - posts[0].At);
        Assert.Single(h.Slack.Messages);
    }

    [Fact]
    public async Task A_Retry_After_longer_than_the_caller_should_wait_is_handed_back_as_transient()
    {
        await using var h = await Http();
        h.Slack.Inject("chat.postMessage", ApiFault.RateLimited(600));

        var result = await h.Get<INotifier>().SendDirectAsync(Ada, Reply.Info("x"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Transient, result.Status);
        Assert.Equal(TimeSpan.FromSeconds(600), result.RetryAfter);
        Assert.Equal(1, h.Slack.CallCount("chat.postMessage"));
    }

    [Fact]
    public async Task Posts_paced_by_the_client_never_meet_Slack_s_limits_on_one_channel()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
        var notifier = h.Get<INotifier>();
        var channel = new ChannelAddress(Workspace, "C0123ABCDEF");

        var sends = Enumerable.Range(0, 6).Select(i => notifier.PostAsync(channel, Reply.Info($"Post {i}"), CancellationToken.None)).ToList();
        await h.AdvanceUntilAsync(() => sends.All(s => s.IsCompleted), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10), "six posts");

        Assert.All(sends, s => Assert.Equal(DeliveryStatus.Sent, s.Result.Status));
        Assert.Equal(0, h.Slack.RateLimitedCount);
        var times = h.Slack.Calls.Where(c => c.Method == "chat.postMessage").Select(c => c.At).Order().ToList();
        Assert.Equal(6, times.Count);
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task Users_info_gives_the_member_their_Slack_time_zone_and_admin_flag_and_is_cached()
    {
        await using var h = await Http(new Dictionary<string, string?> { ["Slack:AdminUserIds"] = "U0BOSS0001, U0OTHER001" });
        h.Slack.AddUser(new FakeUser("U0GRACE001", "grace", "America/New_York", IsAdmin: true));
        h.Slack.AddUser(new FakeUser("U0BOSS0001", "boss", "Asia/Tokyo"));
        var users = h.Get<SlackUserDirectory>();

        // Over HTTP the start-up auth.test runs beside the server; the workspace's name is known once it has answered.
        var workspace = h.Get<SlackWorkspace>();
        await FakeSlack.WaitUntilAsync(() => workspace.TeamName is not null, TimeSpan.FromSeconds(20), "the start-up auth.test to name the workspace");

        var grace = await users.MemberAsync(FakeSlack.TeamId, FakeSlack.TeamDomain, "U0GRACE001", "g", CancellationToken.None);
        var again = await users.MemberAsync(FakeSlack.TeamId, FakeSlack.TeamDomain, "U0GRACE001", "g", CancellationToken.None);
        var boss = await users.MemberAsync(FakeSlack.TeamId, null, "U0BOSS0001", null, CancellationToken.None);
        var ada = await users.MemberAsync(FakeSlack.TeamId, FakeSlack.TeamDomain, Envelopes.Ada, "ada", CancellationToken.None);

        Assert.Equal(("grace", "America/New_York", true), (grace.DisplayName, grace.TimeZoneHint, grace.IsAdmin));
        Assert.Equal(grace, again);
        Assert.Equal(("Asia/Tokyo", true), (boss.TimeZoneHint, boss.IsAdmin));
        Assert.Equal(new CommunityRef(Platforms.Slack, FakeSlack.TeamId, "Study Group"), boss.Community);
        Assert.False(ada.IsAdmin);
        Assert.Equal(3, h.Slack.CallCount("users.info"));

        h.Time.Advance(TimeSpan.FromHours(1));
        await users.MemberAsync(FakeSlack.TeamId, FakeSlack.TeamDomain, "U0GRACE001", "g", CancellationToken.None);
        Assert.Equal(4, h.Slack.CallCount("users.info"));
    }

    [Fact]
    public async Task An_unknown_user_keeps_the_name_Slack_sent_and_gets_no_time_zone_hint()
    {
        await using var h = await Http();

        var member = await h.Get<SlackUserDirectory>().MemberAsync(FakeSlack.TeamId, FakeSlack.TeamDomain, "U0NOBODY01", "nobody", CancellationToken.None);

        Assert.Equal(("nobody", null, false), (member.DisplayName, member.TimeZoneHint, member.IsAdmin));
        Assert.Contains(h.Logs.Entries, e => e.Message.Contains("users.info for U0NOBODY01 failed (user_not_found)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_message_that_would_break_Block_Kit_limits_is_cut_to_fit_and_Slack_accepts_it()
    {
        await using var h = await Http();
        var huge = new Reply
        {
            Title = new string('H', 300),
            Text = string.Join('\n', Enumerable.Range(0, 2000).Select(i => $"line {i} {new string('t', 100)}")),
            Fields = Enumerable.Range(0, 40).Select(i => new ReplyField($"F{i}", new string('x', 3000))).ToList(),
            Buttons = Enumerable.Range(0, 40).Select(i => new ReplyButton(new string('b', 90), $"progress done item{i}")).ToList(),
        };

        var result = await h.Get<INotifier>().SendDirectAsync(Ada, huge, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Sent, result.Status);
        var message = Assert.Single(h.Slack.Messages);
        Assert.Equal(BlockKit.MaxMessageBlocks, message.Blocks!.Count);
        Assert.InRange(message.Text.Length, 1, 4000);
    }

    private static Task<SlackHarness> Http(Dictionary<string, string?>? config = null) =>
        SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http, Config = config ?? [] });
}
