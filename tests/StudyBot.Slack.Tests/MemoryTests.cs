using StudyBot.Core.Chat;
using StudyBot.Slack.Api;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Rendering;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>Whatever StudyBot keeps per key in memory (members, DMs, response_urls, delivered keys) stays small over months.</summary>
public sealed class MemoryTests
{
    [Fact]
    public async Task Thirty_days_of_members_seen_once_leave_only_the_last_hours_lookups_DMs_and_response_urls_in_memory()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
        var users = h.Get<SlackUserDirectory>();
        var messenger = h.Get<SlackMessenger>();
        var seen = 0;
        for (var day = 0; day < 30; day++)
        {
            for (var i = 0; i < 5; i++)
            {
                var userId = $"U0DAY{day:D2}N{i}";
                h.Slack.AddUser(new FakeUser(userId, $"member {seen++}", "Europe/Berlin"));
                Assert.NotNull(await users.GetAsync(userId, CancellationToken.None));
                var answer = new SlackMessage("Hello", [], inChannel: false);
                Assert.Equal(DeliveryStatus.Sent, (await messenger.PostMessageAsync(userId, answer, $"reminder:{userId}", CancellationToken.None)).Result.Status);
                var url = h.Slack.ResponseUrl($"day{day}-{i}");
                messenger.ResponseUrlArrived(url);
                Assert.True(await messenger.RespondAsync(url, answer.ToResponse(), CancellationToken.None));
                h.Time.Advance(TimeSpan.FromMinutes(10));
            }

            h.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromMinutes(50));
        }

        Assert.Equal(150, seen);
        Assert.InRange(users.Cached, 0, 10);
        Assert.InRange(messenger.Held, 0, 20);
    }
}
