using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StudyBot.Core.Chat;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// Conditions that stop the process at run time (they set the process exit code, which is global, so these
/// tests live in one class and never run alongside each other).
/// </summary>
public sealed class FatalStopTests
{
    private static readonly CommunityRef Workspace = new(Platforms.Slack, FakeSlack.TeamId, FakeSlack.TeamDomain);
    private static readonly MemberRef Ada = new(Workspace, Envelopes.Ada, "ada");

    [Fact]
    public async Task Link_disabled_stops_the_process_with_a_message_that_says_what_to_fix()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.Slack.WaitForSocketsAsync(2);
        var lifetime = h.Get<IHostApplicationLifetime>();

        await sockets[0].DisconnectAsync("link_disabled");
        await FakeSlack.WaitUntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, what: "the host to stop");

        Assert.Equal(1, Environment.ExitCode);
        var critical = Assert.Single(h.Logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("link_disabled", critical.Message, StringComparison.Ordinal);
        Assert.Contains("Socket Mode", critical.Message, StringComparison.Ordinal);
        Assert.Contains("Slack:Mode=Http", critical.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_token_revoked_while_running_stops_the_process_naming_Slack_AppToken()
    {
        await using var h = await SlackHarness.StartAsync();
        var sockets = await h.Slack.WaitForSocketsAsync(2);
        h.Slack.Inject("apps.connections.open", ApiFault.Fails("token_revoked"));
        var lifetime = h.Get<IHostApplicationLifetime>();

        await sockets[0].DisconnectAsync("refresh_requested");
        await FakeSlack.WaitUntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, what: "the host to stop");

        var critical = Assert.Single(h.Logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("Slack:AppToken", critical.Message, StringComparison.Ordinal);
        Assert.Contains("token_revoked", critical.Message, StringComparison.Ordinal);
        Assert.Equal(1, Environment.ExitCode);
    }

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("token_revoked")]
    public async Task A_refused_token_at_run_time_stops_the_adapter_naming_the_setting(string error)
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
        h.Slack.Inject("chat.postMessage", ApiFault.Fails(error));

        var result = await h.Get<INotifier>().SendDirectAsync(Ada, Reply.Info("x"), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Transient, result.Status);
        Assert.True(h.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.Equal(1, Environment.ExitCode);
        var critical = Assert.Single(h.Logs.Entries, e => e.Level == LogLevel.Critical);
        Assert.Contains("Slack:BotToken", critical.Message, StringComparison.Ordinal);
        Assert.Contains(error, critical.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(h.Logs.Entries, e => e.Message.Contains(FakeSlack.BotToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_token_or_secret_ever_reaches_the_logs()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.Slack.WaitForSocketsAsync(2))[0];
        h.Slack.Inject("chat.postMessage", ApiFault.Fails("invalid_blocks"), ApiFault.Fails("token_revoked"));
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());
        await h.Get<INotifier>().SendDirectAsync(new MemberRef(new CommunityRef(Platforms.Slack, FakeSlack.TeamId, "x"), Envelopes.Ada, "ada"), Reply.Info("x"), CancellationToken.None);

        Assert.NotEmpty(h.Logs.Entries);
        Assert.Contains(h.Logs.Entries, e => e.Level == LogLevel.Critical);
        foreach (var secret in new[] { FakeSlack.BotToken, FakeSlack.AppToken, SlackHarness.SigningSecret, "fakebottoken", "fakeapptoken" })
        {
            Assert.DoesNotContain(h.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal) || (e.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
        }
    }
}
