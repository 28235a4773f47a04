using Microsoft.Extensions.Time.Testing;
using StudyBot.Slack.Inbound;

namespace StudyBot.Slack.Tests;

public sealed class RecentKeysTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_key_is_new_once_and_a_repeat_inside_the_window_is_not()
    {
        var keys = new RecentKeys(_time, TimeSpan.FromMinutes(30));

        Assert.True(keys.TryMark("event:Ev1"));
        Assert.False(keys.TryMark("event:Ev1"));
        Assert.True(keys.TryMark("event:Ev2"));
    }

    [Fact]
    public void The_window_outlasts_Slack_s_last_retry_and_then_forgets()
    {
        var keys = new RecentKeys(_time, RecentKeys.DefaultTtl);
        keys.TryMark("event:Ev1");

        // Slack's final retry comes about 5 minutes after the first attempt.
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.False(keys.TryMark("event:Ev1"));

        _time.Advance(RecentKeys.DefaultTtl);
        Assert.True(keys.TryMark("event:Ev1"));
    }

    [Fact]
    public void Any_of_several_keys_already_seen_makes_a_delivery_a_repeat()
    {
        var keys = new RecentKeys(_time, TimeSpan.FromMinutes(30));
        Assert.True(keys.TryMark("envelope:a", "event:Ev9"));

        Assert.False(keys.TryMark("envelope:b", "event:Ev9"));
        Assert.False(keys.TryMark("envelope:a"));
        Assert.False(keys.Contains("envelope:b"));
    }

    [Fact]
    public void Memory_stays_bounded_by_dropping_the_oldest_keys()
    {
        var keys = new RecentKeys(_time, TimeSpan.FromHours(1), capacity: 100);
        for (var i = 0; i < 1000; i++)
        {
            keys.TryMark($"k{i}");
        }

        Assert.Equal(100, keys.Count);
        Assert.True(keys.Contains("k999"));
        Assert.False(keys.Contains("k0"));
    }
}
