using StudyBot.Core.Chat;
using StudyBot.Core.Progress;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// A response_url takes 5 posts within 30 minutes; past that (or refused) StudyBot answers another way, an ephemeral
/// message in the channel or a DM, and never loses an answer.
/// </summary>
public sealed class ResponseUrlTests
{
    private const string ButtonChannel = "CBR2V3XEX";
    private static readonly CommunityRef Workspace = new(Platforms.Slack, FakeSlack.TeamId, FakeSlack.TeamDomain);

    [Fact]
    public async Task A_button_press_whose_response_url_has_expired_is_answered_as_an_ephemeral_message_in_its_channel()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Arrange = s => s.Channels.Add(ButtonChannel) });
        var socket = (await h.WaitForSocketsAsync(2))[0];
        h.Slack.ExpiredResponseUrls.Add("button-1");

        await h.Slack.SendEnvelopeAsync(socket, Envelopes.Interactive(Envelopes.BlockActions(h.Slack, "progress done numpy", "button-1")));
        await h.AdvanceUntilAsync(() => h.Slack.Messages.Count > 0, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the answer");

        var answer = Assert.Single(h.Slack.Messages);
        Assert.Equal(("chat.postEphemeral", ButtonChannel, Envelopes.Ada), (answer.Method, answer.Channel, answer.User));
        Assert.Contains("NumPy", answer.Text, StringComparison.Ordinal);
        Assert.Equal(ItemStatus.Done, (await h.LoadMemberAsync(Envelopes.Ada)).StateOf("numpy").Status);
    }

    [Fact]
    public async Task A_button_press_whose_response_url_has_expired_in_a_channel_StudyBot_cannot_reach_is_answered_by_DM()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        h.Slack.ExpiredResponseUrls.Add("button-1");

        await h.Slack.SendEnvelopeAsync(socket, Envelopes.Interactive(Envelopes.BlockActions(h.Slack, "progress doing pandas", "button-1")));
        await h.AdvanceUntilAsync(() => h.Slack.Messages.Count > 0, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the answer");

        var answer = Assert.Single(h.Slack.Messages);
        Assert.Equal(("chat.postMessage", FakeSlack.DmChannelFor(Envelopes.Ada)), (answer.Method, answer.Channel));
        Assert.Contains("Pandas", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_ready_only_after_its_response_url_s_thirty_minutes_goes_as_an_ephemeral_message_without_trying_the_dead_url()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var release = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = release.Task });
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        var id = envelope["envelope_id"]!.GetValue<string>();

        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.AdvanceUntilAsync(() => h.Slack.Acks.Any(a => a.EnvelopeId == id), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(3), "the acknowledgement");

        // The member lookup hangs; by the time the command gives up on it, the response_url's half hour is over.
        h.Time.Advance(TimeSpan.FromMinutes(31));
        await h.AdvanceUntilAsync(() => h.Slack.Messages.Count > 0, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the answer");
        release.SetResult();

        var answer = Assert.Single(h.Slack.Messages);
        Assert.Equal(("chat.postEphemeral", "C0123ABCDEF", Envelopes.Ada), (answer.Method, answer.Channel, answer.User));
        Assert.Contains("NumPy", answer.Text, StringComparison.Ordinal);
        Assert.Empty(h.Slack.ResponseUrlPosts);
        Assert.Empty(h.Slack.RefusedResponseUrlPosts);
    }

    [Fact]
    public async Task While_Slack_holds_chat_postMessage_for_ten_minutes_every_DM_comes_back_at_once_as_transient_with_the_time_left()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
        var notifier = h.Get<INotifier>();
        var ada = new MemberRef(Workspace, Envelopes.Ada, "ada");
        h.Slack.Inject("chat.postMessage", ApiFault.RateLimited(600));

        var first = await notifier.SendDirectAsync(ada, Reply.Info("Weekly reminder"), "reminder:ada:w2", CancellationToken.None);
        h.Time.Advance(TimeSpan.FromSeconds(100));
        var second = notifier.SendDirectAsync(ada, Reply.Info("Milestone reached"), "celebration:ada:m1", CancellationToken.None);
        await FakeSlack.WaitUntilAsync(() => second.IsCompleted, what: "the second DM to come back without waiting out the pause");

        Assert.Equal((DeliveryStatus.Transient, TimeSpan.FromSeconds(600)), (first.Status, first.RetryAfter));
        Assert.Equal((DeliveryStatus.Transient, TimeSpan.FromSeconds(500)), ((await second).Status, (await second).RetryAfter));
        Assert.Equal(1, h.Slack.CallCount("chat.postMessage"));
        Assert.Empty(h.Slack.Messages);
    }
}
