using Microsoft.Playwright;

namespace StudyBot.BrowserTests;

/// <summary>One headless Chromium for a collection of tests (a launch takes about 2 s); each test opens its own context.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not running: " + Chromium.SkipReason);

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null)
        {
            return;
        }

        if (!File.Exists(Chromium.ExecutablePath))
        {
            throw new InvalidOperationException($"{Chromium.RequireVariable}=1 but {Chromium.ExecutablePath} is missing: {Chromium.InstallLine}");
        }

        _playwright = await Bounded.WaitAsync(Playwright.CreateAsync(), "Playwright's driver to start");
        _browser = await Bounded.WaitAsync(
            _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.ExecutablePath, Headless = true }),
            $"Chromium ({Chromium.ExecutablePath}) to launch");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await Bounded.WaitAsync(_browser.CloseAsync(), "Chromium to close");
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
