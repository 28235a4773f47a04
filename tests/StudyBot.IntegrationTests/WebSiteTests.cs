using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StudyBot.Core.Roadmaps;
using StudyBot.Host;
using StudyBot.Web;

namespace StudyBot.IntegrationTests;

/// <summary>
/// The real host serving the web pages on a free port of 127.0.0.1 (Web:Urls=http://127.0.0.1:0), requested over HTTP
/// as a browser would: the public roadmap page, its headers, its static files, and what it refuses.
/// </summary>
public sealed class WebSiteTests(WebSiteTests.WebHost web) : IClassFixture<WebSiteTests.WebHost>
{
    private static readonly string[] Pages = ["/", "/roadmap", "/roadmap/ml-zero-to-hero", "/roadmap/no-such-roadmap", "/no/such/page"];

    [Fact]
    public async Task The_roadmap_page_shows_every_phase_module_and_milestone_item_of_the_default_roadmap()
    {
        var roadmap = web.App.Services.GetRequiredService<RoadmapCatalog>().Default;
        foreach (var path in new[] { "/", "/roadmap", "/roadmap/" + roadmap.Id })
        {
            var (status, html) = await web.GetPageAsync(path);
            Assert.Equal(HttpStatusCode.OK, status);
            var text = WebUtility.HtmlDecode(html);
            Assert.Contains($"<h1>{roadmap.Title}</h1>", text, StringComparison.Ordinal);
            Assert.Equal(8, roadmap.Phases.Count);
            foreach (var phase in roadmap.Phases)
            {
                Assert.Contains($"Phase {phase.Number}: {phase.Title}", text, StringComparison.Ordinal);
                Assert.All(phase.Modules, m => Assert.Contains($"<span class=\"item-title\">{m.Title}</span>", text, StringComparison.Ordinal));
            }

            foreach (var item in roadmap.Milestones.SelectMany(m => m.Items))
            {
                Assert.Contains($"<span class=\"item-title\">{item.Title}</span>", text, StringComparison.Ordinal);
                Assert.Contains($"<code class=\"item-id\">{item.Id}</code>", text, StringComparison.Ordinal);
            }

            // Estimates per pace, quick wins, the accelerated path and the 70/20/10 split, each a section of its own.
            Assert.Contains("<h2 id=\"estimates-title\">Time estimates</h2>", text, StringComparison.Ordinal);
            Assert.Contains("<th scope=\"col\">Full-time</th><th scope=\"col\">Part-time</th>", text, StringComparison.Ordinal);
            Assert.Contains("<h2 id=\"quick-wins-title\">Quick wins</h2>", text, StringComparison.Ordinal);
            Assert.Contains($"<h2 id=\"accelerated-title\">Accelerated path ({roadmap.AcceleratedPath!.TotalWeeks} weeks)</h2>", text, StringComparison.Ordinal);
            Assert.Contains("The 70/20/10 split of your study time", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_drawn_map_is_an_inline_svg_with_a_text_alternative_naming_every_phase()
    {
        var roadmap = web.App.Services.GetRequiredService<RoadmapCatalog>().Default;
        var (_, html) = await web.GetPageAsync("/roadmap");
        var svg = Regex.Match(html, "<svg role=\"img\" aria-labelledby=\"map-title map-desc\".*?</svg>", RegexOptions.Singleline);
        Assert.True(svg.Success, "no map in the page");
        var map = XElement.Parse(WebUtility.HtmlDecode(svg.Value).Replace("&", "&amp;", StringComparison.Ordinal));
        Assert.Equal("Map of the phases", map.Elements().Single(e => e.Name.LocalName == "title").Value);
        var description = map.Elements().Single(e => e.Name.LocalName == "desc").Value;
        Assert.All(roadmap.Phases, p => Assert.Contains($"Phase {p.Number}: {p.Title}", description, StringComparison.Ordinal));
        Assert.Equal(roadmap.Phases.Count, map.Elements().Count(e => e.Name.LocalName == "g"));
    }

    [Fact]
    public async Task A_reader_whose_browser_asks_for_German_gets_the_page_in_German()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/roadmap");
        request.Headers.TryAddWithoutValidation("Accept-Language", "de-AT,de;q=0.9,en;q=0.5");
        using var response = await web.Http.SendAsync(request);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"de\">", html, StringComparison.Ordinal);
        Assert.Contains("Zum Inhalt springen", html, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"phases-title\">Phasen</h2>", html, StringComparison.Ordinal);
        Assert.Contains("Vollzeit", html, StringComparison.Ordinal);

        // French is not spoken: English, as in chat.
        using var french = new HttpRequestMessage(HttpMethod.Get, "/roadmap");
        french.Headers.TryAddWithoutValidation("Accept-Language", "fr-FR");
        using var english = await web.Http.SendAsync(french);
        Assert.Contains("<html lang=\"en\">", await english.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_page_has_the_layout_a_keyboard_and_a_screen_reader_need()
    {
        foreach (var path in Pages)
        {
            var (_, html) = await web.GetPageAsync(path);
            Assert.Matches("^<!DOCTYPE html>\\s*<html lang=\"en\">", html);
            Assert.Contains("<a class=\"skip-link\" href=\"#content\">Skip to content</a>", html, StringComparison.Ordinal);
            Assert.Contains("<main id=\"content\" tabindex=\"-1\">", html, StringComparison.Ordinal);
            Assert.Contains("<link rel=\"icon\" href=\"/favicon.ico\"", html, StringComparison.Ordinal);
            Assert.Single(Regex.Matches(html, "<h1[ >]"));
            Assert.True(Encoding.UTF8.GetByteCount(html) < 100_000, $"{path} is {Encoding.UTF8.GetByteCount(html)} bytes");

            // Nothing the Content-Security-Policy would block, nothing from elsewhere.
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(" style=", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);

            // Every stylesheet, icon and image the page names is served.
            foreach (Match link in Regex.Matches(html, "(?:src|href)=\"(/(?:static/|favicon)[^\"]*)\""))
            {
                using var asset = await web.Http.GetAsync(new Uri(WebUtility.HtmlDecode(link.Groups[1].Value), UriKind.Relative));
                Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{link.Groups[1].Value} on {path}: {asset.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers_and_pages_are_never_cached()
    {
        foreach (var path in Pages.Concat(["/static/site.css", "/static/icon.svg", "/favicon.ico", "/static/nothing.css"]))
        {
            using var response = await web.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(WebEndpoints.ContentSecurityPolicy, string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
                WebEndpoints.ContentSecurityPolicy);
            Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", string.Join(",", response.Headers.GetValues("Referrer-Policy")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
            var cache = response.Headers.CacheControl?.ToString();
            if (path.StartsWith("/static/site", StringComparison.Ordinal) || path.StartsWith("/static/icon", StringComparison.Ordinal) || path == "/favicon.ico")
            {
                Assert.StartsWith("public, max-age=", cache, StringComparison.Ordinal);
            }
            else
            {
                Assert.True(cache == "no-store", $"{path}: Cache-Control {cache}");
            }
        }
    }

    [Fact]
    public async Task The_stylesheet_and_icons_come_from_the_binary_with_their_types_and_a_validator()
    {
        foreach (var (path, type) in new[] { ("/static/site.css", "text/css"), ("/static/icon.svg", "image/svg+xml"), ("/favicon.ico", "image/x-icon") })
        {
            using var response = await web.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.NotEmpty(body);

            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
            using var cached = await web.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }

        // The favicon is a real icon file (type 1, one image) holding a PNG.
        var ico = await web.Http.GetByteArrayAsync(new Uri("/favicon.ico", UriKind.Relative));
        Assert.Equal(new byte[] { 0, 0, 1, 0, 1, 0 }, ico[..6]);
        Assert.Equal("\u0089PNG", Encoding.Latin1.GetString(ico, 22, 4));
    }

    [Theory]
    [InlineData("/static/../appsettings.json")]
    [InlineData("/static/..%2fappsettings.json")]
    [InlineData("/static/%2e%2e%2fappsettings.json")]
    [InlineData("/static/%2E%2E%2F%2E%2E%2FStudyBot.Host.dll")]
    [InlineData("/static/..%5cappsettings.json")]
    [InlineData("/static/..\\appsettings.json")]
    [InlineData("/static/..\\..\\appsettings.json")]
    [InlineData("/static/%252e%252e%252fappsettings.json")]
    [InlineData("/static//etc/passwd")]
    [InlineData("/static/site.css/../../appsettings.json")]
    [InlineData("/../appsettings.json")]
    [InlineData("/appsettings.json")]
    [InlineData("/StudyBot.Host.dll")]
    public async Task A_static_file_request_never_leaves_its_folder(string path)
    {
        // Sent as written (HttpClient would tidy the dots away first).
        var (status, body) = await web.RawGetAsync(path);
        Assert.True(status is 400 or 404, $"{path}: {status}");
        Assert.DoesNotContain("ConnectionString", body, StringComparison.Ordinal);
        Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_100_KB_query_string_or_oversized_headers_get_a_clean_4xx()
    {
        var (status, _) = await web.RawGetAsync("/roadmap?q=" + new string('a', 100 * 1024));
        Assert.Equal(414, status);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/roadmap");
        request.Headers.TryAddWithoutValidation("X-Big", new string('b', 40 * 1024));
        using var response = await web.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);

        // And the site still answers.
        Assert.Equal(HttpStatusCode.OK, (await web.GetPageAsync("/roadmap")).Status);
    }

    [Fact]
    public async Task An_unknown_roadmap_or_address_gets_a_friendly_404_page()
    {
        var (status, html) = await web.GetPageAsync("/roadmap/no-such-roadmap");
        Assert.Equal(HttpStatusCode.NotFound, status);
        var text = WebUtility.HtmlDecode(html);
        Assert.Contains("<h1 id=\"not-found-title\">Page not found</h1>", text, StringComparison.Ordinal);
        Assert.Contains("There is no roadmap 'no-such-roadmap' here.", text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/roadmap\">Open the roadmap</a>", text, StringComparison.Ordinal);

        // Markup in the address is shown as text.
        var (_, escaped) = await web.GetPageAsync("/roadmap/%3Cb%3Ebold%3C%2Fb%3E");
        Assert.DoesNotContain("<b>bold", escaped, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;bold", escaped, StringComparison.Ordinal);

        var (other, page) = await web.GetPageAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, other);
        Assert.Contains("There is no page at this address.", page, StringComparison.Ordinal);

        // Not a page a form could post to either.
        using var post = await web.Http.PostAsync(new Uri("/no/such/page", UriKind.Relative), new StringContent("x"));
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Fact]
    public void The_anti_forgery_cookie_is_HttpOnly_SameSite_Lax_and_Secure_over_HTTPS()
    {
        var options = web.App.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>>().Value;
        Assert.Equal(WebEndpoints.AntiforgeryCookie, options.Cookie.Name);
        Assert.True(options.Cookie.HttpOnly);
        Assert.Equal(Microsoft.AspNetCore.Http.SameSiteMode.Lax, options.Cookie.SameSite);
        Assert.Equal(Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest, options.Cookie.SecurePolicy);
    }

    [Fact]
    public void The_public_address_is_the_bound_listen_address_when_Web_PublicUrl_is_not_set()
    {
        var url = web.App.Services.GetRequiredService<WebAddress>().PublicUrl;
        Assert.NotNull(url);
        Assert.Equal(web.Http.BaseAddress, url);
        Assert.NotEqual(0, url!.Port);
        Assert.Contains(web.App.Urls, u => new Uri(u).Port == url.Port);
    }

    [Fact]
    public async Task The_pages_are_served_on_the_Http_Urls_listener_too_and_Web_PublicUrl_names_the_links()
    {
        await using var host = await WebHost.StartAsync(
            "--Http:Urls=http://127.0.0.1:0",
            "--Web:PublicUrl=https://study.example.org/");
        Assert.Equal(new Uri("https://study.example.org/"), host.App.Services.GetRequiredService<WebAddress>().PublicUrl);
        using var http = new HttpClient { BaseAddress = new Uri(host.App.Urls.First()), Timeout = Bounded.Default };
        using var response = await http.GetAsync(new Uri("/roadmap", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task With_Web_Enabled_false_there_are_no_pages()
    {
        await using var host = await WebHost.StartAsync("--Http:Urls=http://127.0.0.1:0", "--Web:Enabled=false");
        Assert.Null(host.App.Services.GetService<WebAddress>());
        using var http = new HttpClient { BaseAddress = new Uri(host.App.Urls.First()), Timeout = Bounded.Default };
        using var response = await http.GetAsync(new Uri("/roadmap", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public void A_run_of_the_bot_listens_on_127_0_0_1_5080_unless_Web_Urls_or_Http_Urls_is_set()
    {
        string? UrlsAfterDefaults(params (string Key, string? Value)[] settings)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
            StudyBotHost.UseRunDefaults(builder);
            return builder.Configuration["Web:Urls"];
        }

        Assert.Equal("http://127.0.0.1:5080", UrlsAfterDefaults());
        Assert.Equal("http://0.0.0.0:8081", UrlsAfterDefaults(("Web:Urls", "http://0.0.0.0:8081")));
        Assert.Equal("", UrlsAfterDefaults(("Web:Urls", "")));
        Assert.Null(UrlsAfterDefaults(("Http:Urls", "http://0.0.0.0:8080")));
    }

    [Theory]
    [InlineData("Web__PublicUrl", "study.example.org", "Web:PublicUrl 'study.example.org' is not an absolute http(s) address; use the address members open, e.g. 'https://study.example.org/'")]
    [InlineData("Web__PublicUrl", "ftp://study.example.org/", "Web:PublicUrl 'ftp://study.example.org/' is not an absolute http(s) address")]
    [InlineData("Web__PublicUrl", "https://study.example.org/?x=1", "Web:PublicUrl 'https://study.example.org/?x=1' is not an absolute http(s) address")]
    [InlineData("Web__Urls", "localhost:5080", "Web:Urls contains 'localhost:5080', which is not an http(s) listen address such as 'http://127.0.0.1:5080'")]
    [InlineData("Web__Urls", "http://127.0.0.1:0;mailto:x@example.org", "Web:Urls contains 'mailto:x@example.org', which is not an http(s) listen address")]
    [InlineData("Web__Enabled", "sometimes", "Web:Enabled 'sometimes' is not true or false")]
    public async Task A_bad_web_setting_stops_the_start_with_one_line_naming_it(string key, string value, string expected)
    {
        var workDir = Directory.CreateTempSubdirectory("studybot-web-").FullName;
        try
        {
            var run = await HostProcess.RunAsync(workDir, "/progress\n", [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Web__Enabled", "true"), ("Web__Urls", "http://127.0.0.1:0"), (key, value)]);
            Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
            Assert.Equal("", run.Stdout);
            var line = Assert.Single(run.StderrLines);
            Assert.StartsWith("StudyBot cannot start: ", line, StringComparison.Ordinal);
            Assert.Contains(expected, line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_taken_web_port_stops_the_start_with_one_line_naming_Web_Urls()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var workDir = Directory.CreateTempSubdirectory("studybot-web-").FullName;
        try
        {
            // Standard input stays open and empty, so the console does not end before the listener fails.
            var run = await HostProcess.RunAsync(
                workDir,
                "",
                [("Roadmaps__Directory", RepoPaths.Roadmaps), ("Web__Enabled", "true"), ("Web__Urls", $"http://127.0.0.1:{port}")],
                closeInput: false);
            Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode}; stderr: {run.Stderr}");
            var line = Assert.Single(run.StderrLines);
            Assert.Equal($"StudyBot cannot start: Web:Urls: http://127.0.0.1:{port} cannot be listened on (address already in use); stop what uses it or choose another address.", line);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public async Task The_bot_prints_the_pages_address_at_start_and_serves_them_there()
    {
        var workDir = Directory.CreateTempSubdirectory("studybot-web-").FullName;
        try
        {
            using (var host = RunningHost.Start(workDir, ("Web__Enabled", "true"), ("Web__Urls", "http://127.0.0.1:0")))
            {
                await host.LoggedAsync("Web pages: http://127.0.0.1:");
                var line = Assert.Single(host.Stderr.Split('\n', StringSplitOptions.TrimEntries), l => l.StartsWith("Web pages: ", StringComparison.Ordinal));
                Assert.Matches("^Web pages: http://127\\.0\\.0\\.1:[1-9][0-9]*/$", line);
                using var http = new HttpClient { Timeout = Bounded.Default };
                var html = await http.GetStringAsync(new Uri(line["Web pages: ".Length..]));
                Assert.Contains("<h1>Road to ML: Zero to Hero</h1>", html, StringComparison.Ordinal);
                Assert.Equal(0, await host.StopAsync());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Theory]
    [InlineData("done", "Done", "Erledigt")]
    [InlineData("doing", "In progress", "In Arbeit")]
    [InlineData("skipped", "Skipped", "Übersprungen")]
    [InlineData("open", "Open", "Offen")]
    [InlineData("<b>", "Open", "Offen")]
    public async Task A_status_is_shown_with_an_icon_and_a_word_never_colour_alone(string kind, string english, string german)
    {
        foreach (var (language, word) in new[] { ("en", english), ("de", german) })
        {
            var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
            context.Request.Headers.AcceptLanguage = language;
            await using var services = new ServiceCollection()
                .AddLogging()
                .AddSingleton<Microsoft.AspNetCore.Http.IHttpContextAccessor>(new Microsoft.AspNetCore.Http.HttpContextAccessor { HttpContext = context })
                .AddScoped<PageLanguage>()
                .BuildServiceProvider();
            await using var renderer = new Microsoft.AspNetCore.Components.Web.HtmlRenderer(services, services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>());
            var html = await renderer.Dispatcher.InvokeAsync(async () =>
                (await renderer.RenderComponentAsync<StudyBot.Web.Components.StatusBadge>(
                    Microsoft.AspNetCore.Components.ParameterView.FromDictionary(new Dictionary<string, object?> { ["Kind"] = kind }))).ToHtmlString());
            var css = kind is "done" or "doing" or "skipped" ? kind : "open";
            Assert.Contains($"<span class=\"status status-{css}\">", html, StringComparison.Ordinal);
            Assert.Contains("aria-hidden=\"true\"", html, StringComparison.Ordinal);
            Assert.Contains($"<span class=\"status-word\">{word}</span>", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_page_texts_exist_in_English_and_German_with_the_same_placeholders_and_every_key_used_exists()
    {
        var folder = Path.Combine(RepoPaths.Root, "src", "StudyBot.Web");
        Dictionary<string, string> Read(string file) => XDocument.Load(Path.Combine(folder, "Resources", file)).Root!
            .Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);
        var english = Read("Web.resx");
        var german = Read("Web.de.resx");
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), german.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in english)
        {
            Assert.StartsWith("Web.", key, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(text) || string.IsNullOrWhiteSpace(german[key]), key);
            string[] Placeholders(string s) => [.. Regex.Matches(s, "\\{[0-9]+\\}").Select(m => m.Value).Distinct().Order(StringComparer.Ordinal)];
            Assert.True(Placeholders(text).SequenceEqual(Placeholders(german[key])), $"{key}: {text} / {german[key]}");
        }

        // Every key the pages use exists (page keys here, reply keys in Core's resources).
        var used = Directory.GetFiles(folder, "*.razor", SearchOption.AllDirectories)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), "T\\(\\s*\"([A-Za-z]+\\.[A-Za-z]+)\"").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();

        // Endpoints name the message a page shows ("Web.LinkExpired"); that page heads it with the key's ".Title" text.
        var messages = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
            .SelectMany(File.ReadAllLines)
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal))
            .SelectMany(line => Regex.Matches(line, "\"(Web\\.[A-Za-z]+)\"").Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
        used = [.. used.Concat(messages).Concat(messages.Select(k => k + ".Title").Where(english.ContainsKey)).Distinct()];
        Assert.NotEmpty(used);
        foreach (var key in used)
        {
            foreach (var culture in new[] { "en", "de" })
            {
                var text = WebText.Get(System.Globalization.CultureInfo.GetCultureInfo(culture), key);
                Assert.False(string.IsNullOrWhiteSpace(text), $"{key} ({culture})");
            }
        }

        Assert.DoesNotContain(english.Keys, k => !used.Contains(k));
    }

    /// <summary>One host for the class: the pages on a free port of 127.0.0.1, no console, no scheduler.</summary>
    public sealed class WebHost : IAsyncLifetime, IAsyncDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("studybot-web-").FullName;
        private WebApplication? _app;
        private HttpClient? _http;
        private int _disposed;

        public WebApplication App => _app ?? throw new InvalidOperationException("not started");

        public HttpClient Http => _http ?? throw new InvalidOperationException("not started");

        public static async Task<WebHost> StartAsync(params string[] settings)
        {
            var host = new WebHost();
            await host.StartHostAsync(settings);
            return host;
        }

        public Task InitializeAsync() => StartHostAsync(["--Web:Urls=http://127.0.0.1:0"]);

        private async Task StartHostAsync(string[] settings)
        {
            _app = StudyBotHost.Build(
            [
                "--Database:ConnectionString=Data Source=" + Path.Combine(_dir, "studybot.db"),
                "--Roadmaps:Directory=" + RepoPaths.Roadmaps,
                "--Console:Enabled=false",
                "--Diagnostics:WarmUp=false",
                "--Scheduling:Enabled=false",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ]);
            await StudyBotHost.PrepareAsync(_app, CancellationToken.None);
            await Bounded.WaitAsync(_app.StartAsync(), "the host to start");

            // The address the pages got (port 0 became a free port), read from the server's addresses once started.
            var address = _app.Services.GetService<WebAddress>()?.PublicUrl;
            _http = new HttpClient
            {
                BaseAddress = address is { Host: "127.0.0.1" } ? address : new Uri(_app.Urls.First()),
                Timeout = Bounded.Default,
            };
        }

        public async Task<(HttpStatusCode Status, string Html)> GetPageAsync(string path)
        {
            using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        /// <summary>GET <paramref name="path"/> exactly as written, over a plain socket; the status code and body.</summary>
        public async Task<(int Status, string Body)> RawGetAsync(string path)
        {
            var address = new Uri(App.Urls.First());
            using var client = new TcpClient();
            await Bounded.WaitAsync(client.ConnectAsync(IPAddress.Loopback, address.Port), "a connection to the host");
            await using var stream = client.GetStream();
            var request = Encoding.UTF8.GetBytes($"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            await stream.WriteAsync(request);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var response = await Bounded.WaitAsync(reader.ReadToEndAsync(), $"the answer to GET {path[..Math.Min(path.Length, 40)]}");
            var status = Regex.Match(response, "^HTTP/1\\.1 ([0-9]{3})");
            Assert.True(status.Success, $"no status line for {path}: {response[..Math.Min(response.Length, 200)]}");
            var body = response.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 ? response[(end + 4)..] : "";
            return (int.Parse(status.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), body);
        }

        public async Task DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }

            _http?.Dispose();
            if (_app is not null)
            {
                await _app.StopAsync();
                await _app.DisposeAsync();
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dir, recursive: true);
        }

        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
    }
}
