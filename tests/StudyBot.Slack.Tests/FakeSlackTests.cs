using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;
using StudyBot.Slack.Tests.Fakes;

namespace StudyBot.Slack.Tests;

/// <summary>
/// The fake Slack is as strict as Slack documents it: every method checks the token's scopes, message bodies are
/// validated, a response_url takes 5 posts within 30 minutes, chat.update only touches the bot's own messages.
/// A fake that lets a mistake through would let StudyBot's mistakes through.
/// </summary>
public sealed partial class FakeSlackTests
{
    private const string Wins = "C0123ABCDEF";

    [Fact]
    public async Task Chat_update_changes_only_a_message_that_exists_and_that_the_bot_posted()
    {
        await using var slack = await FakeSlack.StartAsync(new FakeTimeProvider(DateTimeOffset.UnixEpoch.AddYears(56)));
        var posted = await CallAsync(slack, "chat.postMessage", new JsonObject { ["channel"] = Wins, ["text"] = "Leaderboard" });
        var ts = posted["ts"]!.GetValue<string>();
        var ephemeral = await CallAsync(slack, "chat.postEphemeral", new JsonObject { ["channel"] = Wins, ["user"] = Envelopes.Ada, ["text"] = "Only you" });
        var members = slack.AddMemberMessage(Wins, Envelopes.Ada, "Congrats!");

        var updated = await CallAsync(slack, "chat.update", new JsonObject { ["channel"] = Wins, ["ts"] = ts, ["text"] = "Leaderboard (final)" });
        var unknown = await CallAsync(slack, "chat.update", new JsonObject { ["channel"] = Wins, ["ts"] = "1767600000.000001", ["text"] = "x" });
        var otherChannel = await CallAsync(slack, "chat.update", new JsonObject { ["channel"] = "D0456GHIJKL", ["ts"] = ts, ["text"] = "x" });
        var ofEphemeral = await CallAsync(slack, "chat.update", new JsonObject { ["channel"] = Wins, ["ts"] = ephemeral["message_ts"]!.GetValue<string>(), ["text"] = "x" });
        var ofMember = await CallAsync(slack, "chat.update", new JsonObject { ["channel"] = Wins, ["ts"] = members.Ts, ["text"] = "x" });
        var emptied = await CallAsync(slack, "chat.update", new JsonObject { ["channel"] = Wins, ["ts"] = ts });

        Assert.True(updated["ok"]!.GetValue<bool>());
        Assert.Equal("message_not_found", unknown["error"]!.GetValue<string>());
        Assert.Equal("message_not_found", otherChannel["error"]!.GetValue<string>());
        Assert.Equal("message_not_found", ofEphemeral["error"]!.GetValue<string>());
        Assert.Equal("cant_update_message", ofMember["error"]!.GetValue<string>());
        Assert.Equal("no_text", emptied["error"]!.GetValue<string>());
        Assert.Equal(["Leaderboard (final)", "Only you", "Congrats!"], slack.MessagesIn(Wins).Select(m => m.Text));
    }

