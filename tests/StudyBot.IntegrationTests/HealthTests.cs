using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;
using StudyBot.Core.Chat;
using StudyBot.Core.Commands;
using StudyBot.Core.Notifications;
using StudyBot.Host;

namespace StudyBot.IntegrationTests;

/// <summary>
/// <c>/healthz/live</c> and <c>/healthz/ready</c> of the real host over HTTP on 127.0.0.1: readiness says 503 while the
/// database is away, the outbox is behind or the scheduler is paused, and 200 again once each recovers; liveness stays
/// 200 through all of it; both answer JSON naming each check, its state and since when.
/// </summary>
public sealed class HealthTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 0, 30, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("studybot-health-").FullName;
    private readonly FakeTimeProvider _time = new(Start);
    private readonly LogCapture _logs = new();
    private WebApplication? _app;
    private HttpClient? _http;

    private HttpClient Http => _http ?? throw new InvalidOperationException("no host started");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A host in this process on fake time, its HTTP endpoint on a free port of 127.0.0.1, delivering to a recorder.</summary>
    private async Task<RecordingNotifier> StartAsync(bool scheduling, string? connectionString = null, params string[] settings)
    {
        var notifier = new RecordingNotifier(_time);
        _app = StudyBotHost.Build(
            [
                .. connectionString is null
                    ? new[] { "--Database:ConnectionString=Data Source=" + Path.Combine(_dir, "studybot.db") }
                    : ["--Database:Provider=PostgreSQL", "--Database:ConnectionString=" + connectionString],
                "--Roadmaps:Directory=" + RepoPaths.Roadmaps,
                "--Console:Enabled=false",
                "--Diagnostics:WarmUp=false",
                "--Scheduling:Enabled=" + (scheduling ? "true" : "false"),
                "--Http:Urls=http://127.0.0.1:0",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ],
            builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(_time);
                builder.Services.AddSingleton<INotifier>(notifier);
            });
        _app.Services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().AddProvider(_logs);
        await StudyBotHost.PrepareAsync(_app, CancellationToken.None);
        await _app.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_app.Urls.First()), Timeout = Bounded.Default };
        return notifier;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body)> GetAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            body = null;
        }

        return (response.StatusCode, body ?? new JsonObject { ["unparsed"] = text });
    }

    /// <summary>Probes until readiness answers <paramref name="status"/> (the database's answer is reused for a second).</summary>
    private async Task<JsonNode> ReadyUntilAsync(HttpStatusCode status, string what)
    {
        JsonNode? last = null;
        try
        {
            await Bounded.UntilAsync(
                async () =>
                {
                    var (code, body) = await GetAsync("/healthz/ready");
                    last = body;
                    return code == status;
                },
                $"/healthz/ready to answer {(int)status} ({what})");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; it last said {last?.ToJsonString()}", ex);
        }

        return last!;
    }

    private static JsonNode Check(JsonNode body, string name) =>
        body["checks"]!.AsArray().SingleOrDefault(c => (string?)c!["name"] == name)
            ?? throw new Xunit.Sdk.XunitException($"no check named {name} in {body.ToJsonString()}");

    private async Task AssertLiveAsync()
    {
        var (status, body) = await GetAsync("/healthz/live");
        Assert.True(status == HttpStatusCode.OK, $"live answered {(int)status}: {body.ToJsonString()}");
        Assert.Equal("healthy", (string?)body["status"]);
    }

    [Fact]
    public async Task Live_and_ready_answer_json_naming_each_check_its_state_a_description_and_since_when()
    {
        await StartAsync(scheduling: true);

        var ready = await ReadyUntilAsync(HttpStatusCode.OK, "a fresh host on SQLite");
        var (liveStatus, live) = await GetAsync("/healthz/live");
        var (aliasStatus, alias) = await GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal(HttpStatusCode.OK, aliasStatus);
        Assert.Equal(["process", "loops"], live["checks"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal(["process", "loops"], alias["checks"]!.AsArray().Select(c => (string)c!["name"]!));
        Assert.Equal(["database", "outbox", "scheduler"], ready["checks"]!.AsArray().Select(c => (string)c!["name"]!));
        foreach (var body in new[] { live, ready })
        {
            Assert.Equal("healthy", (string?)body["status"]);
            Assert.Equal("2026-12-07T00:30:00Z", (string?)body["checkedAt"]);
            foreach (var check in body["checks"]!.AsArray())
            {
                Assert.Equal("healthy", (string?)check!["state"]);
                Assert.False(string.IsNullOrWhiteSpace((string?)check["description"]), check.ToJsonString());
                Assert.Equal("2026-12-07T00:30:00Z", (string?)check["since"]);
            }
        }

        Assert.Equal("The database answers and its migrations are applied.", (string?)Check(ready, "database")["description"]);
        Assert.Equal("Nothing is waiting to be sent.", (string?)Check(ready, "outbox")["description"]);
    }

    [Fact]
    public async Task Readiness_turns_503_when_the_outbox_falls_behind_and_200_once_the_message_is_sent_while_liveness_stays_200()
    {
        // No scheduler: nothing drains the outbox unless the test does.
        var notifier = await StartAsync(scheduling: false);
        var executor = _app!.Services.GetRequiredService<CommandExecutor>();
        await executor.RunTextAsync(TestBot.Member("Ada"), "/progress start programmer part-time", CancellationToken.None);
        await InsertDueAsync(_time.GetUtcNow());
        var sending = Check(await ReadyUntilAsync(HttpStatusCode.OK, "a message that has just come due"), "outbox");
        Assert.Equal("healthy", (string?)sending["state"]);
        Assert.StartsWith("Sending: the oldest message due has waited", (string?)sending["description"], StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromMinutes(11));
        var behind = await ReadyUntilAsync(HttpStatusCode.ServiceUnavailable, "the message waiting 11 minutes, over the 10 allowed");
        var outbox = Check(behind, "outbox");
        Assert.Equal("unhealthy", (string?)behind["status"]);
        Assert.Equal("unhealthy", (string?)outbox["state"]);
        Assert.Equal("Behind: the oldest message due has waited 11 min, longer than Health:OutboxMaxAge (10 min).", (string?)outbox["description"]);
        Assert.Equal("2026-12-07T00:40:00Z", (string?)outbox["since"]);
        Assert.Equal("healthy", (string?)Check(behind, "database")["state"]);
        await AssertLiveAsync();

        await _app.Services.GetRequiredService<OutboxDispatcher>().DrainAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.Single(notifier.Deliveries);
        var caughtUp = await ReadyUntilAsync(HttpStatusCode.OK, "the outbox sent");
        Assert.Equal("Nothing is waiting to be sent.", (string?)Check(caughtUp, "outbox")["description"]);
    }

    [Fact]
    public async Task A_smaller_outbox_threshold_is_honoured()
    {
        await StartAsync(scheduling: false, null, "--Health:OutboxMaxAge=00:01:00");
        var executor = _app!.Services.GetRequiredService<CommandExecutor>();
        await executor.RunTextAsync(TestBot.Member("Ada"), "/progress start programmer part-time", CancellationToken.None);
        await InsertDueAsync(_time.GetUtcNow() - TimeSpan.FromMinutes(2));

        var behind = await ReadyUntilAsync(HttpStatusCode.ServiceUnavailable, "a message waiting 2 minutes, over the 1 allowed");

        Assert.Equal("Behind: the oldest message due has waited 2 min, longer than Health:OutboxMaxAge (1 min).", (string?)Check(behind, "outbox")["description"]);
    }

    [Theory]
    [InlineData("00:00:00", "Health:OutboxMaxAge '00:00:00' is out of range; use a duration from 00:00:10 to 1.00:00:00 (one day), e.g. 00:10:00.")]
    [InlineData("2.00:00:00", "Health:OutboxMaxAge '2.00:00:00' is out of range")]
    [InlineData("soon", "Health:OutboxMaxAge")]
    public async Task An_outbox_threshold_out_of_range_stops_the_start_naming_the_key(string value, string expected)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(scheduling: false, null, "--Health:OutboxMaxAge=" + value));

        Assert.IsType<StartupException>(error);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_turns_503_while_the_scheduler_is_paused_and_200_when_it_runs_again()
    {
        await StartAsync(scheduling: true);
        await ReadyUntilAsync(HttpStatusCode.OK, "the scheduler started");
        var scheduler = (await _app!.Services.GetRequiredService<ISchedulerFactory>().GetAllSchedulers()).Single();

        await scheduler.Standby();
        var paused = await ReadyUntilAsync(HttpStatusCode.ServiceUnavailable, "the scheduler in standby");
        Assert.Equal("The scheduler is paused (standby): no reminders or deliveries run.", (string?)Check(paused, "scheduler")["description"]);
        await AssertLiveAsync();

        // However many probes see it, the log says it once.
        for (var probe = 0; probe < 20; probe++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await GetAsync("/healthz/ready")).Status);
        }

        // (A probe before the scheduler had started may have logged that once too.)
        var lines = _logs.Lines.Where(l => l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.Text).ToList();
        Assert.Equal(
            ["Warning StudyBot.Host.Health.HealthHistory: Health check scheduler is unhealthy: The scheduler is paused (standby): no reminders or deliveries run."],
            lines.Where(l => l.Contains("paused", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("Microsoft.Extensions.Diagnostics.HealthChecks", StringComparison.Ordinal));

        await scheduler.Start();
        await ReadyUntilAsync(HttpStatusCode.OK, "the scheduler running again");
    }

    [PostgresFact]
    public async Task Readiness_turns_503_while_the_PostgreSQL_server_is_stopped_and_200_when_it_is_back_while_liveness_stays_200()
    {
        await using var cluster = await Postgres.StartPrivateClusterAsync();
        var database = await cluster.CreateDatabaseAsync();
        await StartAsync(scheduling: false, database);
        await ReadyUntilAsync(HttpStatusCode.OK, "PostgreSQL up");

        await cluster.StopAsync();
        var away = await ReadyUntilAsync(HttpStatusCode.ServiceUnavailable, "PostgreSQL stopped");
        var check = Check(away, "database");
        Assert.Equal("unhealthy", (string?)check["state"]);
        Assert.StartsWith("The database does not answer (", (string?)check["description"], StringComparison.Ordinal);
        Assert.DoesNotContain("Password", away.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("Unknown: the database does not answer.", (string?)Check(away, "outbox")["description"]);
        await AssertLiveAsync();

        await cluster.StartAsync();
        var back = await ReadyUntilAsync(HttpStatusCode.OK, "PostgreSQL started again");
        Assert.Equal("healthy", (string?)Check(back, "database")["state"]);
    }

    [Fact]
    public async Task Probes_with_odd_methods_huge_headers_or_a_body_get_clean_answers_never_a_500()
    {
        await StartAsync(scheduling: false);
        await ReadyUntilAsync(HttpStatusCode.OK, "a fresh host");

        foreach (var path in new[] { "/healthz", "/healthz/live", "/healthz/ready" })
        {
            foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, new HttpMethod("BREW") })
            {
                using var request = new HttpRequestMessage(method, path) { Content = new StringContent(new string('{', 100_000)) };
                using var response = await Http.SendAsync(request);
                Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            }

            using (var head = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, path)))
            {
                Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            }

            using (var huge = new HttpRequestMessage(HttpMethod.Get, path))
            {
                huge.Headers.Add("X-Huge", new string('a', 64 * 1024));
                using var response = await Http.SendAsync(huge);
                Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
            }

            using (var junk = new HttpRequestMessage(HttpMethod.Get, path + "?verbose=%ZZ&" + new string('x', 2000)) { Content = new StringContent("not json") })
            {
                using var response = await Http.SendAsync(junk);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        // A flood of probes at once shares the database's answer: every one is answered, none fails.
        var flood = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative));
            return response.StatusCode;
        }));
        Assert.All(flood, s => Assert.Equal(HttpStatusCode.OK, s));
    }

    [Fact]
    public async Task The_health_command_exits_0_when_the_bot_is_ready_and_1_naming_what_is_not_when_it_is_not()
    {
        await StartAsync(scheduling: true);
        await ReadyUntilAsync(HttpStatusCode.OK, "the scheduler started");
        var url = _app!.Urls.First();

        var (code, output, error) = await HealthCommandAsync([url]);
        Assert.Equal((0, "StudyBot is ready.\n", ""), (code, output, error));

        await (await _app.Services.GetRequiredService<ISchedulerFactory>().GetAllSchedulers()).Single().Standby();
        await ReadyUntilAsync(HttpStatusCode.ServiceUnavailable, "the scheduler in standby");
        (code, output, error) = await HealthCommandAsync([], httpUrls: url.Replace("127.0.0.1", "0.0.0.0", StringComparison.Ordinal));
        Assert.Equal(1, code);
        Assert.Equal("StudyBot is not ready (HTTP 503): scheduler unhealthy: The scheduler is paused (standby): no reminders or deliveries run.\n", output);
    }

    [Fact]
    public async Task The_health_command_exits_1_when_nothing_answers_and_2_on_a_usage_error()
    {
        var port = Postgres.UnusedPort();

        var (code, output, _) = await HealthCommandAsync([$"http://127.0.0.1:{port}"]);
        Assert.Equal(1, code);
        Assert.StartsWith($"StudyBot does not answer at http://127.0.0.1:{port}/healthz/ready (", output, StringComparison.Ordinal);

        (code, _, var error) = await HealthCommandAsync(["ftp://example"]);
        Assert.Equal((2, "'ftp://example' is not an http:// address; use e.g. http://127.0.0.1:8080\n"), (code, error));
        (code, _, error) = await HealthCommandAsync(["a", "b"]);
        Assert.Equal(2, code);
        Assert.StartsWith("Usage: studybot health", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "http://127.0.0.1:8080")]
    [InlineData("", "http://127.0.0.1:8080")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080")]
    [InlineData("http://+:5000;https://+:5001", "http://127.0.0.1:5000")]
    [InlineData(" http://*:80 ", "http://127.0.0.1:80")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080")]
    [InlineData("http://10.0.0.5:8080", "http://10.0.0.5:8080")]
    public void The_health_command_asks_the_first_address_the_bot_listens_on_from_this_machine(string? httpUrls, string expected) =>
        Assert.Equal(expected, StudyBot.Host.Health.HealthCommand.Local(httpUrls));

    [Fact]
    public void The_Docker_image_checks_readiness_with_the_health_command_on_the_address_it_listens_on()
    {
        var dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile"));
        var check = Assert.Single(dockerfile.Split('\n'), l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.EndsWith("""CMD ["dotnet", "StudyBot.Host.dll", "health"]""", check.TrimEnd(), StringComparison.Ordinal);
        var urls = System.Text.RegularExpressions.Regex.Match(dockerfile, "Http__Urls=\"([^\"]+)\"").Groups[1].Value;

        Assert.Equal("http://127.0.0.1:8080", StudyBot.Host.Health.HealthCommand.Local(urls));
    }

    private static async Task<(int Code, string Output, string Error)> HealthCommandAsync(string[] args, string? httpUrls = null)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await Bounded.WaitAsync(StudyBot.Host.Health.HealthCommand.RunAsync(args, httpUrls, output, error, CancellationToken.None), "studybot health");
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A console channel post due at <paramref name="due"/>, as the notification services write them.</summary>
    private async Task InsertDueAsync(DateTimeOffset due)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(_dir, "studybot.db"));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO "Outbox" ("CommunityId", "Key", "Kind", "Target", "Platform", "CommunityExternalId", "CommunityName", "RecipientId", "RecipientName",
                                  "PayloadJson", "CreatedAtUtc", "DueAtUtc", "NextAttemptAtUtc", "Attempts")
            SELECT c."Id", 'health-test', 'test', 1, c."Platform", c."ExternalId", c."Name", 'channel', 'channel', '{"text":"hello"}', $due, $due, $due, 0
            FROM "Communities" c
            """;
        command.Parameters.AddWithValue("$due", due.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
