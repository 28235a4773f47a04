using System.Text.Json.Nodes;
using StudyBot.Slack.SocketMode;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>One member's commands are applied in the order they reached StudyBot, whatever happens to them on the way.</summary>
public sealed class OrderTests
{
    [Fact]
    public async Task A_progress_sent_right_after_a_start_shows_the_start_even_when_the_member_lookup_holds_both_up()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var lookup = new TaskCompletionSource();
        h.Slack.Inject("users.info", new ApiFault { Gate = lookup.Task });

        var start = Envelopes.SlashCommand(h.Slack, "start programmer part-time");
        await h.Slack.SendEnvelopeAsync(sockets[0], start);
        await FakeSlack.WaitUntilAsync(() => h.Get<SocketEnvelopeHandler>().Handled == 1, what: "the start to arrive");
        var overview = Envelopes.SlashCommand(h.Slack, "");
        await h.Slack.SendEnvelopeAsync(sockets[1], overview);
        await FakeSlack.WaitUntilAsync(() => h.Get<SocketEnvelopeHandler>().Handled == 2, what: "the overview to arrive");
        lookup.SetResult();

        await AnswerAsync(h, start);
        var shown = await AnswerAsync(h, overview);

        Assert.DoesNotContain("Welcome to", shown, StringComparison.Ordinal);
        Assert.Contains("progress: 0% of", shown, StringComparison.Ordinal);
    }

    private static async Task<string> AnswerAsync(SlackHarness h, JsonObject envelope)
    {
        var id = envelope["envelope_id"]!.GetValue<string>();
        var ack = await h.Slack.WaitForAckAsync(id);
        return ack.Payload is { } payload ? payload.ToJsonString() : (await h.Slack.WaitForResponseAsync(id)).Body.ToJsonString();
    }
}
