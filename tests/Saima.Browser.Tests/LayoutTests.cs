using Microsoft.Playwright;
using Saima.Data.Demo;

namespace Saima.Browser.Tests;

/// <summary>
/// The demo city (three schemes, 12 counties and districts, 150 townships and streets with their
/// maps) for <see cref="LayoutTests"/>, looked at by the office (admin: every link of the nav).
/// </summary>
public sealed class DemoApp : IAsyncLifetime
{
    public BrowserApp App { get; private set; } = null!;

    public async Task InitializeAsync() =>
        App = await BrowserApp.StartAsync(seed: store => DemoCity.Build(store));

    public async Task DisposeAsync() => await App.DisposeAsync();
}

/// <summary>
/// What the layout must do on a phone (390 px) and a desktop (1280 px): the menu folds behind a
/// button, no page is wider than the screen (wide tables scroll in their own box), the matrix's
/// unit column stays put while it scrolls, the office's nav stays on one line, and map labels
/// read on their fills (on the townships' dense map only under the pointer). Screenshots of each.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LayoutTests(Chromium chromium, DemoApp fixture) : IClassFixture<DemoApp>
{
    private const int Phone = 390;

    /// <summary>Every page of the office's nav, and the pages they lead to that are read on a phone.</summary>
    private static readonly string[] Pages =
    [
        "/", "/league", "/league?scheme=LC-TOWN&node=TVillageIncome", "/matrix", "/matrix?scheme=LC-TOWN", "/map", "/map?scheme=LC-TOWN",
        "/unit/C01?scheme=LC-COUNTY", "/entry", "/entry/review", "/entry/status", "/admin", "/admin/schemes",
        "/admin/schemes/LC-COUNTY", "/admin/users", "/admin/maps", "/admin/audit", "/admin/proofs", "/api", "/public", "/account/tokens",
    ];

    [Fact]
    public async Task Phone_EveryPage_FitsTheScreenWidth_AndTheMenuOpensFromItsButton()
    {
        await using BrowserPage tab = await OpenAsync(nameof(Phone_EveryPage_FitsTheScreenWidth_AndTheMenuOpensFromItsButton), Phone, 844);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;
        var wide = new List<string>();
        foreach (string path in Pages)
        {
            // The office's review queue holds up to 2,000 figures of the demo: more than the default 15 s to load here.
            IResponse? response = await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.Load, Timeout = 90_000 });
            response.ShouldNotBeNull(path);
            response.Status.ShouldBe(200, path);
            await page.WaitForTimeoutAsync(150);
            int width = await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");
            if (width > Phone)
            {
                wide.Add($"{path}: {width} px");
            }

            // The first screen: what a phone shows (whole pages of 150 townships are too tall to shoot).
            try
            {
                await page.ScreenshotAsync(new() { Path = Shot("phone", path), Timeout = 30_000 });
            }
            catch (System.TimeoutException)
            {
                // A page of thousands of rows (the office's review queue of the demo) can take
                // Chromium longer to paint than a test should wait; its width was measured above.
            }
        }

        wide.ShouldBeEmpty("no page is wider than the phone (wide tables scroll inside .table-responsive)");

        // The nav: folded behind its button, opened by it, closed again.
        await tab.GoAsync("/league");
        await Assertions.Expect(page.Locator("#nav-toggle")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#main-nav a[href='/matrix']")).ToBeHiddenAsync();
        await page.Locator("#nav-toggle").ClickAsync();
        await Assertions.Expect(page.Locator("#main-nav a[href='/matrix']")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#logout")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("phone", "menu-open") });
        (await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")).ShouldBeLessThanOrEqualTo(Phone);
        await page.Locator("#main-nav a[href='/matrix']").ClickAsync();
        await page.WaitForURLAsync("**/matrix");
        await Assertions.Expect(page.Locator("#main-nav a[href='/matrix']")).ToBeHiddenAsync();
        tab.ShouldBeClean();
    }

    [Fact]
    public async Task Phone_Matrix_UnitColumnStaysInView_WhileTheIndicatorsScroll()
    {
        await using BrowserPage tab = await OpenAsync(nameof(Phone_Matrix_UnitColumnStaysInView_WhileTheIndicatorsScroll), Phone, 844);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;
        await tab.GoAsync("/matrix");
        ILocator scroller = page.Locator("#matrix-scroll");
        ILocator firstUnit = page.Locator("#matrix-table tbody tr:first-child td.unit");
        ILocator firstCell = page.Locator("#matrix-table tbody tr:first-child td.cell").First;
        var unitBefore = (await firstUnit.BoundingBoxAsync())!;
        var cellBefore = (await firstCell.BoundingBoxAsync())!;
        (await scroller.EvaluateAsync<int>("e => e.scrollWidth - e.clientWidth")).ShouldBeGreaterThan(300, "the matrix is wider than a phone");

        await scroller.EvaluateAsync("e => { e.scrollLeft = 300; }");
        await page.WaitForTimeoutAsync(100);
        var unitAfter = (await firstUnit.BoundingBoxAsync())!;
        var cellAfter = (await firstCell.BoundingBoxAsync())!;
        unitAfter.X.ShouldBe(unitBefore.X, 1, "the unit column is sticky");
        cellAfter.X.ShouldBe(cellBefore.X - 300, 1, "the indicator cells scrolled");
        (await firstUnit.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor")).ShouldBe("rgb(255, 255, 255)", "cells pass under an opaque column");
        await page.ScreenshotAsync(new() { Path = Shot("phone", "matrix-scrolled") });
        tab.ShouldBeClean();
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public async Task Desktop_OfficeNav_StaysOnOneLine_LogoutBesideTheLinks(string language)
    {
        await using BrowserPage tab = await OpenAsync(nameof(Desktop_OfficeNav_StaysOnOneLine_LogoutBesideTheLinks) + "_" + language, 1280, 800);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;
        await tab.GoAsync("/");
        if (language == "en")
        {
            await page.Locator("#language-switch button").ClickAsync();
            await page.WaitForLoadStateAsync(LoadState.Load);
            (await page.Locator("html").GetAttributeAsync("lang")).ShouldBe("en");
        }

        await Assertions.Expect(page.Locator("#nav-toggle")).ToBeHiddenAsync();
        var brand = (await page.Locator(".navbar-brand").BoundingBoxAsync())!;
        var admin = (await page.Locator("#nav-admin").BoundingBoxAsync())!;
        var logout = (await page.Locator("#logout").BoundingBoxAsync())!;
        double middle = brand.Y + (brand.Height / 2);
        (logout.Y < middle && logout.Y + logout.Height > middle).ShouldBeTrue($"logout at y={logout.Y} on the brand's line (y={brand.Y}, h={brand.Height})");
        (admin.Y < middle && admin.Y + admin.Height > middle).ShouldBeTrue("the links on the same line");
        (logout.X + logout.Width).ShouldBeLessThanOrEqualTo(1280);
        (await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")).ShouldBeLessThanOrEqualTo(1280);
        await page.Locator("nav.navbar").ScreenshotAsync(new() { Path = Shot("desktop", "nav-" + language) });
        tab.ShouldBeClean();
    }

    [Fact]
    public async Task Map_LabelsOnEveryFill_AndOnTheDenseTownshipMapOnlyUnderThePointer()
    {
        await using BrowserPage tab = await OpenAsync(nameof(Map_LabelsOnEveryFill_AndOnTheDenseTownshipMapOnlyUnderThePointer), 1280, 900);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;

        await tab.GoAsync("/map?scheme=LC-COUNTY");
        await Assertions.Expect(page.Locator("#geo-map canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#geo-map")).ToHaveAttributeAsync("data-dense", "false");
        await page.WaitForTimeoutAsync(800);
        await page.Locator("#geo-map").ScreenshotAsync(new() { Path = Shot("desktop", "map-counties") });

        await tab.GoAsync("/map?scheme=LC-COUNTY&mode=warning");
        await Assertions.Expect(page.Locator("#geo-map canvas")).ToHaveCountAsync(1);
        await page.WaitForTimeoutAsync(800);
        await page.Locator("#geo-map").ScreenshotAsync(new() { Path = Shot("desktop", "map-counties-warning") });

        await tab.GoAsync("/map?scheme=LC-TOWN");
        await Assertions.Expect(page.Locator("#geo-map canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#geo-map")).ToHaveAttributeAsync("data-dense", "true");
        await page.WaitForTimeoutAsync(800);
        await page.Locator("#geo-map").ScreenshotAsync(new() { Path = Shot("desktop", "map-townships") });
        var box = (await page.Locator("#geo-map canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + (box.Width / 2), box.Y + (box.Height / 2));
        await page.WaitForTimeoutAsync(500);
        await page.Locator("#geo-map").ScreenshotAsync(new() { Path = Shot("desktop", "map-townships-hover") });

        await page.SetViewportSizeAsync(Phone, 844);
        await tab.GoAsync("/map?scheme=LC-COUNTY");
        await page.WaitForTimeoutAsync(800);
        await page.ScreenshotAsync(new() { Path = Shot("phone", "map-counties"), FullPage = true });
        tab.ShouldBeClean();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(Phone)]
    public async Task League_OfTheTownships_ShowsFiftyAPage_ThePagerLeadsOn_AndItFitsTheScreen(int width)
    {
        await using BrowserPage tab = await OpenAsync(nameof(League_OfTheTownships_ShowsFiftyAPage_ThePagerLeadsOn_AndItFitsTheScreen) + "_" + width.ToString(System.Globalization.CultureInfo.InvariantCulture), width, 844);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;
        await tab.GoAsync("/league?scheme=LC-TOWN");
        ILocator rows = page.Locator("#league-table tbody tr");
        (await rows.CountAsync()).ShouldBe(50, "the 150 townships are shown 50 a page");
        await Assertions.Expect(page.Locator(".unit-pager .page-of")).ToContainTextAsync("第 1/3 页");
        (await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width);
        await page.ScreenshotAsync(new() { Path = Shot(width == Phone ? "phone" : "desktop", "league-paged"), FullPage = true });

        string lastRank = await rows.Last.Locator("td.rank").InnerTextAsync();
        await page.Locator(".unit-pager a[rel=next]").ClickAsync();
        await page.WaitForURLAsync("**p=2");
        (await rows.CountAsync()).ShouldBe(50);
        int first = int.Parse(new string([.. (await rows.First.Locator("td.rank").InnerTextAsync()).TakeWhile(char.IsDigit)]), System.Globalization.CultureInfo.InvariantCulture);
        first.ShouldBeGreaterThanOrEqualTo(int.Parse(new string([.. lastRank.TakeWhile(char.IsDigit)]), System.Globalization.CultureInfo.InvariantCulture), "page 2 goes on with the whole table's ranks");
        tab.ShouldBeClean();
    }

    [Theory]
    [InlineData(1280)]
    [InlineData(Phone)]
    public async Task SchemeAdmin_RankSensitivity_NamesTheFactorsInTheOfficesWords_AndFitsTheScreen(int width)
    {
        await using BrowserPage tab = await OpenAsync(nameof(SchemeAdmin_RankSensitivity_NamesTheFactorsInTheOfficesWords_AndFitsTheScreen) + "_" + width.ToString(System.Globalization.CultureInfo.InvariantCulture), width, 844);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;
        await tab.GoAsync("/admin/schemes/LC-COUNTY");
        ILocator section = page.Locator("#sensitivity");
        await Assertions.Expect(section).ToBeVisibleAsync();

        // The demo county scheme's ranks do move under ±25% weights: the largest factors are listed, by name.
        ILocator rows = page.Locator("#sensitivity-rows tbody tr");
        (await rows.CountAsync()).ShouldBeInRange(1, 10);
        (await section.InnerTextAsync()).ShouldNotContain("indicator_weight");
        (await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width);
        await section.ScrollIntoViewIfNeededAsync();
        await section.ScreenshotAsync(new() { Path = Shot(width == Phone ? "phone" : "desktop", "scheme-sensitivity") });
        tab.ShouldBeClean();
    }

    [Theory]
    [InlineData(1280, "C09")]
    [InlineData(Phone, "C08")]
    public async Task UnitPage_WhatItTakes_IsWorkedOutInTheBackground_ThenShownWithTheValuesNeeded(int width, string unit)
    {
        await using BrowserPage tab = await OpenAsync(nameof(UnitPage_WhatItTakes_IsWorkedOutInTheBackground_ThenShownWithTheValuesNeeded) + "_" + width.ToString(System.Globalization.CultureInfo.InvariantCulture), width, 844);
        await tab.LoginAsync("admin", BrowserApp.AdminPassword);
        IPage page = tab.Page;
        string url = "/unit/" + unit + "?scheme=LC-COUNTY";
        await tab.GoAsync(url);

        // The page never works it out itself: until the background service has stored the answer
        // (the page asked for this unit first), it says so and offers a refresh.
        for (int i = 0; i < 90 && await page.Locator("#unit-wit-pending").CountAsync() > 0; i++)
        {
            await page.WaitForTimeoutAsync(1000);
            await tab.GoAsync(url);
        }

        ILocator section = page.Locator("#unit-what-it-takes");
        await Assertions.Expect(page.Locator("#unit-wit-up tbody tr").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#unit-wit-first tbody tr").First).ToBeVisibleAsync();
        string text = await section.InnerTextAsync();
        text.ShouldNotContain("NaN");
        text.ShouldNotContain("Infinity");
        (await page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width);
        await section.ScrollIntoViewIfNeededAsync();
        await section.ScreenshotAsync(new() { Path = Shot(width == Phone ? "phone" : "desktop", "unit-what-it-takes") });
        tab.ShouldBeClean();
    }

    private async Task<BrowserPage> OpenAsync(string test, int width, int height)
    {
        BrowserPage tab = await chromium.OpenAsync(fixture.App, test);
        await tab.Page.SetViewportSizeAsync(width, height);
        return tab;
    }

    private static string Shot(string size, string path)
    {
        string name = new(path.Trim('/').Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_').ToArray());
        string folder = Path.Combine(Chromium.ScreenshotFolder, "layout");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{size}-{(name.Length == 0 ? "home" : name)}.png");
    }
}
