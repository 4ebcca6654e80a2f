using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Saima.Browser.Tests;

/// <summary>
/// One test's browser tab. Records what a user would not see but a test must: console errors
/// (Chromium reports CSP refusals there), uncaught script errors, CSP violation events and any
/// dialog (alert/confirm/prompt: none is ever expected; it is dismissed and recorded). Disposing
/// saves a full-page screenshot, also when the test failed half-way.
/// </summary>
public sealed partial class BrowserPage : IAsyncDisposable
{
    // Runs before the page's own scripts, outside the CSP's reach (Playwright injects it).
    private const string WatchCsp = """
        document.addEventListener("securitypolicyviolation", function (e) {
            console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
        });
        """;

    private readonly IBrowserContext _context;
    private readonly string _test;
    private readonly ConcurrentQueue<string> _problems = new();
    private readonly ConcurrentQueue<string> _dialogs = new();

    private BrowserPage(IBrowserContext context, IPage page, string test)
    {
        _context = context;
        Page = page;
        _test = test;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "assert")
            {
                _problems.Enqueue($"console {message.Type} on {page.Url} ({message.Location}): {message.Text}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && response.Request.ResourceType != "document")
            {
                _problems.Enqueue($"{response.Status} for {response.Request.ResourceType} {response.Url} on {page.Url}");
            }
        };
        page.PageError += (_, error) => _problems.Enqueue($"uncaught error on {page.Url}: {error}");
        page.Dialog += async (_, dialog) =>
        {
            _dialogs.Enqueue($"{dialog.Type} on {page.Url}: {dialog.Message}");
            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    /// <summary>Console errors, uncaught errors and CSP violations so far.</summary>
    public IReadOnlyCollection<string> Problems => _problems;

    /// <summary>Dialogs that opened so far (each one a failure: the pages open none).</summary>
    public IReadOnlyCollection<string> Dialogs => _dialogs;

    /// <summary>Where the screenshot of this test goes.</summary>
    public string ScreenshotPath => Path.Combine(Chromium.ScreenshotFolder, SafeName().Replace(_test, "_") + ".png");

    internal static async Task<BrowserPage> CreateAsync(IBrowserContext context, string test)
    {
        await context.AddInitScriptAsync(WatchCsp);
        IPage page = await context.NewPageAsync();
        return new BrowserPage(context, page, test);
    }

    /// <summary>Opens a path of the application and waits until the page and its scripts have loaded.</summary>
    public async Task<IResponse> GoAsync(string path)
    {
        IResponse? response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        response.ShouldNotBeNull(path);
        return response;
    }

    /// <summary>Logs in through the login form (whoever was logged in is logged out first: fresh cookies).</summary>
    public async Task LoginAsync(string user, string password)
    {
        await _context.ClearCookiesAsync();
        await GoAsync("/login");
        await Page.Locator("#UserName").FillAsync(user);
        await Page.Locator("#Password").FillAsync(password);
        await Page.Locator("main form button[type=submit]").ClickAsync();
        await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal));
    }

    /// <summary>Clicks what submits a form and waits for the page it leads to (URL matching <paramref name="then"/>).</summary>
    public async Task SubmitAsync(ILocator button, Regex then)
    {
        await button.ClickAsync();
        await Page.WaitForURLAsync(then);
        await Page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>Fails when a script error, console error, CSP violation or dialog was seen.</summary>
    public void ShouldBeClean()
    {
        _dialogs.ShouldBeEmpty("no dialog may open");
        _problems.ShouldBeEmpty("no console error, script error or CSP violation");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Directory.CreateDirectory(Chromium.ScreenshotFolder);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath, FullPage = true });
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            // A page that crashed, or too long to paint in time, has no screenshot; the test says why it failed.
        }

        await _context.CloseAsync();
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
