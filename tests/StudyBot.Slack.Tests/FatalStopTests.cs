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
        var sockets = await h.WaitForSocketsAsync(2);
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
        var sockets = await h.WaitForSocketsAsync(2);
        h.Slack.Inject("apps.connections.open", ApiFault.Fails("token_revoked"));
        var lifetime = h.Get<IHostApplicationLifetime>();

        await sockets[0].DisconnectAsync("refresh_requested");

        // The replacement's apps.connections.open waits for its turn in the method's budget (20 a minute).
        await h.AdvanceUntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the host to stop");

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

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("not_authed")]
    [InlineData("account_inactive")]
    [InlineData("token_revoked")]
    public async Task A_bot_token_Slack_refuses_at_start_stops_the_host_with_one_clean_line_naming_Slack_BotToken(string error)
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            StartHost = false,
            Arrange = s => s.Inject("auth.test", ApiFault.Fails(error)),
        });

        await h.StartHostAsync();
        await FakeSlack.WaitUntilAsync(() => h.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, what: "the host to stop");

        Assert.Equal(1, Environment.ExitCode);
        AssertOneCleanLine(h, $"StudyBot cannot start: Slack refused Slack:BotToken ({error}).");
        Assert.Equal(0, h.Slack.CallCount("apps.connections.open"));
        Assert.Equal(0, h.Slack.TotalSockets);
    }

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("token_revoked")]
    public async Task In_HTTP_mode_a_bot_token_Slack_refuses_at_start_still_stops_the_host_with_the_same_clean_line(string error)
    {
        // In HTTP mode the token is checked while the endpoint already listens (issue 14: ready sooner); the verdict
        // on a refused token is the same one line and exit code 1.
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            StartHost = false,
            Mode = SlackMode.Http,
            Arrange = s => s.Inject("auth.test", ApiFault.Fails(error)),
        });

        await h.StartHostAsync();
        await FakeSlack.WaitUntilAsync(() => h.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, what: "the host to stop");

        Assert.Equal(1, Environment.ExitCode);
        AssertOneCleanLine(h, $"StudyBot cannot start: Slack refused Slack:BotToken ({error}).");
    }

    [Fact]
    public async Task In_HTTP_mode_the_endpoint_answers_commands_while_Slack_is_still_checking_the_bot_token()
    {
        var release = new TaskCompletionSource();
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            StartHost = false,
            Mode = SlackMode.Http,
            StartTimeout = TimeSpan.FromSeconds(10),
            Arrange = s => s.Inject("auth.test", new ApiFault { Gate = release.Task }),
        });

        await h.StartHostAsync();
        using var response = await HttpModeTests.PostSignedAsync(h, "/slack/commands", HttpModeTests.SlashForm(h, "help", "help-early"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/progress", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(release.Task.IsCompleted);

        release.SetResult();
        await FakeSlack.WaitUntilAsync(() => h.Logs.Entries.Any(e => e.Message.StartsWith("Slack: signed in to workspace", StringComparison.Ordinal)), what: "the bot token check to finish");
        Assert.False(h.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task In_HTTP_mode_an_unreachable_Slack_at_start_is_retried_then_reported_in_one_line_naming_the_settings()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            StartHost = false,
            Mode = SlackMode.Http,
            Arrange = s => s.Inject("auth.test", Enumerable.Repeat(new ApiFault { Status = 503, Error = "service_unavailable" }, 4).ToArray()),
        });

        await h.StartHostAsync();
        var stopping = h.Get<IHostApplicationLifetime>().ApplicationStopping;
        await h.AdvanceUntilAsync(() => stopping.IsCancellationRequested, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), "the token check to give up");

        Assert.Equal(4, h.Slack.CallCount("auth.test"));
        Assert.Equal(1, Environment.ExitCode);
        var line = AssertOneCleanLine(h, "StudyBot cannot start: Slack's Web API could not be reached to check Slack:BotToken", LogLevel.Error);
        Assert.Contains("Slack:ApiBaseUrl", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_Slack_at_start_is_retried_then_reported_in_one_line_naming_the_settings()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            StartHost = false,
            Arrange = s => s.Inject("auth.test", Enumerable.Repeat(new ApiFault { Status = 503, Error = "service_unavailable" }, 4).ToArray()),
        });

        var start = h.StartHostAsync();
        await h.AdvanceUntilAsync(() => start.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), "start-up to give up");
        await start;

        Assert.Equal(4, h.Slack.CallCount("auth.test"));
        Assert.Equal(1, Environment.ExitCode);
        // The retries are warnings, as they should be; the verdict is one clean line.
        var line = AssertOneCleanLine(h, "StudyBot cannot start: Slack's Web API could not be reached to check Slack:BotToken", LogLevel.Error);
        Assert.Contains("Slack:ApiBaseUrl", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_app_token_stops_the_host_at_start_with_one_clean_line_naming_Slack_AppToken()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions
        {
            StartHost = false,
            Arrange = s => s.Inject("apps.connections.open", ApiFault.Fails("invalid_auth")),
        });

        await h.StartHostAsync();
        await FakeSlack.WaitUntilAsync(() => h.Get<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, what: "the host to stop");

        Assert.Equal(1, Environment.ExitCode);
        AssertOneCleanLine(h, "StudyBot cannot start: Slack refused Slack:AppToken on apps.connections.open (invalid_auth).");
        Assert.Equal(0, h.Slack.TotalSockets);
    }

    [Fact]
    public async Task No_token_or_secret_ever_reaches_the_logs()
    {
        await using var h = await SlackHarness.StartAsync();
        var socket = (await h.WaitForSocketsAsync(2))[0];
        h.Slack.Inject("chat.postMessage", ApiFault.Fails("invalid_blocks"), ApiFault.Fails("token_revoked"));
        var envelope = Envelopes.SlashCommand(h.Slack, "done numpy");
        await h.Slack.SendEnvelopeAsync(socket, envelope);
        await h.Slack.WaitForAckAsync(envelope["envelope_id"]!.GetValue<string>());
        var send = h.Get<INotifier>().SendDirectAsync(new MemberRef(new CommunityRef(Platforms.Slack, FakeSlack.TeamId, "x"), Envelopes.Ada, "ada"), Reply.Info("x"), CancellationToken.None);

        // The plain-text retry after invalid_blocks waits for its turn: one post a second per channel.
        await h.AdvanceUntilAsync(() => send.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(1), "the DM and its retry");

        Assert.NotEmpty(h.Logs.Entries);
        Assert.Contains(h.Logs.Entries, e => e.Level == LogLevel.Critical);
        foreach (var secret in new[] { FakeSlack.BotToken, FakeSlack.AppToken, SlackHarness.SigningSecret, "fakebottoken", "fakeapptoken" })
        {
            Assert.DoesNotContain(h.Logs.Entries, e => e.Message.Contains(secret, StringComparison.Ordinal) || (e.Exception?.ToString().Contains(secret, StringComparison.Ordinal) ?? false));
        }
    }

    /// <summary>Exactly one line at <paramref name="minimum"/> or above: Critical, the given start, no exception (so no stack trace), no token.</summary>
    private static LogEntry AssertOneCleanLine(SlackHarness h, string start, LogLevel minimum = LogLevel.Warning)
    {
        var loud = h.Logs.Entries.Where(e => e.Level >= minimum).ToList();
        var line = Assert.Single(loud, e => true);
        Assert.Equal(LogLevel.Critical, line.Level);
        Assert.StartsWith(start, line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
        Assert.DoesNotContain("   at ", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.BotToken, line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeSlack.AppToken, line.Message, StringComparison.Ordinal);
        return line;
    }
}
