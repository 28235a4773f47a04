using Microsoft.Extensions.Time.Testing;
using StudyBot.Core.Chat;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Sends whose outcome StudyBot cannot know (Discord did the work, the answer was lost): retried with the same nonce while
/// Discord still de-duplicates it, and after that only once the channel's recent messages show it never arrived.
/// </summary>
public sealed class UnknownOutcomeTests
{
    private const ulong Member = 555000000000000001;

    private static readonly MemberRef Learner = new(new CommunityRef(Platforms.Discord, "290926798626357999", "Study Hall"), Member.ToString(System.Globalization.CultureInfo.InvariantCulture), "Ada");

    private static readonly Reply Reminder = new() { Title = "⏰ Study time", Text = "Your Monday session is in an hour. NumPy is next." };

    private static Task<AdapterHarness> Harness() => AdapterHarness.StartAsync(o =>
    {
        o.Start = false;
        o.FakeTime = true;
        o.ServerOnFakeTime = true;
    });

    private static bool IsSend(FakeRequest r) => r.Method == "POST" && r.Template == "/channels/{channel_id}/messages";

    private static int Posted(FakeDiscordServer server) => server.Messages.Values.Sum(m => m.Count);

    /// <summary>Runs a send to its end, moving the fake clock so the REST client's backoffs pass.</summary>
    private static async Task<DeliveryResult> PumpAsync(FakeTimeProvider time, Task<DeliveryResult> send)
    {
        await Wait.PumpUntilAsync(time, () => send.IsCompleted, "the send to finish", step: TimeSpan.FromMilliseconds(250));
        return await send;
    }

    [Fact]
    public async Task A_reminder_whose_answer_was_lost_is_not_posted_again_after_Discords_nonce_window()
    {
        await using var harness = await Harness();
        var time = harness.Time!;
        var notifier = harness.Get<DiscordNotifier>();

        // Discord posts the reminder every time, and every answer is lost on the way back.
        harness.Server.AddFault(new FakeFault(IsSend, AbortAfterHandling: true, Times: 4));
        var first = await PumpAsync(time, notifier.SendDirectAsync(Learner, Reminder, "reminder:ada:202607061900", CancellationToken.None));
        Assert.Equal(DeliveryStatus.Transient, first.Status);
        Assert.Equal(1, Posted(harness.Server));
        Assert.Equal(0, harness.Server.PendingFaults);

        // The outbox tries again long after Discord forgot the nonce.
        time.Advance(TimeSpan.FromMinutes(30));
        var again = await PumpAsync(time, notifier.SendDirectAsync(Learner, Reminder, "reminder:ada:202607061900", CancellationToken.None));

        Assert.Equal(DeliveryResult.Ok, again);
        Assert.Equal(1, Posted(harness.Server));
        Assert.Contains(harness.Server.Requests, r => r.Method == "GET" && r.Template == "/channels/{channel_id}/messages" && r.Status == 200);
    }

    [Fact]
    public async Task A_reminder_that_never_reached_Discord_is_sent_after_the_window_once_the_channel_shows_it_is_missing()
    {
        await using var harness = await Harness();
        var time = harness.Time!;
        var notifier = harness.Get<DiscordNotifier>();
        harness.Server.AddFault(new FakeFault(r => IsSend(r) && harness.Server.Messages.IsEmpty, Status: 503, Times: 4));

        var first = await PumpAsync(time, notifier.SendDirectAsync(Learner, Reminder, "reminder:ada:202607131900", CancellationToken.None));
        Assert.Equal(DeliveryStatus.Transient, first.Status);
        Assert.Equal(0, Posted(harness.Server));

        time.Advance(TimeSpan.FromMinutes(30));
        var again = await PumpAsync(time, notifier.SendDirectAsync(Learner, Reminder, "reminder:ada:202607131900", CancellationToken.None));

        Assert.Equal(DeliveryResult.Ok, again);
        Assert.Equal(1, Posted(harness.Server));
    }

    [Fact]
    public async Task Within_the_nonce_window_a_lost_answer_is_retried_with_the_same_nonce_and_Discord_keeps_one_message()
    {
        await using var harness = await Harness();
        var time = harness.Time!;
        var notifier = harness.Get<DiscordNotifier>();
        harness.Server.AddFault(new FakeFault(IsSend, AbortAfterHandling: true, Times: 1));

        var result = await PumpAsync(time, notifier.PostAsync(new ChannelAddress(Learner.Community, "645027906669510668"), Reminder, "leaderboard:2026-07-06", CancellationToken.None));

        Assert.Equal(DeliveryResult.Ok, result);
        Assert.Equal(1, Posted(harness.Server));
        var sends = harness.Server.Requests.Where(IsSend).ToList();
        Assert.Equal(2, sends.Count);
        Assert.Equal((string?)sends[0].Json!["nonce"], (string?)sends[1].Json!["nonce"]);
        Assert.DoesNotContain(harness.Server.Requests, r => r.Method == "GET" && r.Template == "/channels/{channel_id}/messages");
    }
}
