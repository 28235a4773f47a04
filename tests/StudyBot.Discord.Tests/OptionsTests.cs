using Microsoft.Extensions.Configuration;
using StudyBot.Core.Chat;
using StudyBot.Discord.Tests.Fakes;
using StudyBot.Discord.Tests.Support;
using StudyBot.Host;

namespace StudyBot.Discord.Tests;

public sealed class OptionsTests
{
    private static IReadOnlyList<string> Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(DiscordOptions.Section).Get<DiscordOptions>() ?? new DiscordOptions();
        var result = new DiscordOptionsValidator(configuration).Validate(null, options);
        return result.Failures?.ToList() ?? [];
    }

    [Fact]
    public void A_token_alone_is_a_valid_gateway_configuration()
    {
        Assert.Empty(Validate(new() { ["Discord:Token"] = "abc.def.ghi" }));
    }

    [Theory]
    [InlineData("Discord:Token", "Bot abc", "Discord:Token starts with 'Bot '")]
    [InlineData("Discord:ApplicationId", "my-app", "Discord:ApplicationId")]
    [InlineData("Discord:GuildIds:0", "guild", "Discord:GuildIds")]
    [InlineData("Discord:ApiBaseUrl", "ftp://discord.com", "Discord:ApiBaseUrl")]
    [InlineData("Discord:GatewayUrl", "https://gateway", "Discord:GatewayUrl")]
    [InlineData("Discord:ShardId", "3", "Discord:ShardId")]
    [InlineData("Discord:ShardCount", "0", "Discord:ShardCount")]
    [InlineData("Discord:ShardIds:0", "0,x", "Discord:ShardIds contains 'x'")]
    [InlineData("Discord:ShardIds:0", "1", "Discord:ShardIds contains '1'")]
    [InlineData("Discord:ShardLease", "00:00:01", "Discord:ShardLease")]
    [InlineData("Discord:ShardLease", "01:00:00", "Discord:ShardLease")]
    [InlineData("Discord:DeferAfter", "00:00:03", "Discord:DeferAfter")]
    [InlineData("Discord:InvalidRequestBudget", "20000", "Discord:InvalidRequestBudget")]
    [InlineData("Discord:GlobalRateLimit", "0", "Discord:GlobalRateLimit must be between 10 and 10000")]
    [InlineData("Discord:GlobalRateLimit", "9", "Discord:GlobalRateLimit")]
    [InlineData("Discord:GlobalRateLimit", "10001", "Discord:GlobalRateLimit")]
    [InlineData("Discord:PublicKey", "abcd", "Discord:PublicKey")]
    [InlineData("Discord:Mode", "Websocket", "Discord:Mode is 'Websocket'")]
    [InlineData("Discord:Mode", "1", "Discord:Mode")]
    public void A_bad_setting_is_named_in_the_message(string key, string value, string expected)
    {
        var failures = Validate(new() { ["Discord:Token"] = "abc", [key] = value });

        Assert.Contains(failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Shards_are_shared_through_leases_unless_ShardIds_or_the_older_ShardId_names_this_instances_own()
    {
        static DiscordOptions Bind(Dictionary<string, string?> settings)
        {
            var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Append(KeyValuePair.Create("Discord:Token", (string?)"abc"))).Build();
            Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<IConfiguration>(services, configuration);
            Assert.True(services.AddDiscordAdapter(configuration));
            using var provider = Microsoft.Extensions.DependencyInjection.ServiceCollectionContainerBuilderExtensions.BuildServiceProvider(services);
            return Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<DiscordOptions>>(provider).Value;
        }

        Assert.Null(Bind(new() { ["Discord:ShardCount"] = "4" }).ParsedShardIds);
        Assert.Equal([1, 3], Bind(new() { ["Discord:ShardCount"] = "4", ["Discord:ShardIds"] = "3, 1" }).ParsedShardIds);
        Assert.Equal([0, 2], Bind(new() { ["Discord:ShardCount"] = "4", ["Discord:ShardIds:0"] = "2", ["Discord:ShardIds:1"] = "0" }).ParsedShardIds);
        Assert.Equal([2], Bind(new() { ["Discord:ShardCount"] = "4", ["Discord:ShardId"] = "2" }).ParsedShardIds);
        Assert.Equal(TimeSpan.FromSeconds(30), Bind([]).ShardLease);
        Assert.Empty(Validate(new() { ["Discord:Token"] = "abc", ["Discord:ShardCount"] = "4", ["Discord:ShardIds:0"] = "0,3" }));
        Assert.Contains(Validate(new() { ["Discord:Token"] = "abc", ["Discord:ShardCount"] = "4", ["Discord:ShardIds:0"] = "0", ["Discord:ShardId"] = "1" }),
            f => f.Contains("Discord:ShardId and Discord:ShardIds are both set", StringComparison.Ordinal));
        var guilds = new Dictionary<string, string?> { ["Discord:Token"] = "abc" };
        for (var i = 0; i < DiscordOptions.MaxGuildIds + 1; i++)
        {
            guilds[$"Discord:GuildIds:{i}"] = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Contains(Validate(guilds), f => f.Contains("Discord:GuildIds lists 26 guilds", StringComparison.Ordinal));
    }

    [Fact]
    public void Http_mode_needs_the_public_key_and_Http_Urls()
    {
        var failures = Validate(new() { ["Discord:Token"] = "abc", ["Discord:Mode"] = "Http" });

        Assert.Contains(failures, f => f.StartsWith("Discord:PublicKey", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Http:Urls", StringComparison.Ordinal));
        Assert.Empty(Validate(new() { ["Discord:Token"] = "abc", ["Discord:Mode"] = "Http", ["Discord:PublicKey"] = SignatureTests.PublicKeyHex, ["Http:Urls"] = "http://127.0.0.1:8080" }));
    }

    [Fact]
    public void Without_a_token_the_adapter_stays_off()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();

        Assert.False(services.AddDiscordAdapter(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Discord:Token"] = " " }).Build()));
        Assert.Empty(services);
    }

    [Fact]
    public async Task The_host_refuses_to_start_in_Http_mode_without_Http_Urls_naming_the_setting()
    {
        var app = StudyBotHost.Build(["--Discord:Token=abc", "--Discord:Mode=Http", "--Discord:PublicKey=" + SignatureTests.PublicKeyHex, "--Database:ConnectionString=Data Source=:memory:", "--Roadmaps:Directory=" + TestPaths.Roadmaps]);
        await using (app)
        {
            var ex = await Assert.ThrowsAsync<StartupException>(() => StudyBotHost.PrepareAsync(app, CancellationToken.None));

            Assert.Contains("Http:Urls", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_token_Discord_rejects_stops_the_host_at_start_naming_Discord_Token()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.Settings["Discord:Token"] = "revoked";
        });

        var ex = await Assert.ThrowsAsync<AdapterFatalException>(() => harness.Host.StartAsync());

        Assert.Contains("Discord:Token", ex.Message, StringComparison.Ordinal);
        Assert.Contains("401", ex.Message, StringComparison.Ordinal);
        Assert.Single(harness.Server.Requests);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains("revoked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_Discord_is_unreachable_at_start_the_adapter_keeps_trying_in_the_background()
    {
        await using var harness = await AdapterHarness.StartAsync(o =>
        {
            o.Start = false;
            o.FakeTime = true;
        });
        harness.Server.AddFault(new FakeFault(r => r.Template == "/users/@me", Status: 503, Times: 4));

        var start = harness.Host.StartAsync();
        await Wait.PumpUntilAsync(harness.Time!, () => start.IsCompleted, "the start");
        await start;
        await Wait.PumpUntilAsync(harness.Time!, () => harness.Server.Current?.Session is not null, "the gateway session");

        Assert.True(harness.Logs.Contains("not reachable yet"));

        // Registration runs beside the gateway, not before it.
        await Wait.UntilAsync(() => harness.Server.RegisteredCommands.ContainsKey("global"), "the commands to be registered");
    }
}
