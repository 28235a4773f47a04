using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Discord.Interactions;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>Follow-ups (celebrations, notices) after an interaction's answer: each on its own, retried when Discord falters.</summary>
public sealed class FollowUpTests
{
    private const string FollowUpTemplate = "/webhooks/{webhook_id}/{webhook_token}";

    internal static readonly JsonObject UnknownWebhook = new() { ["message"] = "Unknown Webhook", ["code"] = 10015 };

    private static Reply ThreeFollowUps() => new()
    {
        Text = "Marked NumPy done",
        FollowUps = [new Reply { Text = "one" }, new Reply { Text = "two" }, new Reply { Text = "three" }],
    };

    internal static bool IsFollowUp(FakeRequest request, string? content = null) =>
        request.Method == "POST" && request.Template == FollowUpTemplate
        && (content is null || request.Body.Contains($"\"content\":\"{content}\"", StringComparison.Ordinal));

    private static Task<AdapterHarness> Harness() => AdapterHarness.StartAsync(o =>
    {
        // Backoffs run on fake time; the fake's own limits stay on real time, so they are off here.
        o.FakeTime = true;
        o.Server.Buckets.Remove("GET /gateway/bot");
        o.Server.EnforceGlobalLimit = false;
        o.Server.EnforceGatewaySendLimit = false;
    });

    public static TheoryData<string> LastingFailures() => ["404 Unknown Webhook", "500 every time", "connection dropped every time"];

    [Theory]
    [MemberData(nameof(LastingFailures))]
    public async Task A_follow_up_that_fails_for_good_does_not_stop_the_ones_after_it_and_the_log_says_which_one(string failure)
    {
        await using var harness = await Harness();
        await harness.ReadyAsync();
        harness.Runner!.Answer = _ => ThreeFollowUps();
        harness.Server.AddFault(failure switch
        {
            "404 Unknown Webhook" => new FakeFault(r => IsFollowUp(r, "two"), Status: 404, Body: UnknownWebhook, Times: 100),
            "500 every time" => new FakeFault(r => IsFollowUp(r, "two"), Status: 500, Times: 100),
            _ => new FakeFault(r => IsFollowUp(r, "two"), Abort: true, Times: 100),
        });

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));
        var processor = harness.Get<InteractionProcessor>();
        await Wait.PumpUntilAsync(harness.Time!, () => processor.Handled == 1, "the interaction to be handled", step: TimeSpan.FromSeconds(1));

        Assert.Equal(["one", "three"], interaction.FollowUps.Select(f => (string?)f["content"]));
        var line = Assert.Single(harness.Logs.Lines, l => l.Message.Contains("follow-up 2 of 3 failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, line.Level);
        if (failure.StartsWith("404", StringComparison.Ordinal))
        {
            Assert.Contains("10015", line.Message, StringComparison.Ordinal);
        }
        else if (failure.StartsWith("500", StringComparison.Ordinal))
        {
            Assert.Contains("500", line.Message, StringComparison.Ordinal);
        }

        Assert.False(harness.Logs.Contains("could not be answered"), harness.Logs.All);
    }

    public static TheoryData<string> PassingFailures() => ["503 twice", "429 with Retry-After", "connection dropped once"];

    [Theory]
    [MemberData(nameof(PassingFailures))]
    public async Task A_follow_up_Discord_fails_for_a_moment_is_retried_and_arrives_once(string failure)
    {
        await using var harness = await Harness();
        await harness.ReadyAsync();
        harness.Runner!.Answer = _ => ThreeFollowUps();
        var fault = failure switch
        {
            "503 twice" => new FakeFault(r => IsFollowUp(r, "two"), Status: 503, Times: 2),
            "429 with Retry-After" => new FakeFault(r => IsFollowUp(r, "two"), Status: 429, Scope: "shared", RetryAfter: 2.5),
            _ => new FakeFault(r => IsFollowUp(r, "two"), Abort: true),
        };
        harness.Server.AddFault(fault);

        var interaction = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress done", new Dictionary<string, object> { ["item"] = "numpy" }));
        await Bounded.WaitAsync(interaction.Answered.Task, "the answer to the interaction", TimeSpan.FromSeconds(10));
        var processor = harness.Get<InteractionProcessor>();
        await Wait.PumpUntilAsync(harness.Time!, () => processor.Handled == 1, "the interaction to be handled", step: TimeSpan.FromMilliseconds(500));

        Assert.Equal(["one", "two", "three"], interaction.FollowUps.Select(f => (string?)f["content"]));
        Assert.Equal(fault.Times + 1, harness.Server.Requests.Count(r => IsFollowUp(r, "two")));
        Assert.False(harness.Logs.Contains("of 3 failed"), harness.Logs.All);
    }

    private static Reply WithNotice() => new()
    {
        Text = "Your streak: 3 weeks",
        FollowUps = [new Reply { Text = "Your DMs are closed to me", Notice = ReplyNotice.DmClosed, Tone = ReplyTone.Warning }],
    };

    [Fact]
    public async Task A_notice_whose_answer_never_arrived_is_reported_undelivered_and_a_delivered_one_is_not()
    {
        await using var harness = await Harness();
        await harness.ReadyAsync();
        harness.Runner!.Answer = _ => WithNotice();
        var processor = harness.Get<InteractionProcessor>();

        var delivered = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak"));
        await Wait.PumpUntilAsync(harness.Time!, () => processor.Handled == 1, "the first interaction to be handled");
        Assert.Single(delivered.FollowUps);
        Assert.Empty(harness.Runner.UndeliveredNotices);

        // Discord says the interaction expired: neither the answer nor its notice reached the member.
        harness.Server.AddFault(new FakeFault(r => r.Template.EndsWith("/callback", StringComparison.Ordinal), Status: 404, Body: new JsonObject { ["message"] = "Unknown interaction", ["code"] = 10062 }));
        var expired = await harness.Server.DispatchInteractionAsync(InteractionFactory.Slash("progress streak"));
        await Wait.PumpUntilAsync(harness.Time!, () => processor.Handled == 2, "the second interaction to be handled");

        Assert.Empty(expired.FollowUps);
        var (who, notice) = Assert.Single(harness.Runner.UndeliveredNotices);
        Assert.Equal(ReplyNotice.DmClosed, notice);
        Assert.Equal(InteractionFactory.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture), who.UserId);
    }
}
