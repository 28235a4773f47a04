using Microsoft.Playwright;

namespace StudyBot.BrowserTests;

/// <summary>The public roadmap page in a real Chromium: readable, accessible, keyboard-usable, with and without script.</summary>
[Collection(BrowserCollection.Name)]
public sealed class RoadmapPageTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task The_roadmap_page_shows_every_phase_with_no_console_errors_and_no_serious_accessibility_violations()
    {
        await using var host = await WebHost.StartAsync();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);

        var response = await watch.GoAsync("roadmap");

        Assert.Equal(200, response.Status);
        Assert.Equal("en", await watch.Page.GetAttributeAsync("html", "lang"));
        Assert.Contains("Road to ML", await watch.Page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(8, await watch.Page.Locator("section.phase").CountAsync());
        await watch.AssertAccessibleAsync();
        await watch.ScreenshotsAsync("roadmap");
        watch.AssertNoProblems();
    }

    [BrowserFact]
    public async Task The_page_works_with_JavaScript_switched_off()
    {
        await using var host = await WebHost.StartAsync();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl, javaScript: false);

        var response = await watch.GoAsync("roadmap");

        Assert.Equal(200, response.Status);
        Assert.Equal(8, await watch.Page.Locator("section.phase").CountAsync());
        watch.AssertNoProblems();
    }

    [BrowserFact]
    public async Task The_skip_link_is_the_first_stop_of_the_keyboard_and_takes_the_reader_to_the_content()
    {
        await using var host = await WebHost.StartAsync();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);
        await watch.GoAsync("roadmap");

        await watch.Page.Keyboard.PressAsync("Tab");
        var focused = watch.Page.Locator(":focus");
        Assert.Equal("Skip to content", (await focused.InnerTextAsync()).Trim());
        Assert.True(await focused.IsVisibleAsync(), "the focused skip link is visible");
        await watch.Page.Keyboard.PressAsync("Enter");

        Assert.EndsWith("#content", watch.Page.Url, StringComparison.Ordinal);
        Assert.Equal("content", await watch.Page.EvaluateAsync<string>("document.activeElement.id"));
        watch.AssertNoProblems();
    }

    [BrowserFact]
    public async Task A_German_browser_gets_the_page_in_German()
    {
        await using var host = await WebHost.StartAsync();
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseUrl.ToString(), Locale = "de-DE" });
        try
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync("roadmap");
            Assert.Equal("de", await page.GetAttributeAsync("html", "lang"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
