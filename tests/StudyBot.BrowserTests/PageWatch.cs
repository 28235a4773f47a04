using System.Collections.Concurrent;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace StudyBot.BrowserTests;

/// <summary>
/// A browser page under watch: every console error, uncaught script error and failed request is kept, so a test can
/// say "no console errors on any page"; screenshots go under the test output (screenshots/), and axe checks
/// accessibility.
/// </summary>
internal sealed class PageWatch : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _problems = new();

    private PageWatch(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, m) =>
        {
            if (m.Type is "error" or "warning")
            {
                _problems.Enqueue($"console {m.Type} on {page.Url}: {m.Text}");
            }
        };
        page.PageError += (_, e) => _problems.Enqueue($"script error on {page.Url}: {e}");
        page.RequestFailed += (_, r) => _problems.Enqueue($"request failed: {r.Method} {r.Url} ({r.Failure})");
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> Problems => [.. _problems];

    public static string ShotsFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<PageWatch> OpenAsync(IBrowser browser, Uri baseUrl, int width = 1280, int height = 900, bool javaScript = true)
    {
        var context = await Bounded.WaitAsync(
            browser.NewContextAsync(new BrowserNewContextOptions
            {
                BaseURL = baseUrl.ToString(),
                ViewportSize = new ViewportSize { Width = width, Height = height },
                JavaScriptEnabled = javaScript,
            }),
            "a new browser context");
        context.SetDefaultTimeout(15_000);
        context.SetDefaultNavigationTimeout(15_000);
        var page = await Bounded.WaitAsync(context.NewPageAsync(), "a new browser page");
        return new PageWatch(context, page);
    }

    /// <summary>Opens a path and returns the response; fails naming the path when the server gave none.</summary>
    public async Task<IResponse> GoAsync(string path)
    {
        var response = await Bounded.WaitAsync(Page.GotoAsync(path), $"the page {path} to load");
        return response ?? throw new InvalidOperationException($"no response for {path}");
    }

    /// <summary>Saves the page as it looks at 360 px and at 1280 px wide, named after the test and the page.</summary>
    public async Task ScreenshotsAsync(string name)
    {
        Directory.CreateDirectory(ShotsFolder);
        foreach (var width in new[] { 360, 1280 })
        {
            await Page.SetViewportSizeAsync(width, 900);
            await Bounded.WaitAsync(
                Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ShotsFolder, $"{name}-{width}.png"), FullPage = true }),
                $"a screenshot of {name} at {width} px");
        }
    }

    /// <summary>Runs axe on the page and fails listing every violation of impact serious or critical.</summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await Bounded.WaitAsync(Page.RunAxe(), $"axe to check {Page.Url}");
        var bad = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact}: {v.Id} ({v.Help}) at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.True(bad.Count == 0, $"accessibility violations on {Page.Url}:\n" + string.Join('\n', bad));
    }

    /// <summary>Fails listing every console error, script error and failed request seen so far.</summary>
    public void AssertNoProblems() =>
        Assert.True(_problems.IsEmpty, "problems in the browser:\n" + string.Join('\n', _problems));

    public async ValueTask DisposeAsync() => await Bounded.WaitAsync(Context.CloseAsync(), "the browser context to close");
}