    [Fact]
    public async Task A_response_url_takes_five_posts_and_then_answers_404_expired_url()
    {
        await using var slack = await FakeSlack.StartAsync(new FakeTimeProvider());
        var url = slack.ResponseUrl("r1");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await PostAsync(url, new JsonObject { ["text"] = $"answer {i}" })).Status);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.NotFound], statuses);
        Assert.Equal(5, slack.ResponseUrlPosts.Count);
        Assert.Equal(("r1", 404, "expired_url"), Assert.Single(slack.RefusedResponseUrlPosts));
    }

    [Fact]
    public async Task A_response_url_expires_thirty_minutes_after_its_payload()
    {
        var time = new FakeTimeProvider();
        await using var slack = await FakeSlack.StartAsync(time);
        var early = slack.ResponseUrl("r1");
        var late = slack.ResponseUrl("r2");

        time.Advance(TimeSpan.FromMinutes(30));
        var inTime = await PostAsync(early, new JsonObject { ["text"] = "just in time" });
        time.Advance(TimeSpan.FromSeconds(1));
        var tooLate = await PostAsync(late, new JsonObject { ["text"] = "too late" });

        Assert.Equal(HttpStatusCode.OK, inTime.Status);
        Assert.Equal((HttpStatusCode.NotFound, "expired_url"), tooLate);
    }

    public static TheoryData<string, string> BadBodies() => new()
    {
        { "chat.postMessage", "no_text" },
        { "chat.postMessage", "msg_too_long" },
        { "chat.postMessage", "invalid_blocks" },
        { "chat.postEphemeral", "no_text" },
        { "chat.postEphemeral", "msg_too_long" },
        { "chat.postEphemeral", "invalid_blocks" },
        { "response_url", "no_text" },
        { "response_url", "msg_too_long" },
        { "response_url", "invalid_blocks" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task A_message_without_text_or_blocks_with_too_long_a_text_or_with_blocks_beyond_Block_Kit_s_limits_is_refused(string where, string error)
    {
        var time = new FakeTimeProvider();
        await using var slack = await FakeSlack.StartAsync(time);
        var body = new JsonObject { ["channel"] = Wins, ["user"] = Envelopes.Ada };
        switch (error)
        {
            case "no_text":
                body["blocks"] = new JsonArray();
                break;
            case "msg_too_long":
                body["text"] = new string('a', FakeSlack.MaxTextLength + 1);
                break;
            default:
                body["text"] = "Leaderboard";
                body["blocks"] = new JsonArray(new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = new string('h', 151) } });
                break;
        }

        if (where == "response_url")
        {
            Assert.Equal((HttpStatusCode.BadRequest, error), await PostAsync(slack.ResponseUrl("r1"), body));
            Assert.Empty(slack.ResponseUrlPosts);
        }
        else
        {
            Assert.Equal(error, (await CallAsync(slack, where, body))["error"]!.GetValue<string>());
            Assert.Empty(slack.Messages);
        }

        // At the limits, it goes through (a second later: one post a second per channel).
        time.Advance(TimeSpan.FromSeconds(1));
        body["text"] = new string('a', FakeSlack.MaxTextLength);
        body["blocks"] = new JsonArray(new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = new string('h', 150) } });
        if (where == "response_url")
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(slack.ResponseUrl("r2"), body)).Status);
        }
        else
        {
            Assert.True((await CallAsync(slack, where, body))["ok"]!.GetValue<bool>());
        }
    }

    public static TheoryData<string, string, string> Scoped() => new()
    {
        { "users.info", "", "users:read" },
        { "conversations.open", "", "im:write" },
        { "conversations.info", Wins, "channels:read" },
        { "conversations.info", "G0PRIVATE01", "groups:read" },
        { "conversations.info", "D0456GHIJKL", "im:read" },
        { "conversations.history", Wins, "channels:history" },
        { "conversations.history", "G0PRIVATE01", "groups:history" },
        { "conversations.history", "D0456GHIJKL", "im:history" },
        { "chat.postMessage", Wins, "chat:write" },
        { "chat.postEphemeral", Wins, "chat:write" },
        { "chat.update", Wins, "chat:write" },
        { "files.getUploadURLExternal", "", "files:write" },
        { "files.completeUploadExternal", "", "files:write" },
        { "apps.connections.open", "", "connections:write" },
    };

    [Theory]
    [MemberData(nameof(Scoped))]
    public async Task Each_method_answers_missing_scope_with_the_scope_it_needs_when_the_token_lacks_it(string method, string channel, string scope)
    {
        await using var slack = await FakeSlack.StartAsync(new FakeTimeProvider());
        slack.Channels.Add("G0PRIVATE01");
        var granted = method == "apps.connections.open" ? slack.AppScopes : slack.Scopes;
        granted.Remove(scope);
        var body = new JsonObject { ["channel"] = channel, ["user"] = Envelopes.Ada, ["users"] = Envelopes.Ada, ["text"] = "x", ["ts"] = "1.1" };

        var answer = await CallAsync(slack, method, body, method == "apps.connections.open" ? FakeSlack.AppToken : FakeSlack.BotToken);

        Assert.Equal("missing_scope", answer["error"]!.GetValue<string>());
        Assert.Equal(scope, answer["needed"]!.GetValue<string>());
        Assert.DoesNotContain(scope, answer["provided"]!.GetValue<string>().Split(','));
    }

    [Fact]
    public async Task A_token_of_the_wrong_kind_is_refused_with_not_allowed_token_type_and_an_unknown_method_with_unknown_method()
    {
        await using var slack = await FakeSlack.StartAsync(new FakeTimeProvider());

        Assert.Equal("not_allowed_token_type", (await CallAsync(slack, "auth.test", [], FakeSlack.AppToken))["error"]!.GetValue<string>());
        Assert.Equal("not_allowed_token_type", (await CallAsync(slack, "apps.connections.open", [], FakeSlack.BotToken))["error"]!.GetValue<string>());
        Assert.Equal("invalid_auth", (await CallAsync(slack, "auth.test", [], "xoxb-not-a-real-token"))["error"]!.GetValue<string>());
        Assert.Equal("unknown_method", (await CallAsync(slack, "chat.meMessage", new JsonObject { ["channel"] = Wins, ["text"] = "x" }))["error"]!.GetValue<string>());
    }

    [Fact]
    public void Every_Web_API_method_StudyBot_calls_is_one_the_fake_checks_the_scope_of_and_the_manifest_grants_it()
    {
        var source = Directory.GetFiles(Path.Combine(Fixtures.Repository, "src", "StudyBot.Slack"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        var constants = source.SelectMany(text => Constant().Matches(text)).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value, StringComparer.Ordinal);
        var called = source.SelectMany(text => ApiCall().Matches(text))
            .Select(m => m.Groups["literal"].Success ? m.Groups["literal"].Value : constants[m.Groups["constant"].Value])
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(called.Count >= 10, string.Join(", ", called));
        Assert.All(called, method => Assert.True(FakeSlack.MethodScopes.ContainsKey(method), $"StudyBot calls {method}, which the fake does not check"));
        var manifest = new FakeSlack.ManifestReader().BotScopes;
        foreach (var method in called.Where(m => m != "apps.connections.open"))
        {
            // StudyBot reads public and private channels and its DMs' history; it never asks conversations.info about a DM.
            var scopes = FakeSlack.MethodScopes[method].Split('|', StringSplitOptions.RemoveEmptyEntries);
            var needed = method == "conversations.info" ? scopes[..2] : scopes;
            Assert.All(needed, scope => Assert.True(manifest.Contains(scope), $"{method} needs {scope}, which deploy/slack-app-manifest.yaml does not ask for"));
        }
    }

    private static async Task<JsonObject> CallAsync(FakeSlack slack, string method, JsonObject body, string token = FakeSlack.BotToken)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{slack.ApiBaseUrl}/{method}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(string url, JsonObject body)
    {
        using var client = new HttpClient();
        using var response = await client.PostAsync(url, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("""new SlackApiCall\((?:"(?<literal>[a-z]+\.[A-Za-z.]+)"|(?:\w+\.)?(?<constant>\w+))\)""")]
    private static partial Regex ApiCall();

    [GeneratedRegex("""const string (?<name>\w+) = "(?<value>[a-z]+\.[A-Za-z.]+)";""")]
    private static partial Regex Constant();
}
