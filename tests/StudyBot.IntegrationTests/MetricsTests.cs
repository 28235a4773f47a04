using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using StudyBot.Core.Commands;

namespace StudyBot.IntegrationTests;

/// <summary>
/// Metrics end to end (issue 15): the real host on the console adapter, with <c>/metrics</c> on a listener of its own
/// (<c>Metrics:Urls</c>) beside the public one (<c>Http:Urls</c>), scraped over 127.0.0.1 as Prometheus would.
/// </summary>
public sealed class MetricsTests : IDisposable
{
    private const string Member = "Zephyrine";
    private const string CommunityName = "Owls of Minerva";

    private readonly string _workDir = Directory.CreateTempSubdirectory("studybot-metrics-").FullName;
    private readonly int _metricsPort = Postgres.UnusedPort();
    private readonly int _publicPort = Postgres.UnusedPort();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_workDir, recursive: true);
    }

    private RunningHost StartHost(params (string Key, string Value)[] env) => RunningHost.Start(
        _workDir,
        [
            ("Console__User", Member),
            ("Console__CommunityName", CommunityName),
            ("Http__Urls", $"http://127.0.0.1:{_publicPort}"),
            .. env,
        ]);

    private RunningHost StartHostWithMetrics(params (string Key, string Value)[] env) =>
        StartHost([("Metrics__Urls", $"http://127.0.0.1:{_metricsPort}"), .. env]);

    private string MetricsUrl => $"http://127.0.0.1:{_metricsPort}/metrics";

    private string PublicUrl(string path) => $"http://127.0.0.1:{_publicPort}{path}";

    private async Task<HttpStatusCode> StatusAsync(string url, HttpMethod? method = null, string? host = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>Waits until a listener answers on <paramref name="url"/> (the host is up), whatever the status.</summary>
    private async Task ListeningAsync(string url) =>
        await Bounded.UntilAsync(
            async () =>
            {
                try
                {
                    await StatusAsync(url);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"the host to listen at {url}");

    private async Task<string> ScrapeAsync()
    {
        using var response = await _http.GetAsync(MetricsUrl);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    private static IEnumerable<PrometheusSample> Samples(IReadOnlyList<PrometheusFamily> families, string name) =>
        families.SelectMany(f => f.Samples).Where(s => s.Name == name);

    private static Dictionary<(string Command, string Platform, string Outcome), double> ByCommand(IEnumerable<PrometheusSample> samples) =>
        samples.ToDictionary(s => (s.Label("command"), s.Label("platform"), s.Label("outcome")), s => s.Value);

    [Fact]
    public async Task After_a_conversation_metrics_count_exactly_the_commands_sent_and_read_as_valid_Prometheus_text_without_member_data()
    {
        using var host = StartHostWithMetrics();
        await host.SayAsync("/progress start programmer part-time", "You're set");
        await host.SayAsync("/progress done python-basics", "Marked Python Basics");
        await host.SayAsync("/progress log 45 practice numpy", "Logged 45 min");
        await host.SayAsync("/progress dnoe numpy", "Did you mean");
        await host.SayAsync("/teleport now", "I don't know the command");
        await host.SayAsync("/progress help", "/progress done");
        await host.SayAsync("/progress next", "Mathematics Basics");

        // The exporter may serve a reading a moment old: wait until all seven are in, then compare exactly.
        IReadOnlyList<PrometheusFamily> families = [];
        string text = "";
        await Bounded.UntilAsync(
            async () =>
            {
                text = await ScrapeAsync();
                families = PrometheusText.Parse(text);
                return Samples(families, "studybot_commands_total").Sum(s => s.Value) >= 7 && Samples(families, "studybot_outbox_pending").Any();
            },
            "the seven commands to show in studybot_commands_total, and the outbox gauges their first reading");

        var expected = new Dictionary<(string, string, string), double>
        {
            [("progress start", "console", "ok")] = 1,
            [("progress done", "console", "ok")] = 1,
            [("progress log", "console", "ok")] = 1,
            [("progress", "console", "invalid")] = 1,
            [("unknown", "console", "invalid")] = 1,
            [("progress help", "console", "ok")] = 1,
            [("progress next", "console", "ok")] = 1,
        };

        // The start-up warm-up rehearses commands too; it is not counted.
        Assert.Equal(expected.OrderBy(e => e.Key), ByCommand(Samples(families, "studybot_commands_total")).OrderBy(e => e.Key));
        Assert.Equal(expected.OrderBy(e => e.Key), ByCommand(Samples(families, "studybot_command_duration_seconds_count")).OrderBy(e => e.Key));
        Assert.All(Samples(families, "studybot_command_duration_seconds_sum"), s => Assert.True(s.Value > 0, $"{s.Label("command")} took no time"));
        var durations = Assert.Single(families, f => f.Name == "studybot_command_duration_seconds");
        Assert.Equal("histogram", durations.Type);
        Assert.Equal("counter", Assert.Single(families, f => f.Name == "studybot_commands_total").Type);

        // The outbox gauges, and the runtime's and ASP.NET Core's instruments beside StudyBot's.
        Assert.Contains(families, f => f.Name == "studybot_outbox_pending" && f.Type == "gauge");
        Assert.Contains(families, f => f.Name.StartsWith("dotnet_gc_", StringComparison.Ordinal));
        Assert.Contains(families, f => f.Name.StartsWith("kestrel_", StringComparison.Ordinal) || f.Name.StartsWith("http_server_", StringComparison.Ordinal));

        // No label carries a member's name, the community's name or words a member typed.
        // (Kestrel's own labels name its listening address and port, a random one: "45" may be part of it.)
        var labelValues = families.SelectMany(f => f.Samples).SelectMany(s => s.Labels)
            .Where(l => l.Key is not ("server_address" or "server_port")).Select(l => l.Value).Distinct().ToList();
        foreach (var secret in new[] { Member, CommunityName, "numpy", "python-basics", "dnoe", "teleport", "45" })
        {
            Assert.DoesNotContain(labelValues, v => v.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }

        var paths = StudyBotCommands.Catalog().Leaves.Select(l => l.Path).Append("progress").Append("studybot").Append("unknown").ToHashSet();
        Assert.All(families.SelectMany(f => f.Samples).Where(s => s.Labels.ContainsKey("command")), s => Assert.Contains(s.Label("command"), paths));

        await CheckWithPromtoolAsync(text);
        Assert.Equal(0, await host.StopAsync());
    }

    /// <summary>
    /// Debian's <c>promtool check metrics</c> (package prometheus) where it is installed: exit code 1 is a parse error;
    /// 3 is lint advice, which may name the .NET runtime's instruments (<c>dotnet_timer_count</c> is a gauge ending in
    /// _count) but never StudyBot's. The strict reader above checks the same text either way.
    /// </summary>
    private static async Task CheckWithPromtoolAsync(string text)
    {
        var promtool = new[] { "/usr/bin/promtool", "/usr/local/bin/promtool" }.FirstOrDefault(File.Exists);
        if (promtool is null)
        {
            return;
        }

        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await Bounded.WaitAsync(process.WaitForExitAsync(), "promtool check metrics to finish");
        var said = await stdout + await stderr;
        Assert.True(process.ExitCode is 0 or 3, $"promtool check metrics refused the text (exit code {process.ExitCode}): {said}");
        Assert.DoesNotContain("studybot_", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_only_on_their_own_listener_never_on_the_public_one()
    {
        using var host = StartHostWithMetrics();
        await ListeningAsync(MetricsUrl);
        await ListeningAsync(PublicUrl("/healthz"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(MetricsUrl));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(PublicUrl("/metrics")));

        // The listener is told by the connection's port, not by the Host header a client sends.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(PublicUrl("/metrics"), host: $"127.0.0.1:{_metricsPort}"));

        // The metrics listener serves nothing else: not the health check, not the platforms' endpoints.
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"http://127.0.0.1:{_metricsPort}/healthz"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync($"http://127.0.0.1:{_metricsPort}/slack/events", HttpMethod.Post));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, await StatusAsync(MetricsUrl, HttpMethod.Post));
        await host.SayAsync("/progress help", "/progress done");
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task Without_Metrics_Urls_no_metrics_are_served_at_all()
    {
        using var host = StartHost();
        await ListeningAsync(PublicUrl("/healthz"));

        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(PublicUrl("/metrics")));
        await Assert.ThrowsAsync<HttpRequestException>(() => StatusAsync(MetricsUrl));
        Assert.Equal(0, await host.StopAsync());
    }

    [Fact]
    public async Task A_huge_or_malformed_scrape_is_refused_cleanly_and_the_bot_keeps_answering_and_serving_metrics()
    {
        using var host = StartHostWithMetrics();
        await ListeningAsync(MetricsUrl);

        Assert.StartsWith("HTTP/1.1 400", await RawAsync("GARBAGE\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400", await RawAsync("GET /metrics HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 431", await RawAsync($"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 200_000)}\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 414", await RawAsync($"GET /metrics?{new string('q', 100_000)} HTTP/1.1\r\nHost: x\r\n\r\n"), StringComparison.Ordinal);
        Assert.Matches("^HTTP/1.1 (404|400)", await RawAsync("GET /metrics/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"));

        // A connection that sends half a request and goes away.
        using (var half = new TcpClient())
        {
            await half.ConnectAsync(IPAddress.Loopback, _metricsPort);
            await half.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET /metr"));
        }

        await host.SayAsync("/progress help", "/progress done");
        PrometheusText.Parse(await ScrapeAsync());
        Assert.Equal(0, await host.StopAsync());
    }

    /// <summary>Sends raw bytes to the metrics listener and returns the start of what came back.</summary>
    private async Task<string> RawAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, _metricsPort);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException)
        {
            // The server may answer and close before it has read everything: its answer is still there to read.
        }

        var buffer = new byte[256];
        var read = await Bounded.WaitAsync(stream.ReadAsync(buffer).AsTask(), "the metrics listener to answer a raw request");
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task An_OTLP_endpoint_that_refuses_connections_does_not_hurt_the_bot_and_is_logged_once()
    {
        // A port nothing listens on: every export is refused at once.
        var closed = Postgres.UnusedPort();
        using var host = StartHostWithMetrics(
            ("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{closed}"),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
            ("OTEL_METRIC_EXPORT_INTERVAL", "200"),
            ("OTEL_BSP_SCHEDULE_DELAY", "100"));

        await host.SayAsync("/progress start programmer part-time", "You're set");
        await host.LoggedAsync("OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) failed");
        for (var i = 0; i < 3; i++)
        {
            await host.SayAsync("/progress help", "/progress done");
        }

        await host.SayAsync("/progress done python-basics", "Marked Python Basics");
        var families = PrometheusText.Parse(await ScrapeAsync());
        Assert.Equal(5, Samples(families, "studybot_commands_total").Sum(s => s.Value));

        Assert.Equal(0, await host.StopAsync());
        Assert.Equal(1, host.Stderr.Split("OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT) failed").Length - 1);
        Assert.DoesNotContain("Exception", host.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("banana", "Metrics:Urls contains 'banana', which is not an http(s) address such as 'http://127.0.0.1:9464'")]
    [InlineData("http://127.0.0.1", "Metrics:Urls contains 'http://127.0.0.1', which has no port of its own")]
    [InlineData("http://127.0.0.1:9464/stats", "Metrics:Urls contains 'http://127.0.0.1:9464/stats', which is not an http(s) address")]
    [InlineData("SAME", "is also in Http:Urls; metrics need a port of their own")]
    public async Task A_bad_Metrics_Urls_stops_the_host_at_start_with_one_line_naming_it(string urls, string expected)
    {
        var run = await HostProcess.RunAsync(
            _workDir,
            "/progress\n",
            [
                ("Roadmaps__Directory", RepoPaths.Roadmaps),
                ("Http__Urls", $"http://127.0.0.1:{_publicPort}"),
                ("Metrics__Urls", urls == "SAME" ? $"http://0.0.0.0:{_publicPort}" : urls),
            ]);

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("", run.Stdout);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("StudyBot cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_metrics_port_already_in_use_stops_the_host_naming_Metrics_Urls()
    {
        using var taken = new TcpListener(IPAddress.Loopback, _metricsPort);
        taken.Start();

        var run = await HostProcess.RunAsync(
            _workDir,
            "/progress\n",
            [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Metrics__Urls", $"http://127.0.0.1:{_metricsPort}")]);

        Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Contains($"StudyBot cannot start: Metrics:Urls: http://127.0.0.1:{_metricsPort} cannot be listened on", run.Stderr, StringComparison.Ordinal);
    }
}
