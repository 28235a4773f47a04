using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Notifications;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// The celebration and leaderboard channels: checked with conversations.info before they are saved, and, when a post
/// later fails because of the channel, the admin who chose it is told once, the celebration goes to its member by DM,
/// the problem shows in <c>/studybot show</c>, and nothing is retried for ever.
/// </summary>
public sealed class ChannelTests
{
    private const string Admin = "U0ADMIN001";
    private const string Bob = "U0BOB00001";
    private const string Wins = "C0123ABCDEF";
    private const string Random = "C0RANDOM001";
    private static readonly string AdminDm = FakeSlack.DmChannelFor(Admin);
    private static readonly string AdaDm = FakeSlack.DmChannelFor(Envelopes.Ada);

    [Fact]
    public async Task A_channel_StudyBot_can_post_in_is_checked_with_conversations_info_and_saved_under_Slack_s_name()
    {
        await using var h = await StartAsync();

        var answer = await SayAsync(h, Admin, "/studybot", $"channel celebrations <#{Wins}>");

        Assert.Contains("will be posted in #wins", answer, StringComparison.Ordinal);
        var info = Assert.Single(h.Slack.Calls, c => c.Method == "conversations.info");
        Assert.Equal(Wins, info.Form["channel"]);
        Assert.Equal(Wins, (await h.LoadMemberAsync(Admin)).Community.Settings.CelebrationChannel);
    }

