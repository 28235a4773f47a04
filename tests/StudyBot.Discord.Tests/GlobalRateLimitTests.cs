using StudyBot.Discord.Json;
using StudyBot.Discord.Rest;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;

namespace StudyBot.Discord.Tests;

/// <summary>
/// Discord's global limit as configured (<c>Discord:GlobalRateLimit</c>): Discord grants large bots more than 50 requests
/// a second, and the client uses what it is told, against the fake Discord enforcing the same limit in any sliding second.
/// </summary>
public sealed class GlobalRateLimitTests
{
    private static MessagePayload Message(string text) => new() { Content = text };

    [Fact]
    public async Task A_bot_granted_120_requests_a_second_sends_120_in_a_second_and_the_121st_only_in_the_next()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
            o.ServerOnFakeTime = true;
            o.Server.GlobalLimit = 120;
            o.Settings["Discord:GlobalRateLimit"] = "120";
        });
        var rest = harness.Get<DiscordRestClient>();
        var watch = harness.Watch!;

        // The clock stands still: whatever reaches the fake, reaches it within one second. 121 channels, one message each,
        // so no route bucket holds anything back: only the global limit decides.
        var armedBefore = watch.Armed;
        var sends = Enumerable.Range(0, 121).Select(i => rest.CreateMessageAsync(5000 + (ulong)i, Message($"m{i}"), CancellationToken.None)).ToList();

        await Bounded.UntilAsync(() => harness.Server.Requests.Count(r => r.Status == 200) >= 120, "120 messages to reach the fake Discord within its second");
        await Bounded.UntilAsync(() => watch.Armed > armedBefore && sends.Count(s => s.IsCompleted) == 120, "the 121st message to wait for the next second");
        Assert.Equal(120, harness.Server.Requests.Count);

        watch.Advance(RateLimiter.GlobalWindow + TimeSpan.FromMilliseconds(1));
        await Bounded.WaitAsync(Task.WhenAll(sends), "the 121st message in the next second");

        Assert.Equal(121, harness.Server.Requests.Count);
        Assert.Equal(0, harness.Server.TooManyRequests);
    }
}
