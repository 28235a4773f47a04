using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// A member's reply language follows their Slack locale (users.info with include_locale=true) unless they chose one;
/// a locale StudyBot does not speak, or a users.info that fails, leaves replies in English without a word about it.
/// </summary>
public sealed class LanguageTests
{
    private const string Lena = "U0LENA0001";
    private const string Remy = "U0REMY0001";

    [Fact]
    public async Task A_member_whose_Slack_is_in_German_gets_German_replies_and_one_in_French_gets_English()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            Config = { ["Slack:InlineReplyWindow"] = "00:00:00" },
            Arrange = s =>
            {
                s.AddUser(new FakeUser(Lena, "lena", "Europe/Berlin") { Locale = "de-DE" });
                s.AddUser(new FakeUser(Remy, "remy", "Europe/Paris") { Locale = "fr-FR" });
            },
        });

        Assert.Contains("Diese Woche", await SayAsync(h, Lena, "log 45 practice"), StringComparison.Ordinal);
        Assert.Contains("This week", await SayAsync(h, Remy, "log 45 practice"), StringComparison.Ordinal);

        // Her own choice comes before Slack's locale, and auto goes back to it.
        await SayAsync(h, Lena, "me language en");
        Assert.Contains("This week", await SayAsync(h, Lena, "log 15 review"), StringComparison.Ordinal);
        await SayAsync(h, Lena, "me language auto");
        Assert.Contains("Diese Woche", await SayAsync(h, Lena, "log 15 review"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_users_info_that_fails_leaves_replies_in_English_without_an_error()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            Config = { ["Slack:InlineReplyWindow"] = "00:00:00" },
            Arrange = s => s.AddUser(new FakeUser(Lena, "lena", "Europe/Berlin") { Locale = "de-DE" }),
        });
        h.Slack.Inject("users.info", new ApiFault { Error = "ratelimited" });

        var reply = await SayAsync(h, Lena, "log 45 practice");
        Assert.Contains("📝 Logged 45 min of practice", reply, StringComparison.Ordinal);
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
