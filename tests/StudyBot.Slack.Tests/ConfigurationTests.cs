using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StudyBot.Core.Chat;
using StudyBot.Slack.Http;
using StudyBot.Slack.Inbound;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

public sealed class ConfigurationTests
{
    private static readonly Dictionary<string, string?> Valid = new()
    {
        ["Slack:BotToken"] = "xoxb-123-secretbot",
        ["Slack:AppToken"] = "xapp-1-secretapp",
    };

    [Fact]
    public void Without_a_bot_token_the_adapter_stays_off_and_registers_nothing()
    {
        var services = new ServiceCollection();

        var on = services.AddSlackAdapter(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Slack:AppToken"] = "xapp-1" }).Build());

        Assert.False(on);
        Assert.Empty(services);
    }

    [Fact]
    public void With_a_bot_token_the_adapter_registers_its_notifier_and_validates_cleanly()
    {
        var (on, failures, provider) = Validate(Valid);

        Assert.True(on);
        Assert.Empty(failures);
        Assert.Equal(Platforms.Slack, Assert.Single(provider.GetServices<INotifier>()).Platform);
    }

    public static TheoryData<string, string?, string> BadSettings() => new()
    {
        { "Slack:BotToken", "xoxp-user-token", "Slack:BotToken must start with xoxb-" },
        { "Slack:AppToken", "", "Slack:AppToken must start with xapp-" },
        { "Slack:AppToken", "xoxb-wrong-kind", "Slack:AppToken must start with xapp-" },
        { "Slack:Mode", "Websocket", "Slack:Mode must be SocketMode or Http" },
        { "Slack:ApiBaseUrl", "slack.com/api", "Slack:ApiBaseUrl must be an absolute http(s) URL" },
        { "Slack:InlineReplyWindow", "00:00:03", "Slack:InlineReplyWindow must be between" },
        { "Slack:Connections", "11", "Slack:Connections must be between 1 and 4" },
        { "Slack:KeepAliveTimeout", "00:00:00", "Slack:KeepAliveTimeout must be a positive duration" },
        { "Slack:PostMessagePerMinute", "0", "Slack:PostMessagePerMinute must be between" },
        { "Slack:MethodLimits:users.info", "0", "Slack:MethodLimits:users.info must be at least 1" },
        { "Slack:AdminUserIds", "U123,not an id!", "Slack:AdminUserIds contains" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_setting_fails_validation_with_a_message_naming_the_key_and_never_the_secret(string key, string? value, string expected)
    {
        var (_, failures, _) = Validate(new(Valid) { [key] = value });

        var failure = Assert.Single(failures);
        Assert.Contains(expected, failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secretbot", failure, StringComparison.Ordinal);
        Assert.DoesNotContain("secretapp", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Http_mode_needs_a_signing_secret_and_Http_Urls_but_no_app_token()
    {
        var (_, failures, _) = Validate(new() { ["Slack:BotToken"] = "xoxb-1", ["Slack:Mode"] = "http" });

        Assert.Equal(2, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Slack:SigningSecret is required in Http mode", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("needs Http:Urls", StringComparison.Ordinal));

        var (_, ok, _) = Validate(new() { ["Slack:BotToken"] = "xoxb-1", ["Slack:Mode"] = "Http", ["Slack:SigningSecret"] = "abc", ["Http:Urls"] = "http://0.0.0.0:8080" });
        Assert.Empty(ok);
    }

    [Fact]
    public void Admin_ids_can_be_a_list_or_one_comma_separated_string()
    {
        var (_, _, fromString) = Validate(new(Valid) { ["Slack:AdminUserIds"] = "U0AAA0001, U0BBB0002" });
        var (_, _, fromList) = Validate(new(Valid) { ["Slack:AdminUserIds:0"] = "U0AAA0001", ["Slack:AdminUserIds:1"] = "U0BBB0002" });

        Assert.Equal(["U0AAA0001", "U0BBB0002"], fromString.GetRequiredService<IOptions<SlackOptions>>().Value.AdminUserIds);
        Assert.Equal(["U0AAA0001", "U0BBB0002"], fromList.GetRequiredService<IOptions<SlackOptions>>().Value.AdminUserIds);
    }

    [Fact]
    public async Task Mapping_the_endpoints_with_a_bad_setting_does_not_throw_so_start_up_can_name_the_key()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Slack:BotToken"] = "xoxb-1", ["Slack:Mode"] = "Http" });
        builder.Services.AddSlackAdapter(builder.Configuration);
        await using var app = builder.Build();

        app.MapSlackEndpoints();
        var ex = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("Http:Urls", StringComparison.Ordinal));
        Assert.Contains(((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints), e => e.DisplayName?.Contains("/slack/commands", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Auth_test_at_start_tells_the_adapter_its_workspace_and_bot_user()
    {
        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });

        // In HTTP mode the check runs beside the start (the endpoint listens at once).
        var workspace = h.Get<SlackWorkspace>();
        await FakeSlack.WaitUntilAsync(() => workspace.BotUserId is not null, what: "auth.test's answer to reach the adapter");

        Assert.Equal((FakeSlack.TeamId, "Study Group", FakeSlack.BotUserId), (workspace.TeamId, workspace.TeamName, workspace.BotUserId));
    }

    private static (bool On, IReadOnlyList<string> Failures, ServiceProvider Provider) Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, NoLifetime>();
        var on = services.AddSlackAdapter(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<SlackOptions>>().Value;
            return (on, [], provider);
        }
        catch (OptionsValidationException ex)
        {
            return (on, ex.Failures.ToList(), provider);
        }
    }

    private sealed class NoLifetime : Microsoft.Extensions.Hosting.IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
