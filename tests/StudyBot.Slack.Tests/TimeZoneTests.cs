using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// A new member's zone is the one Slack reports for them (users.info <c>tz</c>); the community's zone is only the
/// fallback for a member Slack gives none, so reminders and week boundaries follow each member's own clock.
/// </summary>
public sealed class TimeZoneTests
{
    private const string Lin = "U0LIN00001";
    private const string Sam = "U0SAM00001";

    [Fact]
    public async Task A_member_in_Los_Angeles_joining_a_group_started_from_Berlin_gets_Los_Angeles_time()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            Config = { ["Slack:InlineReplyWindow"] = "00:00:00" },
            Arrange = s =>
            {
                s.AddUser(new FakeUser(Lin, "lin", "America/Los_Angeles"));
                s.AddUser(new FakeUser(Sam, "sam", null));
            },
        });

        // Ada (Europe/Berlin) starts the group; Lin (Los Angeles) and Sam (no zone in Slack) join it.
        await SayAsync(h, Envelopes.Ada, "start programmer part-time");
        await SayAsync(h, Lin, "start programmer part-time");
        await SayAsync(h, Sam, "start programmer part-time");

        var ada = await h.LoadMemberAsync(Envelopes.Ada);
        Assert.Equal("Europe/Berlin", ada.Community.TimeZoneId);
        Assert.Equal("Europe/Berlin", ada.Member.TimeZoneId);
        Assert.Equal("America/Los_Angeles", (await h.LoadMemberAsync(Lin)).Member.TimeZoneId);
        Assert.Equal("Europe/Berlin", (await h.LoadMemberAsync(Sam)).Member.TimeZoneId);
    }

    [Fact]
    public async Task Study_logged_on_a_Sunday_evening_in_Los_Angeles_counts_for_that_Sunday_even_though_it_is_Monday_in_Berlin()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            Config = { ["Slack:InlineReplyWindow"] = "00:00:00" },
            Arrange = s => s.AddUser(new FakeUser(Lin, "lin", "America/Los_Angeles")),
        });
        await SayAsync(h, Envelopes.Ada, "start programmer part-time");

        // Sunday 11 January 2026, 22:00 in Los Angeles: Monday 07:00 in Berlin, a new week there.
        h.Time.Advance(new DateTimeOffset(2026, 1, 12, 6, 0, 0, TimeSpan.Zero) - h.Time.GetUtcNow());
        await SayAsync(h, Lin, "log 45 practice");

        var lin = await h.LoadMemberAsync(Lin);
        var day = Assert.Single(lin.Days);
        Assert.Equal(new DateOnly(2026, 1, 11), day.Date);
        Assert.Equal(45, day.TotalMinutes);
    }

    private static async Task<string> SayAsync(SlackHarness h, string user, string text)
    {
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, text, user);
        var id = envelope["envelope_id"]!.GetValue<string>();
        await h.Slack.SendEnvelopeAsync(socket, envelope);
        return (await h.WaitForResponseAsync(id)).Body["text"]!.GetValue<string>();
    }
}
