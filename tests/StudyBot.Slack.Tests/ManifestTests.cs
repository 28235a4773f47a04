using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Slack.Tests.Fakes;
using YamlDotNet.RepresentationModel;

namespace StudyBot.Slack.Tests;

/// <summary>The app manifests in deploy/ create an app that matches what the adapter does, within Slack's manifest schema (v1).</summary>
public sealed class ManifestTests
{
    private static readonly string[] Scopes = ["commands", "chat:write", "im:write", "users:read", "channels:read", "groups:read", "im:history", "channels:history", "groups:history", "files:write"];

    // Keys the v1 manifest schema allows (additionalProperties: false) at the levels StudyBot uses.
    private static readonly Dictionary<string, string[]> AllowedKeys = new()
    {
        [""] = ["_metadata", "display_information", "features", "oauth_config", "settings"],
        ["display_information"] = ["name", "description", "background_color", "long_description"],
        ["features"] = ["app_home", "bot_user", "slash_commands", "shortcuts", "unfurl_domains", "workflow_steps"],
        ["features.app_home"] = ["home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled"],
        ["features.bot_user"] = ["display_name", "always_online"],
        ["features.slash_commands"] = ["command", "url", "description", "usage_hint", "should_escape"],
        ["oauth_config"] = ["scopes", "redirect_urls", "token_management_enabled", "pkce_enabled"],
        ["oauth_config.scopes"] = ["bot", "user"],
        ["settings"] = ["event_subscriptions", "interactivity", "org_deploy_enabled", "socket_mode_enabled", "token_rotation_enabled", "allowed_ip_address_ranges", "incoming_webhooks"],
        ["settings.event_subscriptions"] = ["request_url", "bot_events", "user_events"],
        ["settings.interactivity"] = ["is_enabled", "request_url", "message_menu_options_url"],
    };

    public static TheoryData<string> Manifests() => ["slack-app-manifest.yaml", "slack-app-manifest-http.yaml"];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Each_manifest_creates_the_progress_command_the_Home_tab_interactivity_and_the_needed_scopes_only(string file)
    {
        var root = Load(file);

        CheckKeys(root, "");
        var display = Map(root, "display_information");
        Assert.InRange(Scalar(display, "name").Length, 1, 35);
        Assert.InRange(Scalar(display, "description").Length, 1, 140);
        Assert.Matches("^#[0-9a-fA-F]{6}$", Scalar(display, "background_color"));
        var features = Map(root, "features");
        Assert.Equal("true", Scalar(Map(features, "app_home"), "home_tab_enabled"));
        Assert.InRange(Scalar(Map(features, "bot_user"), "display_name").Length, 1, 80);
        // One slash command per catalog root, described as the catalog describes it.
        var commands = ((YamlSequenceNode)features.Children[new YamlScalarNode("slash_commands")]).Children.Cast<YamlMappingNode>().ToList();
        var roots = StudyBot.Core.Commands.StudyBotCommands.Catalog().Roots.ToList();
        Assert.Equal(roots.Select(r => "/" + r.Name), commands.Select(c => Scalar(c, "command")));
        Assert.Equal(roots.Select(r => r.Description), commands.Select(c => Scalar(c, "description")));
        Assert.All(commands, c => Assert.InRange(Scalar(c, "command").Length, 2, 32));
        Assert.All(commands, c => Assert.InRange(Scalar(c, "usage_hint").Length, 1, 1000));
        Assert.Equal("true", Scalar(commands.Single(c => Scalar(c, "command") == "/studybot"), "should_escape"));
        var scopes = ((YamlSequenceNode)Map(Map(root, "oauth_config"), "scopes").Children[new YamlScalarNode("bot")]).Children.Select(s => ((YamlScalarNode)s).Value).ToList();
        Assert.Equal(Scopes.Order(), scopes.Order());
        var settings = Map(root, "settings");
        Assert.Equal("true", Scalar(Map(settings, "interactivity"), "is_enabled"));
        Assert.Equal(["app_home_opened"], ((YamlSequenceNode)Map(settings, "event_subscriptions").Children[new YamlScalarNode("bot_events")]).Children.Select(s => ((YamlScalarNode)s).Value));
    }

    [Fact]
    public void The_Socket_Mode_manifest_turns_Socket_Mode_on_and_needs_no_URL()
    {
        var root = Load("slack-app-manifest.yaml");

        Assert.Equal("true", Scalar(Map(root, "settings"), "socket_mode_enabled"));
        Assert.DoesNotContain(File.ReadAllLines(PathOf("slack-app-manifest.yaml")).Where(l => !l.TrimStart().StartsWith('#')), l => l.Contains("url:", StringComparison.Ordinal));
        Assert.Contains("connections:write", File.ReadAllText(PathOf("slack-app-manifest.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_HTTP_manifest_points_at_exactly_the_routes_the_adapter_maps()
    {
        var root = Load("slack-app-manifest-http.yaml");
        var settings = Map(root, "settings");
        var commands = ((YamlSequenceNode)Map(root, "features").Children[new YamlScalarNode("slash_commands")]).Children.Cast<YamlMappingNode>();
        var urls = new[]
        {
            commands.Select(c => Scalar(c, "url")).Distinct().Single(),
            Scalar(Map(settings, "interactivity"), "request_url"),
            Scalar(Map(settings, "event_subscriptions"), "request_url"),
        };

        await using var h = await SlackHarness.StartAsync(new HarnessOptions { Mode = SlackMode.Http });
        var routes = h.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText!.TrimEnd('/')).ToHashSet();

        Assert.Equal("false", Scalar(settings, "socket_mode_enabled"));
        Assert.All(urls, url => Assert.StartsWith("https://", url, StringComparison.Ordinal));
        Assert.All(urls, url => Assert.Contains(new Uri(url).AbsolutePath, routes));
    }

    [Fact]
    public void The_two_manifests_differ_only_in_the_URLs_and_the_Socket_Mode_switch()
    {
        static IEnumerable<string> Lines(string file) => File.ReadAllLines(PathOf(file))
            .Where(l => !l.TrimStart().StartsWith('#') && !l.Contains("url:", StringComparison.Ordinal) && !l.Contains("socket_mode_enabled", StringComparison.Ordinal));

        Assert.Equal(Lines("slack-app-manifest.yaml"), Lines("slack-app-manifest-http.yaml"));
    }

    private static string PathOf(string file) => Path.Combine(Fixtures.Repository, "deploy", file);

    private static YamlMappingNode Load(string file)
    {
        var yaml = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(PathOf(file)));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static void CheckKeys(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var name = ((YamlScalarNode)key).Value!;
                    if (AllowedKeys.TryGetValue(path, out var allowed))
                    {
                        Assert.True(allowed.Contains(name), $"'{name}' is not allowed under '{path}'");
                    }

                    CheckKeys(value, path.Length == 0 ? name : $"{path}.{name}");
                }

                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children)
                {
                    CheckKeys(item, path);
                }

                break;
        }
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) => (YamlMappingNode)node.Children[new YamlScalarNode(key)];

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;
}
