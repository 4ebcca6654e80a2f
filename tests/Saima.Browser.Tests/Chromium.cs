using Microsoft.Playwright;

namespace Saima.Browser.Tests;

/// <summary>
/// One headless Chromium for the whole test run: Debian's /usr/bin/chromium driven by Playwright's
/// bundled driver (never `playwright install`, which would download a browser). Each test opens
/// its own context (cookies and storage of its own) through <see cref="OpenAsync"/>.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Where the browser is; SAIMA_CHROMIUM overrides it.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("SAIMA_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Where screenshots go: SAIMA_SCREENSHOTS (scripts/test.sh sets it), else TestResults/screenshots beside the tests.</summary>
    public static string ScreenshotFolder =>
        Environment.GetEnvironmentVariable("SAIMA_SCREENSHOTS") is { Length: > 0 } folder
            ? folder
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not started");

    public async Task InitializeAsync()
    {
        File.Exists(ExecutablePath).ShouldBeTrue(
            $"no Chromium at {ExecutablePath}: install Debian's chromium (scripts/test.sh does as root) or set SAIMA_CHROMIUM");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage",
            ],
        });
    }

    /// <summary>
    /// A fresh browser context and page on <paramref name="app"/> for one test, watching for
    /// console errors, uncaught exceptions, CSP violations and dialogs; its screenshot is saved
    /// as <c>{test}.png</c> when it is disposed.
    /// </summary>
    public async Task<BrowserPage> OpenAsync(BrowserApp app, string test, string locale = "en-US")
    {
        IBrowserContext context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl,
            // The browser asks for English: the application must still answer in Chinese by default.
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(15_000);
        return await BrowserPage.CreateAsync(context, test);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Every browser test class shares the one Chromium (and runs one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "browser";
}
