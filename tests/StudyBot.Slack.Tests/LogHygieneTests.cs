using Microsoft.Extensions.Logging;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// What an operator's log holds after real runs: no secret-bearing URL or token at any level, and nothing to alarm
/// anyone on a normal shutdown. The harness captures every category (HttpClientFactory's included) at Debug.
/// </summary>
public sealed class LogHygieneTests
{
    private const string Admin = "U0ADMIN001";

    [Fact]
    public async Task A_full_run_at_Debug_level_logs_no_response_url_upload_url_socket_url_or_token()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            // Every answer goes to its response_url, so every command exercises one.
            Config = { ["Slack:InlineReplyWindow"] = "00:00:00" },
            Arrange = s => s.AddUser(new FakeUser(Admin, "olga", "Europe/Berlin", IsAdmin: true)),
        });
        var socket = (await h.WaitForSocketsAsync(2))[0];
        var responseIds = new List<string>();
        foreach (var (user, command, text) in new[]
        {
            (Envelopes.Ada, "/progress", ""),
            (Envelopes.Ada, "/progress", "done numpy"),
            (Envelopes.Ada, "/progress", "card"),
            (Envelopes.Ada, "/progress", "me export"),
            (Admin, "/studybot", "export"),
            (Admin, "/studybot", "channel celebrations <#C0123ABCDEF|wins>"),
        })
        {
            var envelope = Envelopes.SlashCommand(h.Slack, text, user);
            envelope["payload"]!["command"] = command;
            var id = envelope["envelope_id"]!.GetValue<string>();
            responseIds.Add(id);
            await h.Slack.SendEnvelopeAsync(socket, envelope);
            await h.WaitForResponseAsync(id);
        }

        // A button press answers through its own response_url too.
        var press = Envelopes.Interactive(Envelopes.BlockActions(h.Slack, "progress next", "button-1"));
        responseIds.Add("button-1");
        await h.Slack.SendEnvelopeAsync(socket, press);
        await h.WaitForResponseAsync("button-1");
        await h.App.StopAsync();

        Assert.True(h.Slack.UploadPosts.Count >= 3, "the run uploaded the card and both exports");
        Assert.Contains(h.Logs.Entries, e => e.Level == LogLevel.Debug);
        var secrets = responseIds.Select(h.Slack.ResponseUrl)
            .Concat(responseIds.Select(id => $"/response/{id}"))
            .Concat(h.Slack.UploadPosts.Select(u => h.Slack.UploadUrl(u.FileId)))
            .Concat(h.Slack.UploadPosts.Select(u => $"/upload/{u.FileId}"))
            .Concat(["/link/?ticket=", FakeSlack.BotToken, FakeSlack.AppToken, SlackHarness.SigningSecret, "fakebottoken", "fakeapptoken"])
            .ToList();
        foreach (var entry in h.Logs.Entries)
        {
            var logged = entry.Message + "\n" + entry.Exception;
            var leaked = secrets.FirstOrDefault(s => logged.Contains(s, StringComparison.Ordinal));
            Assert.True(leaked is null, $"{entry.Category} logged '{leaked}': {entry.Message}");
        }
    }

    [Fact]
    public async Task A_normal_shutdown_of_Socket_Mode_logs_no_warning_and_no_lost_connection()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.WaitForSocketsAsync(2);
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        await h.Slack.SendEnvelopeAsync(sockets[0], envelope);
        await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await h.App.StopAsync(stop.Token);
        await FakeSlack.WaitUntilAsync(() => h.Slack.AllSockets.All(s => s.Ended.IsCompleted), what: "every socket to end");

        Assert.All(h.Slack.AllSockets, s => Assert.True(s.ClosedByClient, $"socket {s.Id} ended: {s.Ended.Result}"));
        Assert.DoesNotContain(h.Logs.Entries, e => e.Message.Contains("connection lost", StringComparison.OrdinalIgnoreCase));
        var loud = h.Logs.Entries.Where(e => e.Level >= LogLevel.Warning).Select(e => $"{e.Level} {e.Category}: {e.Message}").ToList();
        Assert.True(loud.Count == 0, "A normal shutdown logged:\n" + string.Join("\n", loud));
    }
}