    public static TheoryData<string, string, string> Refusals() => new()
    {
        { "not-member", $"<#{Random}|random>", "/invite @StudyBot" },
        { "archived", $"<#{Random}|random>", "archived" },
        { "unknown", "<#C0999ZZZZZZ|gone>", "Slack can't find it" },
        { "unknown-bare-id", "C0999ZZZZZZ", "Slack can't find it" },
        { "private-without-me", "<#G0PRIVATE01|secret>", "Slack can't find it" },
        { "no-channels-read", $"<#{Random}|random>", "channels:read" },
        { "no-groups-read", "<#G0PRIVATE01|secret>", "groups:read" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_channel_StudyBot_cannot_post_in_gets_a_clear_answer_and_nothing_is_saved(string kind, string channel, string expected)
    {
        await using var h = await StartAsync(s =>
        {
            s.Channels.Add(Random);
            s.Channels.Add("G0PRIVATE01");
            switch (kind)
            {
                case "not-member":
                    s.ChannelsWithoutBot.Add(Random);
                    break;
                case "archived":
                    s.ArchivedChannels.Add(Random);
                    break;
                case "private-without-me":
                    s.ChannelsWithoutBot.Add("G0PRIVATE01");
                    break;
                case "no-channels-read":
                    s.Scopes.Remove("channels:read");
                    break;
                case "no-groups-read":
                    s.Scopes.Remove("groups:read");
                    break;
            }
        });

        var answer = await SayAsync(h, Admin, "/studybot", $"channel leaderboard {channel}");

        Assert.Contains(expected, answer, StringComparison.Ordinal);
        Assert.Contains("Example", answer, StringComparison.Ordinal);
        Assert.Null((await h.LoadMemberAsync(Admin)).Community.Settings.LeaderboardChannel);
        Assert.Contains(h.Slack.Calls, c => c.Method == "conversations.info");
    }

    [Fact]
    public async Task An_admin_who_reads_German_hears_why_a_channel_cannot_be_used_in_German()
    {
        await using var h = await StartAsync(s =>
        {
            s.Channels.Add(Random);
            s.ArchivedChannels.Add(Random);
        });
        await SayAsync(h, Admin, "/progress", "me language de");

        var answer = await SayAsync(h, Admin, "/studybot", $"channel leaderboard <#{Random}|random>");

        Assert.Contains("er ist archiviert. Wähle einen Kanal, der genutzt wird.", answer, StringComparison.Ordinal);
        Assert.Contains("Beispiel", answer, StringComparison.Ordinal);
        Assert.Null((await h.LoadMemberAsync(Admin)).Community.Settings.LeaderboardChannel);
    }

    [Fact]
    public async Task A_channel_that_cannot_be_checked_because_Slack_is_down_is_not_saved_and_the_answer_says_try_again()
    {
        await using var h = await StartAsync(s => s.Inject("conversations.info", Enumerable.Repeat(new ApiFault { Status = 503 }, 3).ToArray()));

        var answer = SayAsync(h, Admin, "/studybot", $"channel celebrations <#{Wins}|wins>");
        await h.AdvanceUntilAsync(() => answer.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), "the answer");

        Assert.Contains("try again in a minute", await answer, StringComparison.Ordinal);
        Assert.Equal(3, h.Slack.CallCount("conversations.info"));
        Assert.Null((await h.LoadMemberAsync(Admin)).Community.Settings.CelebrationChannel);
    }

    [Fact]
    public async Task A_celebration_channel_StudyBot_was_removed_from_tells_the_admin_once_celebrates_by_DM_and_shows_in_show()
    {
        await using var h = await StartAsync();
        await SayAsync(h, Admin, "/studybot", $"channel celebrations <#{Wins}|wins>");
        h.Slack.ChannelsWithoutBot.Add(Wins);

        await SayAsync(h, Envelopes.Ada, "/progress", "skip foundation known");
        await CelebrateAndDeliverAsync(h);

        // Ada's two wins (the milestone and the phase) reach her by DM; nothing is lost.
        Assert.Empty(h.Slack.MessagesIn(Wins));
        var adaWins = h.Slack.MessagesIn(AdaDm).Where(m => m.Method == "chat.postMessage").ToList();
        Assert.Equal(2, adaWins.Count);
        Assert.All(adaWins, m => Assert.Contains("completed", m.Text, StringComparison.Ordinal));
        var notice = Assert.Single(h.Slack.MessagesIn(AdminDm));
        Assert.Contains($"#{Wins}", notice.Text, StringComparison.Ordinal);
        Assert.Contains("not a member", notice.Text, StringComparison.Ordinal);
        Assert.Contains("/invite @StudyBot", notice.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("ada", notice.Text, StringComparison.OrdinalIgnoreCase);

        // A second member's win: by DM again, and the admin is not told again.
        await SayAsync(h, Bob, "/progress", "skip foundation known");
        await CelebrateAndDeliverAsync(h);

        Assert.Equal(2, h.Slack.MessagesIn(FakeSlack.DmChannelFor(Bob)).Count(m => m.Method == "chat.postMessage"));
        Assert.Single(h.Slack.MessagesIn(AdminDm));
        var show = await SayAsync(h, Admin, "/studybot", "show", allText: true);
        Assert.Contains($"#{Wins} (celebrations)", show, StringComparison.Ordinal);
        Assert.Contains("not a member", show, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Choosing_the_channel_again_after_fixing_it_clears_the_problem_and_a_new_one_is_reported_again()
    {
        await using var h = await StartAsync();
        await SayAsync(h, Admin, "/studybot", $"channel celebrations <#{Wins}|wins>");
        h.Slack.ArchivedChannels.Add(Wins);
        await SayAsync(h, Envelopes.Ada, "/progress", "skip foundation known");
        await CelebrateAndDeliverAsync(h);
        Assert.Single(h.Slack.MessagesIn(AdminDm));

        h.Slack.ArchivedChannels.Remove(Wins);
        await SayAsync(h, Admin, "/studybot", $"channel celebrations <#{Wins}|wins>");
        var show = await SayAsync(h, Admin, "/studybot", "show", allText: true);
        Assert.DoesNotContain("archived", show, StringComparison.Ordinal);

        h.Slack.ArchivedChannels.Add(Wins);
        await SayAsync(h, Bob, "/progress", "skip foundation known");
        await CelebrateAndDeliverAsync(h);

        Assert.Equal(2, h.Slack.MessagesIn(AdminDm).Count);
    }

    [Fact]
    public async Task A_leaderboard_that_cannot_be_posted_tells_the_admin_once_shows_in_show_and_is_not_retried()
    {
        await using var h = await StartAsync();
        await SayAsync(h, Admin, "/studybot", $"channel leaderboard <#{Wins}|wins>");
        await SayAsync(h, Envelopes.Ada, "/progress", "log 60 practice");
        h.Slack.ArchivedChannels.Add(Wins);

        // The first run schedules the post (Monday 09:00); a week later it is due.
        await h.Get<LeaderboardService>().RunDueAsync(CancellationToken.None);
        h.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, await h.Get<LeaderboardService>().RunDueAsync(CancellationToken.None));
        await DeliverAsync(h);
        var attempts = h.Slack.Calls.Count(c => c.Method == "chat.postMessage" && c.Json?["channel"]?.GetValue<string>() == Wins);

        // Later drains do not try it again.
        h.Time.Advance(TimeSpan.FromHours(2));
        await DeliverAsync(h);

        Assert.Equal(1, attempts);
        Assert.Equal(attempts, h.Slack.Calls.Count(c => c.Method == "chat.postMessage" && c.Json?["channel"]?.GetValue<string>() == Wins));
        var notice = Assert.Single(h.Slack.MessagesIn(AdminDm));
        Assert.Contains("leaderboard", notice.Text, StringComparison.Ordinal);
        Assert.Contains("archived", notice.Text, StringComparison.Ordinal);
        var show = await SayAsync(h, Admin, "/studybot", "show", allText: true);
        Assert.Contains($"#{Wins} (leaderboard)", show, StringComparison.Ordinal);
        Assert.Contains("archived", show, StringComparison.Ordinal);

        // Next week's post fails the same way: still one notice.
        h.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(1, await h.Get<LeaderboardService>().RunDueAsync(CancellationToken.None));
        await DeliverAsync(h);
        Assert.Single(h.Slack.MessagesIn(AdminDm));
    }

    [Fact]
    public async Task The_fake_answers_conversations_info_as_Slack_documents_it()
    {
        await using var fake = await FakeSlack.StartAsync();
        fake.Channels.Add(Random);
        fake.Channels.Add("G0PRIVATE01");
        fake.ChannelsWithoutBot.Add(Random);
        fake.ArchivedChannels.Add(Random);
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FakeSlack.BotToken);

        var found = await CallAsync(client, fake, Wins);
        var archivedWithoutMe = await CallAsync(client, fake, Random);
        var unknown = await CallAsync(client, fake, "C0999ZZZZZZ");
        fake.Scopes.Remove("groups:read");
        var noScope = await CallAsync(client, fake, "G0PRIVATE01");
        using var anonymous = new HttpClient();
        using var noToken = await anonymous.PostAsync(new Uri($"{fake.ApiBaseUrl}/conversations.info"), new FormUrlEncodedContent(new Dictionary<string, string> { ["channel"] = Wins }));

        Assert.True(found["ok"]!.GetValue<bool>());
        Assert.Equal(("wins", true, false), (found["channel"]!["name"]!.GetValue<string>(), found["channel"]!["is_member"]!.GetValue<bool>(), found["channel"]!["is_archived"]!.GetValue<bool>()));
        Assert.Equal((false, true), (archivedWithoutMe["channel"]!["is_member"]!.GetValue<bool>(), archivedWithoutMe["channel"]!["is_archived"]!.GetValue<bool>()));
        Assert.Equal("channel_not_found", unknown["error"]!.GetValue<string>());
        Assert.Equal(("missing_scope", "groups:read"), (noScope["error"]!.GetValue<string>(), noScope["needed"]!.GetValue<string>()));
        Assert.DoesNotContain("groups:read", noScope["provided"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("not_authed", JsonNode.Parse(await noToken.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    private static async Task<JsonObject> CallAsync(HttpClient client, FakeSlack fake, string channel)
    {
        using var response = await client.PostAsync(new Uri($"{fake.ApiBaseUrl}/conversations.info"), new FormUrlEncodedContent(new Dictionary<string, string> { ["channel"] = channel }));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>After the undo grace: the celebrations are written to the outbox, then delivered.</summary>
    private static async Task CelebrateAndDeliverAsync(SlackHarness h)
    {
        h.Time.Advance(CelebrationService.Grace + TimeSpan.FromSeconds(1));
        await h.Get<CelebrationService>().RunAsync(CancellationToken.None);
        await DeliverAsync(h);
    }

    /// <summary>Drains the outbox, moving fake time for its pacing (one Slack message a second).</summary>
    private static async Task DeliverAsync(SlackHarness h)
    {
        var drain = h.Get<OutboxDispatcher>().DrainAsync(TimeSpan.FromMinutes(10), CancellationToken.None);
        await h.AdvanceUntilAsync(() => drain.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), "the outbox to drain");
        await drain;
    }

    private static async Task<string> SayAsync(SlackHarness h, string user, string command, string text, bool allText = false)
    {
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var envelope = Envelopes.SlashCommand(h.Slack, text, user);
        envelope["payload"]!["command"] = command;
        var id = envelope["envelope_id"]!.GetValue<string>();
        await h.Slack.SendEnvelopeAsync(socket, envelope);
        var body = (await h.Slack.WaitForResponseAsync(id, TimeSpan.FromSeconds(30))).Body;
        return allText ? body.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) : body["text"]!.GetValue<string>();
    }

    private static Task<SlackHarness> StartAsync(Action<FakeSlack>? arrange = null) => SlackHarness.StartAsync(new HarnessOptions
    {
        Config = { ["Slack:InlineReplyWindow"] = "00:00:00" },
        Arrange = s =>
        {
            s.AddUser(new FakeUser(Admin, "olga", "Europe/Berlin", IsAdmin: true));
            s.AddUser(new FakeUser(Bob, "bob", "Europe/Berlin"));
            arrange?.Invoke(s);
        },
    });
}
