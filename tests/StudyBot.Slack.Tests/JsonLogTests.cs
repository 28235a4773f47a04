using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using StudyBot.Slack.Http;
using StudyBot.Slack.Tests.Fakes;
using StudyBot.Testing;

namespace StudyBot.Slack.Tests;

/// <summary>
/// JSON logs (issue 15, <c>Logging:Format=json</c>): the real host process, on Slack's HTTP endpoint against the fake
/// Slack on 127.0.0.1, logging every category at Trace. Every line it writes is one JSON object with the level, the
/// category and the message; lines written while a request is handled carry its trace id; and no token, signing
/// secret, <c>response_url</c> or member's text appears anywhere in what it printed.
/// </summary>
[Collection(ScaleOut.Alone)]
public sealed class JsonLogTests : IAsyncLifetime
{
    private const string SigningSecret = "sgnsecretmarker0a1b2c3d4e5f67890";

    private static readonly string[] MemberTexts = ["Quokka-note-5521", "Wombat-words-9931", "Kiwi-goal-7702"];

    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-json-logs-").FullName;
    private FakeSlack _slack = null!;

    public async Task InitializeAsync() => _slack = await FakeSlack.StartAsync(TimeProvider.System);

    public async Task DisposeAsync()
    {
        await _slack.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_conversation_logged_as_JSON_at_Trace_is_one_object_a_line_with_trace_ids_and_no_secret_or_member_text()
    {
        var port = Postgres.UnusedPort();
        var start = HostProcess.StartInfo(_dir, [
            ("Database__ConnectionString", $"Data Source={Path.Combine(_dir, "studybot.db")}"),
            ("Slack__BotToken", FakeSlack.BotToken),
            ("Slack__SigningSecret", SigningSecret),
            ("Slack__Mode", "Http"),
            ("Slack__ApiBaseUrl", _slack.ApiBaseUrl),
            ("Slack__InlineReplyWindow", "00:00:00"),
            ("Http__Urls", $"http://127.0.0.1:{port}"),
            ("Console__Enabled", "false"),
            ("Roadmaps__Directory", Path.Combine(Fixtures.Repository, "roadmap")),
            ("Logging__Format", "json"),
            ("Logging__LogLevel__Default", "Trace"),
            ("Logging__LogLevel__Microsoft", "Trace"),
            ("Logging__LogLevel__Microsoft.EntityFrameworkCore", "Trace"),
            ("Logging__LogLevel__Quartz", "Trace"),
            ("Logging__LogLevel__System", "Trace"),
        ]);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var responseIds = new List<string>();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await Bounded.UntilAsync(async () => !process.HasExited && await ListensAsync(client), "the host to listen on its HTTP endpoint", TimeSpan.FromSeconds(60));

            var conversation = new[]
            {
                "start programmer part-time",
                $"log 30 practice note:{MemberTexts[0]}",
                $"frobnicate {MemberTexts[1]}",
                $"goal set 10 hours {MemberTexts[2]}",
                "done numpy",
                "",
            };
            for (var i = 0; i < conversation.Length; i++)
            {
                var id = $"respmarker{i}x7f3k";
                responseIds.Add(id);
                using var response = await PostSignedAsync(client, SlashForm(conversation[i], _slack.ResponseUrl(id)));
                Assert.True(response.IsSuccessStatusCode, $"the slash command '{conversation[i]}' was answered {(int)response.StatusCode}");
                await _slack.WaitForResponseAsync(id, TimeSpan.FromSeconds(30));
            }
        }
        finally
        {
            // SIGTERM: a normal stop, so the console logger writes every line it has queued.
            if (!process.HasExited)
            {
                using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
                await Bounded.WaitAsync(term.WaitForExitAsync(), "kill -TERM to run");
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the host did not stop within 30 s of SIGTERM");
            }
        }

        var printed = await stderr + await stdout;
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 20, $"the host logged only {lines.Length} lines: {printed}");
        var levels = new HashSet<string>(StringComparer.Ordinal);
        var traced = 0;
        var categories = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            JsonElement entry;
            try
            {
                entry = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException ex)
            {
                throw new Xunit.Sdk.XunitException($"a log line is not JSON ({ex.Message}): {line}");
            }

            Assert.True(entry.ValueKind == JsonValueKind.Object, $"a log line is not a JSON object: {line}");
            foreach (var field in new[] { "Timestamp", "LogLevel", "Category", "Message" })
            {
                Assert.True(entry.TryGetProperty(field, out _), $"a log line has no {field}: {line}");
            }

            levels.Add(entry.GetProperty("LogLevel").GetString()!);
            categories.Add(entry.GetProperty("Category").GetString()!);
            if (entry.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object
                && s.TryGetProperty("TraceId", out var trace) && trace.GetString() is { Length: 32 } id && id.All(char.IsAsciiHexDigitLower)))
            {
                traced++;
            }
        }

        Assert.Contains("Trace", levels);
        Assert.Contains("Debug", levels);
        Assert.True(traced > 0, $"no line carries a request's trace id; categories: {string.Join(", ", categories.Order(StringComparer.Ordinal))}; {string.Join("\n", lines.Where(l => l.Contains("TraceId", StringComparison.Ordinal)).Take(3))}");
        Assert.Equal(responseIds.Count, _slack.ResponseUrlPosts.Count);

        var secrets = responseIds.Select(_slack.ResponseUrl)
            .Concat(responseIds)
            .Concat([FakeSlack.BotToken, "fakebottoken", SigningSecret, "sgnsecretmarker"])
            .Concat(MemberTexts);
        foreach (var secret in secrets)
        {
            var at = printed.IndexOf(secret, StringComparison.Ordinal);
            Assert.True(at < 0, $"the output holds '{secret}': ...{(at < 0 ? "" : printed.Substring(Math.Max(0, at - 300), Math.Min(600, printed.Length - Math.Max(0, at - 300))))}...");
        }
    }

    private static async Task<bool> ListensAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("/healthz");
            return true;
        }
        catch (HttpRequestException)
        {
            await Task.Delay(100);
            return false;
        }
    }

    private static byte[] SlashForm(string text, string responseUrl)
    {
        var fields = SlackHttpHandler.ParseForm(Fixtures.Bytes("slash_command_progress.form")).ToDictionary(p => p.Key, p => p.Value.ToString());
        fields["text"] = text;
        fields["command"] = "/progress";
        fields["user_id"] = Envelopes.Ada;
        fields["response_url"] = responseUrl;
        fields["trigger_id"] = Envelopes.NewTriggerId();
        return Encoding.UTF8.GetBytes(string.Join('&', fields.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value).Replace("%20", "+", StringComparison.Ordinal)}")));
    }

    private static async Task<HttpResponseMessage> PostSignedAsync(HttpClient client, byte[] body)
    {
        var timestamp = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        request.Headers.Add(SlackSignatureVerifier.TimestampHeader, timestamp);
        request.Headers.Add(SlackSignatureVerifier.SignatureHeader, SlackSignatureVerifier.Signature(SigningSecret, timestamp, body));
        return await client.SendAsync(request);
    }
}
