namespace StudyBot.BrowserTests;

/// <summary>The browser harness itself: the host answers a real Chromium on 127.0.0.1.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HarnessTests(BrowserFixture browser)
{
    [BrowserFact]
    public async Task Chromium_reaches_the_host_on_127_0_0_1()
    {
        await using var host = await WebHost.StartAsync();
        await using var watch = await PageWatch.OpenAsync(browser.Browser, host.BaseUrl);

        var response = await watch.GoAsync("healthz");

        Assert.Equal(200, response.Status);
    }
}
