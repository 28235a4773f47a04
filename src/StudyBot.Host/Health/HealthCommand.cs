using System.Net;
using System.Text.Json;

namespace StudyBot.Host.Health;

/// <summary>
/// <c>studybot health [url]</c>: asks a running StudyBot's <c>/healthz/ready</c> and exits 0 when it is ready, 1 when it is
/// not or does not answer, 2 on a usage error. For Docker's HEALTHCHECK, whose aspnet image has neither curl nor wget.
/// Without a URL it asks the first address of <c>Http__Urls</c> on this machine (http://127.0.0.1:8080 when unset).
/// </summary>
internal static class HealthCommand
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args, string? httpUrls, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Length > 1 || (args.Length == 1 && args[0] is "-h" or "--help"))
        {
            await error.WriteLineAsync("Usage: studybot health [http://127.0.0.1:8080]  (exit code 0 ready, 1 not ready)");
            return 2;
        }

        var baseUrl = args.Length == 1 ? args[0] : Local(httpUrls);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
        {
            await error.WriteLineAsync($"'{baseUrl}' is not an http:// address; use e.g. http://127.0.0.1:8080");
            return 2;
        }

        var url = new Uri(root, HealthEndpoints.ReadyPath);
        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await output.WriteLineAsync("StudyBot is ready.");
                return 0;
            }

            await output.WriteLineAsync($"StudyBot is not ready (HTTP {(int)response.StatusCode}){NotHealthy(body)}");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"StudyBot does not answer at {url} ({(ex is TaskCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : ex.Message)}).");
            return 1;
        }
    }

    /// <summary>The first address StudyBot listens on, as seen from the same machine.</summary>
    internal static string Local(string? httpUrls)
    {
        var first = httpUrls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (string.IsNullOrEmpty(first))
        {
            return "http://127.0.0.1:8080";
        }

        // Kestrel's wildcards (http://+:8080, http://*:8080, 0.0.0.0, [::]) listen on every interface, loopback included.
        foreach (var wildcard in new[] { "://+:", "://*:", "://0.0.0.0:", "://[::]:" })
        {
            first = first.Replace(wildcard, "://127.0.0.1:", StringComparison.Ordinal);
        }

        return first;
    }

    /// <summary>": database unhealthy: The database does not answer ..." for each check that is not healthy, when the body says.</summary>
    private static string NotHealthy(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var bad = json.RootElement.GetProperty("checks").EnumerateArray()
                .Where(c => c.GetProperty("state").GetString() != "healthy")
                .Select(c => $"{c.GetProperty("name").GetString()} {c.GetProperty("state").GetString()}: {c.GetProperty("description").GetString()}")
                .ToList();
            return bad.Count == 0 ? "." : ": " + string.Join("; ", bad);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return ".";
        }
    }
}
